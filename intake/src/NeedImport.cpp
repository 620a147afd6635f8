// The families' needs import: map the header, check every row (and against the database), then
// register all needs or none.
#include <reemploi/intake/NeedImport.hpp>

#include "SchoolDataCsv.hpp"
#include <reemploi/inventory/Programmes.hpp>
#include <reemploi/inventory/Validation.hpp>

#include <cctype>
#include <charconv>
#include <set>

namespace reemploi::intake {

using namespace reemploi::inventory;
using namespace reemploi::inventory::allocation;

const std::vector<FieldSpec> &needFields() {
    static const std::vector<FieldSpec> fields = {
        // The words a school secretary writes as well as ours: "UAI de l'école", "N° famille",
        // "Niveau" / "Classe" (the first of them gives the grades), "Nombre d'équipements"…
        {"school", {"uai", "school", "école", "ecole", "rne", "code uai", "uai de l'école", "n° uai", "code école",
                    "établissement"}, true},
        {"family", {"famille", "family", "référence", "reference", "référence famille", "family_ref", "n° famille",
                    "numéro de famille", "numéro famille", "code famille", "réf famille", "identifiant famille",
                    "référence de la famille"}, true},
        {"grades", {"niveaux", "grades", "niveau", "grade", "classes", "classe", "niveau de classe",
                    "niveaux des enfants", "classe des enfants", "classes des enfants", "niveau scolaire"},
         true, true},
        {"devices_at_home", {"equipements", "équipements", "devices_at_home", "devices at home",
                             "équipements à la maison", "appareils", "devices", "nombre d'équipements",
                             "nb d'équipements", "nb équipements", "nombre d'équipements à la maison",
                             "équipement informatique", "équipement informatique à la maison",
                             "nombre d'ordinateurs", "ordinateurs à la maison", "matériel à la maison"}, true},
        {"internet", {"internet", "connexion", "accès internet", "internet access", "connexion internet",
                      "accès à internet", "internet à la maison", "connexion à la maison"}, false},
        {"priority", {"priorite", "priorité", "priority", "priorités", "priority flags", "situation", "critères",
                      "critère de priorité"}, false},
        {"preference", {"preference", "préférence", "preferred kind", "souhait", "type souhaité",
                        "matériel souhaité", "équipement souhaité"}, false},
        {"accessibility", {"accessibilite", "accessibilité", "accessibility", "besoins particuliers", "handicap",
                           "adaptations", "besoins spécifiques"}, false},
        // Beyond primary school (Programmes.hpp): the recipient's level, e.g. "post-bac".
        {"level", {"level", "niveau d'études", "cycle", "public"}, false},
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

// Grades as secretaries write them: "CP CM2", "CP, CM2", "CE1-CM2", "CP et CM1", "CE 1",
// "cm1 B" (a class's section letter after its grade is not a grade).
Result<std::vector<SchoolGrade>> parseGrades(std::string_view text) {
    std::vector<std::string> words;
    std::string word;
    for (char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            word += c;
        } else if (!word.empty()) {
            words.push_back(std::move(word));
            word.clear();
        }
    }
    if (!word.empty()) words.push_back(std::move(word));
    std::vector<SchoolGrade> out;
    for (std::size_t i = 0; i < words.size(); ++i) {
        std::string w = words[i];
        std::string folded = normalizeKey(w);
        if (folded == "et" || folded == "and") continue;
        // "CE 1", "CM 2": the number written apart.
        if ((folded == "ce" || folded == "cm") && i + 1 < words.size() && (words[i + 1] == "1" || words[i + 1] == "2"))
            w += words[++i];
        else if (folded.size() == 1 && !out.empty() && std::isalpha(static_cast<unsigned char>(folded[0])))
            continue;  // "CM1 B": the class's section
        auto g = parseSchoolGrade(w);
        if (!g) return g.error();
        out.push_back(*g);
    }
    if (out.empty()) return makeError(Errc::InvalidInput, "no grade given (CP, CE1, CE2, CM1, CM2, one per child)");
    return out;
}

Result<std::int64_t> parseDevices(std::string_view text) {
    auto key = normalizeKey(text);
    if (key == "aucun" || key == "aucune" || key == "none" || key == "non" || key == "rien" || key == "zero" ||
        key == "pasdordinateur" || key == "pasdequipement" || key == "no")
        return 0;
    if (key == "un" || key == "une" || key == "oui" || key == "yes") return 1;
    if (key == "deux") return 2;
    if (key == "trois") return 3;
    // "1 (téléphone)", "2 smartphones": the number first, then what the devices are.
    if (auto d = text.find_first_not_of(" \t"); d != std::string_view::npos && std::isdigit(static_cast<unsigned char>(text[d]))) {
        auto e = d;
        while (e < text.size() && std::isdigit(static_cast<unsigned char>(text[e]))) ++e;
        if (e < text.size() && (text[e] == ' ' || text[e] == '(')) text = text.substr(d, e - d);
    }
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

// "Oui", "4G", "partage de connexion", "box internet", "fibre optique" → the allocation's words.
std::string secretaryInternet(std::string text) {
    auto key = normalizeKey(text);
    if (key == "oui" || key == "yes" || key == "boxinternet" || key == "fibreoptique" || key == "wifi" ||
        key == "ouibox" || key == "ouifibre" || key == "ouiadsl")
        return "box";
    if (key == "partagedeconnexion" || key == "telephoneuniquement" || key == "seulementletelephone" ||
        key == "forfaitmobile" || key == "4g5g" || key == "5g" || key == "ouitelephone" || key == "parletelephone")
        return "telephone";
    if (key == "pasdinternet" || key == "pasdeconnexion" || key == "sansinternet") return "aucune";
    return text;
}

// "PC portable", "ordinateur portable", "pas de préférence", "peu importe" → the allocation's words.
std::string secretaryPreference(std::string text) {
    auto key = normalizeKey(text);
    if (key == "pasdepreference" || key == "peuimporte" || key == "nimporte" || key == "indifferent" ||
        key == "sanspreference" || key == "aucune" || key == "non")
        return "indifferent";
    if (key == "ordinateurportables" || key == "pcportables" || key == "unportable" || key == "unordinateurportable")
        return "portable";
    if (key == "tablettetactile" || key == "unetablette") return "tablette";
    return text;
}

}  // namespace

Result<SchoolDataReport> importNeeds(Database &db, std::string_view bytes, const SchoolDataOptions &options,
                                     const Actor &actor) {
    const bool dryRun = options.dryRun;
    if (!options.programme.empty())
        if (auto programme = getProgramme(db, options.programme); !programme) return programme.error();
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
        auto uai = checkStructureId(cell(r, "school"));
        if (!uai) report.addError(r.line, where("school"), uai.error().message);
        else n.uai = *uai;
        n.family = cell(r, "family");
        auto b = n.family.find_first_not_of(" \t");
        n.family = b == std::string::npos ? std::string() : n.family.substr(b, n.family.find_last_not_of(" \t") - b + 1);
        if (n.family.empty()) report.addError(r.line, where("family"), "the family reference is empty");
        else if (auto ok = checkFamilyRef(n.family); !ok) report.addError(r.line, where("family"), ok.error().message);
        // No grades beyond primary school: checkNewNeed refuses their absence where they are needed.
        n.programme = options.programme;
        n.level = cell(r, "level");
        auto gradesText = cell(r, "grades");
        if (gradesText.find_first_not_of(" \t") != std::string::npos) {
            auto grades = parseGrades(gradesText);
            if (!grades) report.addError(r.line, where("grades"), grades.error().message);
            else n.grades = *grades;
        }
        auto devices = parseDevices(cell(r, "devices_at_home"));
        if (!devices) report.addError(r.line, where("devices_at_home"), devices.error().message);
        else n.devicesAtHome = *devices;
        auto internetText = secretaryInternet(cell(r, "internet"));
        if (internetText.find_first_not_of(" \t") != std::string::npos) {
            auto internet = parseInternet(internetText);
            if (!internet) report.addError(r.line, where("internet"), internet.error().message);
            else n.internet = *internet;
        }
        auto preference = parseKindPreference(secretaryPreference(cell(r, "preference")));
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
                const auto &m = ok.error().message;
                const char *field = m.rfind("level", 0) == 0                 ? (map.has("level") ? "level" : "family")
                                    : m.find("no grade") != std::string::npos ? "grades"
                                    : ok.error().code == Errc::NotFound       ? "school"
                                                                              : "family";
                report.addError(r.line, where(field), m);
            } else {
                needs.push_back(std::move(n));
            }
        }
    }
    if (!report.succeeded()) return report;
    report.wouldCreate = needs.size();  // a need is always new: a family already known is an error
    if (dryRun) return report;
    auto added = addNeeds(db, needs, actor);
    if (!added) return added.error();
    report.created = added->size();
    return report;
}

Result<SchoolDataReport> importNeedsFile(Database &db, const std::string &path, const SchoolDataOptions &options,
                                         const Actor &actor) {
    return importSchoolDataFile(path, options, [&](std::string_view bytes) { return importNeeds(db, bytes, options, actor); });
}

}  // namespace reemploi::intake
