// The families' needs import: map the header, check every row (and against the database), then
// register all needs or none.
#include <reemploi/intake/NeedImport.hpp>

#include "SchoolDataCsv.hpp"
#include <reemploi/inventory/Validation.hpp>

#include <cctype>
#include <charconv>
#include <set>

namespace reemploi::intake {

using namespace reemploi::inventory;
using namespace reemploi::inventory::allocation;

const std::vector<FieldSpec> &needFields() {
    static const std::vector<FieldSpec> fields = {
        {"school", {"uai", "school", "école", "ecole", "rne", "code uai"}, true},
        {"family", {"famille", "family", "référence", "reference", "référence famille", "family_ref"}, true},
        {"grades", {"niveaux", "grades", "niveau", "grade", "classes", "classe"}, true},
        {"devices_at_home", {"equipements", "équipements", "devices_at_home", "devices at home",
                             "équipements à la maison", "appareils", "devices"}, true},
        {"internet", {"internet", "connexion", "accès internet", "internet access"}, false},
        {"priority", {"priorite", "priorité", "priority", "priorités", "priority flags"}, false},
        {"preference", {"preference", "préférence", "preferred kind", "souhait"}, false},
        {"accessibility", {"accessibilite", "accessibilité", "accessibility", "besoins particuliers"}, false},
    };
    return fields;
}

std::vector<std::string> parsePriorityFlags(std::string_view text) {
    static const SynonymTable flags({
        {"qpv", {"qpv", "quartier prioritaire", "priority area", "priority_area", "priority neighbourhood",
                 "priority neighborhood", "rep", "rep+", "rep plus"}},
        {"referral", {"referral", "assistante sociale", "assistant social", "assistant de service social",
                      "travailleur social", "travailleuse sociale", "social worker", "signalement",
                      "orientation sociale"}},
    });
    std::vector<std::string> out;
    std::string item;
    auto flush = [&] {
        auto key = normalizeKey(item);
        item.clear();
        if (key.empty() || key == "aucune" || key == "aucun" || key == "none" || key == "non" || key == "no") return;
        auto canonical = flags.find(key);
        std::string flag = canonical ? *canonical : key;
        for (const auto &f : out)
            if (f == flag) return;
        out.push_back(flag);
    };
    for (char c : text) {
        if (c == ',' || c == ';' || c == '|') flush();
        else item += c;
    }
    flush();
    return out;
}

namespace {

Result<std::vector<SchoolGrade>> parseGrades(std::string_view text) {
    std::vector<SchoolGrade> out;
    std::string word;
    auto flush = [&]() -> Status {
        if (word.empty()) return {};
        auto g = parseSchoolGrade(word);
        word.clear();
        if (!g) return g.error();
        out.push_back(*g);
        return {};
    };
    for (char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            word += c;
        } else {
            REEMPLOI_TRY(flush());
        }
    }
    REEMPLOI_TRY(flush());
    if (out.empty()) return makeError(Errc::InvalidInput, "no grade given (CP, CE1, CE2, CM1, CM2, one per child)");
    return out;
}

Result<std::int64_t> parseDevices(std::string_view text) {
    auto key = normalizeKey(text);
    if (key == "aucun" || key == "aucune" || key == "none" || key == "non") return 0;
    // The number itself is read from the trimmed text: normalizeKey would drop a minus sign.
    auto b = text.find_first_not_of(" \t");
    key = b == std::string_view::npos ? std::string() : std::string(text.substr(b, text.find_last_not_of(" \t") - b + 1));
    std::int64_t n = -1;
    auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), n);
    if (key.empty() || ec != std::errc() || p != key.data() + key.size() || n < 0 || n > 99) {
        std::string message = "'";
        message.append(text);
        message += "' is not a number of devices (0, 1, 2, …)";
        return makeError(Errc::InvalidInput, std::move(message));
    }
    return n;
}

}  // namespace

Result<SchoolDataReport> importNeeds(Database &db, std::string_view bytes, const SchoolDataOptions &options,
                                     const Actor &actor) {
    const bool dryRun = options.dryRun;
    SchoolDataReport report;
    auto csv = readMappedCsv(bytes, needFields(), options, report);
    if (!csv) return csv.error();
    const auto &map = csv->map;
    auto cell = [&](const CsvRecord &r, const char *field) { return map.cell(r, field); };
    auto where = [&](const char *field) { return map.describeField(field); };
    std::vector<NewNeed> needs;
    std::set<std::pair<std::string, std::string>> seen;
    CsvRecord r;
    for (;;) {
        auto more = csv->source->next(r);
        if (!more) return more.error();
        if (!*more) break;
        ++report.rows;
        std::size_t before = report.errorsTotal;
        NewNeed n;
        auto uai = checkUai(cell(r, "school"));
        if (!uai) report.addError(r.line, where("school"), uai.error().message);
        else n.uai = *uai;
        n.family = cell(r, "family");
        auto b = n.family.find_first_not_of(" \t");
        n.family = b == std::string::npos ? std::string() : n.family.substr(b, n.family.find_last_not_of(" \t") - b + 1);
        if (n.family.empty()) report.addError(r.line, where("family"), "the family reference is empty");
        else if (auto ok = checkFamilyRef(n.family); !ok) report.addError(r.line, where("family"), ok.error().message);
        auto grades = parseGrades(cell(r, "grades"));
        if (!grades) report.addError(r.line, where("grades"), grades.error().message);
        else n.grades = *grades;
        auto devices = parseDevices(cell(r, "devices_at_home"));
        if (!devices) report.addError(r.line, where("devices_at_home"), devices.error().message);
        else n.devicesAtHome = *devices;
        auto internetText = cell(r, "internet");
        if (internetText.find_first_not_of(" \t") != std::string::npos) {
            auto internet = parseInternet(internetText);
            if (!internet) report.addError(r.line, where("internet"), internet.error().message);
            else n.internet = *internet;
        }
        auto preference = parseKindPreference(cell(r, "preference"));
        if (!preference) report.addError(r.line, where("preference"), preference.error().message);
        else n.preference = *preference;
        n.priorityFlags = parsePriorityFlags(cell(r, "priority"));
        n.accessibility = cell(r, "accessibility");
        for (const auto &problem : checkNeedText(n))
            if (problem.field != "family") report.addError(r.line, where(problem.field.c_str()), problem.error.message);
        if (report.errorsTotal == before) {
            if (!seen.emplace(n.uai, n.family).second) {
                report.addError(r.line, where("family"), "family " + n.family + " of school " + n.uai +
                                                                      " is already given on an earlier line");
            } else if (auto ok = checkNewNeed(db, n); !ok) {
                bool schoolProblem = ok.error().code == Errc::NotFound;
                report.addError(r.line, where(schoolProblem ? "school" : "family"), ok.error().message);
            } else {
                needs.push_back(std::move(n));
            }
        }
    }
    if (!report.succeeded() || dryRun) return report;
    auto added = addNeeds(db, needs, actor);
    if (!added) return added.error();
    report.created = added->size();
    return report;
}

Result<SchoolDataReport> importNeedsFile(Database &db, const std::string &path, const SchoolDataOptions &options,
                                         const Actor &actor) {
    auto bytes = readFileBytes(path, options.maxBytes);
    if (!bytes) return bytes.error();
    auto report = importNeeds(db, *bytes, options, actor);
    if (!report) return report.error().withContext(path);
    return report;
}

}  // namespace reemploi::intake
