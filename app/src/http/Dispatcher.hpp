// The server's connections: kept-alive connections wait in one epoll set rather than in a thread
// each, and the pool's threads wait on that set themselves. A thread takes one ready connection,
// serves it and goes back to the set: under load the next connection is already there, so it goes
// from one request to the next without sleeping, and no request is handed from one thread to
// another (a wake-up, a switch, and a thread arriving on a core another task left cold). A thread
// per connection sleeps and is woken once per request, which cost the 2-core bench a third of its
// CPU (bench/http).
//
// A few threads wait on the set (one per core, as nginx has a worker per core); the others sleep
// until a request holds one of those for more than a few milliseconds (a handler waiting for the
// database, a large upload, a client reading slowly): one more then takes its place until it is
// free again.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include "http/Wire.hpp"

namespace reemploi::app::http {

// One client connection. Its reader keeps what the client sent beyond the request being served
// (a pipelined next request) from one turn to the next.
struct Connection {
    Connection(const Poco::Net::StreamSocket &s, std::chrono::seconds receiveTimeout);

    // Whether a next request is already here, read ahead or held by TLS: epoll would not report
    // it, since the socket has nothing more to read.
    bool hasPending();

    Poco::Net::StreamSocket socket;
    wire::SocketSource source{socket};
    wire::Reader reader{source};
    std::string peer;  // the client's address, asked once
    bool secure = false;
    int requests = 0;  // served on this connection
    // Being served (out of the epoll set), and idle since when (steady clock, ns): written by the
    // thread serving it, read by the idle sweep.
    std::atomic<bool> busy{false};
    std::atomic<std::int64_t> idleSince{0};
    bool swept = false;  // under the dispatcher's lock: shut down for its idle time, being closed
};

class Dispatcher {
public:
    enum class Next { KeepOpen, Close };
    // Serves the request that is ready on the connection (and any already read ahead); called on a
    // pool thread, never twice at once for a connection.
    using Serve = std::function<Next(Connection &)>;

    struct Options {
        int workers = 64;                                  // threads serving requests
        std::size_t maxConnections = 4096;                 // more are closed as they arrive
        std::chrono::seconds idleTimeout{15};              // a kept-alive connection with no request
        std::chrono::seconds receiveTimeout{15};           // silence in the middle of a request
        bool secure = false;                               // the listening socket is TLS
        unsigned onSet = 0;  // threads waiting on the set when none is held; 0: one per core (two at least)
    };

    Dispatcher(Poco::Net::ServerSocket &listening, Options options, Serve serve);
    ~Dispatcher();  // stop()
    Dispatcher(const Dispatcher &) = delete;
    Dispatcher &operator=(const Dispatcher &) = delete;

    void start();
    // Stops accepting, shuts every connection down (a thread waiting in a read wakes), lets the
    // running requests end and joins every thread.
    void stop();

    // For an answer that lasts (an event stream): the calling pool thread leaves the pool for the
    // rest of its connection, and a new thread takes its place.
    void leavePool();

    // Threads waiting on the epoll set or serving from it, and how many may: for tests.
    struct Counts {
        unsigned active = 0;
        unsigned allowed = 0;
        std::size_t connections = 0;
    };
    Counts counts();

private:
    struct Worker {
        std::thread thread;
        // When the request it serves began (steady clock, ns), 0 between requests: a request
        // served for longer than kHeld holds the thread, and another takes its place.
        std::atomic<std::int64_t> servingSince{0};
        // Serves one long answer outside the pool, then ends: written under _m by its own thread.
        bool left = false;
        bool finished = false;  // under _m: joined by the next startWorker
    };

    static thread_local Worker *tSelf;  // the pool thread's own Worker (leavePool is called from a handler)

    void acceptLoop();
    void superviseLoop();
    void workerLoop(Worker &self);
    bool serveFromSet(Worker &self);
    void serveConnection(Worker &self, Connection *c);
    void startWorker();
    void close(Connection *c);
    void sweepIdle(std::int64_t now);
    void resizeForHeld(std::int64_t now);

    Poco::Net::ServerSocket &_listening;
    Options _options;
    Serve _serve;
    int _epoll = -1;
    int _wake = -1;  // an eventfd in the epoll set: stop() wakes the waiting threads with it
    const unsigned _target;  // threads waiting on the set when none is held (Options::onSet)

    std::mutex _m;
    std::condition_variable _spare;      // threads beyond those allowed on the set
    std::condition_variable _supervise;  // the supervisor, between looks
    std::unordered_map<Connection *, std::unique_ptr<Connection>> _connections;
    // Threads on the set (waiting or serving) and how many may be: _target plus the held ones.
    // Written under _m, read without it by a thread deciding whether to step back.
    std::atomic<unsigned> _active{0};
    std::atomic<unsigned> _allowed{0};
    // The supervisor looks every kHeld while requests are served, once a second otherwise; the
    // first request after a quiet spell tells it.
    std::atomic<bool> _supervisorResting{false};
    std::atomic<bool> _stopping{false};

    std::list<Worker> _workers;
    std::thread _acceptor;
    std::thread _supervisor;
};

}  // namespace reemploi::app::http
