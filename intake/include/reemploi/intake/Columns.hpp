// Matching what people write in spreadsheet headers and cells to our fields and values:
// case-, accent- and punctuation-insensitive keys, synonym tables, and header → field mapping.
// Generic on purpose: the donors' list, the schools' and the needs' imports each bring a table.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/intake/Csv.hpp>

namespace reemploi::intake {

// Lower-cases UTF-8 text and folds Latin accents and ligatures to ASCII ("Numéro" → "numero",
// "Œuvre" → "oeuvre"); other characters are kept as they are.
std::string foldCase(std::string_view utf8);

// The matching key of a header or value: foldCase, then only letters and digits are kept
// ("N° d'inventaire" → "ndinventaire", "S/N" → "sn", "Serial_Number" → "serialnumber").
std::string normalizeKey(std::string_view utf8);

// Spreadsheet column letters for messages: 0 → "A", 25 → "Z", 26 → "AA".
std::string columnLetter(std::size_t index);

// Canonical names and the ways people write them. Lookups go through normalizeKey, and a plural
// ("laptops", "écrans", "ordinateurs portables") is tried in the singular when it is not listed.
class SynonymTable {
public:
    SynonymTable() = default;
    // Each entry: a canonical name and its synonyms (the canonical name matches itself).
    explicit SynonymTable(std::vector<std::pair<std::string, std::vector<std::string>>> entries);

    void add(std::string canonical, const std::vector<std::string> &synonyms);
    // The canonical name `text` stands for, if any.
    std::optional<std::string> find(std::string_view text) const;
    // The canonical names, in the order they were added.
    const std::vector<std::string> &canonicalNames() const { return _canonical; }
    // The synonyms of a canonical name as given (for messages listing what is accepted).
    std::vector<std::string> synonymsOf(std::string_view canonical) const;

private:
    std::optional<std::size_t> lookupKey(const std::string &key) const;

    std::vector<std::string> _canonical;
    std::vector<std::vector<std::string>> _given;
    std::vector<std::pair<std::string, std::size_t>> _keys;  // normalised key → canonical index, sorted
};

// One field an import understands, and the header names that stand for it.
struct FieldSpec {
    std::string field;               // "serial"
    std::vector<std::string> names;  // "serial", "numéro de série", "S/N", "Serial Number", …
    bool required = false;
    // Several columns may give it (free text such as notes): the first is the field's column,
    // the others are listed with the unknown columns so that their content is kept too.
    bool repeatable = false;
};

// Where each field is in a file. Columns are 0-based indexes into a record's fields.
struct ColumnMap {
    std::vector<std::string> header;                     // the header cells as written
    std::vector<std::string> fields;                     // the spec's field names, in spec order
    std::vector<std::optional<std::size_t>> columnOfField;  // per field: its column, if present
    std::vector<std::optional<std::size_t>> fieldOfColumn;  // per column: its field, if known
    std::vector<std::size_t> unknownColumns;             // columns no field claims (non-blank header)
    std::vector<std::string> unitOfColumn;               // per column: a unit named in its header ("Go" in "RAM (Go)")

    std::optional<std::size_t> column(std::string_view field) const;
    bool has(std::string_view field) const { return column(field).has_value(); }
    // "column C \"RAM\"": how messages name a column.
    std::string describeColumn(std::size_t column) const;
    // The field's cell in `record` (empty when the file has no such column or the row is short).
    std::string cell(const CsvRecord &record, std::string_view field) const;
    // describeColumn of the field's column, or empty when the file has none.
    std::string describeField(std::string_view field) const;
};

// Maps a header row onto the fields of `specs`. InvalidInput (naming the header line) when a
// required field has no column (listing the names accepted for it) or when two columns claim
// the same field. Columns with a blank header are ignored; other unmatched ones are listed in
// unknownColumns so that the importer can keep their content. A header that names a unit —
// "RAM (Go)", "Memory [MiB]", "Disque en Go" — matches without it, and the unit is kept in
// unitOfColumn for the value parser.
Result<ColumnMap> mapColumns(const CsvRecord &header, const std::vector<FieldSpec> &specs);

// Splits "RAM (Go)" into "RAM" and "Go" (also "[Go]", " en Go", " in GB"); the unit is empty
// when the header names none.
std::pair<std::string, std::string> splitHeaderUnit(std::string_view header);

}  // namespace reemploi::intake
