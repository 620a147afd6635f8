// The server's connections as a raw client sees them: several requests on one keep-alive
// connection, pipelined requests answered in order, a malformed request answered (400, 414, 417,
// 431, 501, saying what is wrong) then closed, chunked bodies, Expect: 100-continue, HEAD,
// `Connection: close` and HTTP/1.0 honoured, many connections on a few threads, event streams
// outside the pool, and a stop that does not wait for idle connections.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "app/http/ApiServer.hpp"
#include "app/http/RawClient.hpp"

namespace reemploi::test {
namespace {

TEST(Connection, SeveralRequestsShareOneKeepAliveConnection) {
    ApiServer api;
    RawClient client(api.server->port());
    for (int i = 0; i < 3; ++i) {
        client.send(get("/api/units/RE-00000" + std::to_string(i)));
        auto r = client.read();
        EXPECT_EQ(r.status, 401) << r.head;  // not signed in, but answered on the same connection
        EXPECT_NE(r.body.find("sign in first"), std::string::npos) << r.body;
    }
}

TEST(Connection, PipelinedRequestsAreAnsweredInOrder) {
    ApiServer api;
    RawClient client(api.server->port());
    client.send(get("/api/no-such-one") + get("/api/no-such-two") + get("/api/no-such-three"));
    for (const char *name : {"no-such-one", "no-such-two", "no-such-three"}) {
        auto r = client.read();
        EXPECT_EQ(r.status, 404);
        EXPECT_NE(r.body.find(name), std::string::npos) << r.body;
    }
}

TEST(Connection, AMalformedRequestIsAnsweredThenClosed) {
    ApiServer api;
    const std::string post = "POST /api/login HTTP/1.1\r\nHost: localhost\r\n";
    std::string manyFields = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < 101; ++i) manyFields += "X-Field-" + std::to_string(i) + ": 1\r\n";
    const std::vector<std::pair<std::string, int>> cases = {
        {"THIS IS NOT HTTP\r\n\r\n", 400},
        {"GET / HTTP/2.0\r\n\r\n", 400},
        {"GET /a b HTTP/1.1\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nX-Long: " + std::string(9000, 'a') + "\r\n\r\n", 431},
        {manyFields + "\r\n", 431},
        {"GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n", 414},
        {"GET / HTTP/1.1\r\nX-A: 1\r\n  folded\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost : localhost\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nX-A: one\x01two\r\n\r\n", 400},
        {post + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
        {post + "Content-Length: 4x\r\n\r\nabcd", 400},
        {post + "Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcd", 400},
        {post + "Transfer-Encoding: gzip, chunked\r\n\r\n", 501},
        {post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
        {post + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n", 400},
        {post + "Expect: the-moon\r\nContent-Length: 2\r\n\r\n{}", 417},
    };
    for (const auto &[bytes, status] : cases) {
        RawClient client(api.server->port());
        client.send(bytes);
        auto r = client.read();
        EXPECT_EQ(r.status, status) << bytes.substr(0, 60);
        EXPECT_NE(r.head.find("Connection: close"), std::string::npos) << r.head;
        EXPECT_NE(r.body.find("\"message\""), std::string::npos) << r.body;  // says what is wrong
        EXPECT_TRUE(client.closedByServer()) << bytes.substr(0, 60);
    }
}

TEST(Connection, AChunkedBodyIsReadWhateverItsChunks) {
    ApiServer api;
    RawClient client(api.server->port());
    const std::string json = R"({"name":"tom","password":")" + kApiPassword + R"("})";
    // In three chunks, one with an extension, then a trailer field.
    std::string body;
    for (auto [from, size] : {std::pair{0, 5}, std::pair{5, 11}, std::pair{16, -1}}) {
        std::string part = json.substr(static_cast<std::size_t>(from), size < 0 ? std::string::npos : static_cast<std::size_t>(size));
        char hex[16];
        std::snprintf(hex, sizeof hex, "%zx", part.size());
        body += std::string(hex) + (from == 5 ? ";ext=1" : "") + "\r\n" + part + "\r\n";
    }
    body += "0\r\nX-Trailer: yes\r\n\r\n";
    client.send("POST /api/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                "Transfer-Encoding: chunked\r\n\r\n" + body + get("/api/nothing"));
    auto r = client.read();
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.body.find("\"csrf\""), std::string::npos) << r.body;
    EXPECT_EQ(client.read().status, 404) << "the next request follows the body where it ends";
}

TEST(Connection, ARequestArrivingAByteAtATimeIsRead) {
    ApiServer api;
    RawClient client(api.server->port());
    for (char c : get("/api/nothing-slow")) client.send(std::string(1, c));
    auto r = client.read();
    EXPECT_EQ(r.status, 404);
    EXPECT_NE(r.body.find("nothing-slow"), std::string::npos) << r.body;
}

TEST(Connection, Expect100ContinueIsAnsweredBeforeTheBody) {
    ApiServer api;
    {
        RawClient client(api.server->port());
        const std::string json = R"({"name":"tom","password":")" + kApiPassword + R"("})";
        client.send("POST /api/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                    "Content-Length: " + std::to_string(json.size()) + "\r\n\r\n");
        auto go = client.read();
        EXPECT_EQ(go.status, 100) << go.head;
        client.send(json);
        EXPECT_EQ(client.read().status, 200);
    }
    {   // too large: refused at once, the body never sent
        RawClient client(api.server->port());
        client.send("POST /api/login HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\n"
                    "Content-Length: 900000000\r\n\r\n");
        auto refused = client.read();
        EXPECT_EQ(refused.status, 413) << refused.head;
        EXPECT_TRUE(client.closedByServer());
    }
}

TEST(Connection, AHeadAnswerHasTheLengthButNoBody) {
    ApiServer api;
    RawClient client(api.server->port());
    client.send("HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n" + get("/api/nothing"));
    // The HEAD answer's Content-Length is the page's: read as a raw head, the next bytes must
    // be the next answer, not a body.
    auto next = client.readHeadOnly();
    EXPECT_EQ(next.status, 200);
    EXPECT_NE(next.head.find("Content-Length: "), std::string::npos);
    EXPECT_EQ(next.head.find("Content-Length: 0\r"), std::string::npos) << "the page's length";
    EXPECT_EQ(client.read().status, 404);
}

TEST(Connection, ConnectionCloseAndHttp10AreHonoured) {
    ApiServer api;
    {
        RawClient client(api.server->port());
        client.send(get("/api/nothing", "Connection: close\r\n"));
        EXPECT_EQ(client.read().status, 404);
        EXPECT_TRUE(client.closedByServer());
    }
    {
        RawClient client(api.server->port());
        client.send("GET /api/nothing HTTP/1.0\r\n\r\n");
        auto r = client.read();
        EXPECT_EQ(r.status, 404);
        EXPECT_TRUE(client.closedByServer());
    }
}

TEST(Connection, EveryAnswerIsDated) {
    ApiServer api;
    RawClient client(api.server->port());
    client.send(get("/api/nothing"));
    auto r = client.read();
    EXPECT_NE(r.head.find("\r\nDate: "), std::string::npos) << r.head;
    EXPECT_NE(r.head.find(" GMT"), std::string::npos) << r.head;
}

// Connections are not threads: a hundred kept-alive clients are served, twice each, by four.
TEST(Connection, ManyKeptAliveConnectionsShareAFewThreads) {
    ApiServer api([](app::http::ServerConfig &c) { c.maxThreads = 4; });
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < 100; ++i) {
            if (round == 0) clients.push_back(std::make_unique<RawClient>(api.server->port()));
            clients[i]->send(get("/api/nothing-" + std::to_string(i)));
        }
        for (int i = 0; i < 100; ++i) {
            auto r = clients[i]->read();
            EXPECT_EQ(r.status, 404);
            EXPECT_NE(r.body.find("nothing-" + std::to_string(i) + "\""), std::string::npos) << r.body;
        }
    }
}

// A page's event stream lasts as long as the page: it holds a thread of its own, never one of
// the pool, so that more streams than the pool has threads leave every request served.
TEST(Connection, EventStreamsDoNotHoldThePoolsThreads) {
    ApiServer api([](app::http::ServerConfig &c) { c.maxThreads = 4; });
    auto tom = api.as("tom");
    std::vector<std::unique_ptr<RawClient>> streams;
    for (int i = 0; i < 8; ++i) {
        streams.push_back(std::make_unique<RawClient>(api.server->port()));
        streams.back()->send(get("/api/events", "Cookie: reemploi_session=" + tom.cookie() + "\r\n"));
        auto r = streams.back()->read();
        ASSERT_EQ(r.status, 200) << r.head;
        EXPECT_NE(r.head.find("text/event-stream"), std::string::npos) << r.head;
    }
    EXPECT_EQ(tom.get("/api/me").status, 200);
}

// Stopping the server closes an idle kept-alive connection at once rather than at the end of its
// idle time (15 s).
TEST(Connection, StopDoesNotWaitForIdleConnections) {
    ApiServer api;
    RawClient client(api.server->port());
    client.send(get("/api/nothing"));
    ASSERT_EQ(client.read().status, 404);
    const auto start = std::chrono::steady_clock::now();
    api.server->stop();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
    EXPECT_TRUE(client.closedByServer());
}

}  // namespace
}  // namespace reemploi::test
