// The audit chain's schema step that needs code (schema 8), kept out of the public headers.
#pragma once

#include <reemploi/common/Result.hpp>
#include <reemploi/inventory/Database.hpp>

namespace reemploi::inventory::internal {

// Moves a chain written under the first rule (each hash over the payload's bytes) to the
// current one (over the payload's SHA-256), inside the migration's transaction: the old chain is
// verified first under its own rule and the move refused if it is broken (re-chaining must never
// launder an edit); then every event gets its payload_sha256, prev_hash and hash again, and an
// `audit_chain_migrated` event records the old head (id and hash) and how many were re-chained.
Status rechainUnderPayloadHashes(Database &db);

}  // namespace reemploi::inventory::internal
