// Importing the families' needs a school sends (see SchoolImport.hpp for the common rules).
// Families are pseudonymous: the school's family reference is the only identifier read.
#pragma once

#include <reemploi/intake/SchoolImport.hpp>
#include <reemploi/inventory/Schools.hpp>

namespace reemploi::intake {

// Columns: uai/school (required), famille/family (required), niveaux/grades (required: "CP CM2"
// or "CP,CM2", one per child), equipements/devices_at_home (required, integer),
// internet/connexion (aucune/none, telephone/phone, box; blank: none), priorite/priority (flags
// separated by commas: "qpv", "referral" or the school's own words), preference
// (portable/laptop, tablette/tablet, indifferent/either; blank: either), accessibilite/accessibility.
const std::vector<FieldSpec> &needFields();

// Priority flags as schools write them: "QPV", "quartier prioritaire", "REP+" → "qpv";
// "assistante sociale", "travailleur social", "social worker" → "referral"; other words kept
// as their normalised key. "aucune", "non", "-" and blank: none.
std::vector<std::string> parsePriorityFlags(std::string_view text);

// Every row is checked, against the other rows and the database (school registered, family
// reference not already used in that school), before one transaction registers them all.
Result<SchoolDataReport> importNeeds(inventory::Database &db, std::string_view bytes,
                                     const SchoolDataOptions &options, const inventory::Actor &actor);
Result<SchoolDataReport> importNeedsFile(inventory::Database &db, const std::string &path,
                                         const SchoolDataOptions &options, const inventory::Actor &actor);
inline Result<SchoolDataReport> importNeeds(inventory::Database &db, std::string_view bytes, bool dryRun,
                                            const inventory::Actor &actor) {
    return importNeeds(db, bytes, SchoolDataOptions{dryRun}, actor);
}
inline Result<SchoolDataReport> importNeedsFile(inventory::Database &db, const std::string &path, bool dryRun,
                                                const inventory::Actor &actor) {
    return importNeedsFile(db, path, SchoolDataOptions{dryRun}, actor);
}

}  // namespace reemploi::intake
