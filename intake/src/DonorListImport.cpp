// The donor's list import: read, map, check every row, then write all valid rows in one go.
#include <reemploi/intake/DonorListImport.hpp>

#include <algorithm>
#include <unordered_map>

#include <reemploi/common/Json.hpp>
#include <reemploi/intake/Scan.hpp>
#include <reemploi/intake/Values.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Units.hpp>

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

// Same rule as the inventory's unique index on (make, serial): case and extra spaces do not count.
std::string duplicateKey(std::string_view make, std::string_view serial) {
    std::string key;
    bool space = false;
    for (char c : trimmed(make)) {
        if (c == ' ' || c == '\t') {
            space = true;
            continue;
        }
        if (space && !key.empty()) key += ' ';
        space = false;
        key += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    }
    key += '\x1f';
    key += serial;
    return key;
}

// Reads one row's fields into `row`, recording what is wrong.
class RowMapper {
public:
    explicit RowMapper(const ColumnMap &map) : _map(map) {
        for (const auto &f : {"serial", "make", "model", "kind", "donor_tag", "ram", "storage", "cpu", "os",
                              "screen", "notes"})
            _col.emplace(f, map.column(f));
    }

    void map(const CsvRecord &record, ListRow &row) const {
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

        if (auto c = _col.at("serial")) {
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
        if (auto c = _col.at("make")) u.make = canonicalMake(record.field(*c));
        if (auto c = _col.at("model")) u.model = trimmed(record.field(*c));
        // "Dell Latitude 5480" with no make gives the make; "HP EliteDesk 800" with make HP
        // (as GLPI writes models) loses the repeated make.
        if (!u.model.empty()) {
            if (auto split = splitMakeFromModel(u.model); split && (u.make.empty() || u.make == split->first)) {
                u.make = split->first;
                u.model = split->second;
            }
        }
        u.kind = UnitKind::Other;
        if (auto c = _col.at("kind"); c && !isBlank(record.field(*c))) {
            auto kind = parseKind(record.field(*c));
            if (kind) u.kind = *kind;
            else error(row, c, kind.error().message);
        }
        if (auto c = _col.at("donor_tag")) u.donorTag = trimmed(record.field(*c));
        if (auto c = _col.at("ram"); c && !isBlank(record.field(*c))) {
            auto ram = parseRamMib(record.field(*c), _map.unitOfColumn[*c]);
            if (ram) u.specs.ramMib = *ram;
            else error(row, c, ram.error().message);
        }
        if (auto c = _col.at("storage"); c && !isBlank(record.field(*c))) {
            auto storage = parseStorage(record.field(*c), _map.unitOfColumn[*c]);
            if (storage) u.storage = std::move(*storage);
            else error(row, c, storage.error().message);
        }
        if (auto c = _col.at("cpu")) u.specs.cpu = trimmed(record.field(*c));
        if (auto c = _col.at("os")) u.specs.os = trimmed(record.field(*c));
        if (auto c = _col.at("screen"); c && !isBlank(record.field(*c))) {
            auto screen = parseScreenInches(record.field(*c));
            if (screen) u.specs.screenInches = *screen;
            else error(row, c, screen.error().message);
        }
        if (auto c = _col.at("notes")) u.notes = trimmed(record.field(*c));
        // Columns we have no field for are kept, not dropped.
        for (std::size_t c : _map.unknownColumns) {
            std::string value = trimmed(record.field(c));
            if (value.empty()) continue;
            if (!u.notes.empty()) u.notes += '\n';
            u.notes += trimmed(_map.header[c]) + ": " + value;
        }
    }

    void error(ListRow &row, std::optional<std::size_t> column, std::string message) const {
        RowError e;
        e.line = row.line;
        if (column) {
            e.column = _map.header[*column];
            e.columnLetter = columnLetter(*column);
            if (auto f = _map.fieldOfColumn[*column]) e.field = _map.fields[*f];
        }
        e.message = std::move(message);
        row.errors.push_back(std::move(e));
    }

    std::optional<std::size_t> serialColumn() const { return _col.at("serial"); }

private:
    const ColumnMap &_map;
    std::unordered_map<std::string, std::optional<std::size_t>> _col;
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
         {"donor tag", "Asset Tag", "n° d'inventaire", "numéro d'inventaire", "no d'inventaire", "n° inventaire",
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
         {"os", "système d'exploitation", "operating system", "Operating system - Name",
          "Système d'exploitation - Nom"},
         false},
        {"screen",
         {"screen size", "taille écran", "taille d'écran", "taille de l'écran", "diagonale", "écran (pouces)",
          "screen"},
         false},
        {"notes",
         {"notes", "note", "commentaire", "comments", "comment", "remarques", "remarque", "observations",
          "observation"},
         false},
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

Result<DonorList> parseDonorList(std::string_view bytes) {
    auto table = parseCsv(bytes);
    if (!table) return table.error();
    auto map = mapColumns(table->header, donorListFields());
    if (!map) return map.error();

    DonorList list;
    list.encoding = table->encoding;
    list.delimiter = table->delimiter;
    list.columns = std::move(*map);
    RowMapper mapper(list.columns);
    list.rows.resize(table->records.size());
    std::unordered_map<std::string, std::size_t> firstLine;
    firstLine.reserve(table->records.size());
    for (std::size_t i = 0; i < table->records.size(); ++i) {
        ListRow &row = list.rows[i];
        mapper.map(table->records[i], row);
        if (row.unit.serial.empty()) continue;
        auto [it, inserted] = firstLine.emplace(duplicateKey(row.unit.make, row.unit.serial), row.line);
        if (!inserted)
            mapper.error(row, mapper.serialColumn(),
                         "serial \"" + row.unit.serial + "\" is repeated in the file at line " +
                             std::to_string(it->second));
    }
    return list;
}

std::string ImportReport::json() const {
    json::Array tagArray, errorArray, columnArray;
    for (const auto &t : tags) tagArray.add(t);
    for (const auto &e : errors) {
        json::Object o;
        o.set("line", static_cast<std::int64_t>(e.line)).set("message", e.message);
        if (e.column.empty() && e.columnLetter.empty()) o.null("column");
        else o.set("column", e.column);
        if (e.field.empty()) o.null("field");
        else o.set("field", e.field);
        errorArray.add(o);
    }
    for (const auto &[header, field] : columns) {
        json::Object c;
        c.set("header", header);
        if (field.empty()) c.null("field");  // kept in the notes
        else c.set("field", field);
        columnArray.add(c);
    }
    json::Object o;
    o.set("donation", donationId)
        .set("dry_run", dryRun)
        .set("encoding", toString(encoding))
        .set("delimiter", delimiterName(delimiter))
        .raw("columns", columnArray.str())
        .set("rows", static_cast<std::uint64_t>(rows))
        .set("valid", static_cast<std::uint64_t>(valid))
        .set("created", static_cast<std::uint64_t>(created))
        .set("skipped", static_cast<std::uint64_t>(skipped))
        .set("invalid", static_cast<std::uint64_t>(invalid))
        .raw("tags", tagArray.str())
        .raw("errors", errorArray.str());
    return o.str();
}

namespace {

Result<ImportReport> runImport(inventory::Database &db, std::string_view bytes, const std::string &source,
                               const ImportOptions &options, const inventory::Actor &actor) {
    auto donation = inventory::getDonation(db, options.donationId);
    if (!donation) return donation.error();

    auto list = parseDonorList(bytes);
    if (!list) return source.empty() ? list.error() : list.error().withContext(source);

    ImportReport report;
    report.donationId = options.donationId;
    report.dryRun = options.dryRun;
    report.skipInvalid = options.skipInvalid;
    report.encoding = list->encoding;
    report.delimiter = list->delimiter;
    const ColumnMap &map = list->columns;
    for (std::size_t c = 0; c < map.header.size(); ++c) {
        if (auto f = map.fieldOfColumn[c]) report.columns.emplace_back(map.header[c], map.fields[*f]);
        else if (std::find(map.unknownColumns.begin(), map.unknownColumns.end(), c) != map.unknownColumns.end())
            report.columns.emplace_back(map.header[c], std::string());
    }
    report.rows = list->rows.size();

    // Against the units already registered, in any donation.
    auto serialColumn = map.column("serial");
    for (auto &row : list->rows) {
        if (row.unit.serial.empty()) continue;
        auto existing = inventory::findTagBySerial(db, row.unit.make, row.unit.serial);
        if (!existing) return existing.error();
        if (!*existing) continue;
        std::string where;
        if (auto unit = inventory::getUnit(db, **existing); unit && unit->donationId != options.donationId)
            where = " (donation " + std::to_string(unit->donationId) + ")";
        RowError e;
        e.line = row.line;
        e.column = map.header[*serialColumn];
        e.columnLetter = columnLetter(*serialColumn);
        e.field = "serial";
        e.message = "serial \"" + row.unit.serial + "\"" + (row.unit.make.empty() ? "" : " (" + row.unit.make + ")") +
                    " is already registered as unit " + **existing + where;
        row.errors.push_back(std::move(e));
    }

    std::vector<NewUnit> units;
    units.reserve(list->rows.size());
    for (auto &row : list->rows) {
        if (!row.ok()) {
            ++report.invalid;
            for (auto &e : row.errors) report.errors.push_back(std::move(e));
            continue;
        }
        row.unit.donationId = options.donationId;
        units.push_back(std::move(row.unit));
    }
    report.valid = units.size();
    if (options.skipInvalid) report.skipped = report.invalid;
    if (!report.succeeded() || options.dryRun || units.empty()) return report;

    auto created = inventory::addUnits(db, units, actor);
    if (!created) return created.error().withContext("import");
    report.created = created->size();
    report.tags.reserve(created->size());
    for (const auto &u : *created) report.tags.push_back(u.tag);
    return report;
}

}  // namespace

Result<ImportReport> importDonorList(inventory::Database &db, std::string_view bytes, const ImportOptions &options,
                                     const inventory::Actor &actor) {
    return runImport(db, bytes, {}, options, actor);
}

Result<ImportReport> importDonorListFile(inventory::Database &db, const std::string &path,
                                         const ImportOptions &options, const inventory::Actor &actor) {
    auto bytes = readFileBytes(path);
    if (!bytes) return bytes.error();
    return runImport(db, *bytes, path, options, actor);
}

}  // namespace reemploi::intake
