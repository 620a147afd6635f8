// Connections in one epoll set, a pool of threads for the ready ones (see Dispatcher.hpp).
#include "http/Dispatcher.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
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

// A request that waited this long for a thread means the running ones are held (a handler waiting
// for the database, a large upload): one more is woken.
constexpr auto kQueueWait = std::chrono::milliseconds(5);

thread_local bool tLeftPool = false;  // this pool thread serves one long answer, then ends

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

Dispatcher::Dispatcher(Poco::Net::ServerSocket &listening, Options options, Serve serve)
    : _listening(listening), _options(std::move(options)), _serve(std::move(serve)),
      _runningTarget(std::max(1u, std::thread::hardware_concurrency()) + 1) {}

Dispatcher::~Dispatcher() { stop(); }

void Dispatcher::start() {
    _epoll = ::epoll_create1(EPOLL_CLOEXEC);
    _wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (_epoll < 0 || _wake < 0) throw std::runtime_error(std::string("epoll: ") + std::strerror(errno));
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.ptr = nullptr;  // the wake-up
    ::epoll_ctl(_epoll, EPOLL_CTL_ADD, _wake, &e);
    {
        std::lock_guard lock(_m);
        for (int i = 0; i < std::max(1, _options.workers); ++i) startWorker();
    }
    _poller = std::thread([this] { pollLoop(); });
    _acceptor = std::thread([this] { acceptLoop(); });
}

void Dispatcher::stop() {
    {
        std::lock_guard lock(_m);
        if (_epoll < 0 || _stopping) return;
        _stopping = true;
    }
    std::uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(_wake, &one, sizeof one);
    if (_acceptor.joinable()) _acceptor.join();
    if (_poller.joinable()) _poller.join();
    std::list<Worker> workers;
    {
        std::lock_guard lock(_m);
        // A thread waiting in a read for the rest of a request (or an event stream's next write)
        // wakes with an error; the others finish what they serve.
        for (auto &[c, owned] : _connections) {
            try {
                c->socket.shutdown();
            } catch (const Poco::Exception &) {
                // Already closed by the client.
            }
        }
        _ready.notify_all();
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
    _queue.clear();
    _connections.clear();
    ::close(_epoll);
    ::close(_wake);
    _epoll = _wake = -1;
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
    ++_running;  // until it first waits
    auto &w = _workers.emplace_back();
    w.thread = std::thread([this, &w] {
        workerLoop();
        std::lock_guard lock(_m);
        w.finished = true;
    });
}

void Dispatcher::leavePool() {
    std::lock_guard lock(_m);
    if (tLeftPool) return;
    tLeftPool = true;
    --_running;
    if (!_stopping) startWorker();
}

void Dispatcher::acceptLoop() {
    for (;;) {
        {
            std::lock_guard lock(_m);
            if (_stopping) return;
        }
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
            c->idleSince = Clock::now();
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

void Dispatcher::pollLoop() {
    epoll_event events[64];
    auto lastSweep = Clock::now();
    for (;;) {
        int timeout;
        {
            std::lock_guard lock(_m);
            timeout = _queue.empty() ? 1000 : static_cast<int>(kQueueWait.count());
        }
        int n = ::epoll_wait(_epoll, events, 64, timeout);
        if (n < 0 && errno != EINTR) {
            std::cerr << "reemploi serve: epoll_wait: " << std::strerror(errno) << '\n';
            return;
        }
        const auto now = Clock::now();
        std::unique_lock lock(_m);
        if (_stopping) return;
        for (int i = 0; i < n; ++i) {
            auto *c = static_cast<Connection *>(events[i].data.ptr);
            if (!c) continue;  // the wake-up (stop)
            c->busy = true;
            _queue.emplace_back(c, now);
        }
        unsigned want = static_cast<unsigned>(std::min<std::size_t>(_queue.size(), _runningTarget));
        // The threads running are held: one more for the request that has waited.
        if (!_queue.empty() && now - _queue.front().second >= kQueueWait) want = _running + 1;
        wake(lock, want);
        if (now - lastSweep >= std::chrono::seconds(1)) {
            sweepIdle(now);
            lastSweep = now;
        }
    }
}

void Dispatcher::wake(std::unique_lock<std::mutex> &, unsigned want) {
    while (_running < want && _waiting > _permits) {
        ++_permits;
        ++_running;
        _ready.notify_one();
    }
}

void Dispatcher::workerLoop() {
    std::unique_lock lock(_m);
    for (;;) {
        if (_queue.empty() || _stopping) {
            if (_stopping) break;
            --_running;
            ++_waiting;
            _ready.wait(lock, [this] { return _permits > 0 || _stopping; });
            --_waiting;
            if (_permits > 0) --_permits;  // the waker counted this thread running
            else ++_running;
            continue;
        }
        Connection *c = _queue.front().first;
        _queue.pop_front();
        lock.unlock();
        Next next = Next::Close;
        try {
            do {
                next = _serve(*c);
            } while (next == Next::KeepOpen && c->hasPending());
        } catch (const std::exception &) {
            next = Next::Close;  // the connection broke: only it is lost
        }
        lock.lock();
        if (next == Next::KeepOpen && !_stopping) {
            c->busy = false;
            c->idleSince = Clock::now();
            rearm(c);
        } else {
            close(c);
        }
        if (tLeftPool) break;  // its place was taken when it left
    }
    if (!tLeftPool) --_running;
}

void Dispatcher::rearm(Connection *c) {
    epoll_event e{};
    e.events = kReadable;
    e.data.ptr = c;
    if (::epoll_ctl(_epoll, EPOLL_CTL_MOD, c->socket.impl()->sockfd(), &e) != 0) close(c);
}

void Dispatcher::close(Connection *c) {
    ::epoll_ctl(_epoll, EPOLL_CTL_DEL, c->socket.impl()->sockfd(), nullptr);
    _connections.erase(c);  // the socket closes with its last reference
}

void Dispatcher::sweepIdle(Clock::time_point now) {
    for (auto it = _connections.begin(); it != _connections.end();) {
        Connection *c = it->first;
        ++it;
        if (!c->busy && now - c->idleSince >= _options.idleTimeout) close(c);
    }
}

}  // namespace reemploi::app::http
