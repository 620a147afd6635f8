// The Poco glue of the web server: one request handler that applies the limits and security
// headers, dispatches /api/ through the route table and serves the pages.
#include "http/Server.hpp"

#include <ctime>
#include <iostream>
#include <mutex>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/Context.h>
#include <Poco/URI.h>

#include <reemploi/diagnostics/storage/Certificate.hpp>
#include <reemploi/inventory/Migrations.hpp>

#include "http/Dispatcher.hpp"
#include "http/ResponseCache.hpp"
#include "http/StaticFiles.hpp"

namespace reemploi::app::http {

namespace {

using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

// No inline script or style anywhere: the pages load their modules and style sheets from 'self'.
constexpr const char *kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

Response unauthenticated() { return errorResponse(401, "unauthenticated", "sign in first (POST /api/login)"); }

bool changesState(const std::string &method) { return method != "GET" && method != "HEAD" && method != "OPTIONS"; }

// What a cacheable answer depends on besides the database (Route::cacheable): the path, the
// query, and who asks as the services see it (role, site, structure; not the user's name).
std::string cacheKeyOf(const Request &request, const inventory::Actor &actor) {
    std::string key = request.path;
    for (const auto &[name, value] : request.query) key.append(1, '\x1f').append(name).append(1, '=').append(value);
    key.append(1, '\x1e').append(inventory::toString(actor.role));
    key.append(1, '\x1e').append(actor.site).append(1, '\x1e').append(actor.structure);
    return key;
}


}  // namespace

// What every wipe of this server shares: the workshop, the key, what is never wiped.
wipes::WipeDefaults wipeDefaults(const ServerConfig &config) {
    wipes::WipeDefaults d;
    auto given = [](const std::string &value, std::string &field) {
        if (!value.empty()) field = value;
    };
    given(config.workshop, d.workshop.workshop);
    given(config.workshopContact, d.workshop.contact);
    given(config.workshopLocation, d.workshop.location);
    given(config.operatorPosition, d.workshop.position);
    given(config.destination, d.workshop.destination);
    // Next to an SQLite database by default; a database server's URL needs workshop.key.
    d.keyPath = !config.keyPath.empty() || inventory::isServerLocation(config.database)
                    ? config.keyPath
                    : diagnostics::storage::defaultKeyPath(config.database);
    d.databasePath = config.database;
    d.usb.usbIdsPath = config.usbIdsPath;  // empty: the installed tables
    d.usb.deviceTablePath = config.devicesTablePath;
    d.allowFileTargets = config.wipeFileTargets;
    // The server's wipes run behind its pages: 20 trainees' pages answer as fast while a wipe runs
    // (bench/http), and a wipe, waiting on its disk, hardly notices.
    d.cpuNice = 10;
    return d;
}

// USB arrivals and departures as "usb" events, when the machine lets us see the bus: a server
// without USB access (a coordinator's office, a container) serves everything else all the same.
void startUsbWatch(ServerState &state) {
    auto bus = diagnostics::UsbBus::open(wipeDefaults(state.config).usb);
    if (!bus) {
        std::cerr << "reemploi serve: no USB bench here (" << bus.error().message << ")\n";
        return;
    }
    auto watching = (*bus)->watch([&events = state.events](const diagnostics::UsbEvent &e) {
        auto o = e.device.toJson();
        o.set("event", e.kind == diagnostics::UsbEvent::Kind::Arrived ? "arrived" : "left");
        events.publish("usb", o.str());
    });
    if (!watching) std::cerr << "reemploi serve: USB devices are listed but not watched (" << watching.error().message << ")\n";
    state.usb = std::move(*bus);
}

Result<std::int64_t> resolveDonorLinkForRequest(inventory::Database &db, const std::string &token);

struct Server::Impl {
    explicit Impl(ServerConfig config) : state(std::move(config)), router(buildRouter()) {}

    ServerState state;
    Router router;
    ResponseCache answers{state.config.cacheBytes};
    std::unique_ptr<Poco::Net::ServerSocket> listening;
    std::unique_ptr<Dispatcher> dispatcher;
    Poco::Net::HTTPServerParams::Ptr params;
    int boundPort = 0;

    // `match` is the route table's answer for the request (read once, before the body).
    Response api(Request &request, RouteMatch match, const std::string &sessionToken) {
        if (!match.route) {
            if (match.pathExists) return errorResponse(405, "method_not_allowed", request.method + " is not allowed on " + request.path);
            return errorResponse(404, "not_found", "no API route " + request.path);
        }
        const Route &route = *match.route;
        request.params = std::move(match.params);

        inventory::Actor actor;
        std::optional<std::string> csrf;
        if (route.access != Access::Public && route.access != Access::DonorLink) {
            auto session = sessionToken.empty() ? std::nullopt : state.sessions.find(sessionToken);
            if (!session) return unauthenticated();
            if (!allows(route.access, session->role))
                return errorResponse(403, "forbidden",
                                     "a " + std::string(inventory::toString(session->role)) + " may not do this: it needs a " +
                                         std::string(toString(route.access)) + " account");
            // A cross-site form cannot read the token, so it cannot send it: state changes need it.
            if (changesState(request.method)) {
                auto it = request.headers.find("x-csrf-token");
                if (it == request.headers.end() || it->second != session->csrf)
                    return errorResponse(403, "csrf", "missing or wrong X-CSRF-Token header (sign in again)");
            }
            actor = inventory::Actor{session->user, session->role, session->site, session->structure};
            csrf = session->csrf;
        }
        auto lease = state.databases->acquire();
        if (!lease) return errorResponse(lease.error());
        inventory::Database &db = **lease;
        // Access was checked above: the cache only spares the reading.
        std::optional<std::uint64_t> version;
        std::string cacheKey;
        if (route.cacheable && state.config.cacheBytes > 0 && (version = db.version())) {
            cacheKey = cacheKeyOf(request, actor);
            if (auto kept = answers.find(cacheKey, *version)) return *kept;
        }
        std::optional<std::int64_t> donation;
        if (route.access == Access::DonorLink) {
            auto resolved = resolveDonorLinkForRequest(db, request.params["token"]);
            if (!resolved) return errorResponse(404, "not_found", "this link is unknown, expired or revoked: ask the workshop for a new one");
            donation = *resolved;
            actor = inventory::Actor{"donor-link", inventory::Role::Trainee, ""};
        }
        Call call{request, db, actor, csrf, donation, state, sessionToken};
        try {
            Response answer = route.handler(call);
            if (version && answer.status == 200) answers.store(cacheKey, *version, answer);
            return answer;
        } catch (const inventory::DbError &e) {
            if (e.kind == inventory::DbError::Kind::Busy)
                return errorResponse(503, "busy", "the database is busy, try again");
            std::cerr << "reemploi serve: " << request.method << ' ' << request.path << ": database: " << e.what() << '\n';
            return errorResponse(500, "internal", "internal error (see the server's log)");
        }
    }
};

namespace {

class Handler : public Poco::Net::HTTPRequestHandler {
public:
    explicit Handler(Server::Impl &impl) : _impl(impl) {}

    void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
        try {
            serve(req, resp);
        } catch (const Poco::Net::NetException &) {
            // The client went away mid-answer: nothing to tell it.
        } catch (const std::exception &e) {
            std::cerr << "reemploi serve: " << req.getMethod() << ' ' << req.getURI() << ": " << e.what() << '\n';
            if (!resp.sent()) send(resp, errorResponse(500, "internal", "internal error (see the server's log)"), false);
        }
    }

private:
    void serve(HTTPServerRequest &req, HTTPServerResponse &resp) {
        Request r;
        r.method = req.getMethod();
        Poco::URI uri;
        try {
            uri = Poco::URI(req.getURI());
            r.path = uri.getPath();
            for (const auto &[k, v] : uri.getQueryParameters()) r.query[k] = v;
        } catch (const Poco::Exception &) {
            return send(resp, badRequest("the request's address is malformed"), false);
        }
        for (const auto &[k, v] : req) {
            std::string name = k;
            for (auto &c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            r.headers[name] = v;
        }
        r.contentType = req.getContentType();
        r.remoteAddress = req.clientAddress().host().toString();
        const bool isApi = r.path.rfind("/api/", 0) == 0;

        // Bodies are bounded before they are read: an upload route takes a donor's list, any
        // other route a small JSON object.
        const auto &config = _impl.state.config;
        auto match = isApi ? _impl.router.match(r.method, r.path) : RouteMatch{};
        std::size_t limit = (match.route && match.route->upload) ? config.maxRequestBytes
                                                                                          : config.maxJsonBytes;
        if (req.hasContentLength() && req.getContentLength64() > static_cast<Poco::Int64>(limit)) {
            resp.setKeepAlive(false);
            send(resp, errorResponse(413, "too_large", "the request body is larger than " + std::to_string(limit >> 10) + " KiB"), false);
            // A client still sending would get a reset instead of the answer: read (a bounded
            // part of) what it sends before closing.
            std::istream &in = req.stream();
            char sink[16384];
            for (std::size_t drained = 0; drained < (16u << 20) && in.read(sink, sizeof sink);) drained += sizeof sink;
            return;
        }
        if (changesState(r.method) || req.hasContentLength() || req.getChunkedTransferEncoding()) {
            std::istream &in = req.stream();
            char buffer[16384];
            while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
                r.body.append(buffer, static_cast<std::size_t>(in.gcount()));
                if (r.body.size() > limit)
                    return send(resp, errorResponse(413, "too_large", "the request body is larger than " + std::to_string(limit >> 10) + " KiB"), false);
            }
        }

        Poco::Net::NameValueCollection cookies;
        req.getCookies(cookies);
        std::string token = cookies.get(kSessionCookie, "");

        if (r.path == "/api/events" && r.method == "GET") return events(resp, token);
        if (isApi) return send(resp, _impl.api(r, std::move(match), token), r.method == "HEAD");
        if (r.method != "GET" && r.method != "HEAD") return send(resp, errorResponse(405, "method_not_allowed", "pages are read with GET"), false);
        auto file = findStaticFile(r.path, config.webRoot);
        if (!file) {
            // Pages are single files with their own routing: an unknown page path is the app's.
            if (r.path.find('.') == std::string::npos) file = findStaticFile("/", config.webRoot);
            if (!file) return send(resp, errorResponse(404, "not_found", "no such page " + r.path), r.method == "HEAD");
        }
        if (auto inm = r.headers.find("if-none-match"); inm != r.headers.end() && inm->second == file->etag) {
            Response notModified;
            notModified.status = 304;
            notModified.contentType.clear();
            notModified.header("ETag", file->etag).header("Cache-Control", "no-cache");
            return send(resp, notModified, true);
        }
        Response page;
        page.contentType = std::string(file->contentType);
        page.body = file->owned.empty() ? std::string(file->body) : std::move(file->owned);
        page.header("ETag", file->etag).header("Cache-Control", "no-cache");
        send(resp, page, r.method == "HEAD");
    }

    void securityHeaders(HTTPServerResponse &resp) {
        resp.set("Content-Security-Policy", kCsp);
        resp.set("X-Content-Type-Options", "nosniff");
        resp.set("X-Frame-Options", "DENY");
        resp.set("Referrer-Policy", "no-referrer");  // donor links carry their token in the path
        if (_impl.state.config.https()) resp.set("Strict-Transport-Security", "max-age=31536000");
    }

    void send(HTTPServerResponse &resp, const Response &r, bool headOnly) {
        resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(r.status));
        securityHeaders(resp);
        bool cacheSet = false;
        for (const auto &[k, v] : r.headers) {
            if (k == "Set-Cookie") resp.add(k, v);
            else resp.set(k, v);
            cacheSet |= k == "Cache-Control";
        }
        if (!cacheSet) resp.set("Cache-Control", "no-store");
        if (!r.contentType.empty()) resp.setContentType(r.contentType);
        resp.setContentLength64(static_cast<Poco::Int64>(r.body.size()));
        if (headOnly || r.status == 304) {
            resp.send();
            return;
        }
        resp.sendBuffer(r.body.data(), r.body.size());
    }

    // Server-Sent Events: one stream per signed-in page, until the page or the server goes.
    void events(HTTPServerResponse &resp, const std::string &token) {
        auto session = token.empty() ? std::nullopt : _impl.state.sessions.find(token);
        if (!session) return send(resp, unauthenticated(), false);
        auto sub = _impl.state.events.subscribe();
        if (!sub) return send(resp, errorResponse(503, "stopping", "the server is stopping"), false);
        _impl.dispatcher->leavePool();  // this thread holds the stream from now on
        resp.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
        securityHeaders(resp);
        resp.setContentType("text/event-stream; charset=utf-8");
        resp.set("Cache-Control", "no-store");
        resp.set("X-Accel-Buffering", "no");
        resp.setChunkedTransferEncoding(true);
        std::ostream &out = resp.send();
        out << "retry: 3000\n: connected\n\n" << std::flush;
        while (out) {
            auto e = sub->next(std::chrono::seconds(15));
            if (sub->closed()) break;
            if (!e) {
                out << ": keep-alive\n\n" << std::flush;
                continue;
            }
            out << "id: " << e->id << "\nevent: " << e->name << "\ndata: " << e->data << "\n\n" << std::flush;
        }
    }

    Server::Impl &_impl;
};

// The Date header, formatted once a second rather than at each answer.
std::string httpDate() {
    thread_local std::time_t last = 0;
    thread_local std::string text;
    const std::time_t now = std::time(nullptr);
    if (now != last) {
        std::tm utc{};
        gmtime_r(&now, &utc);
        char buffer[40];
        std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &utc);
        text = buffer;
        last = now;
    }
    return text;
}

// Serves the request that is ready on a connection (its turn in the Dispatcher's pool).
Dispatcher::Next serveRequest(Server::Impl &impl, Connection &c) {
    using Next = Dispatcher::Next;
    try {
        Poco::Net::HTTPServerResponseImpl response(c.session);
        Poco::Net::HTTPServerRequestImpl request(response, c.session, impl.params);
        // Poco reads any three words as a request line: what is not HTTP/1.x is malformed.
        if (request.getVersion().rfind("HTTP/1.", 0) != 0) throw Poco::Net::MessageException("not HTTP/1.x");
        response.set("Date", httpDate());
        response.setVersion(request.getVersion());
        response.setKeepAlive(request.getKeepAlive() && ++c.requests < impl.params->getMaxKeepAliveRequests());
        if (request.getExpectContinue() && response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK)
            response.sendContinue();
        Handler(impl).handleRequest(request, response);
        return response.getKeepAlive() && request.getKeepAlive() ? Next::KeepOpen : Next::Close;
    } catch (const Poco::Net::NoMessageException &) {
        return Next::Close;  // the client closed between requests
    } catch (const Poco::Net::MessageException &) {
        Poco::Net::HTTPServerResponseImpl response(c.session);
        response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
        response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
        response.setKeepAlive(false);
        response.send();
        return Next::Close;
    } catch (const Poco::Exception &) {
        return Next::Close;  // reset, timed out in the middle of a request, shut down by stop()
    }
}

}  // namespace

Server::Server(ServerConfig config) : _impl(std::make_unique<Impl>(std::move(config))) {}

Server::~Server() { stop(); }

Status Server::start() {
    const auto &config = _impl->state.config;
    // A request waits a little for another writer (an import), then answers 503 "busy": a
    // browser should not hang for the five minutes the command line is willing to wait.
    inventory::PoolOptions pool;
    // Every request holds a connection for its whole handler: 16 made 64 keep-alive clients queue
    // on the pool (bench/http); connections open on demand, each with SQLite's 2 MB page cache.
    pool.maxConnections = 64;
    pool.busy.limit = std::chrono::seconds(15);
    auto databases = inventory::DatabasePool::open(config.database, pool);
    if (!databases) return databases.error();
    {
        auto lease = (*databases)->acquire();
        if (!lease) return lease.error();
        auto version = inventory::schemaVersion(**lease);
        if (!version) return version.error();
        if (*version != inventory::latestSchemaVersion())
            return makeError(Errc::Refused, "database " + config.database + " is at schema version " +
                                                std::to_string(*version) + ", this reemploi needs " +
                                                std::to_string(inventory::latestSchemaVersion()) + ": run reemploi init");
    }
    _impl->state.databases = std::move(*databases);
    _impl->state.wipes = std::make_unique<wipes::WipeManager>(
        wipeDefaults(config),
        [location = config.database] {
            // A wipe waits for the database as long as the command line would: it must not lose its record.
            return inventory::Database::open(location);
        },
        [&events = _impl->state.events](const std::string &name, const std::string &data, const std::string &key) {
            events.publish(name, data, key);
        });
    _impl->state.audits = std::make_unique<audits::AuditVerifications>(
        [location = config.database] { return inventory::Database::open(location); });
    startUsbWatch(_impl->state);
    try {
        Poco::Net::SocketAddress address(config.bind, static_cast<Poco::UInt16>(config.port));
        std::unique_ptr<Poco::Net::ServerSocket> socket;
        if (config.https()) {
            Poco::Net::Context::Ptr context = new Poco::Net::Context(
                Poco::Net::Context::TLS_SERVER_USE, config.tlsKey, config.tlsCertificate, "",
                Poco::Net::Context::VERIFY_NONE, 9, false, "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!MD5");
            context->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                                      Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
            socket = std::make_unique<Poco::Net::SecureServerSocket>(address, 128, context);
        } else {
            socket = std::make_unique<Poco::Net::ServerSocket>(address, 128);
        }
        _impl->boundPort = socket->address().port();
        Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
        params->setKeepAlive(true);
        params->setMaxKeepAliveRequests(10000);
        // The sessions' receive timeout: a client that stops sending in the middle of a request.
        params->setTimeout(Poco::Timespan(15, 0));
        _impl->params = params;
        _impl->listening = std::move(socket);
        Dispatcher::Options options;
        options.workers = config.maxThreads;
        options.maxConnections = static_cast<std::size_t>(config.maxConnections);
        options.idleTimeout = std::chrono::seconds(15);
        options.params = params;
        options.secure = config.https();
        _impl->dispatcher = std::make_unique<Dispatcher>(*_impl->listening, options,
                                                         [impl = _impl.get()](Connection &c) { return serveRequest(*impl, c); });
        _impl->dispatcher->start();
    } catch (const Poco::Exception &e) {
        return makeError(Errc::Io, "cannot serve on " + config.bind + ":" + std::to_string(config.port) + ": " +
                                       e.displayText());
    }
    return {};
}

int Server::port() const { return _impl->boundPort; }

void Server::stop() {
    if (!_impl->dispatcher) return;
    // Running wipes first: cancelled, each recorded `interrupted`, their results still published.
    if (_impl->state.wipes) _impl->state.wipes->shutdown();
    if (_impl->state.audits) _impl->state.audits->shutdown();
    if (_impl->state.usb) _impl->state.usb->stopWatching();
    _impl->state.events.close();
    _impl->dispatcher->stop();
    _impl->dispatcher.reset();
}

ResponseCache::Counts Server::cacheCounts() const { return _impl->answers.counts(); }

ServerState &Server::state() { return _impl->state; }
const Router &Server::router() const { return _impl->router; }

}  // namespace reemploi::app::http
