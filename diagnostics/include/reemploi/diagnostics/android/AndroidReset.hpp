// The factory reset of a tablet or phone over ADB, and what it is worth as a sanitization.
//
// What the shell (uid 2000, all `adb shell` has without root) may do, honestly:
//   - It may ask for the reset with the FACTORY_RESET broadcast (MASTER_CLEAR before Android 8).
//     Android 8 and later refuse it to the shell (a protected broadcast: SecurityException);
//     older releases accept the command but deliver it only to receivers holding MASTER_CLEAR,
//     which the shell does not hold, so nothing happens. It takes effect on engineering and
//     userdebug builds and on some vendors' images. We therefore count a reset only when the
//     device then drops the connection to restart, within a bound.
//   - It may not write /cache/recovery/command (recovery's --wipe_data), owned by system.
//   - It may restart into recovery (adbd's reboot:recovery service): there a person chooses
//     "Wipe data/factory reset" with the volume and power keys, which the bench cannot see; that
//     reset is then recorded by hand (reemploi unit factory-reset TAG --checked-setup-screen).
#pragma once

#include <chrono>
#include <string>

#include <reemploi/diagnostics/android/AdbClient.hpp>
#include <reemploi/diagnostics/android/AndroidFacts.hpp>
#include <reemploi/diagnostics/storage/WipeMethods.hpp>

namespace reemploi::diagnostics::android {

// The method id the sanitization records carry.
inline constexpr std::string_view kAndroidFactoryResetMethod = "android-factory-reset";

// Refused, saying what the trainee must do, while a Google account is signed in (or the accounts
// could not be counted): Factory Reset Protection would lock the device after the reset.
Status checkResetAllowed(const AndroidFacts &facts);

// Purge (cryptographic erase) only when the device reported file-based or full-disk encryption;
// otherwise Clear. `why` says which, naming the properties read.
struct ResetLevel {
    storage::NistLevel level = storage::NistLevel::Clear;
    std::string why;
};
ResetLevel resetLevel(const AndroidFacts &facts);

struct ResetOptions {
    // How long the device has to drop the connection (restart) after accepting the request.
    std::chrono::milliseconds rebootWait{30000};
    // When the device refuses, restart it into recovery for a reset by hand.
    bool recoveryFallback = true;
};

struct ResetOutcome {
    enum class Kind { Reset, RecoveryByHand, Refused };
    Kind kind = Kind::Refused;
    std::string evidence;  // what showed the reset happened ("… restarted within 2 s")
    std::string deviceSaid;  // the first line of the device's answer to the request
};

// Checks the accounts, sends the request, and waits for the restart. The connection is unusable
// afterwards (the device restarted or went to recovery).
Result<ResetOutcome> factoryReset(AdbClient &adb, const AndroidFacts &facts, const ResetOptions &options = {});

}  // namespace reemploi::diagnostics::android
