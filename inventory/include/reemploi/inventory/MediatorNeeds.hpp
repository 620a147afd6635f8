// A school's or structure's needs as its mediator keeps them: the census of households without a
// device, entered and updated by an account limited to that structure (Actor::structure). The
// limit is enforced here, whatever front end calls: a mediator reaches its own structure's
// needs and nothing else (no other school, no unit history); coordinators reach every structure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>
#include <reemploi/inventory/Schools.hpp>

namespace reemploi::inventory {

// Forbidden unless `actor` is a coordinator or an admin, or the mediator of `structure`.
Status requireStructureAccess(const Actor &actor, std::string_view structure, std::string_view what);

// The structure's needs, by id. For a mediator, without the unit that served them (no unit history).
Result<std::vector<Need>> structureNeeds(Database &db, std::string_view structure, const Actor &actor);

// What an update may change on an open need; fields left empty are kept.
struct NeedPatch {
    std::optional<std::vector<allocation::SchoolGrade>> grades;
    std::optional<std::int64_t> devicesAtHome;
    std::optional<allocation::Internet> internet;
    std::optional<allocation::KindPreference> preference;
    std::optional<std::vector<std::string>> priorityFlags;
    std::optional<std::string> accessibility;
};
// Updates an open need of `structure` (by family reference) with a `need_updated` event carrying
// the new values. Refusals name the field; a served or withdrawn need is not changed.
Result<Need> updateNeed(Database &db, std::string_view structure, std::string_view family, const NeedPatch &patch,
                        const Actor &actor);

}  // namespace reemploi::inventory
