// Locks that make a device unusable by a family whatever the workshop does to it: an iPad's
// activation lock (Find My tied to the donor's Apple ID). The bench records what it read; a unit
// whose last reading says locked, or could not tell, cannot become `ready`.
#pragma once

#include <optional>
#include <string>

#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::inventory {

struct DeviceLock {
    std::string lock = "activation_lock";
    std::string state;   // "off", "on", "unknown"
    std::string detail;  // what to ask the donor, when not off
    std::string checkedAt;
};

// Records the reading (replacing the previous one) with a `device_lock_checked` event.
Result<DeviceLock> recordDeviceLock(Database &db, std::string_view tag, const DeviceLock &lock, const Actor &actor);
Result<std::optional<DeviceLock>> getDeviceLock(Database &db, std::string_view tag);
// Refused, with the lock's detail, when the unit's last reading is not "off" (the lifecycle's
// rule for `ready`); fine when nothing was ever read.
Status checkDeviceLock(Database &db, const Unit &unit);

}  // namespace reemploi::inventory
