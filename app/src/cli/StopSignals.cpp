// The handler only does what is async-signal-safe: a lock-free store into the cancel token and a
// byte written to a pipe that waitForStop() reads (whichever thread the kernel interrupts).
#include "cli/StopSignals.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>

#include <fcntl.h>
#include <unistd.h>

namespace reemploi::app {

namespace {

std::atomic<diagnostics::CancelToken *> gToken{nullptr};
std::atomic<bool> gReceived{false};
int gPipe[2] = {-1, -1};
struct sigaction gOldInt {}, gOldTerm {};

static_assert(std::atomic<diagnostics::CancelToken *>::is_always_lock_free);

extern "C" void onStopSignal(int) {
    const int saved = errno;
    gReceived.store(true);
    if (auto *token = gToken.load()) token->cancel();
    if (gPipe[1] >= 0) {
        ssize_t n = ::write(gPipe[1], "!", 1);
        (void)n;  // a full pipe already wakes the reader
    }
    errno = saved;
}

}  // namespace

StopSignals::StopSignals(diagnostics::CancelToken *token) {
    gReceived = false;
    gToken = token;
    if (::pipe2(gPipe, O_CLOEXEC) != 0) gPipe[0] = gPipe[1] = -1;
    else ::fcntl(gPipe[1], F_SETFL, O_NONBLOCK);  // a full pipe never blocks the handler
    struct sigaction sa {};
    sa.sa_handler = onStopSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &sa, &gOldInt);
    ::sigaction(SIGTERM, &sa, &gOldTerm);
}

StopSignals::~StopSignals() {
    ::sigaction(SIGINT, &gOldInt, nullptr);
    ::sigaction(SIGTERM, &gOldTerm, nullptr);
    gToken = nullptr;
    for (int &fd : gPipe) {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
}

bool StopSignals::received() const { return gReceived.load(); }

void StopSignals::waitForStop() {
    char byte;
    while (!gReceived.load() && gPipe[0] >= 0) {
        ssize_t n = ::read(gPipe[0], &byte, 1);
        if (n < 0 && errno != EINTR) break;
    }
}

}  // namespace reemploi::app
