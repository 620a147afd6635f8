// The schools' list import: map the header, check every row, then save all schools or none.
#include <reemploi/intake/SchoolImport.hpp>

#include <set>

#include <reemploi/common/Json.hpp>

#include "SchoolDataCsv.hpp"
#include <reemploi/inventory/Schools.hpp>
#include <reemploi/inventory/Validation.hpp>

namespace reemploi::intake {

std::string SchoolDataError::text() const {
    std::string out = "line " + std::to_string(line);
    if (!column.empty()) out += ", " + column;
    return out + ": " + message;
}

void SchoolDataReport::addError(std::size_t line, std::string column, std::string message) {
    ++errorsTotal;
    if (errors.size() < maxErrors)
        errors.push_back({line, elide(std::move(column), kMaxHeaderBytesInErrors + 16), elide(std::move(message))});
}

std::string SchoolDataReport::json() const {
    json::Array errs, ignored;
    for (const auto &e : errors)
        errs.add(json::Object().set("line", static_cast<std::int64_t>(e.line)).set("column", e.column).set("message", e.message));
    for (const auto &c : ignoredColumns) ignored.add(c);
    return json::Object()
        .set("encoding", toString(encoding))
        .set("delimiter", std::string(1, delimiter))
        .set("dry_run", dryRun)
        .set("rows", static_cast<std::int64_t>(rows))
        .set("created", static_cast<std::int64_t>(created))
        .set("updated", static_cast<std::int64_t>(updated))
        .set("would_create", static_cast<std::int64_t>(wouldCreate))
        .set("would_update", static_cast<std::int64_t>(wouldUpdate))
        .set("filtered", static_cast<std::int64_t>(filtered))
        .raw("ignored_columns", ignored.str())
        .raw("errors", errs.str())
        .set("errors_total", static_cast<std::int64_t>(errorsTotal))
        .str();
}

const std::vector<FieldSpec> &schoolFields() {
    static const std::vector<FieldSpec> fields = {
        {"uai",
         {"uai", "rne", "code uai", "numéro uai", "n° uai", "identifiant", "identifiant de l'établissement",
          "Identifiant_de_l_etablissement", "code établissement", "numéro d'établissement"},
         true},
        {"name",
         {"nom", "name", "école", "ecole", "school", "nom de l'école", "établissement", "Nom_etablissement",
          "nom de l'établissement", "appellation officielle"},
         true},
        {"town", {"commune", "town", "ville", "city", "Nom_commune", "nom de la commune", "libellé commune"}, false},
        {"district", {"quartier", "district", "secteur", "circonscription", "nom_circonscription"}, false},
        {"priority_area",
         {"qpv", "priority_area", "priority area", "quartier prioritaire", "rep", "éducation prioritaire",
          "Appartenance_Education_Prioritaire", "appartenance à l'éducation prioritaire", "REP/REP+"},
         false},
        {"contact", {"contact", "référent", "referent", "e-mail", "email", "téléphone"}, false},
        {"type", {"type", "Type_etablissement", "type d'établissement", "nature"}, false},
    };
    return fields;
}

Result<bool> parseYesNo(std::string_view text) {
    auto key = normalizeKey(text);
    if (key.empty() || key == "non" || key == "no" || key == "0" || key == "faux" || key == "false" || key == "n")
        return false;
    if (key == "oui" || key == "yes" || key == "1" || key == "vrai" || key == "true" || key == "x" || key == "o" ||
        key == "y")
        return true;
    std::string message = "'";
    message.append(text);
    message += "' is not yes or no (oui/non, yes/no, 1/0)";
    return makeError(Errc::InvalidInput, std::move(message));
}

Result<bool> parsePriorityArea(std::string_view text) {
    auto key = normalizeKey(text);
    if (key == "rep" || key == "repplus" || key == "rep+" || key == "reseaueducationprioritaire" ||
        key == "educationprioritaire" || key == "reseaudeducationprioritaire")
        return true;
    // normalizeKey drops '+': "REP+" is "rep", like "REP".
    if (key == "horsrep" || key == "horseducationprioritaire" || key == "horsep") return false;
    auto yes = parseYesNo(text);
    if (yes) return yes;
    std::string message = "'";
    message.append(text);
    message += "' is not yes or no (oui/non, yes/no, 1/0, REP, REP+)";
    return makeError(Errc::InvalidInput, std::move(message));
}

Result<MappedCsv> readMappedCsv(std::string_view bytes, const std::vector<FieldSpec> &fields,
                                const SchoolDataOptions &options, SchoolDataReport &report) {
    auto source = CsvSource::open(bytes);
    if (!source) return source.error();
    CsvRecord header;
    auto first = (*source)->next(header);
    if (!first) return first.error();
    if (!*first) return makeError(Errc::InvalidInput, "the file is empty (no header row)");
    auto map = mapColumns(header, fields);
    if (!map) return map.error();
    report.encoding = (*source)->encoding();
    report.delimiter = (*source)->delimiter();
    report.dryRun = options.dryRun;
    report.maxErrors = options.maxErrors;
    for (auto c : map->unknownColumns) report.ignoredColumns.push_back(map->header[c]);
    return MappedCsv{std::move(*source), std::move(*map)};
}

Result<SchoolDataReport> importSchools(inventory::Database &db, std::string_view bytes,
                                       const SchoolDataOptions &options, const inventory::Actor &actor) {
    const bool dryRun = options.dryRun;
    SchoolDataReport report;
    auto csv = readMappedCsv(bytes, schoolFields(), options, report);
    if (!csv) return csv.error();
    const auto &map = csv->map;
    auto cell = [&](const CsvRecord &r, const char *field) { return map.cell(r, field); };
    auto where = [&](const char *field) { return map.describeField(field); };
    const std::string onlyType = normalizeKey(options.onlyType);
    if (!options.onlyType.empty() && !map.has("type"))
        return makeError(Errc::InvalidInput, "--only-type " + options.onlyType +
                                                 ": the file has no type column (Type_etablissement, type, nature)");
    std::vector<inventory::NewSchool> schools;
    std::set<std::string> seen;
    CsvRecord r;
    for (;;) {
        auto more = csv->source->next(r);
        if (!more) return more.error();
        if (!*more) break;
        ++report.rows;
        if (!onlyType.empty() && normalizeKey(cell(r, "type")) != onlyType) {
            ++report.filtered;
            continue;
        }
        std::size_t before = report.errorsTotal;
        inventory::NewSchool s;
        s.uai = cell(r, "uai");
        s.name = cell(r, "name");
        s.town = cell(r, "town");
        s.district = cell(r, "district");
        s.contact = cell(r, "contact");
        auto uai = inventory::checkUai(s.uai);
        if (!uai) report.addError(r.line, where("uai"), uai.error().message);
        else if (!seen.insert(*uai).second)
            report.addError(r.line, where("uai"), "school " + *uai + " is already given on an earlier line");
        if (s.name.find_first_not_of(" \t") == std::string::npos)
            report.addError(r.line, where("name"), "the school's name is empty");
        for (const auto &problem : inventory::checkSchoolText(s))
            report.addError(r.line, where(problem.field.c_str()), problem.error.message);
        auto qpv = parsePriorityArea(cell(r, "priority_area"));
        if (!qpv) report.addError(r.line, where("priority_area"), qpv.error().message);
        else s.priorityArea = *qpv;
        if (report.errorsTotal == before) schools.push_back(std::move(s));
    }
    if (!report.succeeded()) return report;
    // What would be created and what updated (saveSchools counts the same way when it writes).
    auto known = inventory::listSchools(db);
    if (!known) return known.error();
    std::set<std::string> registered;
    for (const auto &k : *known) registered.insert(k.uai);
    for (const auto &s : schools) {
        auto uai = inventory::checkUai(s.uai);
        if (uai && registered.count(*uai)) ++report.wouldUpdate;
        else ++report.wouldCreate;
    }
    if (dryRun) return report;
    auto saved = inventory::saveSchools(db, schools, actor);
    if (!saved) return saved.error();
    report.created = static_cast<std::size_t>(saved->created);
    report.updated = static_cast<std::size_t>(saved->updated);
    return report;
}

Result<SchoolDataReport> importSchoolsFile(inventory::Database &db, const std::string &path,
                                           const SchoolDataOptions &options, const inventory::Actor &actor) {
    return importSchoolDataFile(path, options, [&](std::string_view bytes) { return importSchools(db, bytes, options, actor); });
}

}  // namespace reemploi::intake
