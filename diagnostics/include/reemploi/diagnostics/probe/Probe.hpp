// Reading the computer the probe runs on from the kernel's own views (sysfs, procfs), under a
// root directory: "/" on the machine, a recorded tree in tests. The parsers are pure functions
// of the files' text; probeMachine walks the tree and puts them together.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <reemploi/common/Result.hpp>
#include <reemploi/diagnostics/probe/Snapshot.hpp>

namespace reemploi::diagnostics::probe {

// /proc/cpuinfo: the first "model name" (or "Processor"/"cpu model" on other architectures),
// threads = "processor" entries, cores = distinct (physical id, core id) pairs.
Result<Cpu> parseCpuinfo(std::string_view text);
// /proc/meminfo: MemTotal in KiB.
Result<std::int64_t> parseMemTotalKib(std::string_view text);
// Installed RAM estimated from MemTotal (the kernel and firmware keep some): rounded up to the
// next GiB (512 MiB below 2 GiB).
std::int64_t estimateInstalledMib(std::int64_t memTotalKib);
// SMBIOS chassis type → "laptop", "desktop", "tablet" or "other".
std::string_view chassisKind(int chassisType);
// "11/01/2019" (the kernel's bios_date) → "2019-11-01"; empty when not a date.
std::string isoBiosDate(std::string_view mmddyyyy);
// A DMI serial that is a firmware placeholder ("To be filled by O.E.M.", "Default string",
// "System Serial Number", "0123456789", "None", only zeros or spaces …).
bool placeholderSerial(std::string_view serial);
// A battery from its sysfs attributes (file name → trimmed content). Health is full / design
// (energy_* or charge_*), capped at 100; no design capacity (absent, unreadable, 0) → not measured.
Battery parseBattery(std::string name, const std::map<std::string, std::string> &attributes);
// The ATA/SCSI unit serial number VPD page (vpd_pg80): 4-byte header, then the serial.
std::string parseVpdSerial(std::string_view page);

struct ProbeOptions {
    std::filesystem::path root = "/";
    std::string now;  // probedAt; nowUtc() when empty
    // Also ask each internal disk for its health (opens /dev/NAME: only on the machine itself).
    bool driveHealth = false;
};
// Reads the machine under options.root. What cannot be read is listed in `unavailable`, not an
// error: a probe of a half-working computer is still worth having. An error only when root does
// not look like a Linux system (no sys/ and proc/).
Result<Snapshot> probeMachine(const ProbeOptions &options);

}  // namespace reemploi::diagnostics::probe
