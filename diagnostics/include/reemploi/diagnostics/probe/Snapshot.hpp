// What the probe read from a computer: a plain value, its JSON form (docs/probe-snapshot.md,
// "schema_version" 2; 1 is still read) and the reading back of that JSON (for `probe import` and
// the web API), with the records of the wipes the stick did in place.
// No personal data: no host name, no user, no file names, no network addresses other than the
// adapters' own hardware (MAC) addresses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/diagnostics/probe/Smbios.hpp>

namespace reemploi::diagnostics::probe {

inline constexpr int kSnapshotSchemaVersion = 2;
inline constexpr int kOldestSnapshotSchemaVersion = 1;  // read too (it has no `wipes`)

struct MachineIdentity {
    std::string vendor;   // /sys/class/dmi/id/sys_vendor, as written ("LENOVO")
    std::string product;  // product_name ("20MUCTO1WW")
    std::string version;  // product_version ("ThinkPad A485")
    std::string model;    // what people call it: product_version for Lenovo, else product_name
    std::string serial;   // product_serial; empty when unreadable or a placeholder
    std::optional<int> chassisType;  // SMBIOS 7.4.1
    std::string kind;     // "laptop", "desktop", "tablet", "other"
    std::string biosDate; // YYYY-MM-DD
};

struct Cpu {
    std::string model;
    int cores = 0, threads = 0;
};

struct Memory {
    std::optional<std::int64_t> totalMib;      // installed: the modules' sum, else estimated from MemTotal
    std::optional<std::int64_t> kernelTotalKib;  // /proc/meminfo MemTotal
    std::string source;                        // "smbios" or "meminfo"
    std::vector<MemoryModule> modules;
};

struct Battery {
    std::string name;  // BAT0
    std::string manufacturer, model, technology, status;
    std::string unit;  // "µWh" (energy_*) or "µAh" (charge_*)
    std::optional<std::int64_t> designCapacity, fullCapacity;
    std::optional<int> cycleCount;
    std::optional<int> healthPercent;  // full / design, at most 100; none: "not measured"
};

struct Screen {
    std::string connector;  // "card0-eDP-1"
    bool internal = false;  // eDP, LVDS, DSI: the computer's own panel
    std::string manufacturer, name;
    std::uint16_t productCode = 0;
    std::uint16_t widthMm = 0, heightMm = 0;
    std::optional<double> diagonalInches;
    std::uint16_t nativeWidth = 0, nativeHeight = 0;
};

struct NetworkInterface {
    std::string name, mac;
    std::string kind;  // "wired", "wireless"
};

// A disk's own health, read through SG_IO (SATA SMART) or the NVMe SMART / Health log when the
// probe runs on the machine as root.
struct DiskHealth {
    bool available = false;
    std::string unavailableWhy;
    std::optional<bool> healthy;  // SMART thresholds not exceeded; NVMe: no critical warning, no media error
    std::optional<std::uint64_t> powerOnHours, reallocated, pending, uncorrectable;
    std::optional<int> wearPercentLeft;
};

struct Disk {
    std::string name;  // sda, nvme0n1, mmcblk0
    std::string model, serial, firmware;
    std::int64_t sizeBytes = 0;
    bool rotational = false;
    bool removable = false;
    std::string transport;  // "sata", "nvme", "emmc", "usb", "scsi", "virtio", "other"
    std::optional<DiskHealth> health;  // not read (a recorded tree, or not asked): none
};

struct WipeRecordError {
    std::uint64_t lba = 0;
    std::string message;
};

// One erasure the stick did in place without the workshop's database (`probe wipe --out`): the
// sanitization record the bench stores at import. A passed wipe on a stick holding the workshop
// key also carries its certificate, signed there; otherwise the bench checks the record and
// signs the certificate itself at import.
struct InPlaceWipe {
    std::string disk;  // nvme0n1: a disk of the snapshot
    std::string vendor, model, serial, firmware;
    std::string mediaType;  // "ssd", "hdd", "nvme", "emmc", … (the inventory's media types)
    std::int64_t sizeBytes = 0;
    std::int64_t sectorSize = 512;
    std::string hiddenArea;  // "none", "restored N sectors", "not checked: …"
    std::string method;      // an id of the wipe methods table
    std::string level;       // "clear", "purge": the NIST level the stick's runner gave
    std::vector<std::string> passes;
    std::string verification;        // "full", "sample"
    std::string verificationResult;  // "passed", "failed", "not run"
    std::int64_t bytesVerified = 0, sampleSubsections = 0;
    std::string result;  // "passed", "failed", "interrupted"
    std::string startedAt, endedAt;
    double durationSeconds = 0;
    std::int64_t bytesWritten = 0;
    double throughputMBps = 0;
    std::optional<std::int64_t> lastLba;
    std::vector<WipeRecordError> errors;
    std::string failure;        // why it did not pass
    std::string operatorName;   // who ran it on the stick
    // Signed on the machine: the certificate's canonical JSON and its Ed25519 signature (hex).
    std::string certificate, signature;
};

struct Snapshot {
    int schemaVersion = kSnapshotSchemaVersion;
    std::string probedAt;  // UTC ISO 8601
    MachineIdentity machine;
    Cpu cpu;
    Memory memory;
    std::vector<Battery> batteries;
    std::vector<Screen> screens;
    std::vector<NetworkInterface> network;
    std::vector<Disk> disks;
    std::vector<std::string> unavailable;  // what could not be read, and why
    std::vector<InPlaceWipe> wipes;        // schema 2: erasures done in place by `probe wipe --out`

    // The unit's values: the batteries' full over design capacity (not measured when any battery
    // is not); the internal panel's diagonal.
    std::optional<int> batteryHealthPercent() const;
    std::optional<double> internalScreenInches() const;
};

// Canonical JSON (keys sorted), as documented in docs/probe-snapshot.md.
std::string snapshotJson(const Snapshot &snapshot);
// When `earlierJson` (the file a snapshot is about to replace) is a snapshot of the same machine
// (vendor, product, serial), its wipe records are kept in `snapshot`: a failed wipe and the one
// that passed after it are both the disk's history. Anything else changes nothing.
void keepEarlierWipes(Snapshot &snapshot, std::string_view earlierJson);

// Reads a snapshot back (schema 1 or 2); refuses another version and names the member that is wrong.
Result<Snapshot> parseSnapshotJson(std::string_view text);

}  // namespace reemploi::diagnostics::probe
