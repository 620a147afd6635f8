// The wipe methods table and the names of its enums.
#include <reemploi/diagnostics/storage/WipeMethods.hpp>

#include <algorithm>
#include <cctype>

namespace reemploi::diagnostics::storage {

namespace {

// NIST SP 800-88 Rev. 1, appendix A: one overwrite pass is Clear on every medium; a drive's own
// SANITIZE (block erase, crypto scramble) is Purge; ATA SECURITY ERASE UNIT is Purge on hard
// disks but only Clear on flash, whose firmware may leave spare blocks untouched.
const std::vector<WipeMethod> kMethods = {
    {"clear-zero", "Overwrite every sector with zeros, one pass", WipeKind::Overwrite, {Pattern::Zero},
     NistLevel::Clear, NistLevel::Clear, Verification::Sample,
     "a host overwrite reaches every addressable LBA, not remapped or spare areas: Clear"},
    {"clear-random", "Overwrite every sector with a random stream (AES-128-CTR), one pass",
     WipeKind::Overwrite, {Pattern::Random}, NistLevel::Clear, NistLevel::Clear, Verification::Sample,
     "a host overwrite reaches every addressable LBA, not remapped or spare areas: Clear"},
    {"purge-sanitize", "The drive's own SANITIZE (ATA block erase or crypto scramble)", WipeKind::AtaSanitize,
     {}, NistLevel::Purge, NistLevel::Purge, Verification::Sample,
     "the firmware erases every block including spare areas: Purge"},
    {"purge-secure-erase", "ATA SECURITY ERASE UNIT (enhanced when supported)", WipeKind::AtaSecureErase, {},
     NistLevel::Purge, NistLevel::Clear, Verification::Sample,
     "Purge on hard disks; on flash the command may skip spare blocks, so only Clear"},
    // NVMe (Table A-8 of the same appendix): the controller's Sanitize reaches every block, over-
    // provisioning included; a cryptographic erase is Purge when the drive encrypts all user data,
    // which NVMe drives that offer it do (the host cannot prove it: verification samples the LBAs);
    // a Format NVM user-data erase may leave spare blocks, so it is only counted Clear.
    {"purge-nvme-sanitize", "NVMe Sanitize (block erase, or crypto erase when that is all the drive has)",
     WipeKind::NvmeSanitize, {}, NistLevel::Purge, NistLevel::Purge, Verification::Sample,
     "the controller erases every block including spare and over-provisioned areas: Purge"},
    {"purge-nvme-crypto-format", "NVMe Format NVM with cryptographic erase (the media key is replaced)",
     WipeKind::NvmeFormatCrypto, {}, NistLevel::Purge, NistLevel::Purge, Verification::Sample,
     "replacing the key that encrypts all user data leaves it unreadable, spare blocks included: Purge "
     "(the drive's claim that it encrypts everything cannot be checked by the host)"},
    {"clear-nvme-format", "NVMe Format NVM with user-data erase", WipeKind::NvmeFormatUserData, {}, NistLevel::Clear,
     NistLevel::Clear, Verification::Sample,
     "the controller may leave spare blocks untouched unless its maker says otherwise: Clear"},
    // A tablet's or phone's reset from Android itself (adb: targets). Android 8 and later refuse it
    // to the shell: the device then restarts into recovery for a reset by hand (AndroidReset.hpp).
    {"android-factory-reset", "A tablet's or phone's factory reset, asked over ADB (adb: targets)",
     WipeKind::DeviceReset, {}, NistLevel::Clear, NistLevel::Clear, Verification::None,
     "Purge (cryptographic erase) only when the device reports file-based or full-disk encryption, else "
     "Clear; counted only when the device restarts; Android 8 and later refuse it over ADB (reset by hand in "
     "recovery, then recorded)",
     NistLevel::Purge},
};

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

}  // namespace

std::string_view toString(NistLevel level) {
    switch (level) {
    case NistLevel::Clear: return "clear";
    case NistLevel::Purge: return "purge";
    case NistLevel::Destroy: return "destroy";
    }
    return "clear";
}

std::string_view toString(Pattern p) {
    switch (p) {
    case Pattern::Zero: return "zero";
    case Pattern::One: return "one";
    case Pattern::Random: return "random";
    }
    return "zero";
}

std::string_view toString(Verification v) {
    switch (v) {
    case Verification::None: return "none";
    case Verification::Sample: return "sample";
    case Verification::Full: return "full";
    }
    return "none";
}

Result<Verification> parseVerification(std::string_view s) {
    auto l = lower(s);
    if (l == "full") return Verification::Full;
    if (l == "sample") return Verification::Sample;
    if (l == "none") return Verification::None;
    return makeError(Errc::InvalidInput, "unknown verification '" + std::string(s) + "' (expected full or sample)");
}

std::span<const WipeMethod> wipeMethods() { return kMethods; }

Result<const WipeMethod *> findWipeMethod(std::string_view id) {
    auto l = lower(id);
    std::string known;
    for (const auto &m : kMethods) {
        if (m.id == l) return &m;
        known += (known.empty() ? "" : ", ") + std::string(m.id);
    }
    return makeError(Errc::InvalidInput, "unknown wipe method '" + std::string(id) + "' (known: " + known + ")");
}

}  // namespace reemploi::diagnostics::storage
