// Sanitization records: one per erasure of one storage medium (filled by the wipe engine).
#pragma once

#include <vector>

#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::inventory {

// Stores the record (id and mediumId as given are ignored/used respectively) with a
// `sanitization_recorded` event on the unit. Interrupted and failed wipes are recorded too.
Result<SanitizationRecord> recordSanitization(Database &db, const SanitizationRecord &record, const Actor &actor);

Result<std::vector<SanitizationRecord>> listSanitization(Database &db, std::string_view unitTag);
Result<SanitizationRecord> getSanitizationByCertificate(Database &db, std::string_view certificateId);

}  // namespace reemploi::inventory
