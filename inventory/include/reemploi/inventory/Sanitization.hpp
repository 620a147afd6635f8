// Sanitization records: one per erasure of one storage medium (filled by the wipe engine).
#pragma once

#include <vector>

#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

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
// it is destroyed or has a passed record made after the unit's last return from a family.
struct MediaSanitization {
    bool hasMedia = false;
    bool allSanitized = true;               // vacuously true without media
    std::optional<StorageMedium> firstPending;  // the first medium that is not sanitized
    bool anyFailed = false;   // some pending medium's latest record failed
    bool sinceReturn = false; // records made before the unit's last return were set aside
    std::string lastPassedAt; // end of the latest passed record counted (empty if none)
};
Result<MediaSanitization> mediaSanitization(Database &db, const Unit &unit);
Result<SanitizationRecord> getSanitizationByCertificate(Database &db, std::string_view certificateId);

}  // namespace reemploi::inventory
