// A probe snapshot brought to the inventory: `reemploi probe import` and POST /api/snapshots call
// this one service.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/MachineFacts.hpp>
#include <reemploi/diagnostics/probe/Snapshot.hpp>

namespace reemploi::diagnostics::probe {

// What the inventory keeps of a snapshot: the unit's kind (laptop/desktop), make, model, serial,
// CPU, installed RAM, battery health (all batteries; not measured leaves the unit's value),
// internal screen, and the internal disks as media (USB and removable disks, such as the stick
// the probe booted from, are left out). The evidence is the snapshot without MAC addresses.
inventory::MachineFacts machineFacts(const Snapshot &snapshot);

// Parses the snapshot JSON (parseSnapshotJson) and records it on the unit (recordMachineFacts).
Result<inventory::MachineMeasurement> importSnapshot(inventory::Database &db, std::string_view snapshotJson,
                                                     const std::optional<std::string> &tag,
                                                     const inventory::Actor &actor);

}  // namespace reemploi::diagnostics::probe
