// A small JSON reader for the audit trail's own payloads (replay, redaction): values keep numbers
// as their text, so that what was written reads back to the same bytes. Not for outside input.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <reemploi/common/Result.hpp>

namespace reemploi::inventory::jsonr {

struct Member;

struct Value {
    enum class Type { Null, Bool, Number, String, Array, Object };
    Type type = Type::Null;
    std::string text;  // a string's decoded text, a number's digits, "true"/"false"
    std::vector<Value> items;
    std::vector<Member> members;

    bool isObject() const { return type == Type::Object; }
    bool isNull() const { return type == Type::Null; }
    const Value *get(std::string_view key) const;
    // A scalar as text (strings decoded, numbers as written); empty for null, arrays and objects.
    std::optional<std::string> scalar() const {
        if (type == Type::Null || type == Type::Array || type == Type::Object) return std::nullopt;
        return text;
    }
    // The value written back as canonical JSON (keys sorted, no spaces).
    std::string canonical() const;
};

// A member of an object: a struct rather than std::pair, whose constructors' traits clang (the
// fuzz build) cannot evaluate on a type that holds it.
struct Member {
    std::string first;
    Value second;
    Member() = default;
    Member(std::string key, Value value) : first(std::move(key)), second(std::move(value)) {}
};

inline const Value *Value::get(std::string_view key) const {
    for (const auto &m : members)
        if (m.first == key) return &m.second;
    return nullptr;
}

Result<Value> parse(std::string_view text);

}  // namespace reemploi::inventory::jsonr
