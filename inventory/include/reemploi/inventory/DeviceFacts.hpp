// What the bench reads from a tablet or phone (over ADB, or an iPad through libimobiledevice),
// stored on its unit; and a reset the bench drove itself, recorded as the sanitization of the
// device's internal flash.
#pragma once

#include <optional>
#include <string>

#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::inventory {

struct DeviceFacts {
    std::optional<UnitKind> kind;  // tablet or phone
    std::string make, model, serial;  // filled on the unit only where it has none yet
    std::optional<std::int64_t> ramMib;
    std::optional<std::int64_t> batteryHealthPercent;
    std::optional<double> screenInches;
    std::string os;  // "Android 14 (SDK 34)", "iPadOS 17.5.1"
    // The internal flash (its user data partition's size where that is all the device says):
    // added as a medium when the unit has none.
    std::optional<std::int64_t> internalCapacityBytes;
};

// Updates the unit's fields (one `unit_updated` event through updateUnit, plus one for a kind that
// changes, as {"tag", "changes": {"kind": {"old", "new"}}}) and adds the internal flash medium
// when none is recorded. Refused for a unit that is not a tablet, phone or other (a laptop's
// record is not a tablet's). Any role (trainee and up).
Result<Unit> recordDeviceFacts(Database &db, std::string_view tag, const DeviceFacts &facts, const Actor &actor);

struct DeviceReset {
    std::string method;       // "android-factory-reset"
    SanitizationLevel level = SanitizationLevel::Clear;
    std::string verification; // the evidence the reset happened
    std::string notes;        // why this level
    std::string startedAt;    // UTC ISO 8601
    std::optional<std::int64_t> mediumId;
    std::string certificateId, certificateJson;  // when a certificate was issued for it
};
// Records a reset the bench drove as a passed sanitization of the unit's internal flash (added,
// type flash, when none is recorded). Refused for kinds other than tablet and phone and for a
// destroyed medium; a unit with several internal media needs `mediumId`.
Result<SanitizationRecord> recordDeviceReset(Database &db, std::string_view tag, const DeviceReset &reset,
                                             const Actor &actor);

}  // namespace reemploi::inventory
