// The web API's plain values: a request as the routes see it, a response, and the mapping from
// a service's Error to an HTTP status and the JSON error body {"error": {"code","message","field"}}.
// Routes never see Poco: they parse, call one service and answer (see Routes.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <reemploi/common/Json.hpp>
#include <reemploi/common/Result.hpp>

namespace reemploi::app::http {

struct Request {
    std::string method;  // "GET", "POST", …
    std::string path;    // "/api/units/RE-000001", decoded
    std::map<std::string, std::string> query;
    std::map<std::string, std::string> params;  // from the route pattern: {tag} → "RE-000001"
    std::string body;
    std::string contentType;
    std::string remoteAddress;  // the client's IP address, for login throttling
    std::map<std::string, std::string> headers;  // lower-case names

    std::optional<std::string> queryValue(const std::string &name) const;
    const std::string &param(const std::string &name) const { return params.at(name); }
};

struct Response {
    int status = 200;
    std::string contentType = "application/json; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;

    Response &header(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }
};

Response jsonResponse(std::string body, int status = 200);
inline Response jsonResponse(const json::Object &o, int status = 200) { return jsonResponse(o.str(), status); }
inline Response jsonResponse(const json::Array &a, int status = 200) { return jsonResponse(a.str(), status); }

// The status an Errc is answered with: InvalidInput 422 (400 for a malformed request, see
// badRequest), NotFound 404, Conflict 409, Refused 409 (a rule forbids it now), Forbidden 403,
// Busy 503, the rest 500.
int statusFor(Errc code);
std::string_view codeName(Errc code);  // "invalid_input", "not_found", …
Response errorResponse(const Error &error);
Response errorResponse(int status, std::string_view code, const std::string &message, const std::string &field = {});
Response badRequest(const std::string &message, const std::string &field = {});

}  // namespace reemploi::app::http

// In a route: `var` is the result of `expr`, or the route answers its error.
#define REEMPLOI_HTTP_TRY(var, expr)                                 \
    auto var = (expr);                                               \
    if (!var) return ::reemploi::app::http::errorResponse(var.error())
