// ATA commands tunnelled through SCSI (SAT-4 ATA PASS-THROUGH 16 and 12): IDENTIFY DEVICE,
// SMART READ DATA, SMART RETURN STATUS. Bridges that cannot (quirk no-ata-passthrough, or an
// ILLEGAL REQUEST answer) make these Unsupported, and the wipe goes on without them.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <reemploi/diagnostics/storage/Scsi.hpp>

namespace reemploi::diagnostics::storage {

// What IDENTIFY DEVICE says (ACS-4 §7.12.7), decoded.
struct AtaIdentity {
    std::string model, serial, firmware;
    std::uint64_t sectors = 0;  // user-addressable (LBA48 when supported)
    std::uint32_t logicalSectorSize = 512;
    std::uint32_t physicalSectorSize = 512;
    std::optional<bool> rotational;  // word 217: 1 = non-rotating (SSD), else the rpm
    std::uint16_t rpm = 0;
    std::uint16_t securityEraseMinutes = 0, enhancedEraseMinutes = 0;  // words 89, 90 (0: not given)
    bool smartSupported = false, smartEnabled = false;
    bool securitySupported = false, securityEnabled = false, securityFrozen = false, enhancedEraseSupported = false;
    bool sanitizeSupported = false, cryptoScrambleSupported = false, blockEraseSupported = false;
    bool trimSupported = false;
    bool hpaSupported = false;  // word 82 bit 10: Host Protected Area feature set
    bool dcoSupported = false;  // word 83 bit 11: Device Configuration Overlay
    bool lba48 = false;
};
// Decodes 512 bytes of IDENTIFY DEVICE data; checks the word-255 checksum when present and
// names the word that is wrong otherwise.
Result<AtaIdentity> parseIdentify(std::span<const std::uint8_t> data);

struct SmartAttribute {
    std::uint8_t id = 0;
    std::uint8_t current = 0, worst = 0;
    std::uint64_t raw = 0;  // 48 bits
    std::string name;
};
// Decodes the 30 attribute slots of SMART READ DATA (checksum in byte 511).
Result<std::vector<SmartAttribute>> parseSmartData(std::span<const std::uint8_t> data);

struct SmartSummary {
    bool available = false;
    std::string unavailableWhy;
    std::optional<bool> healthy;  // SMART RETURN STATUS: threshold not exceeded
    std::vector<SmartAttribute> attributes;
    std::optional<std::uint64_t> reallocated, pending, uncorrectable, powerOnHours;
    std::optional<std::uint8_t> wearPercentLeft;  // normalised wear indicator of SSDs
};
// Picks the key attributes (5, 197, 198/187, 9, 177/231/233).
void summarizeSmart(SmartSummary &summary);

class AtaPassThrough {
public:
    // `sat12Only`: the bridge takes only the 12-byte form (quirk sat12-only).
    AtaPassThrough(ScsiTransport &scsi, bool sat12Only = false) : _scsi(scsi), _sat12(sat12Only) {}

    Result<std::array<std::uint8_t, 512>> identifyRaw();
    Result<AtaIdentity> identify();
    Result<std::array<std::uint8_t, 512>> smartReadData();
    // True when the drive says its thresholds are not exceeded.
    Result<bool> smartReturnStatus();
    // IDENTIFY, SMART READ DATA and RETURN STATUS together; unavailable (with why) rather than an
    // error when the bridge or the drive cannot.
    SmartSummary smart();

    // SANITIZE DEVICE feature set (ACS-3 §7.34), 48-bit commands.
    enum class SanitizeKind { BlockErase, CryptoScramble };
    Status sanitize(SanitizeKind kind);
    struct SanitizeStatus {
        bool inProgress = false;
        bool completedWithoutError = false;
        double progress = 0;  // 0..1
    };
    Result<SanitizeStatus> sanitizeStatus();

    // Host Protected Area: the drive's native last LBA (READ NATIVE MAX ADDRESS EXT), and making
    // it the user's last LBA again (SET MAX ADDRESS EXT, volatile: until the next power cycle).
    Result<std::uint64_t> readNativeMaxAddress();
    Status setMaxAddress(std::uint64_t lastLba);

    // Device Configuration Overlay: the last LBA the drive could be configured to (DEVICE
    // CONFIGURATION IDENTIFY, words 3-6), and giving the factory configuration back (RESTORE).
    Result<std::uint64_t> dcoMaxLba();
    Status dcoRestore();

    // SECURITY feature set: SET PASSWORD (user), ERASE PREPARE, ERASE UNIT (normal or enhanced).
    // A successful erase leaves security disabled, as the drive was.
    Status securitySetPassword(const std::string &password);
    Status securityEraseUnit(const std::string &password, bool enhanced, std::chrono::minutes timeout);

private:
    struct Command {
        std::uint8_t command = 0;
        std::uint16_t features = 0, count = 0;
        std::uint64_t lba = 0;  // 48 bits
        std::uint8_t device = 0;
        bool extended = false;  // a 48-bit command: needs ATA PASS-THROUGH (16)
    };
    Result<ScsiStatus> run(const Command &c, DataDirection dir, std::span<std::uint8_t> data, bool checkCondition,
                           std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));

    ScsiTransport &_scsi;
    bool _sat12;
};

}  // namespace reemploi::diagnostics::storage
