// The Poco glue of the web server: one request handler that applies the limits and security
// headers, dispatches /api/ through the route table and serves the pages.
#include "http/Server.hpp"

#include <charconv>
#include <ctime>
#include <iostream>
#include <mutex>

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
#include "http/Wire.hpp"

namespace reemploi::app::http {

namespace {

// No inline script or style anywhere: the pages load their modules and style sheets from 'self'.
constexpr const char *kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// Requests served on one kept-alive connection before it is closed (a client then opens another).
constexpr int kMaxRequestsPerConnection = 10000;

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
    // The server's wipes run behind its pages (niceness 19, SCHED_IDLE): a page waits on the CPU,
    // a drive's wipe on its disk. Under a saturating load a file's wipe runs at about half speed
    // (bench/http).
    d.cpuNice = 19;
    d.cpuIdle = true;
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

// The Date header, formatted once a second rather than at each answer.
const std::string &httpDate() {
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

// The session cookie's value in a Cookie field ("a=1; reemploi_session=…"), or "".
std::string sessionCookie(const std::string *field) {
    if (!field) return {};
    std::string_view rest(*field);
    while (!rest.empty()) {
        auto semicolon = rest.find(';');
        auto pair = rest.substr(0, semicolon);
        while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
        if (auto eq = pair.find('='); eq != std::string_view::npos && pair.substr(0, eq) == kSessionCookie) {
            auto value = pair.substr(eq + 1);
            while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
            return std::string(value);
        }
        if (semicolon == std::string_view::npos) break;
        rest.remove_prefix(semicolon + 1);
    }
    return {};
}

// One request on a connection and how its answer goes back.
struct Exchange {
    Connection &connection;
    wire::RequestHead head;
    bool keepAlive = true;  // after this answer
    bool answered = false;
};

class Handler {
public:
    explicit Handler(Server::Impl &impl) : _impl(impl) {}

    void handle(Exchange &x) {
        try {
            serve(x);
        } catch (const wire::BadRequest &) {
            throw;  // a malformed body: answered by serveRequest
        } catch (const Poco::Exception &) {
            throw;  // the client went away mid-answer: nothing to tell it
        } catch (const std::exception &e) {
            std::cerr << "reemploi serve: " << x.head.method << ' ' << x.head.target << ": " << e.what() << '\n';
            if (!x.answered) {
                x.keepAlive = false;
                send(x, errorResponse(500, "internal", "internal error (see the server's log)"), false);
            }
        }
    }

    // An answer in one send: the head (status, date, security headers, the answer's own) and the body.
    void send(Exchange &x, const Response &r, bool headOnly) {
        wire::HeadWriter head = headOf(r.status);
        bool cacheSet = false;
        for (const auto &[k, v] : r.headers) {
            head.field(k, v);
            cacheSet |= k == "Cache-Control";
        }
        if (!cacheSet) head.field("Cache-Control", "no-store");
        if (!r.contentType.empty()) head.field("Content-Type", r.contentType);
        if (r.status != 304 && r.status != 204) head.field("Content-Length", std::to_string(r.body.size()));
        connectionField(x, head);
        std::string &out = head.finish();
        if (!headOnly && r.status != 304 && r.status != 204) out.append(r.body);
        x.answered = true;
        wire::sendAll(x.connection.socket, out);
    }

private:
    void serve(Exchange &x) {
        const auto &h = x.head;
        Request r;
        r.method = h.method;
        try {
            Poco::URI uri(h.target);
            r.path = uri.getPath();
            for (const auto &[k, v] : uri.getQueryParameters()) r.query[k] = v;
        } catch (const Poco::Exception &) {
            x.keepAlive = false;
            return send(x, badRequest("the request's address is malformed"), false);
        }
        for (const auto &[name, value] : h.fields) r.headers[name] = value;
        if (auto *type = h.field("content-type")) r.contentType = *type;
        r.remoteAddress = x.connection.peer;
        const bool isApi = r.path.rfind("/api/", 0) == 0;

        // Bodies are bounded before they are read: an upload route takes a donor's list, any
        // other route a small JSON object.
        const auto &config = _impl.state.config;
        auto match = isApi ? _impl.router.match(r.method, r.path) : RouteMatch{};
        std::size_t limit = (match.route && match.route->upload) ? config.maxRequestBytes : config.maxJsonBytes;
        auto tooLarge = [&] {
            return errorResponse(413, "too_large", "the request body is larger than " + std::to_string(limit >> 10) + " KiB");
        };
        if (h.contentLength && *h.contentLength > limit) {
            x.keepAlive = false;
            send(x, tooLarge(), false);
            if (h.expectContinue) return;  // it waits for our word: it sends nothing
            // A client still sending would get a reset instead of the answer: read (a bounded
            // part of) what it sends before closing.
            char sink[16384];
            for (std::size_t drained = 0; drained < (16u << 20);) {
                std::size_t n = x.connection.reader.readBody(sink, sizeof sink);
                if (n == 0) break;
                drained += n;
            }
            return;
        }
        if (h.hasBody()) {
            if (h.expectContinue) wire::sendAll(x.connection.socket, "HTTP/1.1 100 Continue\r\n\r\n");
            char buffer[16384];
            while (std::size_t n = x.connection.reader.readBody(buffer, sizeof buffer)) {
                r.body.append(buffer, n);
                if (r.body.size() > limit) {
                    x.keepAlive = false;  // the rest of the body is not read
                    return send(x, tooLarge(), false);
                }
            }
        }

        std::string token = sessionCookie(h.field("cookie"));
        const bool headOnly = r.method == "HEAD";
        if (r.path == "/api/events" && r.method == "GET") return events(x, token);
        if (isApi) return send(x, _impl.api(r, std::move(match), token), headOnly);
        if (r.method != "GET" && r.method != "HEAD") return send(x, errorResponse(405, "method_not_allowed", "pages are read with GET"), false);
        auto file = findStaticFile(r.path, config.webRoot);
        if (!file) {
            // Pages are single files with their own routing: an unknown page path is the app's.
            if (r.path.find('.') == std::string::npos) file = findStaticFile("/", config.webRoot);
            if (!file) return send(x, errorResponse(404, "not_found", "no such page " + r.path), headOnly);
        }
        if (auto inm = r.headers.find("if-none-match"); inm != r.headers.end() && inm->second == file->etag) {
            Response notModified;
            notModified.status = 304;
            notModified.contentType.clear();
            notModified.header("ETag", file->etag).header("Cache-Control", "no-cache");
            return send(x, notModified, true);
        }
        Response page;
        page.contentType = std::string(file->contentType);
        page.body = file->owned.empty() ? std::string(file->body) : std::move(file->owned);
        page.header("ETag", file->etag).header("Cache-Control", "no-cache");
        send(x, page, headOnly);
    }

    // What every answer's head starts with: the status, the date, the security headers.
    wire::HeadWriter headOf(int status) {
        wire::HeadWriter head(status);
        head.field("Date", httpDate());
        head.field("Content-Security-Policy", kCsp);
        head.field("X-Content-Type-Options", "nosniff");
        head.field("X-Frame-Options", "DENY");
        head.field("Referrer-Policy", "no-referrer");  // donor links carry their token in the path
        if (_impl.state.config.https()) head.field("Strict-Transport-Security", "max-age=31536000");
        return head;
    }

    // HTTP/1.1 keeps the connection unless told; HTTP/1.0 closes it unless told.
    static void connectionField(const Exchange &x, wire::HeadWriter &head) {
        if (!x.keepAlive) head.field("Connection", "close");
        else if (x.head.minor == 0) head.field("Connection", "keep-alive");
    }

    // Server-Sent Events: one stream per signed-in page, until the page or the server goes.
    void events(Exchange &x, const std::string &token) {
        auto session = token.empty() ? std::nullopt : _impl.state.sessions.find(token);
        if (!session) return send(x, unauthenticated(), false);
        auto sub = _impl.state.events.subscribe();
        if (!sub) return send(x, errorResponse(503, "stopping", "the server is stopping"), false);
        _impl.dispatcher->leavePool();  // this thread holds the stream from now on
        x.keepAlive = false;  // the stream ends with the connection
        wire::HeadWriter head = headOf(200);
        head.field("Content-Type", "text/event-stream; charset=utf-8");
        head.field("Cache-Control", "no-store");
        head.field("X-Accel-Buffering", "no");
        head.field("Transfer-Encoding", "chunked");
        connectionField(x, head);
        x.answered = true;
        auto &socket = x.connection.socket;
        // Each event is a chunk of its own, sent as it comes.
        auto chunk = [&socket](std::string out, const std::string &text) {
            char size[20];
            auto [end, ec] = std::to_chars(size, size + sizeof size, text.size(), 16);
            out.append(size, end).append("\r\n").append(text).append("\r\n");
            wire::sendAll(socket, out);
        };
        chunk(head.finish(), "retry: 3000\n: connected\n\n");
        for (;;) {
            auto e = sub->next(std::chrono::seconds(15));
            if (sub->closed()) break;
            if (!e) {
                chunk({}, ": keep-alive\n\n");
                continue;
            }
            chunk({}, "id: " + std::to_string(e->id) + "\nevent: " + e->name + "\ndata: " + e->data + "\n\n");
        }
        wire::sendAll(socket, "0\r\n\r\n");  // the stream's end: the server is stopping
    }

    Server::Impl &_impl;
};

// Serves the request that is ready on a connection (its turn in the Dispatcher's pool).
Dispatcher::Next serveRequest(Server::Impl &impl, Connection &c) {
    using Next = Dispatcher::Next;
    Exchange x{c, {}};
    Handler handler(impl);
    try {
        if (c.reader.readHead(x.head) == wire::Reader::Outcome::Closed) return Next::Close;
        x.keepAlive = x.head.keepAlive && ++c.requests < kMaxRequestsPerConnection;
        handler.handle(x);
        return x.keepAlive ? Next::KeepOpen : Next::Close;
    } catch (const wire::BadRequest &bad) {
        // A malformed request: what follows it on the connection cannot be trusted either.
        if (!x.answered) {
            x.keepAlive = false;
            try {
                handler.send(x, errorResponse(bad.status, "bad_request", bad.message), false);
            } catch (const Poco::Exception &) {
            }
        }
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
        _impl->listening = std::move(socket);
        Dispatcher::Options options;
        options.workers = config.maxThreads;
        options.maxConnections = static_cast<std::size_t>(config.maxConnections);
        options.idleTimeout = config.keepAlive;
        // A client that stops sending in the middle of a request.
        options.receiveTimeout = std::chrono::seconds(15);
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
