// A recursive-descent JSON reader for the trail's payloads; depth is bounded.
#include "JsonReader.hpp"

#include <reemploi/common/Text.hpp>

#include <algorithm>
#include <cctype>

#include <reemploi/common/Json.hpp>

namespace reemploi::inventory::jsonr {

namespace {

class Reader {
public:
    explicit Reader(std::string_view s) : _s(s) {}

    Result<Value> document() {
        Value v;
        if (!value(v, 0)) return makeError(Errc::InvalidInput, "JSON: " + _error + " at byte " + std::to_string(_i));
        skip();
        if (_i != _s.size()) return makeError(Errc::InvalidInput, "JSON: trailing bytes at byte " + std::to_string(_i));
        return v;
    }

private:
    void skip() {
        while (_i < _s.size() && (_s[_i] == ' ' || _s[_i] == '\n' || _s[_i] == '\r' || _s[_i] == '\t')) ++_i;
    }
    bool fail(const char *why) {
        _error = why;
        return false;
    }
    bool literal(std::string_view word) {
        if (_s.substr(_i, word.size()) != word) return fail("unknown literal");
        _i += word.size();
        return true;
    }
    bool hex4(unsigned &cp) {
        if (_i + 4 > _s.size()) return fail("short \\u escape");
        cp = 0;
        for (int k = 0; k < 4; ++k) {
            char c = _s[_i++];
            cp <<= 4;
            if (c >= '0' && c <= '9') cp |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f') cp |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') cp |= static_cast<unsigned>(c - 'A' + 10);
            else return fail("bad \\u escape");
        }
        return true;
    }
    bool string(std::string &out) {
        ++_i;  // the opening quote
        std::size_t run = _i;
        while (_i < _s.size()) {
            char c = _s[_i];
            if (c == '"') {
                out.append(_s.data() + run, _i - run);
                ++_i;
                return true;
            }
            if (c != '\\') {
                ++_i;
                continue;
            }
            out.append(_s.data() + run, _i - run);
            if (++_i >= _s.size()) break;
            char e = _s[_i++];
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'u': {
                unsigned cp = 0;
                if (!hex4(cp)) return false;
                if (cp >= 0xD800 && cp < 0xDC00 && _i + 1 < _s.size() && _s[_i] == '\\' && _s[_i + 1] == 'u') {
                    _i += 2;
                    unsigned low = 0;
                    if (!hex4(low)) return false;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                }
                text::appendUtf8(out, cp);
                break;
            }
            default: return fail("bad escape");
            }
            run = _i;
        }
        return fail("unterminated string");
    }
    bool value(Value &v, int depth) {
        if (depth > 64) return fail("nested too deep");
        skip();
        if (_i >= _s.size()) return fail("unexpected end");
        char c = _s[_i];
        if (c == '{') {
            v.type = Value::Type::Object;
            v.members.reserve(8);  // a payload's objects are small: fewer reallocations
            ++_i;
            skip();
            if (_i < _s.size() && _s[_i] == '}') {
                ++_i;
                return true;
            }
            for (;;) {
                skip();
                if (_i >= _s.size() || _s[_i] != '"') return fail("expected a key");
                v.members.emplace_back();
                if (!string(v.members.back().first)) return false;
                skip();
                if (_i >= _s.size() || _s[_i] != ':') return fail("expected ':'");
                ++_i;
                if (!value(v.members.back().second, depth + 1)) return false;
                skip();
                if (_i < _s.size() && _s[_i] == ',') {
                    ++_i;
                    continue;
                }
                if (_i < _s.size() && _s[_i] == '}') {
                    ++_i;
                    return true;
                }
                return fail("expected ',' or '}'");
            }
        }
        if (c == '[') {
            v.type = Value::Type::Array;
            ++_i;
            skip();
            if (_i < _s.size() && _s[_i] == ']') {
                ++_i;
                return true;
            }
            for (;;) {
                v.items.emplace_back();
                if (!value(v.items.back(), depth + 1)) return false;
                skip();
                if (_i < _s.size() && _s[_i] == ',') {
                    ++_i;
                    continue;
                }
                if (_i < _s.size() && _s[_i] == ']') {
                    ++_i;
                    return true;
                }
                return fail("expected ',' or ']'");
            }
        }
        if (c == '"') {
            v.type = Value::Type::String;
            return string(v.text);
        }
        if (c == 't' || c == 'f') {
            v.type = Value::Type::Bool;
            v.text = c == 't' ? "true" : "false";
            return literal(v.text);
        }
        if (c == 'n') {
            v.type = Value::Type::Null;
            return literal("null");
        }
        std::size_t start = _i;
        while (_i < _s.size() && (std::isdigit(static_cast<unsigned char>(_s[_i])) || _s[_i] == '-' || _s[_i] == '+' ||
                                  _s[_i] == '.' || _s[_i] == 'e' || _s[_i] == 'E'))
            ++_i;
        if (_i == start) return fail("unexpected character");
        v.type = Value::Type::Number;
        v.text.assign(_s.data() + start, _i - start);
        return true;
    }

    std::string_view _s;
    std::size_t _i = 0;
    std::string _error;
};

void write(const Value &v, std::string &out) {
    switch (v.type) {
    case Value::Type::Null: out += "null"; return;
    case Value::Type::Bool:
    case Value::Type::Number: out += v.text; return;
    case Value::Type::String: json::appendEscaped(out, v.text); return;
    case Value::Type::Array:
        out += '[';
        for (std::size_t i = 0; i < v.items.size(); ++i) {
            if (i) out += ',';
            write(v.items[i], out);
        }
        out += ']';
        return;
    case Value::Type::Object: {
        std::vector<const Member *> sorted;
        for (const auto &m : v.members) sorted.push_back(&m);
        std::stable_sort(sorted.begin(), sorted.end(), [](auto *a, auto *b) { return a->first < b->first; });
        out += '{';
        bool first = true;
        for (const auto *m : sorted) {
            if (!first) out += ',';
            first = false;
            json::appendEscaped(out, m->first);
            out += ':';
            write(m->second, out);
        }
        out += '}';
        return;
    }
    }
}

}  // namespace

std::string Value::canonical() const {
    std::string out;
    write(*this, out);
    return out;
}

Result<Value> parse(std::string_view text) { return Reader(text).document(); }

}  // namespace reemploi::inventory::jsonr
