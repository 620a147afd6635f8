// JSON request bodies through Poco::JSON, with field-naming errors.
#include "http/JsonBody.hpp"

#include <cmath>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/Parser.h>

namespace reemploi::app::http {

namespace {
Error fieldError(const std::string &name, const std::string &what) {
    return makeFieldError(Errc::InvalidInput, name, name + ": " + what);
}
}  // namespace

Result<std::vector<JsonBody>> JsonBody::objects(const std::string &name) const {
    std::vector<JsonBody> out;
    if (!has(name)) return out;
    auto array = _o->getArray(name);
    if (!array) return fieldError(_prefix + name, "must be a list of objects");
    for (std::size_t i = 0; i < array->size(); ++i) {
        auto item = array->getObject(static_cast<unsigned>(i));
        if (!item) return fieldError(_prefix + name, "item " + std::to_string(i + 1) + " must be an object");
        JsonBody b;
        b._o = item;
        b._prefix = _prefix + name + "[" + std::to_string(i) + "].";
        out.push_back(std::move(b));
    }
    return out;
}

Result<JsonBody> JsonBody::parse(const Request &request) {
    JsonBody b;
    if (request.body.empty()) {
        b._o = new Poco::JSON::Object;
        return b;
    }
    try {
        Poco::JSON::Parser parser;
        auto value = parser.parse(request.body);
        if (value.type() != typeid(Poco::JSON::Object::Ptr))
            return makeError(Errc::InvalidInput, "the request body must be a JSON object");
        b._o = value.extract<Poco::JSON::Object::Ptr>();
        return b;
    } catch (const Poco::Exception &e) {
        return makeError(Errc::InvalidInput, "the request body is not valid JSON: " + e.message());
    } catch (const std::exception &e) {
        return makeError(Errc::InvalidInput, std::string("the request body is not valid JSON: ") + e.what());
    }
}

Result<std::optional<std::string>> JsonBody::optionalText(const std::string &name) const {
    if (!has(name)) return std::optional<std::string>{};
    auto v = _o->get(name);
    if (!v.isString()) return fieldError(_prefix + name, "must be text");
    return std::optional<std::string>(v.extract<std::string>());
}

Result<std::string> JsonBody::text(const std::string &name) const {
    auto v = optionalText(name);
    if (!v) return v.error();
    if (!*v || (*v)->empty()) return fieldError(_prefix + name, "is required");
    return **v;
}

Result<std::optional<std::int64_t>> JsonBody::integer(const std::string &name) const {
    if (!has(name)) return std::optional<std::int64_t>{};
    auto v = _o->get(name);
    if (v.isString()) return fieldError(_prefix + name, "must be a whole number, not text");
    if (!v.isNumeric()) return fieldError(_prefix + name, "must be a whole number");
    double d = v.convert<double>();
    if (d != std::floor(d) || std::fabs(d) > 9e15) return fieldError(_prefix + name, "must be a whole number");
    return std::optional<std::int64_t>(static_cast<std::int64_t>(d));
}

Result<std::optional<double>> JsonBody::number(const std::string &name) const {
    if (!has(name)) return std::optional<double>{};
    auto v = _o->get(name);
    if (v.isString() || !v.isNumeric()) return fieldError(_prefix + name, "must be a number");
    return std::optional<double>(v.convert<double>());
}

Result<bool> JsonBody::flag(const std::string &name, bool fallback) const {
    if (!has(name)) return fallback;
    auto v = _o->get(name);
    if (!v.isBoolean()) return fieldError(_prefix + name, "must be true or false");
    return v.extract<bool>();
}

Result<std::vector<std::string>> JsonBody::texts(const std::string &name) const {
    std::vector<std::string> out;
    if (!has(name)) return out;
    auto array = _o->getArray(name);
    if (!array) return fieldError(_prefix + name, "must be a list of texts");
    for (std::size_t i = 0; i < array->size(); ++i) {
        auto v = array->get(static_cast<unsigned>(i));
        if (!v.isString()) return fieldError(_prefix + name, "item " + std::to_string(i + 1) + " must be text");
        out.push_back(v.extract<std::string>());
    }
    return out;
}

}  // namespace reemploi::app::http
