// iPads and iPhones through libimobiledevice (lockdownd): what the device is, how full, its
// battery, and above all its activation lock. The library calls sit behind IosLockdown, so that
// tests feed it real `ideviceinfo` outputs; the protocol itself is libimobiledevice's, not ours.
// The reset of an Apple device stays a manual step, recorded with `unit factory-reset`.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <reemploi/common/Json.hpp>
#include <reemploi/common/Result.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::diagnostics::ios {

// The values of one lockdown domain ("" for the root, "com.apple.fmip", "com.apple.disk_usage",
// "com.apple.mobile.battery") as `ideviceinfo [-q DOMAIN]` prints them: top-level keys only,
// scalars as text ("true", "12.4.8", "11913187328").
class IosLockdown {
public:
    virtual ~IosLockdown() = default;
    virtual Result<std::map<std::string, std::string>> domain(const std::string &name) = 0;
    virtual std::string describe() const = 0;
};

// The device with this UDID (empty: the only one connected), paired (the "Trust this computer"
// prompt accepted). NotFound when none is connected; Refused with what to do when not paired.
Result<std::unique_ptr<IosLockdown>> openIosDevice(const std::string &udid);

// `ideviceinfo` text: "Key: value" lines; nested dictionaries and arrays (indented lines, and
// their "Key:" / "Key[N]:" headers) are left out.
std::map<std::string, std::string> parseIdeviceinfo(std::string_view text);

enum class ActivationLock { Off, On, Unknown };
std::string_view toString(ActivationLock);  // "off", "on", "unknown"

struct IosFacts {
    std::string deviceClass;  // "iPad", "iPhone"
    std::string productType;  // "iPad7,5"
    std::string modelNumber;  // "MGA82"
    std::string hardwareModel;
    std::string serial;
    std::string iosVersion, buildVersion;
    std::string activationState;  // "Activated", "Unactivated", "FactoryActivated"
    std::optional<bool> findMy;   // com.apple.fmip IsAssociated
    std::optional<std::int64_t> dataTotalBytes, dataFreeBytes, diskBytes;
    std::optional<int> batteryPercent;
    std::optional<bool> charging;
    std::vector<std::string> unavailable;  // what could not be read and why

    std::string kind() const { return deviceClass == "iPad" ? "tablet" : "phone"; }
    ActivationLock activationLock() const;
    // What to ask the donor, for a lock that is on or unknown; empty when off.
    std::string lockAdvice() const;
    json::Object toJson() const;  // the device's own name (often a person's) is never included
};

Result<IosFacts> readIosFacts(IosLockdown &device);

struct IosDiagnosis {
    IosFacts facts;
    std::string where;
    std::optional<inventory::Unit> unit;
};
// Reads the facts and, with `db` and a tag, stores them on the unit with its activation lock
// state (a lock on or unknown keeps the unit from `ready`).
Result<IosDiagnosis> diagnoseIos(IosLockdown &device, inventory::Database *db, const std::optional<std::string> &unitTag,
                                 const inventory::Actor &actor);

}  // namespace reemploi::diagnostics::ios
