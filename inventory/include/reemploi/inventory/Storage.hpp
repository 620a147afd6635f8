// Declaring that a unit holds no storage: an explicit, audited act with a reason, the only way a
// laptop, desktop, tablet or phone with no medium recorded may reach `wiped` or `ready`.
//
//   removed  the drive was taken out (kept aside, or destroyed elsewhere);
//   absent   none was ever fitted.
//
// A declaration is made on a unit with no medium recorded. It stops holding when a medium is
// added to the unit (addMedium clears it; that medium must then be sanitized like any other) and
// when the unit comes back from a family (a return clears it: check the unit and declare again).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::inventory {

enum class StorageAbsence { Removed, Absent };
std::string_view toString(StorageAbsence);
Result<StorageAbsence> parseStorageAbsence(std::string_view);

struct StorageDeclaration {
    StorageAbsence kind = StorageAbsence::Absent;
    std::string reason;
    std::string actor;
    std::string declaredAt;  // UTC, ISO 8601
};

// Records the declaration with a `storage_declared` event (replacing an earlier one). Refused
// when the unit has storage media recorded (wipe them or record their destruction), and for a
// reason that is empty or not clean text.
Result<StorageDeclaration> declareStorage(Database &db, std::string_view tag, StorageAbsence kind,
                                          std::string_view reason, const Actor &actor);

// The declaration that holds for the unit, if any.
Result<std::optional<StorageDeclaration>> getStorageDeclaration(Database &db, std::string_view tag);

}  // namespace reemploi::inventory
