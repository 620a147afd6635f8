// Free-text values of donors' lists: kinds, memory and disk sizes, screen sizes, manufacturers.
#include <reemploi/intake/Values.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include <reemploi/inventory/Identity.hpp>

namespace reemploi::intake {

namespace {

using inventory::MediumType;
using inventory::NewMedium;
using inventory::UnitKind;

// Every `from` in `s` replaced by `to` (built afresh: GCC 12 warns wrongly about string::replace).
std::string replaceAll(const std::string &s, std::string_view from, std::string_view to) {
    std::string out;
    out.reserve(s.size());
    std::size_t pos = 0;
    for (auto at = s.find(from); at != std::string::npos; at = s.find(from, pos)) {
        out.append(s, pos, at - pos);
        out.append(to);
        pos = at + from.size();
    }
    out.append(s, pos, std::string::npos);
    return out;
}

// Folded (lower case, no accents) with no-break spaces made plain and the ends trimmed.
std::string prepare(std::string_view text) {
    std::string s = replaceAll(replaceAll(foldCase(text), "\xC2\xA0", " "), "\xE2\x80\xAF", " ");
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

std::string trimmed(std::string_view s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isLetter(char c) { return c >= 'a' && c <= 'z'; }

// A number at `p` (advanced past it): digits, French thousands groups ("8 192"), and a decimal
// part after '.' or ','.
std::optional<double> readNumber(const std::string &s, std::size_t &p) {
    if (p >= s.size() || !isDigit(s[p])) return std::nullopt;
    double value = 0;
    std::size_t groupDigits = 0;
    while (p < s.size() && isDigit(s[p])) {
        value = value * 10 + (s[p++] - '0');
        ++groupDigits;
    }
    // "8 192": a space then exactly three digits continue the number.
    while (groupDigits <= 3 && p + 3 < s.size() && s[p] == ' ' && isDigit(s[p + 1]) && isDigit(s[p + 2]) &&
           isDigit(s[p + 3]) && (p + 4 == s.size() || !isDigit(s[p + 4]))) {
        value = value * 1000 + (s[p + 1] - '0') * 100 + (s[p + 2] - '0') * 10 + (s[p + 3] - '0');
        p += 4;
        groupDigits = 3;
    }
    if (p + 1 < s.size() && (s[p] == '.' || s[p] == ',') && isDigit(s[p + 1])) {
        ++p;
        double scale = 0.1;
        while (p < s.size() && isDigit(s[p])) {
            value += (s[p++] - '0') * scale;
            scale /= 10;
        }
    }
    return value;
}

void skipSpaces(const std::string &s, std::size_t &p) {
    while (p < s.size() && (s[p] == ' ' || s[p] == '\t')) ++p;
}

std::string readWord(const std::string &s, std::size_t &p) {
    std::size_t start = p;
    while (p < s.size() && isLetter(s[p])) ++p;
    return s.substr(start, p - start);
}

// "2 x 4 go", "2x4go", "2 × 500 go", "2*8": the count before the multiplication sign.
std::int64_t readMultiplier(const std::string &s, std::size_t &p) {
    std::size_t q = p;
    std::int64_t count = 0;
    if (q >= s.size() || !isDigit(s[q])) return 1;
    // Past 64 the count is refused anyway: stop growing it (a long run of digits would overflow).
    while (q < s.size() && isDigit(s[q])) {
        if (count <= 64) count = count * 10 + (s[q] - '0');
        ++q;
    }
    skipSpaces(s, q);
    if (q < s.size() && (s[q] == 'x' || s[q] == '*')) {
        ++q;
    } else if (s.compare(q, 2, "\xC3\x97") == 0) {
        q += 2;
    } else {
        return 1;
    }
    skipSpaces(s, q);
    if (q >= s.size() || !isDigit(s[q]) || count < 1 || count > 64) return 1;
    p = q;
    return count;
}

struct UnitScale {
    int power;    // 0 bytes, 1 kilo, 2 mega, 3 giga, 4 tera
    bool binary;  // KiB, MiB… rather than kB, MB…
};

std::optional<UnitScale> parseUnitWord(std::string_view folded) {
    static const std::map<std::string_view, UnitScale> units = {
        {"o", {0, false}},   {"b", {0, false}},   {"octet", {0, false}}, {"octets", {0, false}},
        {"byte", {0, false}}, {"bytes", {0, false}},
        {"k", {1, false}},   {"kb", {1, false}},  {"ko", {1, false}},  {"kib", {1, true}}, {"kio", {1, true}},
        {"m", {2, false}},   {"mb", {2, false}},  {"mo", {2, false}},  {"mib", {2, true}}, {"mio", {2, true}},
        {"g", {3, false}},   {"gb", {3, false}},  {"go", {3, false}},  {"gib", {3, true}}, {"gio", {3, true}},
        {"t", {4, false}},   {"tb", {4, false}},  {"to", {4, false}},  {"tib", {4, true}}, {"tio", {4, true}},
    };
    auto it = units.find(folded);
    if (it == units.end()) return std::nullopt;
    return it->second;
}

std::optional<UnitScale> hintScale(std::string_view hint) {
    std::string h = prepare(hint);
    h.erase(std::remove_if(h.begin(), h.end(), [](char c) { return !isLetter(c); }), h.end());
    return h.empty() ? std::nullopt : parseUnitWord(h);
}

std::string quoted(std::string_view text) {
    std::string out(1, '"');
    out += trimmed(text);
    out += '"';
    return out;
}

bool containsWord(const std::string &s, std::string_view word) {
    for (auto at = s.find(word); at != std::string::npos; at = s.find(word, at + 1)) {
        bool startOk = at == 0 || !isLetter(s[at - 1]);
        bool endOk = at + word.size() >= s.size() || !isLetter(s[at + word.size()]);
        if (startOk && endOk) return true;
    }
    return false;
}

MediumType mediumTypeOf(const std::string &folded) {
    if (folded.find("nvme") != std::string::npos || containsWord(folded, "pcie")) return MediumType::Nvme;
    if (folded.find("emmc") != std::string::npos) return MediumType::Emmc;
    if (containsWord(folded, "ssd") || folded.find("solid state") != std::string::npos) return MediumType::Ssd;
    if (containsWord(folded, "hdd") || folded.find("disque dur") != std::string::npos ||
        folded.find("hard dis") != std::string::npos || folded.find("hard drive") != std::string::npos ||
        folded.find("mecanique") != std::string::npos || containsWord(folded, "rpm"))
        return MediumType::Hdd;
    if (containsWord(folded, "flash")) return MediumType::Flash;
    return MediumType::Other;
}

// Splits "ssd 256 go + hdd 1 to" into its media.
std::vector<std::string> splitMedia(const std::string &s) {
    std::vector<std::string> parts;
    std::string current;
    auto flush = [&] {
        auto t = trimmed(current);
        if (!t.empty()) parts.push_back(t);
        current.clear();
    };
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '+' || c == ';' || c == '|' || c == '\n') {
            flush();
            continue;
        }
        bool matched = false;
        for (std::string_view sep : {" et ", " and ", " & ", " / "}) {
            if (s.compare(i, sep.size(), sep) == 0) {
                flush();
                i += sep.size() - 1;
                matched = true;
                break;
            }
        }
        if (!matched) current += c;
    }
    flush();
    return parts;
}

// Form factors and interfaces whose digits are not a capacity: "m.2", "2.5\"", "3,5 pouces", "7200 rpm".
std::string withoutNonCapacityNumbers(std::string s) {
    for (std::string_view token : {"m.2", "m2", "sata3", "sata 3", "sata iii", "pcie 3", "pcie 4", "gen3", "gen4", "ddr3", "ddr4", "ddr5"}) {
        s = replaceAll(s, token, " ");
    }
    std::string out;
    std::size_t p = 0;
    while (p < s.size()) {
        if (isDigit(s[p])) {
            std::size_t start = p;
            readNumber(s, p);
            std::size_t q = p;
            skipSpaces(s, q);
            std::string rest = s.substr(q, 8);
            bool inches = rest.rfind("\"", 0) == 0 || rest.rfind("''", 0) == 0 || rest.rfind("pouce", 0) == 0 ||
                          rest.rfind("inch", 0) == 0;
            bool speed = rest.rfind("rpm", 0) == 0 || rest.rfind("tr/min", 0) == 0 || rest.rfind("tours", 0) == 0;
            if (inches || speed) {
                out += ' ';
            } else {
                out.append(s, start, p - start);
            }
            continue;
        }
        out += s[p++];
    }
    return out;
}

}  // namespace

const SynonymTable &kindSynonyms() {
    static const SynonymTable table({
        {"laptop",
         {"portable", "ordinateur portable", "pc portable", "ordinateur portatif", "portatif", "notebook",
          "netbook", "ultrabook", "ultraportable", "ultra portable", "sub notebook", "convertible", "detachable",
          "chromebook", "laptop computer", "macbook"}},
        {"desktop",
         {"fixe", "pc fixe", "ordinateur fixe", "poste fixe", "unité centrale", "uc", "pc", "ordinateur",
          "ordinateur de bureau", "pc de bureau", "poste de travail", "tour", "tower", "mini tour", "mini tower",
          "low profile desktop", "space-saving", "all in one", "aio", "tout en un", "workstation",
          "station de travail", "mini pc", "desktop computer", "cpu", "client léger", "thin client", "computer"}},
        {"tablet", {"tablette", "tablette tactile", "tablet pc", "ipad"}},
        {"phone",
         {"téléphone", "smartphone", "mobile", "téléphone mobile", "téléphone portable", "mobile phone",
          "cell phone", "cellphone", "gsm", "iphone"}},
        {"monitor", {"écran", "moniteur", "display", "screen", "écran plat", "écran lcd", "lcd monitor"}},
        {"other", {"autre", "divers"}},
        // Printers and accessories a family can use: kinds of their own (they used to be
        // peripherals, imported as other).
        {"printer",
         {"imprimante", "imprimante multifonction", "multifonction", "imprimante laser", "imprimante jet d'encre",
          "mfp", "imprimante photo"}},
        {"charger",
         {"chargeur", "chargeur secteur", "chargeur pc", "bloc d'alimentation", "bloc alimentation", "power adapter",
          "adaptateur secteur", "ac adapter", "alimentation portable"}},
        {"mouse", {"souris", "souris sans fil", "souris usb", "wireless mouse"}},
        {"keyboard", {"clavier", "clavier usb", "clavier sans fil", "clavier souris", "keyboard mouse",
                      "combo clavier souris", "wireless keyboard"}},
        {"cable", {"câble", "cordon", "câble usb", "câble hdmi", "câble vga", "câble réseau", "câble ethernet",
                   "rallonge"}},
    });
    return table;
}

const SynonymTable &peripheralWords() {
    // Things donors give with their computers that the workshop does not refurbish. The canonical
    // name is only for grouping; the donor's own word is what the unit keeps.
    static const SynonymTable table({
        {"copier",
         {"copieur", "photocopieur", "copier", "scanner", "scanneur", "traceur", "plotter", "label printer"}},
        {"headset", {"casque", "micro casque", "headset", "headphones", "écouteurs", "earphones"}},
        {"ups", {"onduleur", "ups", "alimentation secourue", "multiprise", "power strip"}},
        {"dock",
         {"station d'accueil", "docking station", "dock", "réplicateur de ports", "port replicator",
          "hub usb", "usb hub"}},
        {"camera", {"caméra", "camera", "webcam", "appareil photo", "cctv camera", "caméra de surveillance"}},
        {"adapter", {"adaptateur", "adapter", "alimentation", "power supply"}},
        {"projector", {"vidéoprojecteur", "videoprojecteur", "projecteur", "projector", "tableau blanc interactif",
                       "tbi", "vpi"}},
        {"audio",
         {"haut-parleur", "haut parleur", "enceinte", "speaker", "speakers", "sound system", "sound systems",
          "micro", "microphone"}},
        {"tv", {"tv", "télévision", "téléviseur", "television"}},
        {"network",
         {"switch", "routeur", "router", "borne wifi", "access point", "point d'accès", "firewall", "pare-feu",
          "modem", "box"}},
        {"telephony", {"téléphone ip", "ip phone", "voip phone", "desk phone", "téléphone fixe", "standard téléphonique"}},
        {"server", {"serveur", "server", "nas", "baie de stockage"}},
    });
    return table;
}

namespace {

const char *const kExpectedKinds =
    "laptop/portable, desktop/fixe/unité centrale, tablet/tablette, phone/téléphone, monitor/écran, "
    "printer/imprimante, charger/chargeur, mouse/souris, keyboard/clavier or cable/câble";

}  // namespace

std::optional<LeadingKind> kindFromLeadingWords(std::string_view text) {
    // "Imprimante HP LaserJet": the first one to three words name the kind, the rest the device.
    std::vector<std::string_view> words;
    std::size_t p = 0;
    while (p < text.size()) {
        while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
        std::size_t start = p;
        while (p < text.size() && text[p] != ' ' && text[p] != '\t') ++p;
        if (p > start) words.push_back(text.substr(start, p - start));
    }
    for (std::size_t n = std::min<std::size_t>(3, words.size() - (words.empty() ? 0 : 1)); n >= 1; --n) {
        std::string_view head = text.substr(0, static_cast<std::size_t>(words[n - 1].data() + words[n - 1].size() - text.data()));
        auto canonical = kindSynonyms().find(head);
        if (!canonical) continue;
        std::string_view rest = text.substr(head.size());
        while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t' || rest.front() == '-' || rest.front() == ':'))
            rest.remove_prefix(1);
        return LeadingKind{*inventory::parseUnitKind(*canonical), std::string(rest)};
    }
    return std::nullopt;
}

Result<UnitKind> parseKind(std::string_view text) {
    if (auto canonical = kindSynonyms().find(text)) return inventory::parseUnitKind(*canonical);
    if (auto leading = kindFromLeadingWords(text)) return leading->kind;
    return makeError(Errc::InvalidInput, "unknown kind " + quoted(text) + " (expected " + kExpectedKinds + ")");
}

Result<KindReading> readKind(std::string_view text, const KindMap &map) {
    std::string key = normalizeKey(text);
    for (const auto &[word, kind] : map.entries)
        if (word == key) return KindReading{kind, false, {}};
    if (auto canonical = kindSynonyms().find(text)) return KindReading{*inventory::parseUnitKind(*canonical), false, {}};
    if (peripheralWords().find(text)) return KindReading{UnitKind::Other, true, {}};
    if (auto leading = kindFromLeadingWords(text)) return KindReading{leading->kind, false, leading->rest};
    return makeError(Errc::InvalidInput,
                     "unknown kind " + quoted(text) + " (expected " + kExpectedKinds + "; --kind-map \"" +
                         std::string(text.substr(0, 40)) + "=desktop\" maps a word of your own)");
}

Result<KindMap> parseKindMap(std::string_view text) {
    KindMap map;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find(',', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view item = text.substr(start, end - start);
        start = end + 1;
        if (item.find_first_not_of(" \t") == std::string_view::npos) {
            if (end == text.size()) break;
            continue;
        }
        auto eq = item.find('=');
        if (eq == std::string_view::npos)
            return makeError(Errc::InvalidInput, "--kind-map: " + quoted(item) + " has no '=' (write WORD=KIND, e.g. EINBAU=desktop)");
        std::string word = normalizeKey(item.substr(0, eq));
        std::string_view target = item.substr(eq + 1);
        if (word.empty())
            return makeError(Errc::InvalidInput, "--kind-map: " + quoted(item) + " maps no word");
        auto kind = kindSynonyms().find(target);
        if (!kind)
            return makeError(Errc::InvalidInput, "--kind-map: " + quoted(target) +
                                                     " is not a kind (laptop, desktop, tablet, phone, monitor, printer, "
                                                     "charger, mouse, keyboard, cable or other)");
        map.entries.emplace_back(std::move(word), *inventory::parseUnitKind(*kind));
        if (end == text.size()) break;
    }
    return map;
}

Result<std::int64_t> parseRamMib(std::string_view text, std::string_view unitHint) {
    const std::string s = prepare(text);
    auto bad = [&] {
        return makeError(Errc::InvalidInput,
                         "RAM " + quoted(text) + " is not a number (write 8, 8 Go, 8GB or 8192 MB)");
    };
    std::size_t p = 0;
    std::int64_t count = readMultiplier(s, p);
    auto value = readNumber(s, p);
    if (!value) return bad();
    std::size_t afterNumber = p;
    skipSpaces(s, p);
    std::optional<UnitScale> scale;
    std::string word = readWord(s, p);
    if (!word.empty()) {
        scale = parseUnitWord(word);
        if (!scale && afterNumber == p - word.size()) return bad();  // "8huit": not a unit glued to the number
    } else if (p < s.size() && isDigit(s[p])) {
        return bad();  // "8 4": two numbers
    }
    if (!scale) scale = hintScale(unitHint);
    if (!scale) scale = UnitScale{*value < 512 ? 3 : 2, true};
    // Memory is sold in binary units whatever the label says: 8 GB of RAM is 8 GiB.
    double mib = *value * static_cast<double>(count) * std::pow(1024.0, scale->power - 2);
    auto rounded = static_cast<std::int64_t>(std::llround(mib));
    if (rounded < 1 || rounded > (std::int64_t(1) << 24))
        return makeError(Errc::InvalidInput, "RAM " + quoted(text) + " is not a plausible memory size");
    return rounded;
}

Result<std::vector<NewMedium>> parseStorage(std::string_view text, std::string_view unitHint) {
    const std::string all = prepare(text);
    std::vector<NewMedium> media;
    static const std::vector<std::string_view> none = {"", "0", "aucun", "aucune", "none", "sans", "no", "non",
                                                        "na", "neant", "nothing", "rien"};
    if (std::find(none.begin(), none.end(), normalizeKey(all)) != none.end()) return media;

    auto bad = [&](const std::string &why) {
        return makeError(Errc::InvalidInput, "storage " + quoted(text) + " " + why +
                                                 " (write 256 Go SSD, 500GB HDD, 1 To, or SSD 256 Go + HDD 1 To)");
    };
    for (const auto &part : splitMedia(all)) {
        NewMedium medium;
        medium.type = mediumTypeOf(part);
        std::string s = withoutNonCapacityNumbers(part);
        std::size_t p = s.find_first_of("0123456789");
        if (p == std::string::npos) {
            if (medium.type == MediumType::Other) return bad("is not understood");
            media.push_back(medium);
            continue;
        }
        std::int64_t count = readMultiplier(s, p);
        auto value = readNumber(s, p);
        skipSpaces(s, p);
        std::optional<UnitScale> scale = parseUnitWord(readWord(s, p));
        if (!scale) scale = hintScale(unitHint);
        if (!scale) {
            if (*value >= 100000) scale = UnitScale{2, false};
            else if (*value >= 16) scale = UnitScale{3, false};
            else return bad("has no unit (is it Go or To?)");
        }
        double bytes = *value * std::pow(scale->binary ? 1024.0 : 1000.0, scale->power);
        if (bytes < 1e6 || bytes > 1e15) return bad("is not a plausible disk size");
        medium.capacityBytes = static_cast<std::int64_t>(std::llround(bytes));
        for (std::int64_t i = 0; i < count; ++i) media.push_back(medium);
    }
    return media;
}

Result<double> parseScreenInches(std::string_view text) {
    const std::string s = prepare(text);
    auto bad = [&] {
        return makeError(Errc::InvalidInput,
                         "screen " + quoted(text) + " is not a size in inches (write 15.6 or 15,6\")");
    };
    std::size_t p = 0;
    auto value = readNumber(s, p);
    if (!value) return bad();
    skipSpaces(s, p);
    std::string rest = s.substr(p);
    double inches = *value;
    if (rest.rfind("cm", 0) == 0) inches /= 2.54;
    else if (!(rest.empty() || rest[0] == '"' || rest.rfind("''", 0) == 0 || rest.rfind("pouce", 0) == 0 ||
               rest.rfind("in", 0) == 0 || rest.rfind("po", 0) == 0))
        return bad();
    if (inches < 3 || inches > 100) return bad();
    return std::round(inches * 10) / 10;
}

// The one rule lives in inventory (Identity.hpp), which applies it to every registration.
std::string canonicalMake(std::string_view make) { return inventory::canonicalMake(make); }

std::optional<std::pair<std::string, std::string>> splitMakeFromModel(std::string_view model) {
    return inventory::splitMakeFromModel(model);
}

bool looksLikeExcelScientific(std::string_view text) {
    std::string s = trimmed(text);
    std::size_t p = 0;
    if (p >= s.size() || !isDigit(s[p])) return false;
    while (p < s.size() && isDigit(s[p])) ++p;
    if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
        ++p;
        if (p >= s.size() || !isDigit(s[p])) return false;
        while (p < s.size() && isDigit(s[p])) ++p;
    }
    if (p >= s.size() || (s[p] != 'E' && s[p] != 'e')) return false;
    ++p;
    if (p >= s.size() || (s[p] != '+' && s[p] != '-')) return false;
    ++p;
    if (p >= s.size()) return false;
    while (p < s.size() && isDigit(s[p])) ++p;
    return p == s.size();
}

}  // namespace reemploi::intake
