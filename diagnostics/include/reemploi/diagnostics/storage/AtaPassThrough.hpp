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
    bool smartSupported = false, smartEnabled = false;
    bool securitySupported = false, securityEnabled = false, securityFrozen = false, enhancedEraseSupported = false;
    bool sanitizeSupported = false, cryptoScrambleSupported = false, blockEraseSupported = false;
    bool trimSupported = false;
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

private:
    struct Command {
        std::uint8_t command = 0, features = 0, count = 0, lbaLow = 0, lbaMid = 0, lbaHigh = 0, device = 0;
    };
    Result<ScsiStatus> run(const Command &c, DataDirection dir, std::span<std::uint8_t> data, bool checkCondition);

    ScsiTransport &_scsi;
    bool _sat12;
};

}  // namespace reemploi::diagnostics::storage
