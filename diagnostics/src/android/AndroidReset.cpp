// The factory reset over ADB: refusal while an account would lock the device, the request, and
// the evidence that the device restarted.
#include <reemploi/diagnostics/android/AndroidReset.hpp>

#include <reemploi/common/Text.hpp>

namespace reemploi::diagnostics::android {

Status checkResetAllowed(const AndroidFacts &f) {
    const std::string device = f.manufacturer.empty() ? std::string("the device") : f.manufacturer + " " + f.model;
    if (!f.googleAccounts)
        return makeError(Errc::Refused,
                         device + ": the accounts signed in could not be counted (dumpsys account gave nothing usable); "
                                  "check Settings › Accounts on the device and remove every Google account before the "
                                  "reset, or Factory Reset Protection will lock it");
    if (*f.googleAccounts > 0)
        return makeError(Errc::Refused,
                         device + ": " + std::to_string(*f.googleAccounts) + " Google account" +
                             (*f.googleAccounts > 1 ? "s are" : " is") +
                             " still signed in: after a reset, Factory Reset Protection would lock the device until "
                             "that account's password is typed. Remove it on the device (Settings › Accounts › Google "
                             "› Remove account; the screen lock's PIN is asked), or ask the donor to release it, then "
                             "run the wipe again");
    return {};
}

ResetLevel resetLevel(const AndroidFacts &f) {
    switch (f.encryption) {
    case Encryption::FileBased:
        return {storage::NistLevel::Purge,
                "cryptographic erase: the device reported file-based encryption (ro.crypto.state=encrypted, "
                "ro.crypto.type=file); the reset destroys the keys of its user data"};
    case Encryption::FullDisk:
        return {storage::NistLevel::Purge,
                "cryptographic erase: the device reported full-disk encryption (ro.crypto.state=encrypted); the reset "
                "destroys the key of its user data partition"};
    case Encryption::None:
        return {storage::NistLevel::Clear,
                "the device reported no encryption (ro.crypto.state=unencrypted): the reset deletes the user data "
                "without erasing a key, which is Clear, not Purge"};
    default:
        return {storage::NistLevel::Clear,
                "the device did not report its encryption (no ro.crypto.state): recorded as Clear, not Purge"};
    }
}

namespace {

// The device's words, made valid UTF-8 (they reach the page, JSON and the command's message).
std::string firstLine(const std::string &s) {
    auto start = s.find_first_not_of("\r\n");
    if (start == std::string::npos) return {};
    auto end = s.find_first_of("\r\n", start);
    return reemploi::text::validUtf8(std::string_view(s).substr(start, end == std::string::npos ? std::string::npos : end - start));
}

}  // namespace

Result<ResetOutcome> factoryReset(AdbClient &adb, const AndroidFacts &facts, const ResetOptions &options) {
    REEMPLOI_TRY(checkResetAllowed(facts));
    // FACTORY_RESET replaced MASTER_CLEAR in Android 8 (SDK 26); the system package receives it.
    const bool modern = facts.sdk.value_or(26) >= 26;
    std::string action = modern ? "android.intent.action.FACTORY_RESET" : "android.intent.action.MASTER_CLEAR";
    std::string command = "am broadcast -a " + action + (modern ? " -p android" : "") +
                          " --es android.intent.extra.REASON reemploi --ez android.intent.extra.WIPE_EXTERNAL_STORAGE true";
    auto started = std::chrono::steady_clock::now();
    auto said = adb.shell(command);
    ResetOutcome out;
    if (!said) {
        // The device went away while answering: it restarted into the reset.
        if (said.error().code == Errc::Device && said.error().message.find("disconnected") != std::string::npos) {
            out.kind = ResetOutcome::Kind::Reset;
            out.evidence = "the device accepted the reset request and disconnected while answering it";
            return out;
        }
        return said.error();
    }
    out.deviceSaid = firstLine(*said);
    bool denied = said->find("SecurityException") != std::string::npos ||
                  said->find("Permission Denial") != std::string::npos;
    if (!denied && adb.waitForDisconnect(options.rebootWait)) {
        auto took = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
        out.kind = ResetOutcome::Kind::Reset;
        out.evidence = "the device accepted the reset request (\"" + firstLine(said->substr(said->find('\n') + 1)) +
                       "\") and restarted within " + std::to_string(took.count()) + " s";
        return out;
    }
    if (denied) {
        // The line that says why ("java.lang.SecurityException: Permission Denial: …").
        auto at = said->find("Permission Denial");
        out.deviceSaid = firstLine(said->substr(at == std::string::npos ? said->find("SecurityException") : at));
    }
    if (options.recoveryFallback) {
        // adbd's own service: restarting into recovery is within the shell's rights.
        (void)adb.service("reboot:recovery");
        out.kind = ResetOutcome::Kind::RecoveryByHand;
    } else {
        out.kind = ResetOutcome::Kind::Refused;
    }
    return out;
}

}  // namespace reemploi::diagnostics::android
