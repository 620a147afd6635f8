// A unit's identity: cleaning scanned serials (AIM identifiers, GS1 element strings, the labels
// put in front of a serial) and unifying manufacturers' names.
#include <reemploi/inventory/Identity.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace reemploi::inventory {

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


bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isLetter(char c) { return c >= 'a' && c <= 'z'; }

// Base letters of U+00C0..U+00FF for make keys ("Société" → "societe"); '*' is not a letter.
constexpr std::string_view kLatin1 =
    "aaaaaaaceeeeiiii" "dnooooo*ouuuuy*s"
    "aaaaaaaceeeeiiii" "dnooooo*ouuuuy*y";
static_assert(kLatin1.size() == 64);

// Lower case ASCII, Latin-1 letters without their accent; other bytes as they are.
std::string foldForKey(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c == 0xC3 && i + 1 < text.size()) {
            auto next = static_cast<unsigned char>(text[i + 1]);
            if (next >= 0x80 && next <= 0xBF && kLatin1[next - 0x80] != '*') {
                out += kLatin1[next - 0x80];
                ++i;
                continue;
            }
        }
        out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    return out;
}

std::string trimmed(std::string_view s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

const std::vector<std::pair<std::string_view, std::string_view>> &makeTable() {
    // Keys are normalised (see makeKeyOf): lower case, letters and digits, corporate suffixes dropped.
    static const std::vector<std::pair<std::string_view, std::string_view>> table = {
        {"hp", "HP"}, {"hewlettpackard", "HP"}, {"hpinc", "HP"}, {"hewlettpackardenterprise", "HPE"}, {"hpe", "HPE"},
        {"compaq", "Compaq"}, {"dell", "Dell"}, {"lenovo", "Lenovo"}, {"ibm", "IBM"}, {"apple", "Apple"},
        {"acer", "Acer"}, {"asus", "ASUS"}, {"asustek", "ASUS"}, {"samsung", "Samsung"}, {"microsoft", "Microsoft"},
        {"toshiba", "Toshiba"}, {"dynabook", "Dynabook"}, {"fujitsu", "Fujitsu"}, {"fujitsusiemens", "Fujitsu"},
        {"fujitsuclientcomputing", "Fujitsu"}, {"sony", "Sony"}, {"msi", "MSI"}, {"microstar", "MSI"},
        {"huawei", "Huawei"}, {"xiaomi", "Xiaomi"}, {"lg", "LG"}, {"google", "Google"}, {"panasonic", "Panasonic"},
        {"medion", "Medion"}, {"gigabyte", "Gigabyte"}, {"packardbell", "Packard Bell"}, {"philips", "Philips"},
        {"iiyama", "iiyama"}, {"benq", "BenQ"}, {"viewsonic", "ViewSonic"}, {"aoc", "AOC"}, {"eizo", "EIZO"},
        {"nec", "NEC"}, {"motorola", "Motorola"}, {"nokia", "Nokia"}, {"oneplus", "OnePlus"}, {"oppo", "OPPO"},
        {"wiko", "Wiko"}, {"alcatel", "Alcatel"}, {"honor", "Honor"}, {"razer", "Razer"}, {"clevo", "Clevo"},
        {"thomson", "Thomson"}, {"archos", "Archos"}, {"getac", "Getac"}, {"intel", "Intel"}, {"zotac", "Zotac"},
        {"shuttle", "Shuttle"}, {"sharp", "Sharp"}, {"terra", "Terra"}, {"wortmann", "Terra"}, {"crosscall", "Crosscall"},
        {"fairphone", "Fairphone"}, {"realme", "realme"}, {"vivo", "vivo"}, {"chuwi", "Chuwi"}, {"teclast", "Teclast"},
    };
    return table;
}

std::vector<std::string> alnumWords(std::string_view text) {
    std::vector<std::string> words;
    std::string word;
    for (char c : foldForKey(text)) {
        if (isLetter(c) || isDigit(c)) {
            word += c;
        } else if (!word.empty()) {
            words.push_back(std::move(word));
            word.clear();
        }
    }
    if (!word.empty()) words.push_back(std::move(word));
    return words;
}

std::string makeKeyOf(std::vector<std::string> words) {
    static const std::vector<std::string_view> suffixes = {
        "inc", "incorporated", "ltd", "limited", "co", "corp", "corporation", "company", "gmbh", "ag", "sa",
        "sas", "srl", "bv", "plc", "llc", "kk", "computer", "computers", "electronics", "international",
        "technologies", "technology", "group", "ltda"};
    while (words.size() > 1 && std::find(suffixes.begin(), suffixes.end(), words.back()) != suffixes.end())
        words.pop_back();
    std::string key;
    for (const auto &w : words) key += w;
    return key;
}

std::optional<std::string_view> knownMake(std::string_view text) {
    std::string key = makeKeyOf(alnumWords(text));
    for (const auto &[k, name] : makeTable())
        if (k == key) return name;
    return std::nullopt;
}

}  // namespace

SerialReading readScannedSerial(std::string_view scanned) {
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
    SerialReading out;
    out.serial = std::string(stripLabel(s, out.labelled));
    // Group separators left inside non-GS1 data are scanner noise.
    out.serial.erase(std::remove(out.serial.begin(), out.serial.end(), kGroupSeparator), out.serial.end());
    return out;
}


std::string cleanSerial(std::string_view scanned) { return readScannedSerial(scanned).serial; }

std::string canonicalMake(std::string_view make) {
    if (auto known = knownMake(make)) return std::string(*known);
    // Unknown: trimmed, inner runs of spaces made single.
    std::string out;
    bool space = false;
    for (char c : trimmed(make)) {
        if (c == ' ' || c == '\t') {
            space = true;
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

std::optional<std::pair<std::string, std::string>> splitMakeFromModel(std::string_view model) {
    std::string m = trimmed(model);
    // Try the first two words, then the first one ("Packard Bell EasyNote" before "Dell Latitude").
    std::vector<std::size_t> ends;
    for (std::size_t i = 0; i < m.size(); ++i)
        if (m[i] == ' ' && (ends.empty() || ends.back() != i)) ends.push_back(i);
    for (int words = 2; words >= 1; --words) {
        if (ends.size() < static_cast<std::size_t>(words)) continue;
        std::size_t end = ends[words - 1];
        if (auto known = knownMake(std::string_view(m).substr(0, end))) {
            std::string rest = trimmed(std::string_view(m).substr(end));
            if (!rest.empty()) return std::make_pair(std::string(*known), rest);
        }
    }
    return std::nullopt;
}

std::string makeKey(std::string_view make) {
    std::string key = canonicalMake(make);
    for (auto &c : key)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    return key;
}

}  // namespace reemploi::inventory
