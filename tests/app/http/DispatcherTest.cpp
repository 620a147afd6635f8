// The dispatcher on its own, with a handler of the test's: requests that hold their threads let
// spare threads serve the others, an idle connection is closed after its time while a long
// request is not, and many connections are served by the few threads waiting on the set.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include "http/Dispatcher.hpp"
#include "http/Wire.hpp"

namespace reemploi::test {
namespace {

using app::http::Connection;
using app::http::Dispatcher;
namespace wire = app::http::wire;

// Answers each request with its target as the body; "/hold" waits until the test lets go.
class Handler {
public:
    Dispatcher::Next operator()(Connection &c) {
        wire::RequestHead head;
        if (c.reader.readHead(head) == wire::Reader::Outcome::Closed) return Dispatcher::Next::Close;
        if (head.target == "/hold") {
            std::unique_lock lock(_m);
            ++_holding;
            _changed.notify_all();
            _changed.wait(lock, [this] { return _released; });
            --_holding;
        }
        std::string answer = wire::HeadWriter(200).field("Content-Length", std::to_string(head.target.size())).finish();
        answer += head.target;
        wire::sendAll(c.socket, answer);
        return Dispatcher::Next::KeepOpen;
    }

    // Until `n` requests are held (10 s at most).
    bool waitHolding(int n) {
        std::unique_lock lock(_m);
        return _changed.wait_for(lock, std::chrono::seconds(10), [&] { return _holding == n; });
    }
    void release() {
        std::lock_guard lock(_m);
        _released = true;
        _changed.notify_all();
    }

private:
    std::mutex _m;
    std::condition_variable _changed;
    int _holding = 0;
    bool _released = false;
};

class Client {
public:
    explicit Client(int port) : _socket(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port))) {
        _socket.setReceiveTimeout(Poco::Timespan(10, 0));
    }
    void send(const std::string &target) {
        std::string request = "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
        _socket.sendBytes(request.data(), static_cast<int>(request.size()));
    }
    // The next answer's body (its length is the target's), or "" if the server closed first.
    std::string body(std::size_t length) {
        std::size_t end;
        while ((end = _pending.find("\r\n\r\n")) == std::string::npos || _pending.size() < end + 4 + length)
            if (!fill()) return "";
        std::string b = _pending.substr(end + 4, length);
        _pending.erase(0, end + 4 + length);
        return b;
    }
    // Waits for the server to close the connection (true), or 10 s of silence (false).
    bool closedByServer() {
        try {
            return !fill();
        } catch (const Poco::TimeoutException &) {
            return false;
        }
    }

private:
    bool fill() {
        char buffer[4096];
        int n = _socket.receiveBytes(buffer, sizeof buffer);
        if (n <= 0) return false;
        _pending.append(buffer, static_cast<std::size_t>(n));
        return true;
    }
    Poco::Net::StreamSocket _socket;
    std::string _pending;
};

struct Served {
    explicit Served(Dispatcher::Options options)
        : dispatcher(listening, options, [this](Connection &c) { return handler(c); }) {
        dispatcher.start();
    }
    ~Served() {
        handler.release();
        dispatcher.stop();
    }
    int port() const { return listening.address().port(); }

    Poco::Net::ServerSocket listening{Poco::Net::SocketAddress("127.0.0.1", 0)};
    Handler handler;
    Dispatcher dispatcher;
};

// Two threads wait on the set; four requests that hold theirs do not keep a fifth from its
// answer: a spare thread takes the place of each held one.
TEST(Dispatcher, RequestsThatHoldTheirThreadsLetSpareThreadsServeTheOthers) {
    Dispatcher::Options options;
    options.workers = 6;
    options.onSet = 2;
    Served s(options);
    std::vector<std::unique_ptr<Client>> holders;
    for (int i = 0; i < 4; ++i) {
        holders.push_back(std::make_unique<Client>(s.port()));
        holders.back()->send("/hold");
    }
    ASSERT_TRUE(s.handler.waitHolding(4)) << "four requests held: two threads on the set, then spares";
    Client quick(s.port());
    quick.send("/quick");
    EXPECT_EQ(quick.body(6), "/quick");
    // Four threads served the held requests: at least two were found held at a supervisor's look.
    EXPECT_GE(s.dispatcher.counts().allowed, 4u) << "two on the set, plus one for each request found held";

    s.handler.release();
    for (auto &h : holders) EXPECT_EQ(h->body(5), "/hold");
    // Every connection is served again once the held threads are free.
    for (int round = 0; round < 3; ++round) {
        quick.send("/again");
        EXPECT_EQ(quick.body(6), "/again");
        for (auto &h : holders) {
            h->send("/h2");
            EXPECT_EQ(h->body(3), "/h2");
        }
    }
}

// A connection kept alive without a request is closed after its idle time (here 1 s); one whose
// request is still being served is not, however long it takes.
TEST(Dispatcher, AnIdleConnectionIsClosedAfterItsTimeButNotOneBeingServed) {
    Dispatcher::Options options;
    options.workers = 4;
    options.onSet = 2;
    options.idleTimeout = std::chrono::seconds(1);
    Served s(options);
    Client held(s.port());
    held.send("/hold");
    ASSERT_TRUE(s.handler.waitHolding(1));
    Client idle(s.port());
    idle.send("/x");
    ASSERT_EQ(idle.body(2), "/x");
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(idle.closedByServer());
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));
    s.handler.release();
    EXPECT_EQ(held.body(5), "/hold");
}

// Two hundred kept-alive connections, each asking three times, served by the three threads
// waiting on the set; no spare thread is needed for requests that are answered at once.
TEST(Dispatcher, ManyConnectionsAreServedByTheThreadsOnTheSet) {
    Dispatcher::Options options;
    options.workers = 8;
    options.onSet = 3;
    Served s(options);
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 200; ++i) clients.push_back(std::make_unique<Client>(s.port()));
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 200; ++i) clients[i]->send("/c" + std::to_string(1000 + i));
        for (int i = 0; i < 200; ++i) EXPECT_EQ(clients[i]->body(6), "/c" + std::to_string(1000 + i));
    }
    EXPECT_EQ(s.dispatcher.counts().connections, 200u);
    EXPECT_LE(s.dispatcher.counts().active, 8u);
}

}  // namespace
}  // namespace reemploi::test
