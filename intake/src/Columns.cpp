// Keys for matching headers and values, synonym tables, header → field mapping.
#include <reemploi/common/Text.hpp>
#include <reemploi/intake/Columns.hpp>

#include <algorithm>

namespace reemploi::intake {

namespace {

// Decodes one code point at `i` (advancing it); invalid bytes come back as themselves.
char32_t decodeAt(std::string_view s, std::size_t &i) {
    auto c = static_cast<unsigned char>(s[i]);
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (extra == 0 || i + extra >= s.size()) {
        ++i;
        return c;
    }
    char32_t cp = c & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) {
        auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) {
            ++i;
            return c;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    i += extra + 1;
    return cp;
}

using text::appendUtf8;

// Base letters of U+00C0..U+00FF; '*' marks characters that are not folded (× ÷),
// '1' "ae", '2' "th", '3' "ss".
constexpr std::string_view kLatin1 =
    "aaaaaa1ceeeeiiii" "dnooooo*ouuuuy23"
    "aaaaaa1ceeeeiiii" "dnooooo*ouuuuy2y";
// Base letters of U+0100..U+017F; '4' "ij", '5' "oe".
constexpr std::string_view kLatinExtA =
    "aaaaaaccccccccdd" "ddeeeeeeeeeegggg" "gggghhhhiiiiiiii" "ii44jjkkklllllll"
    "lllnnnnnnnnnoooo" "oo55rrrrrrssssss" "ssttttttuuuuuuuu" "uuuuwwyyyzzzzzzs";
static_assert(kLatin1.size() == 64 && kLatinExtA.size() == 128);

// Appends the folded form of `cp` (lower case, no accent).
void appendFolded(std::string &out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp);
        return;
    }
    char base = 0;
    if (cp >= 0xC0 && cp <= 0xFF) base = kLatin1[cp - 0xC0];
    else if (cp >= 0x100 && cp <= 0x17F) base = kLatinExtA[cp - 0x100];
    switch (base) {
    case 0:
    case '*': appendUtf8(out, cp); return;
    case '1': out += "ae"; return;
    case '2': out += "th"; return;
    case '3': out += "ss"; return;
    case '4': out += "ij"; return;
    case '5': out += "oe"; return;
    default: out += base; return;
    }
}

// Punctuation, symbols and spaces outside ASCII: dropped from keys (°, º, NBSP, ’, «, —, …).
bool isNonAsciiSeparator(char32_t cp) {
    return (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x2BFF) ||
           (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFE10 && cp <= 0xFE6F) || (cp >= 0xFF00 && cp <= 0xFF0F) ||
           cp == 0xFEFF;
}

bool isAsciiAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Folds and splits into words of letters and digits.
std::vector<std::string> keyWords(std::string_view utf8) {
    std::vector<std::string> words;
    std::string word;
    std::string folded;
    for (std::size_t i = 0; i < utf8.size();) {
        char32_t cp = decodeAt(utf8, i);
        folded.clear();
        if (cp >= 0x80 && isNonAsciiSeparator(cp)) {
            folded.push_back(' ');
        } else {
            appendFolded(folded, cp);
        }
        for (char c : folded) {
            if (isAsciiAlnum(c) || static_cast<unsigned char>(c) >= 0x80) {
                word += c;
            } else if (!word.empty()) {
                words.push_back(std::move(word));
                word.clear();
            }
        }
    }
    if (!word.empty()) words.push_back(std::move(word));
    return words;
}

// "ordinateurs portables" → "ordinateurportable"; "pcs" → "pc". Words of two letters and
// words ending in "ss" stay as they are.
std::string singularKey(const std::vector<std::string> &words) {
    std::string key;
    for (const auto &w : words) {
        if (w.size() >= 3 && (w.back() == 's' || w.back() == 'x') && w[w.size() - 2] != 's')
            key.append(w, 0, w.size() - 1);
        else
            key += w;
    }
    return key;
}

std::string joinKey(const std::vector<std::string> &words) {
    std::string key;
    for (const auto &w : words) key += w;
    return key;
}

// Words that qualify a header's noun without changing the field: "Asset Serial", "Item Category",
// "Device Serial", "Marque de l'équipement", "N° de série du poste". Articles and prepositions
// go with them so that what remains is the field's own word.
bool isQualifier(const std::string &w) {
    static const std::vector<std::string_view> words = {
        "asset", "assets", "item", "items", "device", "devices", "equipment", "equipement", "equipements",
        "materiel", "materiels", "hardware", "poste", "appareil", "article", "du", "de", "des", "d", "l",
        "la", "le", "les", "the", "of"};
    return std::find(words.begin(), words.end(), w) != words.end();
}

// The key of `text` without its qualifiers; empty when nothing else is left.
std::string qualifiedKey(std::string_view text) {
    auto words = keyWords(text);
    std::string key;
    for (const auto &w : words)
        if (!isQualifier(w)) key += w;
    return key;
}

std::string listNames(const std::vector<std::string> &names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", \"" : "\"") + names[i] + "\"";
    return out;
}

}  // namespace

std::string foldCase(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    for (std::size_t i = 0; i < utf8.size();) appendFolded(out, decodeAt(utf8, i));
    return out;
}

std::string normalizeKey(std::string_view utf8) { return joinKey(keyWords(utf8)); }

std::string columnLetter(std::size_t index) {
    std::string letters;
    for (std::size_t n = index + 1; n > 0; n = (n - 1) / 26)
        letters.insert(letters.begin(), static_cast<char>('A' + (n - 1) % 26));
    return letters;
}

SynonymTable::SynonymTable(std::vector<std::pair<std::string, std::vector<std::string>>> entries) {
    for (auto &[canonical, synonyms] : entries) add(std::move(canonical), synonyms);
}

void SynonymTable::add(std::string canonical, const std::vector<std::string> &synonyms) {
    std::size_t index = _canonical.size();
    _canonical.push_back(canonical);
    _given.push_back(synonyms);
    auto insert = [&](const std::string &text) {
        std::string key = normalizeKey(text);
        if (key.empty()) return;
        auto it = std::lower_bound(_keys.begin(), _keys.end(), key,
                                   [](const auto &entry, const std::string &k) { return entry.first < k; });
        if (it != _keys.end() && it->first == key) return;  // first entry wins
        _keys.insert(it, {key, index});
    };
    insert(canonical);
    for (const auto &s : synonyms) insert(s);
}

std::optional<std::size_t> SynonymTable::lookupKey(const std::string &key) const {
    auto it = std::lower_bound(_keys.begin(), _keys.end(), key,
                               [](const auto &entry, const std::string &k) { return entry.first < k; });
    if (it != _keys.end() && it->first == key) return it->second;
    return std::nullopt;
}

std::optional<std::string> SynonymTable::find(std::string_view text) const {
    auto words = keyWords(text);
    if (words.empty()) return std::nullopt;
    if (auto i = lookupKey(joinKey(words))) return _canonical[*i];
    if (auto i = lookupKey(singularKey(words))) return _canonical[*i];
    return std::nullopt;
}

std::vector<std::string> SynonymTable::synonymsOf(std::string_view canonical) const {
    for (std::size_t i = 0; i < _canonical.size(); ++i)
        if (_canonical[i] == canonical) return _given[i];
    return {};
}

std::optional<std::size_t> ColumnMap::column(std::string_view field) const {
    for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i] == field) return columnOfField[i];
    return std::nullopt;
}

std::string ColumnMap::cell(const CsvRecord &record, std::string_view field) const {
    auto c = column(field);
    return c ? record.field(*c) : std::string();
}

std::string ColumnMap::describeField(std::string_view field) const {
    auto c = column(field);
    return c ? describeColumn(*c) : std::string();
}

std::string ColumnMap::describeColumn(std::size_t column) const {
    std::string out = "column " + columnLetter(column);
    if (column < header.size() && !header[column].empty()) out += " \"" + header[column] + "\"";
    return out;
}

std::pair<std::string, std::string> splitHeaderUnit(std::string_view header) {
    auto trimmed = [](std::string_view s) {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
        return s;
    };
    std::string_view h = trimmed(header);
    if (!h.empty() && (h.back() == ')' || h.back() == ']')) {
        char open = h.back() == ')' ? '(' : '[';
        auto at = h.rfind(open);
        if (at != std::string_view::npos && at > 0) {
            auto unit = trimmed(h.substr(at + 1, h.size() - at - 2));
            if (!unit.empty()) return {std::string(trimmed(h.substr(0, at))), std::string(unit)};
        }
    }
    // "RAM en Go", "Storage in GB": a last word of at most four letters after "en"/"in".
    auto space = h.rfind(' ');
    if (space != std::string_view::npos && h.size() - space - 1 <= 4) {
        std::string_view before = trimmed(h.substr(0, space));
        auto prev = before.rfind(' ');
        if (prev != std::string_view::npos) {
            std::string word = foldCase(before.substr(prev + 1));
            if (word == "en" || word == "in")
                return {std::string(trimmed(before.substr(0, prev))), std::string(h.substr(space + 1))};
        }
    }
    return {std::string(h), std::string()};
}

Result<ColumnMap> mapColumns(const CsvRecord &header, const std::vector<FieldSpec> &specs) {
    SynonymTable table;
    // The same names without their qualifiers, for headers that qualify the field's word
    // ("Asset Make", "Tag No" aside, "Marque de l'équipement"): tried when the plain names fail.
    std::vector<std::pair<std::string, std::size_t>> qualified;  // key → field index
    ColumnMap map;
    map.header = header.fields;
    for (std::size_t f = 0; f < specs.size(); ++f) {
        const auto &spec = specs[f];
        table.add(spec.field, spec.names);
        map.fields.push_back(spec.field);
        auto addQualified = [&](const std::string &name) {
            std::string key = qualifiedKey(name);
            if (key.empty()) return;
            for (const auto &[k, g] : qualified)
                if (k == key) return;  // first field wins, as in the table
            qualified.emplace_back(std::move(key), f);
        };
        addQualified(spec.field);
        for (const auto &name : spec.names) addQualified(name);
    }
    auto findQualified = [&](std::string_view text) -> std::optional<std::string> {
        std::string key = qualifiedKey(text);
        if (key.empty()) return std::nullopt;
        for (const auto &[k, f] : qualified)
            if (k == key) return specs[f].field;
        return std::nullopt;
    };
    map.columnOfField.assign(specs.size(), std::nullopt);
    map.fieldOfColumn.assign(header.fields.size(), std::nullopt);
    map.unitOfColumn.assign(header.fields.size(), std::string());
    const std::string where = "line " + std::to_string(header.line) + " (header)";

    for (std::size_t col = 0; col < header.fields.size(); ++col) {
        if (normalizeKey(header.fields[col]).empty()) continue;
        auto field = table.find(header.fields[col]);
        if (!field) {
            auto [name, unit] = splitHeaderUnit(header.fields[col]);
            if (!unit.empty() && (field = table.find(name))) map.unitOfColumn[col] = unit;
            if (!field && (field = findQualified(unit.empty() ? std::string_view(header.fields[col]) : name)))
                map.unitOfColumn[col] = unit;
        }
        if (!field) {
            map.unknownColumns.push_back(col);
            continue;
        }
        std::size_t f = static_cast<std::size_t>(
            std::find(map.fields.begin(), map.fields.end(), *field) - map.fields.begin());
        if (map.columnOfField[f] && specs[f].repeatable) {
            map.unknownColumns.push_back(col);
            continue;
        }
        if (map.columnOfField[f])
            return makeError(Errc::InvalidInput, where + ": " + map.describeColumn(*map.columnOfField[f]) + " and " +
                                                     map.describeColumn(col) + " both give the " + *field +
                                                     "; keep or rename one of them");
        map.columnOfField[f] = col;
        map.fieldOfColumn[col] = f;
    }
    for (std::size_t f = 0; f < specs.size(); ++f) {
        if (specs[f].required && !map.columnOfField[f]) {
            auto names = specs[f].names;
            if (std::find(names.begin(), names.end(), specs[f].field) == names.end())
                names.insert(names.begin(), specs[f].field);
            return makeError(Errc::InvalidInput, where + ": no column gives the " + specs[f].field +
                                                     " (accepted headers: " + listNames(names) + ")");
        }
    }
    return map;
}

}  // namespace reemploi::intake
