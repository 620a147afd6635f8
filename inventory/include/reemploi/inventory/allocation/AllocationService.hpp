// The allocation's services over the database: read the ready units and open needs, propose (and
// store) an allocation, confirm it through the lifecycle, pins and exclusions, deliveries and
// returns. The command line and the web API call these; they only parse and print.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>
#include <reemploi/inventory/Schools.hpp>
#include <reemploi/inventory/allocation/Allocation.hpp>

namespace reemploi::inventory::allocation {

// Configuration text, one "key = value" per line, '#' starts a comment:
//   min_laptop_ram_mib = 4096      min_tablet_ram_mib = 2048
//   min_laptop_storage_gb = 64     min_tablet_storage_gb = 16
//   min_battery_percent = 70
//   priority.qpv = 2               priority.referral = 3      priority.<flag> = <weight>
//   kinds = laptop, tablet         (what a programme hands out; default both; printer, charger,
//                                   mouse, keyboard, cable only when named here)
//   kinds.<level> = laptop         (a level given laptops only, as CM1–CM2 are)
// A flag found in the needs but not configured weighs 1. Errors name the line.
Result<Config> parseConfig(std::string_view text);
Result<Config> loadConfigFile(const std::string &path);

// What the solver is given, with the records it came from.
struct LoadedProblem {
    Problem problem;
    std::vector<Need> needs;  // parallel to problem.needs
    std::string unitsFingerprint;
    std::string needsFingerprint;
};
// The ready units, the kits in stock (plan not ended) and the open needs of one programme (1: the
// default one).
Result<LoadedProblem> loadProblem(Database &db, const Config &config, std::int64_t programmeId = 1);

struct Proposal {
    std::optional<std::int64_t> runId;  // empty for a dry run
    LoadedProblem input;
    Solution solution;
};

// Solves; unless `dryRun`, stores the proposal (replacing an earlier unconfirmed one) with an
// `allocation_proposed` event. A dry run writes nothing.
// Within one programme (1: the default): at most one stored proposal per programme.
Result<Proposal> propose(Database &db, const Config &config, const Actor &actor, bool dryRun,
                         std::int64_t programmeId = 1);
// The programme's own rules (its `rules` text), for propose.
Result<Config> programmeConfig(Database &db, std::int64_t programmeId);

// The programme an allocation runs in, by name, and the rules it runs by: `given` when there
// is one (`allocate --config FILE`, a request's `config`), else the programme's own rules; with
// no name, the default programme and `given` or the default configuration (today's behaviour).
// NotFound naming the programme. The command line and the HTTP API both resolve it here.
struct ProgrammeRun {
    std::int64_t programmeId = 1;
    Config config;
};
Result<ProgrammeRun> programmeRun(Database &db, const std::optional<std::string> &programmeName,
                                  const std::optional<Config> &given);

// The proposal as JSON: {"run", "dry_run", "assignments", "unmet", "unused", "figures", "notes"}.
std::string proposalJson(const Proposal &proposal);

struct ConfirmReport {
    std::int64_t runId = 0;
    std::int64_t allocated = 0;
    std::int64_t kits = 0;  // connectivity kits allocated with them
    ChainHead auditHead;  // the trail's head once the confirmation is recorded: a witness to keep
};
// Applies the stored proposal: its units to `allocated` (through the lifecycle), its needs to
// `served`, all or nothing. Conflict when the ready units or the open needs (or pins) changed
// since it was made; NotFound when there is none.
// Kits of the proposal go to `allocated` with their need.
Result<ConfirmReport> confirmProposal(Database &db, const Actor &actor, std::int64_t programmeId = 1);

struct PinEntry {
    std::string tag;
    std::string kind;                   // "pin" or "exclude"
    std::optional<std::string> needRef;  // for pins: "UAI/FAMILY"
};
// Pins a ready unit to an open need for the next runs (replacing the unit's earlier pin or
// exclusion); excludes a unit from the next runs; clears either.
Status pinUnit(Database &db, std::string_view tag, std::string_view needRef, const Actor &actor);
Status excludeUnit(Database &db, std::string_view tag, const Actor &actor);
Status clearPin(Database &db, std::string_view tag, const Actor &actor);
Result<std::vector<PinEntry>> listPins(Database &db);

// Undoes a confirmed allocation before delivery (the family moved, the unit broke):
// `allocated` → `ready`, and its need is open again.
Result<Unit> cancelAllocation(Database &db, std::string_view tag, const Actor &actor);

// The unit reached the family of the need it was allocated to: `allocated` → `delivered`.
Result<Unit> recordDelivery(Database &db, std::string_view tag, std::string_view needRef, const Actor &actor);
// The family gave the unit back: → `returned` (the need stays served: a new need can be imported).
Result<Unit> returnUnit(Database &db, std::string_view tag, const Actor &actor);

}  // namespace reemploi::inventory::allocation
