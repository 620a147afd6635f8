// Connections in one epoll set, served by the threads that wait on it (see Dispatcher.hpp).
#include "http/Dispatcher.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <stdexcept>

#include <Poco/Exception.h>

namespace reemploi::app::http {

namespace {

using Clock = std::chrono::steady_clock;

// A request served for this long holds its thread (a handler waiting for the database, a large
// upload, a client reading slowly): another takes its place on the set.
constexpr std::int64_t kHeld = std::chrono::nanoseconds(std::chrono::milliseconds(5)).count();
constexpr std::int64_t kSecond = std::chrono::nanoseconds(std::chrono::seconds(1)).count();

std::int64_t nowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}


// Both directions, on the descriptor: the thread serving the connection (or taking it from the set)
// reads its end. Not through Poco: a TLS socket's shutdown writes through OpenSSL's state, which
// that thread may be using.
void shutDown(Connection &c) { ::shutdown(c.socket.impl()->sockfd(), SHUT_RDWR); }

// One-shot: a connection is reported to one thread, and to none until that thread puts it back.
constexpr std::uint32_t kReadable = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;

}  // namespace

Connection::Connection(const Poco::Net::StreamSocket &s, std::chrono::seconds receiveTimeout) : socket(s) {
    socket.setReceiveTimeout(Poco::Timespan(receiveTimeout.count(), 0));
    socket.setSendTimeout(Poco::Timespan(60, 0));  // a client that stops reading its answer
    socket.setNoDelay(true);  // an answer is one send: nothing to gain from waiting to fill a segment
    peer = socket.peerAddress().host().toString();
}

bool Connection::hasPending() {
    if (reader.hasBuffered()) return true;
    // What OpenSSL has decrypted and not handed over (SSL_pending): never seen by epoll.
    return secure && socket.available() > 0;
}

thread_local Dispatcher::Worker *Dispatcher::tSelf = nullptr;

Dispatcher::Dispatcher(Poco::Net::ServerSocket &listening, Options options, Serve serve)
    : _listening(listening), _options(std::move(options)), _serve(std::move(serve)),
      _target(_options.onSet ? _options.onSet : std::max(2u, std::thread::hardware_concurrency())) {}

Dispatcher::~Dispatcher() { stop(); }

void Dispatcher::start() {
    _epoll = ::epoll_create1(EPOLL_CLOEXEC);
    _wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (_epoll < 0 || _wake < 0) throw std::runtime_error(std::string("epoll: ") + std::strerror(errno));
    epoll_event e{};
    e.events = EPOLLIN;  // level-triggered: once written, every thread that waits sees it
    e.data.ptr = nullptr;
    ::epoll_ctl(_epoll, EPOLL_CTL_ADD, _wake, &e);
    {
        std::lock_guard lock(_m);
        _allowed = _target;
        for (int i = 0; i < std::max(1, _options.workers); ++i) startWorker();
    }
    _supervisor = std::thread([this] { superviseLoop(); });
    _acceptor = std::thread([this] { acceptLoop(); });
}

void Dispatcher::stop() {
    {
        std::lock_guard lock(_m);
        if (_epoll < 0 || _stopping) return;
        _stopping = true;
        _spare.notify_all();
        _supervise.notify_all();
    }
    std::uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(_wake, &one, sizeof one);
    if (_acceptor.joinable()) _acceptor.join();
    if (_supervisor.joinable()) _supervisor.join();
    std::list<Worker> workers;
    {
        std::lock_guard lock(_m);
        // A thread waiting in a read for the rest of a request (or an event stream's next write)
        // wakes with an error; the others finish what they serve.
        for (auto &[c, owned] : _connections) shutDown(*c);
    }
    // Threads leave the list only here; a thread that left the pool may still start a replacement
    // until it sees _stopping, so take the list under the lock until it stays empty.
    for (;;) {
        {
            std::lock_guard lock(_m);
            if (_workers.empty()) break;
            workers.splice(workers.end(), _workers);
        }
        for (auto &w : workers)
            if (w.thread.joinable()) w.thread.join();
        workers.clear();
    }
    std::lock_guard lock(_m);
    _connections.clear();
    ::close(_epoll);
    ::close(_wake);
    _epoll = _wake = -1;
}

Dispatcher::Counts Dispatcher::counts() {
    std::lock_guard lock(_m);
    return {_active.load(), _allowed.load(), _connections.size()};
}

void Dispatcher::startWorker() {
    // Threads that ended (after an event stream) are joined here, so that they do not pile up.
    for (auto it = _workers.begin(); it != _workers.end();) {
        if (it->finished) {
            it->thread.join();
            it = _workers.erase(it);
        } else {
            ++it;
        }
    }
    auto &w = _workers.emplace_back();
    w.thread = std::thread([this, &w] {
        tSelf = &w;
        workerLoop(w);
        std::lock_guard lock(_m);
        w.finished = true;
    });
}

void Dispatcher::leavePool() {
    std::lock_guard lock(_m);
    if (!tSelf || tSelf->left) return;
    tSelf->left = true;
    tSelf->servingSince = 0;  // not held: it is no longer the pool's
    --_active;
    if (!_stopping) startWorker();
}

void Dispatcher::acceptLoop() {
    while (!_stopping) {
        Poco::Net::StreamSocket socket;
        try {
            if (!_listening.poll(Poco::Timespan(0, 250'000), Poco::Net::Socket::SELECT_READ)) continue;
            socket = _listening.acceptConnection();
        } catch (const Poco::Exception &e) {
            // A client that went before it was accepted, a TLS handshake refused, no file left.
            continue;
        }
        try {
            auto c = std::make_unique<Connection>(socket, _options.receiveTimeout);
            c->secure = _options.secure;
            c->idleSince = nowNs();
            std::lock_guard lock(_m);
            if (_stopping || _connections.size() >= _options.maxConnections) continue;  // closed as it goes
            epoll_event e{};
            e.events = kReadable;
            e.data.ptr = c.get();
            if (::epoll_ctl(_epoll, EPOLL_CTL_ADD, c->socket.impl()->sockfd(), &e) != 0) continue;
            _connections.emplace(c.get(), std::move(c));
        } catch (const Poco::Exception &) {
            continue;  // closed before its session could be set up
        }
    }
}

// Looks every kHeld while requests are served (once a second otherwise): lets one more thread on
// the set for each request held, and shuts idle connections down.
void Dispatcher::superviseLoop() {
    std::unique_lock lock(_m);
    auto lastSweep = nowNs();
    while (!_stopping) {
        bool serving = std::any_of(_workers.begin(), _workers.end(),
                                   [](const Worker &w) { return !w.left && w.servingSince.load() != 0; });
        if (!serving) _supervisorResting = true;  // the next request to begin wakes it
        _supervise.wait_for(lock, std::chrono::nanoseconds(serving ? kHeld : kSecond));
        if (_stopping) break;
        const auto now = nowNs();
        resizeForHeld(now);
        if (now - lastSweep >= kSecond) {
            sweepIdle(now);
            lastSweep = now;
        }
    }
}

void Dispatcher::resizeForHeld(std::int64_t now) {
    unsigned held = 0;
    for (const auto &w : _workers) {
        const auto since = w.servingSince.load();
        if (!w.left && since != 0 && now - since >= kHeld) ++held;
    }
    const unsigned allowed = _target + held;
    // Fewer: the threads beyond step back after their request.
    for (unsigned more = _allowed; more < allowed; ++more) _spare.notify_one();
    _allowed = allowed;
}

void Dispatcher::workerLoop(Worker &self) {
    for (;;) {
        {
            std::unique_lock lock(_m);
            _spare.wait(lock, [this] { return _stopping || _active < _allowed; });
            if (_stopping) return;
            ++_active;
        }
        if (!serveFromSet(self)) return;
    }
}

// Takes ready connections from the set one at a time; returns true when this thread steps back
// (more threads on the set than allowed), false when it ends (stop, or it left the pool).
bool Dispatcher::serveFromSet(Worker &self) {
    for (;;) {
        epoll_event e{};
        int n = ::epoll_wait(_epoll, &e, 1, -1);
        if (n < 0 && errno != EINTR) {
            std::cerr << "reemploi serve: epoll_wait: " << std::strerror(errno) << '\n';
            std::lock_guard lock(_m);
            --_active;
            return false;
        }
        if (n <= 0) continue;
        auto *c = static_cast<Connection *>(e.data.ptr);
        if (!c) {  // stop(): the eventfd stays readable, so the next waiting thread sees it too
            std::lock_guard lock(_m);
            --_active;
            return false;
        }
        serveConnection(self, c);
        if (self.left) return false;  // its place was taken when it left (written by this thread only)
        if (_active.load(std::memory_order_relaxed) > _allowed.load(std::memory_order_relaxed)) {
            std::lock_guard lock(_m);
            if (_active > _allowed) {
                --_active;
                return true;
            }
        }
    }
}

void Dispatcher::serveConnection(Worker &self, Connection *c) {
    // Takes the connection over from the thread that served it last: the exchange reads that
    // thread's `busy = false` (release), so all it did to the connection is seen here. The kernel
    // orders them too (epoll's locks), but in a way the thread sanitizer does not know.
    c->busy.exchange(true, std::memory_order_acq_rel);
    self.servingSince = nowNs();
    if (_supervisorResting.load(std::memory_order_relaxed) && _supervisorResting.exchange(false)) {
        std::lock_guard lock(_m);
        _supervise.notify_one();
    }
    Next next = Next::Close;
    try {
        do {
            next = _serve(*c);
        } while (next == Next::KeepOpen && c->hasPending());
    } catch (const std::exception &) {
        next = Next::Close;  // the connection broke: only it is lost
    }
    self.servingSince = 0;
    if (next == Next::KeepOpen && !_stopping) {
        const int fd = c->socket.impl()->sockfd();
        c->idleSince = nowNs();
        c->busy.store(false, std::memory_order_release);  // the last touch before it goes back
        epoll_event e{};
        e.events = kReadable;
        e.data.ptr = c;
        // Back in the set: from here another thread may take it, serve it, even close it.
        if (::epoll_ctl(_epoll, EPOLL_CTL_MOD, fd, &e) == 0) return;
    }
    std::lock_guard lock(_m);
    close(c);
}

void Dispatcher::close(Connection *c) {
    ::epoll_ctl(_epoll, EPOLL_CTL_DEL, c->socket.impl()->sockfd(), nullptr);
    _connections.erase(c);  // the socket closes with its last reference
}

// An idle connection is shut down, not closed here: a thread may be taking it from the set at
// this moment. The shutdown makes it readable; the thread that takes it reads its end and closes it.
void Dispatcher::sweepIdle(std::int64_t now) {
    const auto timeout = std::chrono::nanoseconds(_options.idleTimeout).count();
    for (auto &[c, owned] : _connections) {
        if (c->swept || c->busy || now - c->idleSince.load() < timeout) continue;
        c->swept = true;
        shutDown(*c);
    }
}

}  // namespace reemploi::app::http
