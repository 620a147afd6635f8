// Matching paths against the route table.
#include "http/Router.hpp"

#include <sstream>

namespace reemploi::app::http {

namespace {

std::vector<std::string> segments(const std::string &path) {
    std::vector<std::string> out;
    std::string current;
    for (char c : path) {
        if (c == '/') {
            if (!current.empty()) out.push_back(std::move(current));
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty()) out.push_back(std::move(current));
    return out;
}

bool matches(const std::string &pattern, const std::vector<std::string> &path, std::map<std::string, std::string> &params) {
    auto parts = segments(pattern);
    if (parts.size() != path.size()) return false;
    std::map<std::string, std::string> found;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const auto &p = parts[i];
        if (p.size() > 2 && p.front() == '{' && p.back() == '}') found[p.substr(1, p.size() - 2)] = path[i];
        else if (p != path[i]) return false;
    }
    params = std::move(found);
    return true;
}

}  // namespace

std::string_view toString(Access a) {
    switch (a) {
    case Access::Public: return "public";
    case Access::DonorLink: return "donor-link";
    case Access::Trainee: return "trainee";
    case Access::Coordinator: return "coordinator";
    case Access::Admin: return "admin";
    }
    return "?";
}

void Router::add(Route route) { _routes.push_back(std::move(route)); }

RouteMatch Router::match(const std::string &method, const std::string &path) const {
    RouteMatch m;
    auto parts = segments(path);
    // Literal segments win over parameters: /api/units/stock before /api/units/{tag}.
    const Route *best = nullptr;
    int bestLiterals = -1;
    for (const auto &r : _routes) {
        std::map<std::string, std::string> params;
        if (!matches(r.pattern, parts, params)) continue;
        if (r.method != method && !(method == "HEAD" && r.method == "GET")) {
            m.pathExists = true;
            continue;
        }
        int literals = static_cast<int>(segments(r.pattern).size() - params.size());
        if (literals > bestLiterals) {
            best = &r;
            bestLiterals = literals;
            m.params = std::move(params);
        }
    }
    m.route = best;
    return m;
}

}  // namespace reemploi::app::http
