// Errors to statuses, and the JSON bodies every route answers with.
#include "http/Http.hpp"

namespace reemploi::app::http {

std::optional<std::string> Request::queryValue(const std::string &name) const {
    auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return it->second;
}

Response jsonResponse(std::string body, int status) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

int statusFor(Errc code) {
    switch (code) {
    case Errc::InvalidInput: return 422;
    case Errc::NotFound: return 404;
    case Errc::Conflict: return 409;
    case Errc::Refused: return 409;
    case Errc::Forbidden: return 403;
    case Errc::Busy: return 503;
    default: return 500;
    }
}

std::string_view codeName(Errc code) {
    switch (code) {
    case Errc::InvalidInput: return "invalid_input";
    case Errc::NotFound: return "not_found";
    case Errc::Conflict: return "conflict";
    case Errc::Refused: return "refused";
    case Errc::Forbidden: return "forbidden";
    case Errc::Busy: return "busy";
    case Errc::Io: return "io";
    case Errc::Device: return "device";
    case Errc::Timeout: return "timeout";
    case Errc::Unsupported: return "unsupported";
    case Errc::Internal: return "internal";
    }
    return "internal";
}

Response errorResponse(int status, std::string_view code, const std::string &message, const std::string &field) {
    json::Object e;
    e.set("code", code).set("message", message);
    if (field.empty()) e.null("field");
    else e.set("field", field);
    return jsonResponse(json::Object().set("error", e), status);
}

Response errorResponse(const Error &error) {
    return errorResponse(statusFor(error.code), codeName(error.code), error.message, error.field);
}

Response badRequest(const std::string &message, const std::string &field) {
    return errorResponse(400, "bad_request", message, field);
}

}  // namespace reemploi::app::http
