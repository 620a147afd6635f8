// Cleaning what a hand scanner types: control characters, AIM symbology identifiers, GS1 element
// strings, and the labels people or scanner set-ups put in front of a serial.
#include <reemploi/intake/Scan.hpp>

#include "ScanDetail.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace reemploi::intake {

namespace {

constexpr char kGroupSeparator = '\x1D';  // FNC1 as transmitted inside GS1 data

bool isTrimmable(unsigned char c) { return c <= 0x20 || c == 0x7F; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && isTrimmable(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && isTrimmable(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    // A no-break space (U+00A0) pasted from a spreadsheet.
    while (s.size() >= 2 && s.substr(0, 2) == "\xC2\xA0") s.remove_prefix(2);
    while (s.size() >= 2 && s.substr(s.size() - 2) == "\xC2\xA0") s.remove_suffix(2);
    return s;
}

bool allDigits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Fixed-length GS1 application identifiers that may come before AI 21 (value length in chars).
int gs1FixedLength(std::string_view ai) {
    if (ai == "00") return 18;
    if (ai == "01" || ai == "02") return 14;
    if (ai == "11" || ai == "12" || ai == "13" || ai == "15" || ai == "16" || ai == "17") return 6;
    if (ai == "20") return 2;
    return -1;
}

// AI 21 from a GS1 element string in transmitted form ("01…21…<GS>10…"); empty if absent.
std::string_view gs1SerialRaw(std::string_view data) {
    std::size_t p = 0;
    while (p + 2 <= data.size()) {
        if (data[p] == kGroupSeparator) {
            ++p;
            continue;
        }
        std::string_view ai = data.substr(p, 2);
        if (!allDigits(ai)) return {};
        if (int len = gs1FixedLength(ai); len > 0) {
            if (p + 2 + len > data.size() || !allDigits(data.substr(p + 2, len))) return {};
            p += 2 + len;
            continue;
        }
        std::size_t valueStart;
        if (ai == "10" || ai == "21" || ai == "22") {
            valueStart = p + 2;
        } else if (p + 3 <= data.size() && (data.substr(p, 3) == "240" || data.substr(p, 3) == "241" ||
                                             data.substr(p, 3) == "250")) {
            valueStart = p + 3;
        } else {
            return {};
        }
        std::size_t end = data.find(kGroupSeparator, valueStart);
        if (end == std::string_view::npos) end = data.size();
        if (ai == "21") return data.substr(valueStart, end - valueStart);
        p = end;
    }
    return {};
}

// AI 21 from the human-readable form "(01)03453120000011(21)ABC123"; empty if absent.
std::string_view gs1SerialBracketed(std::string_view data) {
    std::size_t at = data.find("(21)");
    if (at == std::string_view::npos) return {};
    std::string_view rest = data.substr(at + 4);
    return rest.substr(0, rest.find('('));
}

bool isBracketedGs1(std::string_view data) {
    if (data.size() < 4 || data[0] != '(') return false;
    std::size_t close = data.find(')');
    return close != std::string_view::npos && close >= 3 && close <= 5 && allDigits(data.substr(1, close - 1));
}

bool equalsIgnoringAsciiCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// Labels put in front of a serial, longest first so that "serial no." wins over "serial".
// Those marked `standalone` are unambiguous and need no separator after them ("S/N12345").
struct SerialLabel {
    std::string_view text;
    bool standalone;
};
constexpr std::array<SerialLabel, 16> kLabels = {{
    {"numéro de série", true}, {"numero de serie", true}, {"n° de série", true}, {"n° de serie", true},
    {"no. de série", true},    {"no de série", true},     {"no de serie", false}, {"serial number", false},
    {"n° série", true},        {"serial no.", true},      {"serial no", false},   {"serial #", true},
    {"serial", false},         {"s/n", true},             {"sn#", true},          {"sn", false},
}};

std::string_view stripLabel(std::string_view s, bool &stripped) {
    // Every label starts with 'n' or 's': most serials are done with at once.
    if (s.empty() || (s[0] != 'n' && s[0] != 'N' && s[0] != 's' && s[0] != 'S')) return s;
    for (const auto &label : kLabels) {
        if (s.size() <= label.text.size() || !equalsIgnoringAsciiCase(s.substr(0, label.text.size()), label.text))
            continue;
        std::string_view rest = s.substr(label.text.size());
        std::size_t skipped = 0;
        while (skipped < rest.size() && (rest[skipped] == ' ' || rest[skipped] == ':' || rest[skipped] == '#' ||
                                         rest[skipped] == '=' || rest[skipped] == '\t'))
            ++skipped;
        if (skipped == 0 && !label.standalone) continue;
        rest = trim(rest.substr(skipped));
        if (!rest.empty()) {
            stripped = true;
            return rest;
        }
    }
    return s;
}

}  // namespace

namespace detail {

CleanedSerial cleanSerial(std::string_view scanned) {
    std::string_view s = trim(scanned);

    // AIM symbology identifier: ']' + code character + modifier ("]C1" GS1-128, "]d2" GS1 DataMatrix,
    // "]Q3" GS1 QR, "]e0" GS1 DataBar, "]A0" Code 39, "]C0" Code 128, …).
    bool gs1 = false;
    if (s.size() >= 3 && s[0] == ']' && std::isalpha(static_cast<unsigned char>(s[1])) &&
        std::isalnum(static_cast<unsigned char>(s[2]))) {
        std::string_view id = s.substr(0, 3);
        gs1 = id == "]C1" || id == "]d2" || id == "]Q3" || id == "]e0" || id == "]J1";
        s = trim(s.substr(3));
    }
    if (gs1) {
        if (auto serial = gs1SerialRaw(s); !serial.empty()) return {std::string(trim(serial)), true};
    } else if (isBracketedGs1(s)) {
        if (auto serial = gs1SerialBracketed(s); !serial.empty()) return {std::string(trim(serial)), true};
    }
    CleanedSerial out;
    out.serial = std::string(stripLabel(s, out.labelled));
    // Group separators left inside non-GS1 data are scanner noise.
    out.serial.erase(std::remove(out.serial.begin(), out.serial.end(), kGroupSeparator), out.serial.end());
    return out;
}

}  // namespace detail

std::string cleanScannedSerial(std::string_view scanned) { return detail::cleanSerial(scanned).serial; }

}  // namespace reemploi::intake
