// The donor's list import: read, map, check every row, then write all valid rows in one go.
#include <reemploi/intake/DonorListImport.hpp>
#include <reemploi/intake/PersonalColumns.hpp>

#include <algorithm>
#include <optional>
#include <unordered_map>

#include <reemploi/common/Json.hpp>
#include <reemploi/intake/Scan.hpp>
#include <reemploi/intake/Values.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Identity.hpp>
#include <reemploi/inventory/UnitUpdates.hpp>
#include <reemploi/inventory/Units.hpp>
#include <reemploi/inventory/Validation.hpp>

namespace reemploi::intake {

namespace {

using inventory::NewUnit;
using inventory::UnitKind;

constexpr std::size_t kMaxSerialLength = 100;

std::string trimmed(std::string_view s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

bool isBlank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// The rows of the file so far by cleaned serial, with their make key and line: a list that
// repeats a machine is caught by the rule that would refuse it at registration
// (inventory::sameMachine: the same make, or no make on one side).
class SerialsSeen {
public:
    // The line of an earlier row that is the same machine, or 0; records this one.
    std::size_t add(std::string_view make, std::string_view serial, std::size_t line) {
        std::string cleaned = inventory::cleanSerial(serial);
        std::string key = inventory::makeKey(make);
        auto [from, to] = _bySerial.equal_range(cleaned);
        for (auto it = from; it != to; ++it)
            if (inventory::sameMachine(it->second.first, key)) return it->second.second;
        _bySerial.emplace(std::move(cleaned), std::make_pair(std::move(key), line));
        return 0;
    }

private:
    std::unordered_multimap<std::string, std::pair<std::string, std::size_t>> _bySerial;  // one node per row
};

// Donors' lists repeat the same few makes, kinds and sizes on every row: each distinct text is
// parsed once. Only short texts are kept, and only so many: a file of distinct (or invalid)
// values is parsed row by row rather than remembered. The reference is valid until the next get.
template <class T>
class Memo {
public:
    template <class F>
    const T &get(const std::string &text, F &&compute) {
        auto it = _values.find(text);
        if (it != _values.end()) return it->second;
        if (_values.size() >= kMaxEntries || text.size() > kMaxKeyBytes) {
            _last = compute(text);
            return *_last;
        }
        return _values.emplace(text, compute(text)).first->second;
    }

private:
    static constexpr std::size_t kMaxEntries = 4096;
    static constexpr std::size_t kMaxKeyBytes = 64;
    std::unordered_map<std::string, T> _values;
    std::optional<T> _last;
};

// A parsed value or the message saying why it is not one.
template <class T>
struct Parsed {
    std::optional<T> value;
    std::string error;
};

template <class T>
Parsed<T> parsedFrom(Result<T> r) {
    if (r) return {std::move(r.value()), {}};
    return {std::nullopt, r.error().message};
}

// Reads one row's fields into `row`, recording what is wrong.
class RowMapper {
public:
    RowMapper(const ColumnMap &map, const KindMap &kinds, const std::vector<bool> &dropped)
        : _map(map), _kindMap(kinds), _dropped(dropped) {}

    void map(const CsvRecord &record, ListRow &row) {
        row.line = record.line;
        NewUnit &u = row.unit;

        std::size_t width = _map.header.size();
        for (std::size_t i = width; i < record.size(); ++i) {
            if (!isBlank(record.fields[i])) {
                error(row, std::nullopt, std::to_string(record.size()) + " values but the header has " +
                                             std::to_string(width) +
                                             " columns (a delimiter inside an unquoted value?)");
                break;
            }
        }

        if (auto c = _col.serial) {
            const std::string &raw = record.field(*c);
            u.serial = cleanScannedSerial(raw);
            if (u.serial.empty())
                error(row, c, "serial is empty");
            else if (looksLikeExcelScientific(u.serial))
                error(row, c, "serial \"" + u.serial +
                                  "\" is a number Excel rounded: format the column as text and export again");
            else if (u.serial.size() > kMaxSerialLength)
                error(row, c, "serial is " + std::to_string(u.serial.size()) + " characters long (at most " +
                                  std::to_string(kMaxSerialLength) + ")");
        }
        if (auto c = _col.make)
            u.make = _makes.get(record.field(*c), [](const std::string &t) { return canonicalMake(t); });
        if (auto c = _col.model) u.model = trimmed(record.field(*c));
        // "Dell Latitude 5480" with no make gives the make; "HP EliteDesk 800" with make HP
        // (as GLPI writes models) loses the repeated make.
        if (!u.model.empty()) {
            const auto &split = _splits.get(u.model, [](const std::string &t) { return splitMakeFromModel(t); });
            if (split && (u.make.empty() || u.make == split->first)) {
                u.make = split->first;
                u.model = split->second;
            }
        }
        auto takeModel = [&](NewUnit &unit, const std::string &text) {
            unit.model = text;
            const auto &split = _splits.get(unit.model, [](const std::string &t) { return splitMakeFromModel(t); });
            if (split && (unit.make.empty() || unit.make == split->first)) {
                unit.make = split->first;
                unit.model = split->second;
            }
        };
        u.kind = UnitKind::Other;
        std::string peripheral;  // the donor's word for a thing we do not refurbish, kept in the notes
        if (auto c = _col.kind; c && !isBlank(record.field(*c))) {
            const auto &kind = _kinds.get(record.field(*c), [&](const std::string &t) {
                return parsedFrom(readKind(t, _kindMap));
            });
            if (!kind.value) {
                error(row, c, kind.error);
            } else {
                u.kind = kind.value->kind;
                row.listedKind = u.kind;
                // "Imprimante HP LaserJet" in the kind column: the words after the kind are the
                // device, when no model column gives it.
                if (!kind.value->rest.empty() && u.model.empty()) takeModel(u, kind.value->rest);
                if (kind.value->peripheral) {
                    peripheral = trimmed(record.field(*c));
                    warning(row, c, "\"" + elide(peripheral, 80) +
                                        "\" is not a computer we refurbish: imported as other, the word kept in its notes");
                }
            }
        } else if (auto leading = u.model.empty() ? std::nullopt : kindFromLeadingWords(u.model)) {
            // No kind given, but the model says it: "Imprimante HP LaserJet".
            u.kind = leading->kind;
            row.listedKind = u.kind;
            u.model.clear();
            takeModel(u, leading->rest);
        } else if (c) {
            warning(row, c, "no kind given: imported as other");
        }
        if (auto c = _col.donorTag) u.donorTag = trimmed(record.field(*c));
        if (auto c = _col.ram; c && !isBlank(record.field(*c))) {
            const auto &ram = _rams.get(record.field(*c), [&](const std::string &t) {
                return parsedFrom(parseRamMib(t, _map.unitOfColumn[*c]));
            });
            if (ram.value) u.specs.ramMib = *ram.value;
            else error(row, c, ram.error);
        }
        if (auto c = _col.storage; c && !isBlank(record.field(*c))) {
            const auto &storage = _storages.get(record.field(*c), [&](const std::string &t) {
                return parsedFrom(parseStorage(t, _map.unitOfColumn[*c]));
            });
            if (storage.value) u.storage = *storage.value;
            else error(row, c, storage.error);
        }
        if (auto c = _col.cpu) u.specs.cpu = trimmed(record.field(*c));
        if (auto c = _col.os) u.specs.os = trimmed(record.field(*c));
        if (auto c = _col.screen; c && !isBlank(record.field(*c))) {
            const auto &screen = _screens.get(record.field(*c), [](const std::string &t) {
                return parsedFrom(parseScreenInches(t));
            });
            if (screen.value) u.specs.screenInches = *screen.value;
            else error(row, c, screen.error);
        }
        if (auto c = _col.notes) u.notes = trimmed(record.field(*c));
        if (!peripheral.empty()) {
            std::string kept = trimmed(_map.header[*_col.kind]) + ": " + peripheral;
            u.notes = u.notes.empty() ? kept : kept + '\n' + u.notes;
        }
        // Columns we have no field for are kept as the unit's donor fields, outside the audit
        // trail (its event carries their hash); those that look like personal data are dropped.
        for (std::size_t c : _map.unknownColumns) {
            if (_dropped[c]) continue;
            std::string value = trimmed(record.field(c));
            if (value.empty()) continue;
            u.donorFields.emplace_back(trimmed(_map.header[c]), std::move(value));
        }
        // The inventory's rules for every text field (clean UTF-8, lengths), by line and column;
        // a column already found wrong is not named twice.
        for (auto &problem : inventory::checkUnitText(u)) {
            auto c = _map.column(problem.field);
            bool named = c && std::any_of(row.errors.begin(), row.errors.end(), [&](const RowError &e) {
                return e.columnLetter == columnLetter(*c);
            });
            if (!named) error(row, c, std::move(problem.error.message));
        }
    }

    void error(ListRow &row, std::optional<std::size_t> column, std::string message) const {
        row.errors.push_back(note(row, column, std::move(message)));
    }

    void warning(ListRow &row, std::optional<std::size_t> column, std::string message) const {
        row.warnings.push_back(note(row, column, std::move(message)));
    }

    // An error or a warning about a row: short whatever the cell holds (it never carries a whole
    // cell or row), naming the column as written and its letter.
    RowError note(const ListRow &row, std::optional<std::size_t> column, std::string message) const {
        RowError e;
        e.line = row.line;
        if (column) {
            e.column = elide(_map.header[*column], kMaxHeaderBytesInErrors);
            e.columnLetter = columnLetter(*column);
            if (auto f = _map.fieldOfColumn[*column]) e.field = _map.fields[*f];
        }
        e.message = elide(std::move(message));
        return e;
    }

    std::optional<std::size_t> serialColumn() const { return _col.serial; }

private:
    // The column of each field, looked up once.
    struct Columns {
        explicit Columns(const ColumnMap &map)
            : serial(map.column("serial")), make(map.column("make")), model(map.column("model")),
              kind(map.column("kind")), donorTag(map.column("donor_tag")), ram(map.column("ram")),
              storage(map.column("storage")), cpu(map.column("cpu")), os(map.column("os")),
              screen(map.column("screen")), notes(map.column("notes")) {}
        std::optional<std::size_t> serial, make, model, kind, donorTag, ram, storage, cpu, os, screen, notes;
    };

    const ColumnMap &_map;
    const KindMap &_kindMap;
    const std::vector<bool> &_dropped;  // per column: personal-looking and not kept
    const Columns _col{_map};
    Memo<std::string> _makes;
    Memo<std::optional<std::pair<std::string, std::string>>> _splits;
    Memo<Parsed<KindReading>> _kinds;
    Memo<Parsed<std::int64_t>> _rams;
    Memo<Parsed<std::vector<inventory::NewMedium>>> _storages;
    Memo<Parsed<double>> _screens;
};

std::string delimiterName(char d) {
    switch (d) {
    case '\t': return "tab";
    default: return std::string(1, d);
    }
}

}  // namespace

const std::vector<FieldSpec> &donorListFields() {
    // Snipe-IT asset export: "Asset Tag", "Serial", "Model", "Model No.", "Category", "Manufacturer",
    // "Notes", custom fields such as "RAM"; its importer also reads "Serial Number", "Model Name".
    // GLPI computer export: "Serial number", "Inventory number", "Manufacturer", "Model", "Type",
    // "Comments", "Memory (MiB)", "Hard drive size"; in French "Numéro de série", "Numéro
    // d'inventaire", "Fabricant", "Modèle", "Commentaires", "Mémoire", "Taille du disque dur".
    static const std::vector<FieldSpec> fields = {
        {"serial",
         {"numéro de série", "n° de série", "no de série", "num série", "numéro série", "S/N", "SN", "serial",
          "Serial Number", "Serial No", "Serial No.", "serial #", "service tag", "numéro de série constructeur"},
         true},
        {"make", {"marque", "fabricant", "constructeur", "Manufacturer", "brand", "vendor", "make"}, false},
        {"model", {"modèle", "Model Name", "model", "modèle commercial", "nom du modèle", "product name"}, false},
        {"kind",
         {"type", "catégorie", "Category", "kind", "type de matériel", "type d'équipement", "type d'appareil",
          "equipment type", "device type", "asset type", "computer type", "nature"},
         false},
        {"donor_tag",
         {"donor tag", "Asset Tag", "tag", "tag no", "tag number", "tag id", "n° d'inventaire", "numéro d'inventaire", "no d'inventaire", "n° inventaire",
          "Inventory number", "inventory tag", "étiquette", "asset number", "n° d'immobilisation",
          "numéro d'immobilisation", "code barre interne"},
         false},
        {"ram", {"RAM", "mémoire", "Memory", "mémoire vive", "memory size", "taille mémoire"}, false},
        {"storage",
         {"storage", "disque", "disque dur", "stockage", "disk", "hard drive", "hard drive size",
          "taille du disque dur", "capacité disque", "capacité du disque", "disk size", "capacité"},
         false},
        {"cpu", {"cpu", "processeur", "processor"}, false},
        {"os",
         {"os", "os version", "version de l'os", "système d'exploitation", "operating system", "Operating system - Name",
          "Système d'exploitation - Nom"},
         false},
        {"screen",
         {"screen size", "taille écran", "taille d'écran", "taille de l'écran", "diagonale", "écran (pouces)",
          "screen"},
         false},
        {"notes",
         {"notes", "note", "commentaire", "comments", "comment", "remarques", "remarque", "observations",
          "observation"},
         false,
         true},
    };
    return fields;
}

std::string RowError::text() const {
    std::string out = "line " + std::to_string(line);
    if (!column.empty() || !columnLetter.empty()) {
        out += ", column " + columnLetter;
        if (!column.empty()) out += " \"" + column + "\"";
    }
    return out + ": " + message;
}

Result<DonorList> parseDonorList(std::string_view bytes, std::size_t maxErrors, const KindMap &kinds,
                                 const std::vector<std::string> &keepColumns) {
    auto opened = CsvSource::open(bytes);
    if (!opened) return opened.error();
    CsvSource &source = **opened;
    CsvRecord header;
    auto first = source.next(header);
    if (!first) return first.error();
    if (!*first) return makeError(Errc::InvalidInput, "the file is empty (no header row)");
    auto map = mapColumns(header, donorListFields());
    // Spreadsheets often open with a title ("Matériel donné par Acme, mars 2026") or a blank
    // line above the header: the header is the first of the first rows that names a serial.
    constexpr std::size_t kTitleRows = 10;
    for (std::size_t i = 0; !map && i < kTitleRows; ++i) {
        CsvRecord candidate;
        auto more = source.next(candidate);
        if (!more) return more.error();
        if (!*more) break;
        auto later = mapColumns(candidate, donorListFields());
        if (!later) continue;
        map = std::move(later);
        header = std::move(candidate);
    }
    if (!map) return map.error();

    DonorList list;
    list.encoding = source.encoding();
    list.delimiter = source.delimiter();
    list.headerLine = header.line;
    list.columns = std::move(*map);
    std::vector<bool> dropped(list.columns.header.size(), false);
    for (std::size_t c : list.columns.unknownColumns) {
        std::string header = trimmed(list.columns.header[c]);
        bool kept = std::any_of(keepColumns.begin(), keepColumns.end(),
                                [&](const std::string &k) { return normalizeKey(k) == normalizeKey(header); });
        if (!kept && looksPersonal(header)) {
            dropped[c] = true;
            list.droppedColumns.push_back(header);
        }
    }
    RowMapper mapper(list.columns, kinds, dropped);
    ErrorWindow<RowError> errors(maxErrors);
    ErrorWindow<RowError> warnings(maxErrors);
    // Make + serial of every row, the valid and the invalid, to name the first line of a repeat.
    SerialsSeen seen;
    CsvRecord record;
    for (;;) {
        auto more = source.next(record);
        if (!more) return more.error();
        if (!*more) break;
        ++list.rowCount;
        ListRow row;
        mapper.map(record, row);
        if (!row.unit.serial.empty() && row.unit.serial.size() <= kMaxSerialLength) {
            if (std::size_t earlier = seen.add(row.unit.make, row.unit.serial, row.line))
                mapper.error(row, mapper.serialColumn(),
                             "serial \"" + row.unit.serial + "\" is repeated in the file at line " +
                                 std::to_string(earlier));
        }
        if (row.ok()) {
            if (!row.warnings.empty()) {
                ++list.warnedRows;
                for (auto &w : row.warnings) warnings.add(std::move(w));
                row.warnings.clear();
            }
            list.rows.push_back(std::move(row));
            continue;
        }
        ++list.invalidRows;
        for (auto &e : row.errors) errors.add(std::move(e));
    }
    list.errorsTotal = errors.total();
    list.firstUnreportedLine = errors.firstDroppedLine();
    list.errors = errors.takeKept();
    list.warningsTotal = warnings.total();
    list.warnings = warnings.takeKept();
    return list;
}

namespace {

json::Array rowErrorsJson(const std::vector<RowError> &rows) {
    json::Array out;
    for (const auto &e : rows) {
        json::Object o;
        o.set("line", static_cast<std::int64_t>(e.line)).set("message", e.message);
        if (e.column.empty() && e.columnLetter.empty()) o.null("column");
        else o.set("column", e.column);
        if (e.field.empty()) o.null("field");
        else o.set("field", e.field);
        out.add(o);
    }
    return out;
}

}  // namespace

std::string ImportReport::json() const {
    json::Array tagArray, updatedArray, columnArray;
    for (const auto &t : tags) tagArray.add(t);
    for (const auto &t : updatedTags) updatedArray.add(t);
    for (const auto &[header, field] : columns) {
        json::Object c;
        c.set("header", header);
        if (field.empty()) c.null("field");  // kept as a donor field
        else c.set("field", field);
        columnArray.add(c);
    }
    json::Object o;
    o.set("donation", donationId)
        .set("dry_run", dryRun)
        .set("update", update)
        .set("encoding", toString(encoding))
        .set("delimiter", delimiterName(delimiter))
        .set("header_line", static_cast<std::uint64_t>(headerLine))
        .raw("columns", columnArray.str())
        .set("rows", static_cast<std::uint64_t>(rows))
        .set("valid", static_cast<std::uint64_t>(valid))
        .set("created", static_cast<std::uint64_t>(created))
        .set("updated", static_cast<std::uint64_t>(updated))
        .set("unchanged", static_cast<std::uint64_t>(unchanged))
        .set("would_create", static_cast<std::uint64_t>(wouldCreate))
        .set("would_update", static_cast<std::uint64_t>(wouldUpdate))
        .set("skipped", static_cast<std::uint64_t>(skipped))
        .set("invalid", static_cast<std::uint64_t>(invalid))
        .set("warned", static_cast<std::uint64_t>(warned))
        .raw("tags", tagArray.str())
        .raw("updated_tags", updatedArray.str())
        .raw("errors", rowErrorsJson(errors).str())
        .set("errors_total", static_cast<std::uint64_t>(errorsTotal))
        .raw("warnings", rowErrorsJson(warnings).str())
        .set("warnings_total", static_cast<std::uint64_t>(warningsTotal));
    json::Array dropped;
    for (const auto &d : droppedColumns) dropped.add(d);
    o.raw("dropped_columns", dropped.str());
    return o.str();
}

namespace {

// A registered unit the list names again: with --update, a correction of a unit of this donation.
struct Registered {
    std::string tag;
    std::int64_t donationId = 0;
};

inventory::ListedFields listedFields(const ListRow &row, const ColumnMap &map) {
    const auto &u = row.unit;
    inventory::ListedFields f;
    auto text = [&](const char *field, const std::string &value) -> std::optional<std::string> {
        if (!map.has(field) || value.empty()) return std::nullopt;
        return value;
    };
    f.make = u.make.empty() ? std::nullopt : std::optional<std::string>(u.make);
    f.model = text("model", u.model);
    f.donorTag = text("donor_tag", u.donorTag);
    f.cpu = text("cpu", u.specs.cpu);
    f.os = text("os", u.specs.os);
    f.kind = row.listedKind;
    f.ramMib = u.specs.ramMib;
    f.screenInches = u.specs.screenInches;
    return f;
}

Result<ImportReport> runImport(inventory::Database &db, std::string_view bytes, const std::string &source,
                               const ImportOptions &options, const inventory::Actor &actor) {
    auto donation = inventory::getDonation(db, options.donationId);
    if (!donation) return donation.error();

    auto list = parseDonorList(bytes, options.maxErrors, options.kindMap, options.keepColumns);
    if (!list) return source.empty() ? list.error() : list.error().withContext(source);

    ImportReport report;
    report.donationId = options.donationId;
    report.dryRun = options.dryRun;
    report.skipInvalid = options.skipInvalid;
    report.update = options.update;
    report.encoding = list->encoding;
    report.delimiter = list->delimiter;
    report.headerLine = list->headerLine;
    const ColumnMap &map = list->columns;
    for (std::size_t c = 0; c < map.header.size(); ++c) {
        if (auto f = map.fieldOfColumn[c]) report.columns.emplace_back(map.header[c], map.fields[*f]);
        else if (std::find(map.unknownColumns.begin(), map.unknownColumns.end(), c) != map.unknownColumns.end())
            report.columns.emplace_back(map.header[c], std::string());
    }
    report.rows = list->rowCount;
    report.droppedColumns = list->droppedColumns;

    // Against the units already registered, in any donation: one lookup per valid row. When the
    // file is otherwise valid, addUnits makes the same check before writing anything, so the
    // lookups are only made when a report needs them: a dry run, a file refused anyway (so that
    // every error is listed), an update, or addUnits refusing a registered serial. Rows with
    // errors of their own are not looked up. The errors found are merged into the file's, in line
    // order, within the same window of maxErrors: past it they are only counted. With update, a
    // row that is a unit of this donation is a correction, not an error.
    auto serialColumn = map.column("serial");
    std::vector<char> registered(list->rows.size(), 0);
    std::vector<std::optional<Registered>> corrects(list->rows.size());
    std::vector<RowError> late;  // the registered serials' errors that may be listed
    std::size_t lateTotal = 0;
    auto checkRegistered = [&]() -> Status {
        const auto &early = list->errors;
        std::size_t earlier = 0;  // errors of the file on lines before the current row
        late.clear();
        lateTotal = 0;
        for (std::size_t i = 0; i < list->rows.size(); ++i) {
            const ListRow &row = list->rows[i];
            auto existing = inventory::findTagBySerial(db, row.unit.make, row.unit.serial);
            if (!existing) return existing.error();
            if (!*existing) continue;
            auto unit = inventory::getUnit(db, **existing);
            if (!unit) return unit.error();
            if (options.update && unit->donationId == options.donationId) {
                corrects[i] = Registered{unit->tag, unit->donationId};
                continue;
            }
            registered[i] = 1;
            ++lateTotal;
            while (earlier < early.size() && early[earlier].line < row.line) ++earlier;
            const bool listed = (list->firstUnreportedLine == 0 || row.line < list->firstUnreportedLine) &&
                                earlier + late.size() < options.maxErrors;
            if (!listed) continue;
            std::string where;
            if (unit->donationId != options.donationId) where = " (donation " + std::to_string(unit->donationId) + ")";
            RowError e;
            e.line = row.line;
            e.column = elide(map.header[*serialColumn], kMaxHeaderBytesInErrors);
            e.columnLetter = columnLetter(*serialColumn);
            e.field = "serial";
            e.message = elide("serial \"" + row.unit.serial + "\"" +
                              (row.unit.make.empty() ? "" : " (" + row.unit.make + ")") +
                              " is already registered as unit " + **existing + where +
                              (options.update ? ", not a unit of this donation" : ""));
            late.push_back(std::move(e));
        }
        return {};
    };
    auto mergeErrors = [&] {
        report.errors = list->errors;
        for (auto &e : late) {
            auto at = std::upper_bound(report.errors.begin(), report.errors.end(), e.line,
                                       [](std::size_t line, const RowError &x) { return line < x.line; });
            report.errors.insert(at, e);
        }
        if (report.errors.size() > options.maxErrors) report.errors.resize(options.maxErrors);
        report.errorsTotal = list->errorsTotal + lateTotal;
    };
    report.warnings = list->warnings;
    report.warningsTotal = list->warningsTotal;
    report.warned = list->warnedRows;
    bool checked = options.dryRun || options.update || (list->invalidRows > 0 && !options.skipInvalid);
    if (checked) REEMPLOI_TRY(checkRegistered());

    for (;;) {
        std::vector<NewUnit> units;
        units.reserve(list->rows.size());
        std::vector<ListRow *> from;  // the row each unit is moved out of
        from.reserve(list->rows.size());
        std::vector<inventory::UnitCorrection> corrections;
        report.invalid = list->invalidRows;
        for (std::size_t i = 0; i < list->rows.size(); ++i) {
            if (registered[i]) {
                ++report.invalid;
                continue;
            }
            ListRow &row = list->rows[i];
            if (corrects[i]) {
                corrections.push_back({corrects[i]->tag, listedFields(row, map)});
                continue;
            }
            from.push_back(&row);
            units.push_back(std::move(row.unit));
            units.back().donationId = options.donationId;
        }
        mergeErrors();
        report.valid = units.size() + corrections.size();
        report.skipped = options.skipInvalid ? report.invalid : 0;
        report.wouldCreate = units.size();
        // What the corrections change: read now for the report (a dry run writes nothing).
        std::vector<inventory::UnitCorrection> changing;
        for (auto &c : corrections) {
            auto unit = inventory::getUnit(db, c.tag);
            if (!unit) return unit.error();
            if (inventory::listedChanges(*unit, c.fields).empty()) {
                ++report.unchanged;
                continue;
            }
            report.updatedTags.push_back(c.tag);
            changing.push_back(std::move(c));
        }
        report.wouldUpdate = changing.size();
        if (!report.succeeded() || options.dryRun || (units.empty() && changing.empty())) {
            if (!options.dryRun) report.updatedTags.clear();
            return report;
        }

        struct Written {
            std::vector<inventory::Unit> created;
            std::size_t corrected = 0;
        };
        auto write = [&]() -> Result<Written> {
            Written w;
            if (!units.empty()) {
                auto created = inventory::addUnits(db, units, actor);
                if (!created) return created.error();
                w.created = std::move(*created);
            }
            if (!changing.empty()) {
                auto corrected = inventory::correctUnits(db, changing, actor);
                if (!corrected) return corrected.error();
                w.corrected = corrected->size();
            }
            return w;
        };
        // New units and corrections together are one transaction (around which the bulk tuning
        // applies, its commit being the one that counts); either alone has its own.
        auto written = [&]() -> Result<Written> {
            if (units.empty() || changing.empty()) return write();
            inventory::BulkScope bulk(db, units.size());
            return inventory::inTransaction(db, "import", write);
        }();
        if (written) {
            report.created = written->created.size();
            report.tags.reserve(written->created.size());
            for (const auto &u : written->created) report.tags.push_back(u.tag);
            report.updated = written->corrected;
            return report;
        }
        // A serial registered already (maybe a moment ago, by someone else): name every such row
        // and decide again; nothing was written.
        if (written.error().code != Errc::Conflict || checked) return written.error().withContext("import");
        // addUnits left the units as they were: back to their rows for the lookups and the next round.
        for (std::size_t i = 0; i < units.size(); ++i) from[i]->unit = std::move(units[i]);
        report.unchanged = 0;
        report.updatedTags.clear();
        REEMPLOI_TRY(checkRegistered());
        checked = true;
    }
}

}  // namespace

Result<ImportReport> importDonorList(inventory::Database &db, std::string_view bytes, const ImportOptions &options,
                                     const inventory::Actor &actor) {
    return runImport(db, bytes, {}, options, actor);
}

Result<ImportReport> importDonorListFile(inventory::Database &db, const std::string &path,
                                         const ImportOptions &options, const inventory::Actor &actor) {
    auto bytes = readFileBytes(path, options.maxBytes);
    if (!bytes) return bytes.error();
    return runImport(db, *bytes, path, options, actor);
}

}  // namespace reemploi::intake
