// A small, fast JSON writer with canonical output (keys sorted, no spaces, minimal escapes):
// the same value always gives the same bytes, which the audit chain and certificates hash.
// For reading JSON, use Poco::JSON.
#pragma once

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace reemploi::json {

inline void appendEscaped(std::string &out, std::string_view s) {
    out += '"';
    // Runs of characters that need no escape are appended whole.
    std::size_t run = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default: {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        }
        }
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

inline std::string quote(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    appendEscaped(out, s);
    return out;
}

inline std::string number(double v) {
    if (!std::isfinite(v)) return "null";
    if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<std::int64_t>(v));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    // Shortest form that reads back the same.
    for (int precision = 1; precision <= 17; ++precision) {
        char shorter[32];
        std::snprintf(shorter, sizeof shorter, "%.*g", precision, v);
        if (std::strtod(shorter, nullptr) == v) return shorter;
    }
    return buf;
}

// An object under construction; members are sorted by key when written.
class Object {
public:
    Object &raw(std::string key, std::string jsonValue) {
        _members.emplace_back(std::move(key), std::move(jsonValue));
        return *this;
    }
    Object &set(std::string key, std::string_view v) { return raw(std::move(key), quote(v)); }
    Object &set(std::string key, const std::string &v) { return raw(std::move(key), quote(v)); }
    Object &set(std::string key, const char *v) { return raw(std::move(key), quote(v)); }
    Object &set(std::string key, bool v) { return raw(std::move(key), v ? "true" : "false"); }
    Object &set(std::string key, std::int64_t v) { return raw(std::move(key), std::to_string(v)); }
    Object &set(std::string key, int v) { return raw(std::move(key), std::to_string(v)); }
    Object &set(std::string key, unsigned v) { return raw(std::move(key), std::to_string(v)); }
    Object &set(std::string key, std::uint64_t v) { return raw(std::move(key), std::to_string(v)); }
    Object &set(std::string key, double v) { return raw(std::move(key), number(v)); }
    Object &set(std::string key, const Object &v) { return raw(std::move(key), v.str()); }
    template <class T>
    Object &set(std::string key, const std::optional<T> &v) {
        if (v) return set(std::move(key), *v);
        return raw(std::move(key), "null");
    }
    Object &null(std::string key) { return raw(std::move(key), "null"); }
    // Adds every member of `other` (keys are expected to differ).
    Object &merge(const Object &other) {
        _members.insert(_members.end(), other._members.begin(), other._members.end());
        return *this;
    }

    bool empty() const { return _members.empty(); }

    std::string str() const {
        // Sort pointers, not the members: an event payload is built for every registered unit.
        std::vector<const std::pair<std::string, std::string> *> sorted;
        sorted.reserve(_members.size());
        std::size_t length = 2;
        for (const auto &m : _members) {
            sorted.push_back(&m);
            length += m.first.size() + m.second.size() + 4;
        }
        auto byKey = [](const auto *a, const auto *b) { return a->first < b->first; };
        if (!std::is_sorted(sorted.begin(), sorted.end(), byKey)) std::stable_sort(sorted.begin(), sorted.end(), byKey);
        std::string out;
        out.reserve(length + length / 8);
        out += '{';
        bool first = true;
        for (const auto *m : sorted) {
            if (!first) out += ',';
            first = false;
            appendEscaped(out, m->first);
            out += ':';
            out += m->second;
        }
        out += '}';
        return out;
    }

private:
    std::vector<std::pair<std::string, std::string>> _members;
};

// An object written as it is built, for hot paths (an event payload per registered unit): the
// members must come in key order, the order Object::str() sorts them into, so that both give the
// same bytes for the same members.
class OrderedObject {
public:
    explicit OrderedObject(std::size_t capacity = 0) {
        _out.reserve(capacity);
        _out += '{';
    }
    OrderedObject &raw(std::string_view key, std::string_view jsonValue) {
        this->key(key);
        _out += jsonValue;
        return *this;
    }
    OrderedObject &set(std::string_view key, std::string_view v) {
        this->key(key);
        appendEscaped(_out, v);
        return *this;
    }
    OrderedObject &set(std::string_view key, const std::string &v) { return set(key, std::string_view(v)); }
    OrderedObject &set(std::string_view key, const char *v) { return set(key, std::string_view(v)); }
    OrderedObject &set(std::string_view key, bool v) { return raw(key, v ? "true" : "false"); }
    OrderedObject &set(std::string_view key, std::int64_t v) {
        char buf[24];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
        (void)ec;
        return raw(key, std::string_view(buf, static_cast<std::size_t>(end - buf)));
    }
    OrderedObject &set(std::string_view key, int v) { return set(key, static_cast<std::int64_t>(v)); }
    OrderedObject &set(std::string_view key, double v) { return raw(key, number(v)); }
    template <class T>
    OrderedObject &set(std::string_view key, const std::optional<T> &v) {
        if (v) return set(key, *v);
        return raw(key, "null");
    }
    // The text so far, closed; the object is left as it was.
    std::string str() const { return _out + '}'; }
    // The text, closed, taken out of the object.
    std::string take() {
        _out += '}';
        return std::move(_out);
    }

private:
    void key(std::string_view k) {
        assert(_last.empty() || _last < k);
        if (_out.size() > 1) _out += ',';
        appendEscaped(_out, k);
        _out += ':';
#ifndef NDEBUG
        _last = std::string(k);
#endif
    }
    std::string _out;
#ifndef NDEBUG
    std::string _last;
#endif
};

class Array {
public:
    Array &raw(std::string jsonValue) { _items.push_back(std::move(jsonValue)); return *this; }
    Array &add(std::string_view v) { return raw(quote(v)); }
    Array &add(const Object &v) { return raw(v.str()); }
    Array &add(std::int64_t v) { return raw(std::to_string(v)); }
    bool empty() const { return _items.empty(); }
    std::size_t size() const { return _items.size(); }
    std::string str() const {
        std::string out = "[";
        for (std::size_t i = 0; i < _items.size(); ++i) {
            if (i) out += ',';
            out += _items[i];
        }
        out += ']';
        return out;
    }

private:
    std::vector<std::string> _items;
};

}  // namespace reemploi::json
