// Matching paths against the route table.
#include "http/Router.hpp"

#include <stdexcept>

#include <sstream>

namespace reemploi::app::http {

namespace {

// The non-empty segments of a path, in place: "/api/units/RE-1" → api, units, RE-1.
template <class F>
void forEachSegment(std::string_view path, F &&f) {
    std::size_t at = 0;
    while (at < path.size()) {
        std::size_t end = path.find('/', at);
        if (end == std::string_view::npos) end = path.size();
        if (end > at) f(path.substr(at, end - at));
        at = end + 1;
    }
}

}  // namespace

bool allows(Access access, inventory::Role role) {
    using R = inventory::Role;
    switch (access) {
    case Access::SignedIn: return true;
    case Access::Mediator: return role == R::Mediator || role == R::Coordinator || role == R::Admin;
    case Access::Trainee: return role == R::Trainee || role == R::Coordinator || role == R::Admin;
    case Access::Coordinator: return role == R::Coordinator || role == R::Admin;
    case Access::Admin: return role == R::Admin;
    case Access::Public:
    case Access::DonorLink: return false;
    }
    return false;
}

std::string_view toString(Access a) {
    switch (a) {
    case Access::Public: return "public";
    case Access::DonorLink: return "donor-link";
    case Access::Trainee: return "trainee";
    case Access::Coordinator: return "coordinator";
    case Access::Admin: return "admin";
    case Access::SignedIn: return "signed-in";
    case Access::Mediator: return "mediator";
    }
    return "?";
}

void Router::add(Route route) {
    // A donor link's answer is its donation's, not a role's: it is never kept.
    if (route.cacheable && (route.method != "GET" || route.access == Access::DonorLink))
        throw std::logic_error("only a GET of a signed-in or public route is cacheable: " + route.pattern);
    std::vector<Segment> pattern;
    int literals = 0;
    forEachSegment(route.pattern, [&](std::string_view p) {
        const bool parameter = p.size() > 2 && p.front() == '{' && p.back() == '}';
        pattern.push_back({std::string(parameter ? p.substr(1, p.size() - 2) : p), parameter});
        literals += parameter ? 0 : 1;
    });
    _routes.push_back(std::move(route));
    _patterns.push_back(std::move(pattern));
    _literals.push_back(literals);
}

RouteMatch Router::match(std::string_view method, std::string_view path) const {
    RouteMatch m;
    // A path longer than any route has no match; 16 segments is more than any pattern here.
    constexpr std::size_t kMaxSegments = 16;
    std::string_view parts[kMaxSegments];
    std::size_t count = 0;
    bool tooLong = false;
    forEachSegment(path, [&](std::string_view s) {
        if (count < kMaxSegments) parts[count++] = s;
        else tooLong = true;
    });
    if (tooLong) return m;
    std::size_t best = _routes.size();
    for (std::size_t i = 0; i < _routes.size(); ++i) {
        const auto &pattern = _patterns[i];
        if (pattern.size() != count) continue;
        bool same = true;
        for (std::size_t k = 0; k < count && same; ++k) same = pattern[k].parameter || pattern[k].text == parts[k];
        if (!same) continue;
        const Route &r = _routes[i];
        if (r.method != method && !(method == "HEAD" && r.method == "GET")) {
            m.pathExists = true;
            continue;
        }
        if (best == _routes.size() || _literals[i] > _literals[best]) best = i;
    }
    if (best == _routes.size()) return m;
    m.route = &_routes[best];
    for (std::size_t k = 0; k < count; ++k)
        if (_patterns[best][k].parameter) m.params[_patterns[best][k].text] = std::string(parts[k]);
    return m;
}

}  // namespace reemploi::app::http
