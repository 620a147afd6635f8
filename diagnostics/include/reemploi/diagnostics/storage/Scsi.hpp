// SCSI as a USB mass-storage bridge speaks it: one pass-through call (`execute`) that transports
// implement (Bulk-Only Transport over USB: BulkOnlyTransport.hpp), sense data decoding, and the
// block commands a wipe needs. ATA commands ride on top (SAT, AtaPassThrough.hpp), as in
// smartmontools: ATA in SCSI in USB.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <reemploi/common/Result.hpp>

namespace reemploi::diagnostics::storage {

enum class DataDirection { None, In, Out };

// Decoded sense data (fixed 0x70/0x71 or descriptor 0x72/0x73 format).
struct SenseData {
    bool valid = false;
    std::uint8_t key = 0;
    std::uint8_t asc = 0;
    std::uint8_t ascq = 0;
    // SAT's ATA Status Return descriptor (0x09): error, count, LBA, device, status registers.
    std::optional<std::array<std::uint8_t, 14>> ataReturn;

    // "MEDIUM ERROR: unrecovered read error (asc 0x11, ascq 0x00)"
    std::string describe() const;
};
SenseData parseSense(std::span<const std::uint8_t> bytes);
std::string_view senseKeyName(std::uint8_t key);

namespace sense {
inline constexpr std::uint8_t NoSense = 0x0, RecoveredError = 0x1, NotReady = 0x2, MediumError = 0x3,
                              HardwareError = 0x4, IllegalRequest = 0x5, UnitAttention = 0x6, DataProtect = 0x7,
                              AbortedCommand = 0xB;
}

struct ScsiStatus {
    std::size_t transferred = 0;
    bool checkCondition = false;  // the command failed; `sense` says why
    SenseData sense;
};

// One SCSI command through whatever carries it. Errors are transport failures (a stall that
// recovery could not clear, a vanished device: "disconnected", a timeout); a command the device
// refused is a ScsiStatus with checkCondition and its sense.
class ScsiTransport {
public:
    virtual ~ScsiTransport() = default;
    virtual Result<ScsiStatus> execute(std::span<const std::uint8_t> cdb, DataDirection direction,
                                       std::span<std::uint8_t> data, std::chrono::milliseconds timeout) = 0;
};

// What INQUIRY (standard data, and the unit serial number VPD page) says.
struct ScsiInquiry {
    std::uint8_t peripheralType = 0;
    bool removable = false;
    std::string vendor, product, revision;
    std::string serial;  // VPD 0x80, empty when the device has none
};
// Parses standard INQUIRY data (at least 36 bytes); errors name the byte that is wrong.
Result<ScsiInquiry> parseInquiry(std::span<const std::uint8_t> data);

}  // namespace reemploi::diagnostics::storage
