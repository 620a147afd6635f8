// Inside inventory, for the allocation service only: the way a unit reaches `allocated` and
// `delivered` and leaves them. The allocation moves the need with the unit (confirm, cancel,
// delivery, return); setStatus refuses these arrows, naming the command to use. Not a public
// header: no other folder can include it.
#pragma once

#include <string_view>
#include <vector>

#include <reemploi/common/Json.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::inventory::internal {

// setStatus without the refusal of the allocation's arrows (every other rule applies; the caller
// checks the actor's role).
Result<Unit> setStatusByAllocation(Database &db, std::string_view tag, UnitStatus to, std::string_view reason,
                                   const Actor &actor, const json::Object &details = {});

// The accessories attached to unit `unitId` (Accessories.hpp), in tag order.
std::vector<Unit> attachedAccessories(Database &db, std::int64_t unitId);

}  // namespace reemploi::inventory::internal
