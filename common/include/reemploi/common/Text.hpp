// Small text helpers every folder needs: trimming, and UTF-8 encoding of one code point.
#pragma once

#include <string>
#include <string_view>

namespace reemploi::text {

// `s` without the ASCII white space (space, tab, CR, LF, VT, FF) at either end.
inline std::string_view trimView(std::string_view s) {
    constexpr std::string_view ws = " \t\r\n\v\f";
    auto b = s.find_first_not_of(ws);
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(ws);
    return s.substr(b, e - b + 1);
}

inline std::string trim(std::string_view s) { return std::string(trimView(s)); }

// Appends the UTF-8 encoding of `cp` to `out`.
inline void appendUtf8(std::string &out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

}  // namespace reemploi::text
