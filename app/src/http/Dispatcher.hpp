// The server's connections: kept-alive connections wait in one epoll set rather than in a thread
// each, and a pool of threads serves those that have a request ready. Under load a thread goes
// from one ready connection to the next without sleeping; a thread per connection sleeps and is
// woken once per request, which cost the 2-core bench a third of its CPU (bench/http).
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
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
    // Under the dispatcher's lock: being served (out of the epoll set), idle since when.
    bool busy = false;
    std::chrono::steady_clock::time_point idleSince;
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

private:
    void acceptLoop();
    void pollLoop();
    void workerLoop();
    void startWorker();
    void rearm(Connection *c);
    void close(Connection *c);
    void sweepIdle(std::chrono::steady_clock::time_point now);
    void wake(std::unique_lock<std::mutex> &lock, unsigned want);

    Poco::Net::ServerSocket &_listening;
    Options _options;
    Serve _serve;
    int _epoll = -1;
    int _wake = -1;  // an eventfd in the epoll set: stop() wakes the poller with it
    const unsigned _runningTarget;  // threads kept running while requests wait (the cores, plus one)

    std::mutex _m;
    std::condition_variable _ready;
    std::deque<std::pair<Connection *, std::chrono::steady_clock::time_point>> _queue;  // ready, since
    std::unordered_map<Connection *, std::unique_ptr<Connection>> _connections;
    // Pool threads that are running or were woken to (a permit each), and those waiting: the
    // poller wakes a waiting thread only while fewer than _runningTarget run, so that a busy
    // server is served by a few threads that never sleep rather than by many taking turns.
    unsigned _running = 0;
    unsigned _waiting = 0;
    unsigned _permits = 0;
    bool _stopping = false;

    struct Worker {
        std::thread thread;
        bool finished = false;  // under _m: joined by the next startWorker
    };
    std::list<Worker> _workers;
    std::thread _acceptor;
    std::thread _poller;
};

}  // namespace reemploi::app::http
