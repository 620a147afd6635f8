// Corrections a donor's list brings to units already registered (`intake import --update`): the
// fields that changed, written in one transaction with one `unit_updated` event per unit whose
// payload is {"tag", "changes": {column: {"old", "new"}}}, the form the audit replay applies.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::inventory {

// What a list says of a unit: only the fields set are compared (an empty cell changes nothing).
struct ListedFields {
    std::optional<std::string> make, model, donorTag, cpu, os;
    std::optional<UnitKind> kind;
    std::optional<std::int64_t> ramMib;
    std::optional<double> screenInches;
};

// One column's old and new values, as JSON texts ("\"Dell\"", "8192", "null").
struct FieldChange {
    std::string column;  // the units table's column: make, model, donor_tag, kind, ram_mib, cpu, os, screen_inches
    std::string oldJson;
    std::string newJson;
};

// The changes `listed` makes to `unit` (make unified, text trimmed), in column order. The make
// is only filled in, never replaced: it is half of the unit's identity.
std::vector<FieldChange> listedChanges(const Unit &unit, const ListedFields &listed);

struct UnitCorrection {
    std::string tag;
    ListedFields fields;
};
struct CorrectedUnit {
    std::string tag;
    std::vector<FieldChange> changes;  // never empty
};

// Applies the corrections in one transaction: all or none. Units whose fields already say the
// same are left alone, with no event. NotFound for an unknown tag; the text rules of a
// registration apply (Validation.hpp). Any role (trainee and up), as a field edit.
Result<std::vector<CorrectedUnit>> correctUnits(Database &db, const std::vector<UnitCorrection> &corrections,
                                                const Actor &actor);

// The event payload of a correction: {"changes":{column:{"new","old"}},"tag"}.
std::string correctionPayload(const CorrectedUnit &unit);

}  // namespace reemploi::inventory
