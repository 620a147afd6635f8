// Small text helpers every folder needs: trimming, UTF-8 encoding of one code point, and the
// check that a text field is clean UTF-8 of bounded length.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

#include <reemploi/common/Result.hpp>

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

// Decodes the UTF-8 sequence at `i` strictly (no overlong forms, no surrogates, nothing above
// U+10FFFF). Returns the code point and advances `i`, or returns -1 and leaves `i` unchanged.
inline long decodeUtf8Strict(std::string_view s, std::size_t &i) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = byte(i);
    if (c < 0x80) {
        ++i;
        return c;
    }
    int extra;
    long cp;
    long minimum;
    if (c >= 0xC2 && c <= 0xDF) extra = 1, cp = c & 0x1F, minimum = 0x80;
    else if (c >= 0xE0 && c <= 0xEF) extra = 2, cp = c & 0x0F, minimum = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) extra = 3, cp = c & 0x07, minimum = 0x10000;
    else return -1;
    if (i + extra >= s.size()) return -1;  // truncated
    for (int k = 1; k <= extra; ++k) {
        unsigned char b = byte(i + k);
        if ((b & 0xC0) != 0x80) return -1;
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    i += extra + 1;
    return cp;
}

// What a device or another program printed, made valid UTF-8: each byte that starts no valid
// sequence becomes U+FFFD, so that what reaches JSON, a page or the database is text.
inline std::string validUtf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        std::size_t start = i;
        if (decodeUtf8Strict(s, i) < 0) {
            appendUtf8(out, 0xFFFD);
            i = start + 1;
        } else {
            out.append(s.data() + start, i - start);
        }
    }
    return out;
}

// Checks a text field as every service stores it: valid UTF-8, at most `maxChars` characters
// (code points), and no control character (C0, DEL, C1); tab, CR and LF are allowed only when
// `allowLineBreaks` (notes). Refusals (InvalidInput) name the field and the byte offset in
// `value` (counted from 0): "serial: a NUL byte at byte offset 4".
inline Status checkUtf8Text(std::string_view value, std::string_view field, std::size_t maxChars,
                            bool allowLineBreaks = false) {
    auto refuse = [&](const std::string &why) {
        return makeError(Errc::InvalidInput, std::string(field) + ": " + why);
    };
    std::size_t chars = 0;
    for (std::size_t i = 0; i < value.size();) {
        // Most text is printable ASCII: one comparison a byte.
        auto c = static_cast<unsigned char>(value[i]);
        if (c >= 0x20 && c < 0x7F) {
            ++i;
            ++chars;
            continue;
        }
        std::size_t at = i;
        long cp = decodeUtf8Strict(value, i);
        if (cp < 0) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(value[at]));
            return refuse("invalid UTF-8 (byte " + std::string(hex) + ") at byte offset " + std::to_string(at) +
                          ": save the text as UTF-8");
        }
        if (cp == 0) return refuse("a NUL byte at byte offset " + std::to_string(at));
        bool lineBreak = cp == '\t' || cp == '\n' || cp == '\r';
        if ((cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) && !(lineBreak && allowLineBreaks)) {
            char name[24];  // "U+" and up to 16 hex digits: the compiler cannot see cp < 0xA0
            std::snprintf(name, sizeof name, "U+%04lX", static_cast<unsigned long>(cp));
            return refuse("control character " + std::string(name) + " at byte offset " + std::to_string(at) +
                          (lineBreak ? " (line breaks and tabs belong in notes only)" : ""));
        }
        ++chars;
    }
    if (chars > maxChars)
        return refuse(std::to_string(chars) + " characters long, at most " + std::to_string(maxChars));
    return {};
}

}  // namespace reemploi::text
