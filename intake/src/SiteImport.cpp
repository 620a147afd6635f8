// The distribution sites' import: the schools' CSV start (SchoolDataCsv.hpp), every row checked,
// then all sites saved or none.
#include <reemploi/intake/SiteImport.hpp>

#include <set>

#include <reemploi/common/Text.hpp>
#include <reemploi/inventory/Sites.hpp>

#include "SchoolDataCsv.hpp"

namespace reemploi::intake {

const std::vector<FieldSpec> &siteFields() {
    static const std::vector<FieldSpec> fields = {
        {"code", {"code", "code site", "identifiant", "id", "site"}, true},
        {"name", {"nom", "name", "nom du site", "lieu", "site name"}, true},
        {"address", {"adresse", "address", "adresse postale"}, false},
        {"hours", {"horaires", "hours", "heures d'ouverture", "opening hours", "ouverture"}, false},
        {"contact", {"contact", "référent", "referent", "téléphone", "e-mail", "email"}, false},
    };
    return fields;
}

Result<SchoolDataReport> importSites(inventory::Database &db, std::string_view bytes, const SchoolDataOptions &options,
                                     const inventory::Actor &actor) {
    SchoolDataReport report;
    auto csv = readMappedCsv(bytes, siteFields(), options, report);
    if (!csv) return csv.error();
    const auto &map = csv->map;
    std::vector<inventory::NewSite> sites;
    std::set<std::string> seen;
    CsvRecord r;
    for (;;) {
        auto more = csv->source->next(r);
        if (!more) return more.error();
        if (!*more) break;
        ++report.rows;
        inventory::NewSite s{map.cell(r, "code"), map.cell(r, "name"), map.cell(r, "address"), map.cell(r, "hours"),
                             map.cell(r, "contact")};
        if (auto ok = inventory::checkNewSite(s); !ok) {
            // The error starts with the field it is about ("code: …", "name: …").
            const std::string &m = ok.error().message;
            std::string field = m.substr(0, m.find(':'));
            report.addError(r.line, map.has(field) ? map.describeField(field.c_str()) : "", m);
        } else if (!seen.insert(text::trim(s.code)).second) {
            report.addError(r.line, map.describeField("code"), "site " + text::trim(s.code) + " is already given on an earlier line");
        } else {
            sites.push_back(std::move(s));
        }
    }
    if (!report.succeeded()) return report;
    auto known = inventory::listSites(db);
    if (!known) return known.error();
    std::set<std::string> registered;
    for (const auto &k : *known) registered.insert(k.code);
    for (const auto &s : sites) ++(registered.count(text::trim(s.code)) ? report.wouldUpdate : report.wouldCreate);
    if (options.dryRun) return report;
    auto saved = inventory::saveSites(db, sites, actor);
    if (!saved) return saved.error();
    report.created = static_cast<std::size_t>(saved->created);
    report.updated = static_cast<std::size_t>(saved->updated);
    return report;
}

Result<SchoolDataReport> importSitesFile(inventory::Database &db, const std::string &path,
                                         const SchoolDataOptions &options, const inventory::Actor &actor) {
    return importSchoolDataFile(path, options, [&](std::string_view bytes) { return importSites(db, bytes, options, actor); });
}

}  // namespace reemploi::intake
