// What a computer measured of itself (the bench stick's probe: DMI, processor, memory, batteries,
// screen, internal disks), stored on its unit: the measured values replace typed ones, the disks
// become (or complete) the unit's storage media. The probe's snapshot is recorded with it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::inventory {

struct MeasuredMedium {
    MediumType type = MediumType::Other;
    std::string model, serial;
    std::optional<std::int64_t> capacityBytes;
};

struct MachineFacts {
    std::optional<UnitKind> kind;     // laptop or desktop, from the chassis type
    std::string make, model, serial;  // make and model filled where the unit has none; the serial finds the unit
    std::string cpu;
    std::optional<std::int64_t> ramMib;
    std::optional<std::int64_t> batteryHealthPercent;  // none: not measured (the unit's value is kept)
    std::optional<double> screenInches;
    std::vector<MeasuredMedium> media;
    // The snapshot as canonical JSON, without personal data (no MAC addresses): the evidence the
    // `machine_measured` event carries, with its SHA-256.
    std::string evidenceJson;
};

struct MachineMeasurement {
    std::string tag;
    std::string matchedBy;               // "serial" or "tag"
    std::vector<std::string> changed;    // "cpu", "ram_mib", "storage 3 (serial …)", … ; empty: nothing new
    std::vector<std::int64_t> mediaAdded, mediaCompleted;
};

// Finds the unit (by `tag` when given, else by make + serial), then, in one transaction, updates
// its fields (a `unit_updated` event, through updateUnit), adds the disks it does not record
// (`storage_added`), completes recorded media that lacked a serial, model or capacity
// (`storage_updated`), and records one `machine_measured` event with the snapshot. The same facts
// twice change nothing and record nothing the second time.
// Refused (Conflict, naming the other unit) when the serial, or a disk's serial, is registered
// to another unit, or when the tag's unit has another serial; NotFound when no unit has the serial and no tag is given; Refused for a tablet,
// phone or monitor. A disk is matched to a recorded medium by serial; a recorded medium without a
// serial is completed when it is the only one left of that kind (flash/magnetic) and its capacity,
// if recorded, is within 5 %. Any role (trainee and up).
Result<MachineMeasurement> recordMachineFacts(Database &db, const std::optional<std::string> &tag,
                                              const MachineFacts &facts, const Actor &actor);

}  // namespace reemploi::inventory
