// Registering units, reading them, editing their fields. Status changes go through Lifecycle.hpp.
#pragma once

#include <optional>
#include <vector>

#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::inventory {

// Registers one unit: a new tag, status `received`, a `unit_created` event. The serial is cleaned
// and the make unified here (Identity.hpp), other lines trimmed, every text field checked
// (Validation.hpp): callers pass raw input. Refused (Conflict) when a unit with the same make and
// serial exists, naming it. Any role (trainee and up).
Result<Unit> addUnit(Database &db, const NewUnit &unit, const Actor &actor);

// Registers many units in one transaction, one `unit_created` event each: all or none.
// The units are checked as addUnit does (and against each other) before anything is written.
Result<std::vector<Unit>> addUnits(Database &db, const std::vector<NewUnit> &units, const Actor &actor);

// Checks a unit as addUnit would, without writing (for dry runs): donation exists, fields valid,
// make + serial not registered yet.
Status checkNewUnit(Database &db, const NewUnit &unit);

Result<Unit> getUnit(Database &db, std::string_view tag);

// The tag of the unit registered with this make and serial (as addUnit compares them: make
// unified, serial cleaned), if any.
Result<std::optional<std::string>> findTagBySerial(Database &db, std::string_view make, std::string_view serial);

struct UnitFilter {
    std::optional<UnitStatus> status;
    std::optional<std::int64_t> donationId;
    std::optional<UnitKind> kind;
    std::optional<std::string> site;  // the workshop that holds the units
};
Result<std::vector<Unit>> listUnits(Database &db, const UnitFilter &filter = {});
// What `actor` may list: a bench account (a trainee with a site) sees its own workshop's units
// (asking for another site is Forbidden); a coordinator or admin sees every site, or the one asked.
Result<UnitFilter> scopeToActor(const Actor &actor, UnitFilter filter);

// A field edit: only the fields set are changed, cleaned and checked as addUnit does; one
// `unit_updated` event lists old and new values.
struct UnitPatch {
    std::optional<std::string> make, model, serial, donorTag, location, notes;
    std::optional<std::string> site;  // moving a unit to another workshop: coordinators only
    std::optional<std::string> cpu, keyboardLayout, os;
    std::optional<std::int64_t> ramMib, batteryHealthPercent;
    std::optional<double> screenInches;
    std::optional<Grade> grade;
};
Result<Unit> updateUnit(Database &db, std::string_view tag, const UnitPatch &patch, const Actor &actor);

// Adds a medium with a `storage_added` event; a storage declaration (Storage.hpp) no longer holds
// and is cleared.
Result<StorageMedium> addMedium(Database &db, std::string_view tag, const NewMedium &medium, const Actor &actor);
// Records that a medium was physically destroyed (counts as sanitized: NIST "Destroy").
Result<StorageMedium> markMediumDestroyed(Database &db, std::int64_t mediumId, std::string_view how,
                                         const Actor &actor);

// The unit's donor-list fields (NewUnit::donorFields) as a JSON object {"Header": "value"}; "{}"
// when it has none or they were purged.
Result<std::string> donorFieldsJson(Database &db, std::string_view tag);

// Makes "RE-000042" from 42, and back.
std::string formatTag(std::int64_t number);
std::optional<std::int64_t> parseTag(std::string_view tag);

}  // namespace reemploi::inventory
