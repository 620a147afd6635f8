// Sanitization records: one per erasure of one storage medium (filled by the wipe engine).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>
#include <reemploi/inventory/Storage.hpp>

namespace reemploi::inventory {

// Stores the record (id and mediumId as given are ignored/used respectively) with a
// `sanitization_recorded` event on the unit. Interrupted and failed wipes are recorded too.
Result<SanitizationRecord> recordSanitization(Database &db, const SanitizationRecord &record, const Actor &actor);

// Completes a record written as `interrupted` when the erasure started (so that a killed process
// leaves an honest record): sets result, end, bytes, last LBA, errors and certificate. Refused for
// a record that is already passed or failed: those never change. Called with `interrupted`
// again, it is a checkpoint (the last LBA reached so far), recorded as such.
Result<SanitizationRecord> completeSanitization(Database &db, const SanitizationRecord &record, const Actor &actor);

Result<std::vector<SanitizationRecord>> listSanitization(Database &db, std::string_view unitTag);

// Where a unit's media stand: the one reading of the records that the lifecycle (may it become
// `wiped`?), the labels ("Effacé le …") and the reports share. A medium counts as sanitized when
// it is destroyed or has a passed record made after the unit's last return from a family. A kind
// that always holds data (laptop, desktop, tablet, phone) with no medium recorded is not
// sanitized unless its storage is declared removed or absent (Storage.hpp).
struct MediaSanitization {
    bool hasMedia = false;
    bool allSanitized = true;               // vacuously true without media, unless storageUnknown
    bool storageUnknown = false;            // no medium recorded, none declared, on a kind that holds data
    std::optional<StorageDeclaration> declaration;  // storage declared removed or absent
    std::optional<StorageMedium> firstPending;  // the first medium that is not sanitized
    bool anyFailed = false;   // some pending medium's latest record failed
    bool sinceReturn = false; // records made before the unit's last return were set aside
    std::string lastPassedAt; // end of the latest passed record counted (empty if none)
};
Result<MediaSanitization> mediaSanitization(Database &db, const Unit &unit);
Result<SanitizationRecord> getSanitizationByCertificate(Database &db, std::string_view certificateId);

// A tablet's or phone's internal flash is cleared by a factory reset done by hand (NIST SP 800-88
// Clear for a device whose user data sits behind its own encryption; never Purge). The method id
// of such records; the wipe methods table (diagnostics) holds the methods the bench runs itself.
inline constexpr std::string_view kManualFactoryResetMethod = "manual-factory-reset";

struct FactoryReset {
    std::optional<std::int64_t> mediumId;  // the internal medium; found when the unit has one
    bool checkedSetupScreen = false;       // the device restarted on its first-setup screen
};
// Records a manual factory reset as a passed sanitization of the unit's internal flash (method
// kManualFactoryResetMethod, level clear, verification "setup screen shown", by `actor`, now),
// through recordSanitization so that the trail holds it. A tablet or phone with no medium recorded
// gets its internal flash medium added first (type flash, capacity unknown). Refused for other
// kinds, for media other than emmc/flash, for a destroyed medium, and unless the setup screen was
// checked; a unit with several internal media needs `mediumId`.
Result<SanitizationRecord> recordFactoryReset(Database &db, std::string_view tag, const FactoryReset &reset,
                                              const Actor &actor);

}  // namespace reemploi::inventory
