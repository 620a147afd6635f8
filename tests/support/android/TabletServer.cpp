// The emulated tablet's TCP listener.
#include "support/android/TabletServer.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <unistd.h>

namespace adb = reemploi::diagnostics::android;

namespace reemploi::testing::android {

Result<std::unique_ptr<TabletServer>> TabletServer::start(TabletState &state, int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return makeError(Errc::Io, std::string("socket: ") + std::strerror(errno));
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 || ::listen(fd, 8) != 0) {
        auto e = std::string(std::strerror(errno));
        ::close(fd);
        return makeError(Errc::Io, "127.0.0.1:" + std::to_string(port) + ": cannot listen (" + e + ")");
    }
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    std::unique_ptr<TabletServer> s(new TabletServer(state, fd, ntohs(a.sin_port)));
    s->_acceptor = std::thread([p = s.get()] { p->acceptLoop(); });
    return s;
}

TabletServer::TabletServer(TabletState &state, int fd, int port) : _state(state), _fd(fd), _port(port) {
    if (::pipe2(_wake, O_CLOEXEC) != 0) _wake[0] = _wake[1] = -1;
}

TabletServer::~TabletServer() {
    if (_wake[1] >= 0) (void)!::write(_wake[1], "x", 1);
    if (_acceptor.joinable()) _acceptor.join();
    {
        std::lock_guard g(_lock);
        for (int fd : _open) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto &t : _workers)
        if (t.joinable()) t.join();
    ::close(_fd);
    if (_wake[0] >= 0) ::close(_wake[0]), ::close(_wake[1]);
}

void TabletServer::acceptLoop() {
    for (;;) {
        pollfd p[2] = {{_fd, POLLIN, 0}, {_wake[0], POLLIN, 0}};
        if (::poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (p[1].revents) return;
        int c = ::accept4(_fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) continue;
        ++_connections;
        std::lock_guard g(_lock);
        _open.push_back(c);
        _workers.emplace_back([this, c] { serve(c); });
    }
}

void TabletServer::serve(int fd) {
    auto transport = adb::tcpTransportFromSocket(::dup(fd), "host");
    TabletSession session(_state);
    for (;;) {
        auto m = transport->receive(std::chrono::hours(1));
        if (!m) break;
        auto reply = session.onMessage(*m);
        if (reply.vanish) {
            for (const auto &out : reply.send) (void)transport->send(out);
            // Gone mid-stream: a reset connection, as when the cable is pulled.
            linger l{1, 0};
            ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
            break;
        }
        bool sent = true;
        for (const auto &out : reply.send) {
            if (_state.options().corruptChecksums && !out.data.empty()) {
                // A payload whose checksum does not match: what a line error looks like to an old host.
                auto bytes = adb::encodeHeader(out);
                bytes[16] ^= 1;
                bytes.insert(bytes.end(), out.data.begin(), out.data.end());
                sent = sent && ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
            } else {
                sent = sent && transport->send(out).ok();
            }
        }
        if (!sent || reply.close) break;
    }
    transport.reset();
    std::lock_guard g(_lock);
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
    _open.erase(std::remove(_open.begin(), _open.end(), fd), _open.end());
}

}  // namespace reemploi::testing::android
