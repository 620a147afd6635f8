// Tablets and phones at the bench, for the web server: which are plugged in (the USB bus: Android
// with USB debugging, Android without it, Apple; and the network tablets of the configuration),
// their diagnosis stored on a unit, and the factory reset with its honest outcome. The work is in
// diagnostics/android and diagnostics/ios; this joins it to the server's settings.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <reemploi/common/Json.hpp>
#include <reemploi/common/Result.hpp>
#include <reemploi/diagnostics/UsbBus.hpp>
#include <reemploi/diagnostics/android/AndroidBench.hpp>
#include <reemploi/diagnostics/ios/IosDevice.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::app::tablets {

struct TabletSettings {
    std::string adbKeyPath;  // the bench's ADB key (shared with the command line's default)
    std::chrono::seconds promptWait{30};
    std::chrono::seconds rebootWait{30};
    std::vector<std::string> tcp;  // network tablets, HOST:PORT
    diagnostics::UsbBusOptions usb;
    // For the certificate of a reset.
    std::string workshopKeyPath;
    diagnostics::storage::WorkshopInfo workshop;
};

// keys/adb-rsa2048.pem next to an SQLite database (as the command line), or empty for a server
// location (the reset and the diagnosis then say to set adb.key).
std::string defaultAdbKeyPath(const std::string &database);

// One device on the bench.
struct BenchTablet {
    std::string platform;  // "android", "ios"
    std::string target;    // what the other calls take: "adb:SERIAL", "adb:HOST:PORT", "ios:UDID"
    std::string name;      // plain language: the device table's name, the banner's model, or empty
    std::string where;     // "usb 1-1.4", "tcp 127.0.0.1:5555"
    // "ready"; "unauthorized" (accept the prompt on the screen); "no_debugging" (an Android
    // device seen as a media player: USB debugging is off); "no_access" (the udev rule);
    // "unreachable" (detail says why).
    std::string state;
    std::string detail;
    json::Object toJson() const;
};

// What is plugged in now. `bus` may be null (a server without USB access: only the network
// tablets are listed); `busMutex` guards it. Trainee and up.
Result<std::vector<BenchTablet>> listTablets(diagnostics::UsbBus *bus, std::mutex &busMutex, const TabletSettings &settings,
                                             const inventory::Actor &actor);

// `diag android [--unit TAG]`: the facts of the device at `target` ("adb:…"), stored on the unit
// when one is given. Trainee and up.
Result<diagnostics::android::AndroidDiagnosis> diagnoseAndroidTablet(inventory::Database &db, const TabletSettings &settings,
                                                                     const std::string &target,
                                                                     const std::optional<std::string> &unitTag,
                                                                     const inventory::Actor &actor);

// `wipe adb:… --method android-factory-reset`: refused while a Google account is signed in;
// otherwise the outcome as it is (reset and recorded, or restarted into recovery for a reset by
// hand, nothing recorded). Trainee and up.
Result<diagnostics::android::AndroidWipeResult> resetAndroidTablet(inventory::Database &db, const TabletSettings &settings,
                                                                   const std::string &target, const std::string &unitTag,
                                                                   std::optional<std::int64_t> mediumId,
                                                                   const inventory::Actor &actor);
// The answer to a reset, for the page and the command line's --json: reset or not, the outcome
// ("reset", "recovery_by_hand", "refused"), the NIST level and why, what the device said.
json::Object resetJson(const diagnostics::android::AndroidWipeResult &result);

// `diag ios [--udid U] [--unit TAG]`: target "ios:UDID" or "ios:" (the only one connected). `db`
// may be null without a unit; the unit is checked before the device is opened.
Result<diagnostics::ios::IosDiagnosis> diagnoseIosTablet(inventory::Database *db, const std::string &target,
                                                         const std::optional<std::string> &unitTag,
                                                         const inventory::Actor &actor);

}  // namespace reemploi::app::tablets
