// Accessories attached to a unit, so that a family gets a working set (a laptop with its charger):
// attaching and detaching (audited), and the list a unit's page shows. Once attached, an
// accessory takes its unit's allocation and loan arrows with it (Lifecycle.hpp).
#pragma once

#include <string_view>
#include <vector>

#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::inventory {

// Attaches accessory `accessoryTag` (a charger, mouse, keyboard or cable) to unit `unitTag`, with
// an `accessory_attached` event {"to": UNIT} on the accessory. Refused (each naming the rule): a
// unit that is not an accessory, a target that is itself an accessory, either one allocated,
// delivered, lent, taken for parts or recycled; Conflict when the accessory is already attached
// at the workshop (naming the unit). NotFound naming the tag. Trainee and up. Returns the accessory.
Result<Unit> attachAccessory(Database &db, std::string_view accessoryTag, std::string_view unitTag, const Actor &actor);

// Detaches it from its unit (`accessory_detached` {"from": UNIT}). Refused when it is attached to
// none (or, `fromUnit` given, to another unit than that one), or is allocated, delivered or lent
// with its unit (it is with the family). Trainee and up. Returns the accessory as it was (with
// the unit it was attached to).
Result<Unit> detachAccessory(Database &db, std::string_view accessoryTag, const Actor &actor,
                             std::string_view fromUnit = {});

// The accessories attached to a unit, in tag order (empty for none). NotFound naming the tag.
Result<std::vector<Unit>> accessoriesOf(Database &db, std::string_view unitTag);
// The same for a unit already read (a unit's page reads it once).
Result<std::vector<Unit>> accessoriesOf(Database &db, const Unit &unit);

}  // namespace reemploi::inventory
