// What a tablet or phone says about itself over ADB, parsed from the real outputs of `getprop`,
// `dumpsys battery`, `df /data`, /proc/meminfo, `wm size`, `wm density`, `dumpsys display` and
// `dumpsys account`. Account names are never kept: only how many there are.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <reemploi/common/Json.hpp>
#include <reemploi/common/Result.hpp>

namespace reemploi::diagnostics::android {

class AdbClient;

enum class Encryption { Unknown, None, FileBased, FullDisk };
std::string_view toString(Encryption);  // "unknown", "none", "file-based", "full-disk"

struct AndroidFacts {
    std::string manufacturer, brand, model, device, serial;
    std::string marketName;  // ro.product.marketname and the like: "Xiaomi Pad 6"; often absent
    std::string androidVersion;  // ro.build.version.release
    std::optional<int> sdk;
    std::string fingerprint;
    std::string kind;  // "tablet" when ro.build.characteristics says so, else "phone"

    struct Battery {
        bool read = false;
        std::optional<int> levelPercent;
        std::string health;  // "good", "overheat", "dead", "over-voltage", "failure", "cold", "unknown"
        std::string status;  // "charging", "discharging", "not charging", "full", "unknown"
        std::optional<double> temperatureC;
        std::optional<int> voltageMv;
        std::optional<int> cycles;         // where the device exposes them
        std::optional<int> healthPercent;  // state of health, where exposed
        std::optional<bool> present;
        std::string technology;
    } battery;

    std::optional<std::int64_t> dataTotalBytes, dataFreeBytes;
    std::optional<std::int64_t> ramBytes;
    std::optional<int> screenWidthPx, screenHeightPx, densityDpi;
    std::optional<double> screenInches;  // from the panel's physical dpi (dumpsys display)

    Encryption encryption = Encryption::Unknown;
    std::optional<int> googleAccounts;  // count only
    std::optional<int> otherAccounts;
    bool persistentDataBlock = false;   // ro.frp.pst: Factory Reset Protection survives a reset
    std::optional<bool> oemUnlockAllowed;
    std::optional<bool> bootloaderUnlocked;
    std::optional<bool> rootPossible;   // ro.secure=0, ro.debuggable=1 or a non-user build

    // Commands that gave nothing usable, and why ("wm size: /system/bin/sh: wm: not found").
    std::vector<std::string> unavailable;

    // FRP will lock the device after a reset: a Google account is present (or could not be
    // counted) on a device with a persistent data block.
    bool accountLockRisk() const;
    // What a person calls it: the market name with its maker ("Xiaomi Pad 6"), else the maker
    // and the model ("asus TF201").
    std::string plainName() const;
    json::Object toJson() const;
};

// Parsers of single outputs (each tolerant of CR LF line ends and of unknown lines).
std::map<std::string, std::string> parseGetprop(std::string_view text);
void applyGetprop(const std::map<std::string, std::string> &props, AndroidFacts &facts);
AndroidFacts::Battery parseBattery(std::string_view text);
// The line of `mount` ("/data") in `df` output: toybox's 1K-blocks columns, or the old
// toolbox's "Size Used Free Blksize" with K/M/G suffixes. Nullopt when absent.
struct DfLine {
    std::int64_t totalBytes = 0, freeBytes = 0;
};
std::optional<DfLine> parseDf(std::string_view text, std::string_view mount = "/data");
std::optional<std::int64_t> parseMemTotal(std::string_view meminfo);
// "Physical size: 1080x1920" (an "Override size" line, if any, is not the panel's).
std::optional<std::pair<int, int>> parseWmSize(std::string_view text);
std::optional<int> parseWmDensity(std::string_view text);
// The built-in panel's diagonal from `dumpsys display` (pixels and physical dpi of the first
// DisplayDeviceInfo); nullopt when not found.
std::optional<double> parseDisplayInches(std::string_view text);
struct AccountCount {
    int google = 0, other = 0;
};
// Counts the accounts of every user in `dumpsys account` (type=com.google for Google); names
// are read past and never returned. Nullopt when the output holds no account section.
std::optional<AccountCount> parseAccounts(std::string_view text);

// Runs the commands over `adb` and parses what they say.
Result<AndroidFacts> readFacts(AdbClient &adb);

}  // namespace reemploi::diagnostics::android
