// The unit lifecycle: the one state machine, and the only code that changes a unit's status.
//
//   received ─► diagnosed ─► wiped ─► ready ─► allocated ─► delivered ─► returned ─► diagnosed …
//      └───────────┴──────────┴────────┴─► to_repair / for_parts / recycled
//   ready / allocated ─► lent ─► returned   (a loan: Loans.hpp)
//
// Rules beyond the arrows (each refusal names its rule):
//   - `wiped` and `ready` need every storage medium sanitized: a passed record newer than the
//     unit's last return, or a recorded destruction; a laptop, desktop, tablet or phone with no
//     medium recorded needs its storage declared removed or absent (Storage.hpp);
//   - a unit with storage media reaches `ready` only through `wiped`; one without may skip it;
//   - `ready` needs a cosmetic grade (not an accessory);
//   - a printer or an accessory becomes `diagnosed` only through its check (recordUnitCheck);
//   - the accessories attached to a unit (Accessories.hpp) take the allocation's and the loan's
//     arrows with it, in the same transaction, or the arrow is refused;
//   - `allocated` only from `ready`, `delivered` only from `allocated`;
//   - into `allocated` and `delivered`, and out of them, only through the allocation service
//     (confirm, cancel, delivery record, return), which moves the need with the unit: setStatus
//     refuses these arrows, naming the command to use;
//   - into `lent` and out of it, only through the loan service (loan out, loan return), which
//     keeps the loan's record; a returned unit is diagnosed and wiped again before `ready`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <reemploi/common/Json.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::inventory {

// The arrows alone (no database rule).
bool isTransitionAllowed(UnitStatus from, UnitStatus to);
std::vector<UnitStatus> nextStatuses(UnitStatus from);
// The arrows only the allocation service takes (into `allocated` or `delivered`, or out of them).
bool isAllocationArrow(UnitStatus from, UnitStatus to);
// The arrows only the loan service takes (into `lent` or out of it).
bool isLoanArrow(UnitStatus from, UnitStatus to);
// The arrows a person may take by hand (setStatus): what a unit's page offers.
std::vector<UnitStatus> nextStatusesByHand(UnitStatus from);

// Checks every rule for moving `unit` to `to` by hand (as setStatus would), without writing.
// Refused errors name the rule.
Status checkTransition(Database &db, const Unit &unit, UnitStatus to);

// Moves the unit to `to` if the rules allow it, with a `status_changed` event carrying the
// reason and any `details` (e.g. {"bench": "B2"}). Any role (trainee and up). A return from a
// family clears the unit's storage declaration. Runs in the caller's transaction if there is one.
Result<Unit> setStatus(Database &db, std::string_view tag, UnitStatus to, std::string_view reason,
                       const Actor &actor, const json::Object &details = {});

// A printer's or an accessory's own check, its diagnostics: "test page printed" for a printer,
// "works" for a charger, mouse, keyboard or cable. Passed: the unit becomes `diagnosed` (the only
// way such a unit gets there); failed: `to_repair`. The result is in the `status_changed` event
// ({"check": "test_page_printed"|"works", "result": "yes"|"no", "notes"}), or in a `unit_checked`
// event when a unit already in repair fails again. Refused for the kinds diagnosed at the bench.
// After it, a printer with a storage medium is wiped before `ready`, one without goes straight
// on; an accessory holds no storage and needs no grade. Any role (trainee and up).
Result<Unit> recordUnitCheck(Database &db, std::string_view tag, bool passed, std::string_view notes, const Actor &actor);

// The recycler's receipt for a recycled unit (the reference on its waste tracking slip or
// certificate of treatment), at most 200 characters, shown in donors' reports.
inline constexpr std::size_t kMaxRecyclerReceiptChars = 200;

// setStatus to `recycled`, storing the recycler's receipt reference (when given) in the same
// transaction and the same `status_changed` event ("recycler_receipt").
Result<Unit> recycleUnit(Database &db, std::string_view tag, std::string_view reason,
                         const std::optional<std::string> &receipt, const Actor &actor);

// Records (or corrects) the receipt of a unit already recycled, when it arrives after the pickup:
// a `recycler_receipt_recorded` event {"recycler_receipt", "previous"}. Refused for a unit that
// is not recycled. Any role (trainee and up).
Result<Unit> setRecyclerReceipt(Database &db, std::string_view tag, std::string_view receipt, const Actor &actor);

// The receipt recorded for a unit, if any.
Result<std::optional<std::string>> recyclerReceipt(Database &db, std::string_view tag);

}  // namespace reemploi::inventory
