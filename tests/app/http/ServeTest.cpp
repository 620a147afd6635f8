// The server's shell: HTTPS with the configured certificate (Secure cookies, HSTS), the
// configuration file's refusals, and `reemploi serve` refusing root without --allow-root.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <unistd.h>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>

#include "app/RunReemploi.hpp"
#include "app/http/ApiServer.hpp"
#include "http/ServerConfig.hpp"
#include "support/Tools.hpp"

using namespace reemploi;
using namespace reemploi::test;

namespace {

struct HttpsReply {
    int status = 0;
    std::string body;
    Poco::Net::HTTPResponse response;
};

HttpsReply httpsRequest(int port, const std::string &method, const std::string &path, const std::string &body = {}) {
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", Poco::Net::Context::VERIFY_NONE);
    Poco::Net::HTTPSClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port), context);
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!body.empty()) {
        req.setContentType("application/json");
        req.setContentLength(static_cast<std::streamsize>(body.size()));
        session.sendRequest(req) << body;
    } else {
        session.sendRequest(req);
    }
    HttpsReply r;
    std::ostringstream out;
    Poco::StreamCopier::copyStream(session.receiveResponse(r.response), out);
    r.status = r.response.getStatus();
    r.body = out.str();
    return r;
}

}  // namespace

TEST(Serve, HttpsServesWithSecureCookiesAndStrictTransport) {
    REQUIRE_TOOL("openssl", "openssl");
    TempDb keys;
    std::string cert = keys.dir + "/cert.pem", key = keys.dir + "/key.pem";
    std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -keyout " + shellQuote(key) +
                      " -out " + shellQuote(cert) + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    ApiServer api([&](app::http::ServerConfig &c) {
        c.tlsCertificate = cert;
        c.tlsKey = key;
    });
    auto page = httpsRequest(api.server->port(), "GET", "/");
    EXPECT_EQ(page.status, 200);
    EXPECT_EQ(page.response.get("Strict-Transport-Security", ""), "max-age=31536000");
    auto login = httpsRequest(api.server->port(), "POST", "/api/login",
                              R"({"name":"tom","password":")" + kApiPassword + R"("})");
    ASSERT_EQ(login.status, 200) << login.body;
    std::string cookie = login.response.get("Set-Cookie", "");
    EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
}

TEST(Serve, AConfigurationFileWithAnUnknownKeyIsRefusedNamingTheLine) {
    TempDb dir;
    std::string file = dir.dir + "/reemploi.conf";
    std::ofstream(file) << "# a comment\nhttp.port = 8081\nhttp.prot = 8082\n";
    auto loaded = app::http::loadServerConfig(file, {});
    ASSERT_FALSE(loaded);
    EXPECT_NE(loaded.error().message.find("line 3"), std::string::npos) << loaded.error().message;
    EXPECT_NE(loaded.error().message.find("http.prot"), std::string::npos) << loaded.error().message;
    std::ofstream(file) << "http.port = eighty\n";
    auto bad = app::http::loadServerConfig(file, {});
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("eighty"), std::string::npos);
}

TEST(Serve, RefusesToRunAsRootWithoutAllowRoot) {
    if (::geteuid() != 0) GTEST_SKIP() << "not root: the refusal cannot happen here";
    TempDb db;
    ASSERT_EQ(runReemploi(db.path, {"init"}).exitCode, 0);
    auto r = runReemploi(db.path, {"serve", "--port", "0"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("refuses to run as root"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--allow-root"), std::string::npos) << r.err;
}
