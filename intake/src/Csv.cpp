// CSV decoding and parsing: encodings, delimiter detection, RFC 4180 quoting, physical lines.
#include <reemploi/common/File.hpp>
#include <reemploi/common/Text.hpp>
#include <reemploi/intake/Csv.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace reemploi::intake {

namespace {

// Windows-1252 0x80..0x9F (the rest of the upper half is Latin-1). The five holes map to the
// C1 controls, as browsers do, so no byte is ever lost.
constexpr std::array<char32_t, 32> kCp1252High = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

// Mac Roman, 0x80..0xFF: what Excel for Mac (2011 and before) writes for "CSV (Macintosh)".
constexpr std::array<char32_t, 128> kMacRomanHigh = {
    0x00C4, 0x00C5, 0x00C7, 0x00C9, 0x00D1, 0x00D6, 0x00DC, 0x00E1,
    0x00E0, 0x00E2, 0x00E4, 0x00E3, 0x00E5, 0x00E7, 0x00E9, 0x00E8,
    0x00EA, 0x00EB, 0x00ED, 0x00EC, 0x00EE, 0x00EF, 0x00F1, 0x00F3,
    0x00F2, 0x00F4, 0x00F6, 0x00F5, 0x00FA, 0x00F9, 0x00FB, 0x00FC,
    0x2020, 0x00B0, 0x00A2, 0x00A3, 0x00A7, 0x2022, 0x00B6, 0x00DF,
    0x00AE, 0x00A9, 0x2122, 0x00B4, 0x00A8, 0x2260, 0x00C6, 0x00D8,
    0x221E, 0x00B1, 0x2264, 0x2265, 0x00A5, 0x00B5, 0x2202, 0x2211,
    0x220F, 0x03C0, 0x222B, 0x00AA, 0x00BA, 0x03A9, 0x00E6, 0x00F8,
    0x00BF, 0x00A1, 0x00AC, 0x221A, 0x0192, 0x2248, 0x2206, 0x00AB,
    0x00BB, 0x2026, 0x00A0, 0x00C0, 0x00C3, 0x00D5, 0x0152, 0x0153,
    0x2013, 0x2014, 0x201C, 0x201D, 0x2018, 0x2019, 0x00F7, 0x25CA,
    0x00FF, 0x0178, 0x2044, 0x20AC, 0x2039, 0x203A, 0xFB01, 0xFB02,
    0x2021, 0x00B7, 0x201A, 0x201E, 0x2030, 0x00C2, 0x00CA, 0x00C1,
    0x00CB, 0x00C8, 0x00CD, 0x00CE, 0x00CF, 0x00CC, 0x00D3, 0x00D4,
    0xF8FF, 0x00D2, 0x00DA, 0x00DB, 0x00D9, 0x0131, 0x02C6, 0x02DC,
    0x00AF, 0x02D8, 0x02D9, 0x02DA, 0x00B8, 0x02DD, 0x02DB, 0x02C7,
};

// Whether bytes that are not UTF-8 read better as Mac Roman than as Windows-1252. Windows-1252
// leaves 0x81, 0x8D, 0x8F, 0x90, 0x9D undefined, where Mac Roman has Á ç è ê ù: one of them and
// the file is Mac Roman. Otherwise the accented letters decide: French text in Mac Roman puts
// them in 0x80..0x9F (é 0x8E, è 0x8F, à 0x88), in Windows-1252 in 0xC0..0xFF (é 0xE9); old Mac
// files also end their lines with CR alone. 0x80..0x9F bytes that are Windows-1252's common
// punctuation (€ … ’ “ ” – —) do not count for Mac Roman.
bool looksMacRoman(std::string_view bytes) {
    std::size_t mac = 0, windows = 0, cr = 0, lf = 0;
    for (char ch : bytes) {
        auto c = static_cast<unsigned char>(ch);
        if (c == '\r') ++cr;
        else if (c == '\n') ++lf;
        else if (c == 0x81 || c == 0x8D || c == 0x8F || c == 0x90 || c == 0x9D) return true;
        else if (c >= 0x80 && c <= 0x9F && c != 0x80 && c != 0x85 && c != 0x91 && c != 0x92 && c != 0x93 &&
                 c != 0x94 && c != 0x96 && c != 0x97)
            ++mac;
        else if (c >= 0xC0) ++windows;
    }
    const bool crOnly = cr > 0 && lf == 0;
    return mac > windows && (crOnly || mac >= 2 * windows + 2);
}

using text::appendUtf8;

// Strict UTF-8 validation (no overlong forms, no surrogates, nothing above U+10FFFF): the
// offset of the first byte that is not UTF-8, or npos.
std::size_t invalidUtf8At(std::string_view s) {
    const auto *begin = reinterpret_cast<const unsigned char *>(s.data());
    const auto *p = begin;
    const auto *end = p + s.size();
    auto at = [&] { return static_cast<std::size_t>(p - begin); };
    while (p < end) {
        // Skip ASCII quickly, eight bytes at a time.
        while (end - p >= 8) {
            std::uint64_t chunk;
            std::memcpy(&chunk, p, 8);
            if (chunk & 0x8080808080808080ULL) break;
            p += 8;
        }
        if (p >= end) break;
        unsigned char c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        int extra;
        char32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return at();
        }
        if (end - p <= extra) return at();
        for (int i = 1; i <= extra; ++i) {
            if ((p[i] & 0xC0) != 0x80) return at();
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return at();
        p += extra + 1;
    }
    return std::string_view::npos;
}

bool isValidUtf8(std::string_view s) { return invalidUtf8At(s) == std::string_view::npos; }

bool startsWith(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

Result<std::string> utf16ToUtf8(std::string_view bytes, bool littleEndian) {
    if (bytes.size() % 2 != 0)
        return makeError(Errc::InvalidInput, "UTF-16 text has an odd number of bytes (" +
                                                 std::to_string(bytes.size()) + ")");
    std::string out;
    out.reserve(bytes.size() / 2);
    auto unitAt = [&](std::size_t i) -> char16_t {
        auto a = static_cast<unsigned char>(bytes[i]), b = static_cast<unsigned char>(bytes[i + 1]);
        return littleEndian ? static_cast<char16_t>(a | (b << 8)) : static_cast<char16_t>((a << 8) | b);
    };
    for (std::size_t i = 0; i < bytes.size(); i += 2) {
        char16_t u = unitAt(i);
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (i + 2 >= bytes.size() || unitAt(i + 2) < 0xDC00 || unitAt(i + 2) > 0xDFFF)
                return makeError(Errc::InvalidInput,
                                 "UTF-16 text has an unpaired surrogate at byte " + std::to_string(i));
            char32_t cp = 0x10000 + ((static_cast<char32_t>(u) - 0xD800) << 10) + (unitAt(i + 2) - 0xDC00);
            appendUtf8(out, cp);
            i += 2;
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            return makeError(Errc::InvalidInput,
                             "UTF-16 text has an unpaired surrogate at byte " + std::to_string(i));
        } else {
            appendUtf8(out, u);
        }
    }
    return out;
}

// A file that says it is UTF-8 (its byte order mark, or the caller) but is not: the byte and line.
Error notUtf8(std::string_view text, std::size_t at, bool bom) {
    const std::size_t line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + at, '\n'));
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[at]));
    return makeError(Errc::InvalidInput, "byte " + std::to_string(at + (bom ? 3 : 0)) + " (line " + std::to_string(line) +
                                             ", " + hex + ") is not UTF-8" +
                                             (bom ? ", although the file starts with a UTF-8 byte order mark" : "") +
                                             ": save it again as UTF-8");
}

bool isBlank(std::string_view s) {
    for (char c : s)
        if (c != ' ' && c != '\t') return false;
    return true;
}

}  // namespace

std::string_view toString(TextEncoding encoding) {
    switch (encoding) {
    case TextEncoding::Utf8: return "utf-8";
    case TextEncoding::Utf8Bom: return "utf-8-bom";
    case TextEncoding::Utf16Le: return "utf-16le";
    case TextEncoding::Utf16Be: return "utf-16be";
    case TextEncoding::Windows1252: return "windows-1252";
    case TextEncoding::MacRoman: return "mac-roman";
    }
    return "utf-8";
}

TextEncoding detectEncoding(std::string_view bytes) {
    if (startsWith(bytes, "\xEF\xBB\xBF")) return TextEncoding::Utf8Bom;
    if (startsWith(bytes, "\xFF\xFE")) return TextEncoding::Utf16Le;
    if (startsWith(bytes, "\xFE\xFF")) return TextEncoding::Utf16Be;
    if (isValidUtf8(bytes)) return TextEncoding::Utf8;
    return looksMacRoman(bytes) ? TextEncoding::MacRoman : TextEncoding::Windows1252;
}

Result<std::string> toUtf8(std::string_view bytes, std::optional<TextEncoding> encoding) {
    TextEncoding enc = encoding ? *encoding : detectEncoding(bytes);
    switch (enc) {
    case TextEncoding::Utf8:
    case TextEncoding::Utf8Bom: {
        const bool bom = startsWith(bytes, "\xEF\xBB\xBF");
        if (bom) bytes.remove_prefix(3);
        if (auto bad = invalidUtf8At(bytes); bad != std::string_view::npos) return notUtf8(bytes, bad, bom);
        return std::string(bytes);
    }
    case TextEncoding::Utf16Le:
    case TextEncoding::Utf16Be: {
        bool le = enc == TextEncoding::Utf16Le;
        if (startsWith(bytes, le ? std::string_view("\xFF\xFE") : std::string_view("\xFE\xFF")))
            bytes.remove_prefix(2);
        return utf16ToUtf8(bytes, le);
    }
    case TextEncoding::Windows1252: {
        std::string out;
        out.reserve(bytes.size() + bytes.size() / 8);
        for (char ch : bytes) {
            auto c = static_cast<unsigned char>(ch);
            if (c < 0x80)
                out += ch;
            else if (c < 0xA0)
                appendUtf8(out, kCp1252High[c - 0x80]);
            else
                appendUtf8(out, c);
        }
        return out;
    }
    case TextEncoding::MacRoman: {
        std::string out;
        out.reserve(bytes.size() + bytes.size() / 8);
        for (char ch : bytes) {
            auto c = static_cast<unsigned char>(ch);
            if (c < 0x80) out += ch;
            else appendUtf8(out, kMacRomanHigh[c - 0x80]);
        }
        return out;
    }
    }
    return std::string(bytes);
}

const std::string &CsvRecord::field(std::size_t index) const {
    static const std::string empty;
    return index < fields.size() ? fields[index] : empty;
}

CsvReader::CsvReader(std::string_view utf8Text, char delimiter, bool skipBlankRecords)
    : _text(utf8Text), _delimiter(delimiter), _skipBlank(skipBlankRecords) {}

Result<bool> CsvReader::next(CsvRecord &record) {
    const char *data = _text.data();
    const std::size_t n = _text.size();
    const char d = _delimiter;
    for (;;) {
        if (_pos >= n) return false;
        record.line = _line;
        std::size_t count = 0;
        bool endOfRecord = false;
        while (!endOfRecord) {
            if (count == kMaxCsvFields) {
                const std::size_t at = record.line;
                _pos = n;
                return makeError(Errc::InvalidInput, "line " + std::to_string(at) + ": more than " +
                                                         withThousands(kMaxCsvFields) + " values in one row");
            }
            if (count == record.fields.size()) record.fields.emplace_back();
            std::string &field = record.fields[count++];
            field.clear();

            // Spaces before an opening quote do not make the field unquoted.
            std::size_t p = _pos;
            while (p < n && (data[p] == ' ' || (data[p] == '\t' && d != '\t'))) ++p;
            if (p < n && data[p] == '"') {
                const std::size_t openLine = _line;
                _pos = p + 1;
                for (;;) {
                    const void *q = std::memchr(data + _pos, '"', n - _pos);
                    std::size_t stop = q ? static_cast<std::size_t>(static_cast<const char *>(q) - data) : n;
                    // Copy the chunk, turning CRLF and lone CR into LF and counting lines.
                    for (std::size_t i = _pos; i < stop; ++i) {
                        char c = data[i];
                        if (c == '\r') {
                            if (i + 1 < stop && data[i + 1] == '\n') ++i;
                            field += '\n';
                            ++_line;
                        } else {
                            if (c == '\n') ++_line;
                            field += c;
                        }
                    }
                    if (!q) {
                        _pos = n;
                        return makeError(Errc::InvalidInput,
                                         "line " + std::to_string(openLine) + ": unterminated quoted field (field " +
                                             std::to_string(count) + " opens a quote that is never closed)");
                    }
                    _pos = stop + 1;
                    if (_pos < n && data[_pos] == '"') {  // "" inside a quoted field
                        field += '"';
                        ++_pos;
                        continue;
                    }
                    break;
                }
                while (_pos < n && (data[_pos] == ' ' || (data[_pos] == '\t' && d != '\t'))) ++_pos;
                if (_pos < n && data[_pos] != d && data[_pos] != '\n' && data[_pos] != '\r') {
                    std::size_t at = _line;
                    char bad = data[_pos];
                    _pos = n;
                    return makeError(Errc::InvalidInput,
                                     "line " + std::to_string(at) + ": unexpected '" + std::string(1, bad) +
                                         "' after the closing quote of field " + std::to_string(count) +
                                         " (a quote inside a quoted field must be doubled)");
                }
            } else {
                std::size_t i = _pos;
                while (i < n) {
                    char c = data[i];
                    if (c == d || c == '\n' || c == '\r') break;
                    ++i;
                }
                field.assign(data + _pos, i - _pos);
                _pos = i;
            }

            if (_pos >= n) {
                record.endLine = _line;
                endOfRecord = true;
            } else if (data[_pos] == d) {
                ++_pos;
            } else {  // line end
                if (data[_pos] == '\r' && _pos + 1 < n && data[_pos + 1] == '\n') ++_pos;
                ++_pos;
                record.endLine = _line++;
                endOfRecord = true;
            }
        }
        record.fields.resize(count);
        if (_skipBlank) {
            bool blank = true;
            for (const auto &f : record.fields)
                if (!isBlank(f)) {
                    blank = false;
                    break;
                }
            if (blank) continue;
        }
        return true;
    }
}

char detectDelimiter(std::string_view utf8Text) {
    // The candidate whose most frequent record width (2 fields or more) is the most frequent:
    // a title line such as "Liste du matériel" above the header does not spoil it.
    constexpr std::size_t kSampleRecords = 20;
    char best = ',';
    std::size_t bestScore = 0, bestWidth = 0;
    for (char candidate : {',', ';', '\t'}) {
        CsvReader reader(utf8Text, candidate);
        CsvRecord record;
        std::vector<std::size_t> widths;
        for (std::size_t i = 0; i < kSampleRecords; ++i) {
            auto more = reader.next(record);
            if (!more || !*more) break;  // a sample cut in a quoted field still counts up to there
            widths.push_back(record.size());
        }
        std::size_t width = 0, score = 0;
        for (std::size_t w : widths) {
            if (w < 2) continue;
            std::size_t n = static_cast<std::size_t>(std::count(widths.begin(), widths.end(), w));
            if (n > score || (n == score && w > width)) {
                score = n;
                width = w;
            }
        }
        if (score > bestScore || (score == bestScore && score > 0 && width > bestWidth)) {
            best = candidate;
            bestScore = score;
            bestWidth = width;
        }
    }
    return best;
}

CsvSource::CsvSource(std::string decoded, std::optional<std::string_view> inPlace, TextEncoding encoding,
                     const CsvOptions &options)
    : _decoded(std::move(decoded)), _encoding(encoding), _reader(std::string_view(), ',') {
    std::string_view text = inPlace ? *inPlace : std::string_view(_decoded);
    _reader = CsvReader(text, options.delimiter ? *options.delimiter : detectDelimiter(text), options.skipBlankRecords);
}

Result<std::unique_ptr<CsvSource>> CsvSource::open(std::string_view bytes, const CsvOptions &options) {
    TextEncoding encoding = detectEncoding(bytes);
    if (encoding == TextEncoding::Utf8 || encoding == TextEncoding::Utf8Bom) {
        const bool bom = startsWith(bytes, "\xEF\xBB\xBF");
        if (bom) bytes.remove_prefix(3);
        // Plain UTF-8 was detected as valid; a byte order mark only claims it.
        if (bom)
            if (auto bad = invalidUtf8At(bytes); bad != std::string_view::npos) return notUtf8(bytes, bad, true);
        return std::unique_ptr<CsvSource>(new CsvSource({}, bytes, encoding, options));
    }
    auto text = toUtf8(bytes, encoding);
    if (!text) return text.error();
    return std::unique_ptr<CsvSource>(new CsvSource(std::move(*text), std::nullopt, encoding, options));
}

Result<CsvTable> parseCsv(std::string_view bytes, const CsvOptions &options) {
    auto source = CsvSource::open(bytes, options);
    if (!source) return source.error();
    CsvTable table;
    table.encoding = (*source)->encoding();
    table.delimiter = (*source)->delimiter();
    auto first = (*source)->next(table.header);
    if (!first) return first.error();
    if (!*first) return makeError(Errc::InvalidInput, "the file is empty (no header row)");
    // Typical donors' lists are a few dozen rows; big ones are ~60 bytes per row.
    table.records.reserve(bytes.size() / 64 + 1);
    CsvRecord record;
    for (;;) {
        auto more = (*source)->next(record);
        if (!more) return more.error();
        if (!*more) break;
        table.records.push_back(std::move(record));
        record = CsvRecord{};
    }
    return table;
}

Result<std::string> readFileBytes(const std::string &path, std::uint64_t maxBytes) {
    return file::readRegularFile(path, maxBytes);
}

Result<CsvTable> readCsvFile(const std::string &path, const CsvOptions &options) {
    auto bytes = readFileBytes(path, options.maxBytes);
    if (!bytes) return bytes.error();
    return parseCsv(*bytes, options).context(path);
}

}  // namespace reemploi::intake
