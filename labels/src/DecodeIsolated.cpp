// The barcode reader in a child process. ZXing-cpp 1.4 (Debian's) stops the whole process with
// a failed assert() on some images (fuzz/barcode.cpp found one: `intersect` of two regression
// lines, under the concentric-pattern finder that the QR, Micro QR and Aztec detectors share): a photo sent from a phone must not take
// the web server, and everyone's running wipes, down with it. The child is forked, decodes,
// writes its answer into a pipe and leaves with _exit; the parent reads it, bounded in time.
//
// fork() without exec in a threaded server: the child touches only memory it owns (the image,
// ZXing, malloc — which glibc keeps usable across fork), writes to the pipe and _exit()s.
#include <reemploi/labels/Decode.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace reemploi::labels {

namespace {

void putU32(std::string &out, std::uint32_t v) { out.append(reinterpret_cast<const char *>(&v), sizeof v); }
void putText(std::string &out, const std::string &s) {
    putU32(out, static_cast<std::uint32_t>(s.size()));
    out += s;
}

class Reader {
public:
    explicit Reader(std::string_view bytes) : _bytes(bytes) {}
    bool u32(std::uint32_t &v) {
        if (_bytes.size() - _at < sizeof v) return false;
        std::memcpy(&v, _bytes.data() + _at, sizeof v);
        _at += sizeof v;
        return true;
    }
    bool text(std::string &s) {
        std::uint32_t n = 0;
        if (!u32(n) || _bytes.size() - _at < n) return false;
        s.assign(_bytes.data() + _at, n);
        _at += n;
        return true;
    }

private:
    std::string_view _bytes;
    std::size_t _at = 0;
};

// The child's answer: 'R', count, then each barcode; or 'E', the error's code and message.
std::string serialise(const Result<std::vector<DecodedBarcode>> &found) {
    std::string out;
    if (!found) {
        out += 'E';
        putU32(out, static_cast<std::uint32_t>(found.error().code));
        putText(out, found.error().message);
        return out;
    }
    out += 'R';
    putU32(out, static_cast<std::uint32_t>(found->size()));
    for (const auto &b : *found) {
        putText(out, b.format);
        putText(out, b.text);
        for (const auto &p : b.position) {
            putU32(out, static_cast<std::uint32_t>(p.x));
            putU32(out, static_cast<std::uint32_t>(p.y));
        }
        putU32(out, static_cast<std::uint32_t>(b.orientation));
    }
    return out;
}

Result<std::vector<DecodedBarcode>> deserialise(std::string_view bytes) {
    auto broken = [] { return makeError(Errc::Internal, "the barcode reader's answer is cut short"); };
    if (bytes.empty()) return broken();
    Reader in(bytes.substr(1));
    if (bytes[0] == 'E') {
        std::uint32_t code = 0;
        std::string message;
        if (!in.u32(code) || !in.text(message)) return broken();
        return makeError(static_cast<Errc>(code), message);
    }
    std::uint32_t count = 0;
    if (bytes[0] != 'R' || !in.u32(count)) return broken();
    std::vector<DecodedBarcode> out;
    for (std::uint32_t i = 0; i < count; ++i) {
        DecodedBarcode b;
        std::uint32_t v = 0;
        if (!in.text(b.format) || !in.text(b.text)) return broken();
        for (auto &p : b.position) {
            if (!in.u32(v)) return broken();
            p.x = static_cast<int>(v);
            if (!in.u32(v)) return broken();
            p.y = static_cast<int>(v);
        }
        if (!in.u32(v)) return broken();
        b.orientation = static_cast<int>(v);
        out.push_back(std::move(b));
    }
    return out;
}

void writeAll(int fd, const std::string &bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace

Result<std::vector<DecodedBarcode>> decodeIsolated(const GreyImage &image, const DecodeOptions &options,
                                                   std::chrono::milliseconds limit) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return makeError(Errc::Io, std::string("cannot start the barcode reader: ") + std::strerror(errno));
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int e = errno;
        ::close(fds[0]);
        ::close(fds[1]);
        return makeError(Errc::Io, std::string("cannot start the barcode reader: ") + std::strerror(e));
    }
    if (pid == 0) {
        ::close(fds[0]);
        // The parent's handlers (a server's stop signals) are not the child's business.
        ::signal(SIGTERM, SIG_DFL);
        ::signal(SIGINT, SIG_DFL);
        ::signal(SIGPIPE, SIG_IGN);
        // A failed assert() prints ZXing's source line: the parent's message says it for people.
        if (int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC); null >= 0) ::dup2(null, STDERR_FILENO);
        std::string answer;
        try {
            answer = serialise(decode(image, options));
        } catch (const std::exception &e) {
            answer = serialise(makeError(Errc::Internal, std::string("the barcode reader failed: ") + e.what()));
        }
        writeAll(fds[1], answer);
        ::_exit(0);
    }
    ::close(fds[1]);
    std::string answer;
    bool timedOut = false;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timedOut = true;
            break;
        }
        pollfd p{fds[0], POLLIN, 0};
        int ready = ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 1000)));
        if (ready < 0 && errno != EINTR) break;
        if (ready <= 0) continue;
        char buffer[16384];
        ssize_t n = ::read(fds[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // the child closed its end: it is done, or dead
        answer.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    if (timedOut) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timedOut)
        return makeError(Errc::Timeout, "the barcode reader took more than " + std::to_string(limit.count() / 1000) +
                                            " s on this image and was stopped: take a closer, sharper photo");
    if (WIFSIGNALED(status))
        return makeError(Errc::InvalidInput, std::string("the barcode reader (ZXing) failed on this image (") +
                                                 ::strsignal(WTERMSIG(status)) +
                                                 "): nothing was read; take another photo, or type the code");
    return deserialise(answer);
}

}  // namespace reemploi::labels
