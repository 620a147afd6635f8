// The web server: connections in an epoll set served by a pool of threads (Dispatcher), requests
// read and answered with Poco's HTTP messages, the security headers every answer carries, the API dispatch through the route table (sessions, roles, CSRF), the live
// event stream, and the pages (built into the binary, or from a folder).
#pragma once

#include <memory>

#include <reemploi/common/Result.hpp>

#include "http/ResponseCache.hpp"
#include "http/Router.hpp"
#include "http/ServerConfig.hpp"

namespace reemploi::app::http {

class Server {
public:
    explicit Server(ServerConfig config);
    ~Server();

    // Binds and starts serving (port 0: any free port, see port()).
    Status start();
    int port() const;
    // Stops accepting, ends the live streams, waits for running requests.
    void stop();

    ServerState &state();
    const Router &router() const;
    // How the read-only answers' cache has served (hits, misses, what it holds).
    ResponseCache::Counts cacheCounts() const;

    struct Impl;  // public so that the request handlers in Server.cpp can reach it

private:
    std::unique_ptr<Impl> _impl;
};

// The name of the session cookie.
inline constexpr const char *kSessionCookie = "reemploi_session";

}  // namespace reemploi::app::http
