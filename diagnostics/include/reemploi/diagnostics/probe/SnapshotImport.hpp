// A probe snapshot brought to the inventory: `reemploi probe import` and POST /api/snapshots call
// this one service, with the wipes the stick did in place (schema 2's `wipes`).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <reemploi/common/Json.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/MachineFacts.hpp>
#include <reemploi/diagnostics/probe/Snapshot.hpp>
#include <reemploi/diagnostics/storage/Certificate.hpp>
#include <reemploi/diagnostics/storage/WipeSession.hpp>

namespace reemploi::diagnostics::probe {

// What the inventory keeps of a snapshot: the unit's kind (laptop/desktop), make, model, serial,
// CPU, installed RAM, battery health (all batteries; not measured leaves the unit's value),
// internal screen, and the internal disks as media (USB and removable disks, such as the stick
// the probe booted from, are left out). The evidence is the snapshot without MAC addresses.
inventory::MachineFacts machineFacts(const Snapshot &snapshot);

// The workshop's key and details, for a snapshot's wipes: a certificate signed on the machine is
// verified against this key's public half and stored as is; a record without one is checked and
// its certificate signed here, at import. The key is loaded (created on first use, as for the
// bench's wipes) only for a snapshot that has wipes.
struct ImportSigning {
    std::string keyPath;
    storage::WorkshopInfo workshop;
};

// A wipe of the snapshot as stored.
struct ImportedWipe {
    std::string disk, serial;
    std::int64_t mediumId = 0;
    inventory::SanitizationRecord record;
    std::string signedWhere;  // storage::kSignedOnTheMachine, kSignedAtImport; empty: no certificate (not passed)
    bool alreadyRecorded = false;  // the same record was imported before: nothing new
};

// {"disk","serial","medium_id","record","result","already_recorded","certificate_id","signed"}:
// what `probe import --json` and POST /api/snapshots answer for each wipe.
json::Object toJson(const ImportedWipe &wipe);

struct SnapshotImportResult {
    inventory::MachineMeasurement measurement;
    std::vector<ImportedWipe> wipes;
};

// Every wipe record is checked before anything is written (InvalidInput naming `wipes[i].field`
// and what is wrong): its disk is one of the snapshot's internal disks with a serial (a wipe in
// place is credited by serial only) and the same capacity; the method is in the wipe methods
// table; the level is not above the method's honest level on that disk; a passed record's
// verification (full or sample) passed; the times are timestamps, the start not after the end,
// the end not after now; the result is passed, failed or interrupted. A signed record's signature
// must verify with the workshop's key and its certificate agree with the record; a passed record
// without one needs the workshop key to be signed here. Then, in one transaction with the machine's
// facts (recordMachineFacts), each record is stored on the unit's medium of that serial (refused
// when the unit has none, or it is destroyed), unless the same record (medium, method, start) is
// there already. Nothing is imported when anything is refused.
Result<SnapshotImportResult> importSnapshot(inventory::Database &db, std::string_view snapshotJson,
                                            const std::optional<std::string> &tag, const inventory::Actor &actor,
                                            const ImportSigning &signing);

// Without the workshop's key: a snapshot whose passed wipes need signing or checking is refused.
Result<inventory::MachineMeasurement> importSnapshot(inventory::Database &db, std::string_view snapshotJson,
                                                     const std::optional<std::string> &tag,
                                                     const inventory::Actor &actor);

// The record checks alone (no database): the first problem, naming the record and field.
// `key` may be null (no key: signed records cannot be checked, unsigned passed ones not signed).
Status checkInPlaceWipes(const Snapshot &snapshot, const storage::WorkshopKey *key, std::string_view now);

}  // namespace reemploi::diagnostics::probe
