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

#include "http/Dispatcher.hpp"
#include "http/Wire.hpp"
#include "app/http/RawClient.hpp"

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

Dispatcher::Options options(int workers, unsigned onSet) {
    Dispatcher::Options o;
    o.workers = workers;
    o.onSet = onSet;
    return o;
}

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
    Served s(options(6, 2));
    std::vector<std::unique_ptr<RawClient>> holders;
    for (int i = 0; i < 4; ++i) {
        holders.push_back(std::make_unique<RawClient>(s.port()));
        holders.back()->send(get("/hold"));
    }
    ASSERT_TRUE(s.handler.waitHolding(4)) << "four requests held: two threads on the set, then spares";
    RawClient quick(s.port());
    quick.send(get("/quick"));
    EXPECT_EQ(quick.read().body, "/quick");
    // Four threads served the held requests: at least two were found held at a supervisor's look.
    EXPECT_GE(s.dispatcher.counts().allowed, 4u) << "two on the set, plus one for each request found held";

    s.handler.release();
    for (auto &h : holders) EXPECT_EQ(h->read().body, "/hold");
    // Every connection is served again once the held threads are free.
    for (int round = 0; round < 3; ++round) {
        quick.send(get("/again"));
        EXPECT_EQ(quick.read().body, "/again");
        for (auto &h : holders) {
            h->send(get("/h2"));
            EXPECT_EQ(h->read().body, "/h2");
        }
    }
}

// A connection kept alive without a request is closed after its idle time (here 1 s); one whose
// request is still being served is not, however long it takes.
TEST(Dispatcher, AnIdleConnectionIsClosedAfterItsTimeButNotOneBeingServed) {
    auto o = options(4, 2);
    o.idleTimeout = std::chrono::seconds(1);
    Served s(o);
    RawClient held(s.port());
    held.send(get("/hold"));
    ASSERT_TRUE(s.handler.waitHolding(1));
    RawClient idle(s.port());
    idle.send(get("/x"));
    ASSERT_EQ(idle.read().body, "/x");
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(idle.closedByServer());
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));
    s.handler.release();
    EXPECT_EQ(held.read().body, "/hold");
}

// Two hundred kept-alive connections, each asking three times, served by the three threads
// waiting on the set; no spare thread is needed for requests that are answered at once.
TEST(Dispatcher, ManyConnectionsAreServedByTheThreadsOnTheSet) {
    Served s(options(8, 3));
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < 200; ++i) clients.push_back(std::make_unique<RawClient>(s.port()));
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 200; ++i) clients[i]->send(get("/c" + std::to_string(1000 + i)));
        for (int i = 0; i < 200; ++i) EXPECT_EQ(clients[i]->read().body, "/c" + std::to_string(1000 + i));
    }
    EXPECT_EQ(s.dispatcher.counts().connections, 200u);
    EXPECT_LE(s.dispatcher.counts().active, 8u);
}

}  // namespace
}  // namespace reemploi::test
