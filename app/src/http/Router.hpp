// The route table of the web API: method, path pattern, who may call it, and the handler. One
// table is the truth for dispatch, for the access checks and for the tests' route × role matrix.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <reemploi/diagnostics/UsbBus.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/DatabasePool.hpp>
#include <reemploi/inventory/Domain.hpp>

#include "http/EventHub.hpp"
#include "http/Http.hpp"
#include "http/ServerConfig.hpp"
#include "http/Sessions.hpp"
#include "services/Accounts.hpp"
#include "services/AuditVerifications.hpp"
#include "services/WipeManager.hpp"

namespace reemploi::app::http {

// Who may call a route. Roles are ordered: a coordinator may do what a trainee may. A mediator
// reaches only the routes marked Mediator (its school's needs, which coordinators reach too) and
// SignedIn (who am I, sign out).
enum class Access {
    Public,      // anyone (login, the pages' static files)
    DonorLink,   // a donor's link: the {token} in the path opens one donation, nothing else
    Trainee,
    Coordinator,
    Admin,
    SignedIn,  // any signed-in account, mediators included
    Mediator,  // a mediator (the service limits it to its structure), a coordinator or an admin
};
std::string_view toString(Access);
// Whether a signed-in `role` may call a route of `access` (never for Public/DonorLink: no session needed).
bool allows(Access access, inventory::Role role);

// What the server holds for the routes: configuration, sessions, login throttling, live events,
// the database's connections (a request leases one for its duration) and the running wipes.
struct ServerState {
    explicit ServerState(ServerConfig c) : config(std::move(c)), sessions(config.sessionIdle) {}
    ServerConfig config;
    SessionStore sessions;
    accounts::LoginThrottle throttle;
    EventHub events;
    std::unique_ptr<inventory::DatabasePool> databases;
    std::unique_ptr<wipes::WipeManager> wipes;  // running wipes (each on a connection of its own)
    std::unique_ptr<diagnostics::UsbBus> usb;   // the bench's USB bus, watched for hotplug (none without USB access)
    std::mutex usbMutex;                        // list() from one request at a time
    std::unique_ptr<audits::AuditVerifications> audits;  // `audit verify` runs for the audit page
};

// One API call as a handler sees it.
struct Call {
    const Request &request;
    inventory::Database &db;
    inventory::Actor actor;                   // the signed-in account (empty name for public routes)
    std::optional<std::string> csrf;          // the session's CSRF token
    std::optional<std::int64_t> donationId;   // for DonorLink routes: the donation the link opens
    ServerState &state;
    std::string sessionToken;                 // the cookie's token (to sign out)
};

using Handler = std::function<Response(Call &)>;

struct Route {
    std::string method;   // GET, POST, PATCH, DELETE
    std::string pattern;  // "/api/units/{tag}"
    Access access = Access::Trainee;
    Handler handler;
    std::string summary;
    bool upload = false;  // takes a file (up to maxRequestBytes) rather than a small JSON body
    // A GET whose answer depends only on the database, the path, the query and the caller's role,
    // site and structure (not on the time, the user's name or the server's memory): answered
    // from the ResponseCache while the database is unchanged.
    bool cacheable = false;
};

// A route answered from the ResponseCache (see Route::cacheable).
inline Route cacheable(Route route) {
    route.cacheable = true;
    return route;
}

struct RouteMatch {
    const Route *route = nullptr;
    std::map<std::string, std::string> params;
    bool pathExists = false;  // the path matches a route of another method (405)
};

class Router {
public:
    void add(Route route);
    // Literal segments win over parameters: /api/units/stock before /api/units/{tag}. Every
    // request goes through here, so patterns are split once, at add(), and the path is read in
    // place.
    RouteMatch match(std::string_view method, std::string_view path) const;
    const std::vector<Route> &routes() const { return _routes; }

private:
    struct Segment {
        std::string text;  // the literal, or the parameter's name
        bool parameter = false;
    };
    std::vector<Route> _routes;
    std::vector<std::vector<Segment>> _patterns;  // _patterns[i] is _routes[i]'s pattern, split
    std::vector<int> _literals;                   // how many literal segments each pattern has
};

// Every route of the API (Routes*.cpp).
Router buildRouter();

}  // namespace reemploi::app::http
