// Importing partner distribution sites from a spreadsheet, with the schools' import machinery
// (SchoolImport.hpp): any delimiter and encoding, French or English headers, all or nothing,
// every error naming its line and column.
#pragma once

#include <reemploi/intake/SchoolImport.hpp>

namespace reemploi::intake {

// Columns: code (required), nom/name (required), adresse/address, horaires/hours, contact.
const std::vector<FieldSpec> &siteFields();

// Sites already registered (same code) are updated; new ones created.
Result<SchoolDataReport> importSites(inventory::Database &db, std::string_view bytes, const SchoolDataOptions &options,
                                     const inventory::Actor &actor);
Result<SchoolDataReport> importSitesFile(inventory::Database &db, const std::string &path,
                                         const SchoolDataOptions &options, const inventory::Actor &actor);
inline Result<SchoolDataReport> importSites(inventory::Database &db, std::string_view bytes, bool dryRun,
                                            const inventory::Actor &actor) {
    return importSites(db, bytes, SchoolDataOptions{dryRun}, actor);
}

}  // namespace reemploi::intake
