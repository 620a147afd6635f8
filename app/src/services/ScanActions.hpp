// Scan in a row: one action applied to each scanned code (a tag or a serial), so that a box of
// laptops is checked in, shelved, labelled or handed over with the scanner alone.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <reemploi/common/Result.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::app::scan {

enum class ScanAction { Receive, Shelf, Labelled, Handover };
Result<ScanAction> parseScanAction(std::string_view text);

// The unit a scanned code names: a tag ("RE-000042", any case), else a serial compared as the
// inventory cleans it (scanner prefixes, "S/N:"). NotFound naming the code; Conflict naming the
// tags when units of several makes share the serial.
Result<inventory::Unit> findUnitByCode(inventory::Database &db, std::string_view code);

struct ScanRequest {
    ScanAction action = ScanAction::Receive;
    std::string code;
    std::string shelf;  // Shelf: the location to set
    std::string need;   // Handover: "UAI/FAMILY" or the family reference
};

// Applies the action to the unit the code names, through the inventory's services:
//   receive  — the unit is `received`: an `arrival_checked` event (refused in another status);
//   shelf    — its location becomes `shelf` (updateUnit);
//   labelled — a `label_attached` event: the printed label is on the unit;
//   handover — the delivery to the need (allocation::recordDelivery).
// The unit after the action.
Result<inventory::Unit> applyScanAction(inventory::Database &db, const ScanRequest &request,
                                        const inventory::Actor &actor);

}  // namespace reemploi::app::scan
