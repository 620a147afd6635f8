// What the fuzz targets share: the input read from its front as a device would send it, and the
// checks that turn a wrong answer (not only a crash) into a finding.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace reemploi::fuzz {

// The fuzzer's bytes consumed in order; past the end everything reads as zero and empty().
class Input {
public:
    Input(const std::uint8_t *data, std::size_t size) : _data(data), _size(size) {}

    bool empty() const { return _pos >= _size; }
    std::uint8_t u8() { return _pos < _size ? _data[_pos++] : 0; }
    std::uint16_t u16() { return static_cast<std::uint16_t>(u8() | u8() << 8); }
    // Copies up to out.size() bytes, zero-filling past the end; returns how many were real.
    std::size_t bytes(std::span<std::uint8_t> out) {
        std::size_t n = std::min(out.size(), _size - std::min(_pos, _size));
        if (n) std::memcpy(out.data(), _data + _pos, n);
        if (out.size() > n) std::memset(out.data() + n, 0, out.size() - n);  // an empty span's data() may be null
        _pos += n;
        return n;
    }
    std::string_view rest() {
        std::string_view r(reinterpret_cast<const char *>(_data) + std::min(_pos, _size), _size - std::min(_pos, _size));
        _pos = _size;
        return r;
    }

private:
    const std::uint8_t *_data;
    std::size_t _size;
    std::size_t _pos = 0;
};

// Strict UTF-8 (no overlong forms, surrogates or code points past U+10FFFF): what every text
// that reaches the database, JSON or a terminal must be.
inline bool isValidUtf8(std::string_view s) {
    const auto *p = reinterpret_cast<const unsigned char *>(s.data());
    const auto *end = p + s.size();
    while (p < end) {
        unsigned char c = *p;
        int extra = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : -1;
        if (extra < 0 || end - p <= extra) return false;
        std::uint32_t cp = extra == 0 ? c : c & (0x3F >> extra);
        for (int i = 1; i <= extra; ++i) {
            if ((p[i] & 0xC0) != 0x80) return false;
            cp = cp << 6 | (p[i] & 0x3F);
        }
        if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        p += extra + 1;
    }
    return true;
}

// A finding that is not a crash: printed, then abort() so that libFuzzer keeps the input.
[[noreturn]] inline void fail(const char *what, std::string_view detail = {}) {
    std::fprintf(stderr, "fuzz finding: %s %.*s\n", what, static_cast<int>(std::min<std::size_t>(detail.size(), 300)),
                 detail.data());
    std::abort();
}

#define REEMPLOI_FUZZ_CHECK(condition, detail) \
    do {                                       \
        if (!(condition)) ::reemploi::fuzz::fail("check failed: " #condition, detail); \
    } while (0)

}  // namespace reemploi::fuzz
