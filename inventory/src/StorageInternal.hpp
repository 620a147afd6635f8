// Inside inventory: reading and clearing a unit's storage declaration within the caller's
// transaction (throw DbError), for the lifecycle, the media and the sanitization state.
#pragma once

#include <optional>

#include <reemploi/inventory/Storage.hpp>

namespace reemploi::inventory {

std::optional<StorageDeclaration> readStorageDeclaration(Database &db, std::int64_t unitId);
// Removes the unit's declaration; returns it if there was one.
std::optional<StorageDeclaration> clearStorageDeclaration(Database &db, std::int64_t unitId);

}  // namespace reemploi::inventory
