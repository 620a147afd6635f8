// The wipe methods, as data: the runner, the command line, the web pages and the certificates all
// read this one table. Adding a method is one row (and, for a new kind, one branch in the runner).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <reemploi/common/Result.hpp>

namespace reemploi::diagnostics::storage {

// NIST SP 800-88 Rev. 1 categories.
enum class NistLevel { Clear, Purge, Destroy };
std::string_view toString(NistLevel);

enum class Pattern { Zero, One, Random };
std::string_view toString(Pattern);

// How a method erases: by overwriting every LBA from the host, or by asking the drive to erase
// itself (the firmware reaches remapped and over-provisioned areas that the host cannot), or by
// asking a tablet or phone to reset itself (adb: targets only, diagnostics/android).
enum class WipeKind {
    Overwrite, AtaSanitize, AtaSecureErase,
    NvmeSanitize, NvmeFormatCrypto, NvmeFormatUserData,  // NVMe drives inside the computer (Nvme.hpp)
    DeviceReset,
};

enum class Verification { None, Sample, Full };
std::string_view toString(Verification);
Result<Verification> parseVerification(std::string_view);

struct WipeMethod {
    std::string_view id;     // "clear-zero"
    std::string_view label;  // one line for people
    WipeKind kind;
    std::vector<Pattern> passes;  // for Overwrite; verification checks the last pass
    NistLevel levelMagnetic;      // the level reached on a hard disk …
    NistLevel levelFlash;         // … and on flash (SSD, NVMe, eMMC, USB stick)
    Verification defaultVerification;
    std::string_view note;  // why the level is what it is
    // The level when the device reports its storage encrypted (a reset then destroys the key:
    // cryptographic erase); DeviceReset only.
    std::optional<NistLevel> levelEncrypted = std::nullopt;

    bool forDevices() const { return kind == WipeKind::DeviceReset; }  // adb: targets, not drives

    NistLevel levelFor(bool flash) const { return flash ? levelFlash : levelMagnetic; }
};

std::span<const WipeMethod> wipeMethods();
// The method with this id, or InvalidInput listing the known ids.
Result<const WipeMethod *> findWipeMethod(std::string_view id);

}  // namespace reemploi::diagnostics::storage
