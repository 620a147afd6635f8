// Reading a request's JSON body: typed fields with errors that name the field (422), and a
// malformed body named as such (400).
#pragma once

#include <optional>
#include <string>

#include <Poco/JSON/Object.h>

#include <reemploi/common/Result.hpp>

#include "http/Http.hpp"

namespace reemploi::app::http {

class JsonBody {
public:
    // The body as a JSON object; an empty body is an empty object.
    static Result<JsonBody> parse(const Request &request);

    Result<std::string> text(const std::string &name) const;  // required, non-empty
    Result<std::optional<std::string>> optionalText(const std::string &name) const;
    Result<std::optional<std::int64_t>> integer(const std::string &name) const;
    Result<std::optional<double>> number(const std::string &name) const;
    Result<bool> flag(const std::string &name, bool fallback = false) const;
    // A list of strings (["ssd:256G", …]); empty when absent.
    Result<std::vector<std::string>> texts(const std::string &name) const;
    // A list of objects ([{"target":…}, …]); empty when absent. Their errors name "name[i].field".
    Result<std::vector<JsonBody>> objects(const std::string &name) const;
    bool has(const std::string &name) const { return _o->has(name) && !_o->isNull(name); }

private:
    Poco::JSON::Object::Ptr _o;
    std::string _prefix;  // "targets[0]." for an object of a list
};

}  // namespace reemploi::app::http
