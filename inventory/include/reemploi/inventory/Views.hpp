// Read-only views that every front end shows (the command line, the coming web API): a unit with
// everything known about it, the stock figures, a need's rank. Plain values; their JSON forms are
// in JsonViews.hpp, so that a page and a `--json` print the same thing.
#pragma once

#include <cstdint>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Schools.hpp>

namespace reemploi::inventory {

// A unit as its page shows it.
struct UnitDetail {
    Unit unit;                                     // with its storage media
    std::vector<SanitizationRecord> sanitization;  // every record of its media, oldest first
    std::vector<Event> history;                    // its audit events, oldest first
    std::vector<UnitStatus> nextStatuses;          // where it may go by hand (setStatus)
    MediaSanitization media;                       // where its media stand (the lifecycle's reading)
    std::vector<Unit> accessories;                 // the accessories attached to it (Accessories.hpp)
};
// What to read besides the unit: its history (every event of the unit) and where its media stand
// cost more than the rest, and a scan at the bench or a list's row needs neither.
struct UnitDetailParts {
    bool history = true;
    bool media = true;
};
// NotFound naming the tag when there is no such unit.
Result<UnitDetail> unitDetail(Database &db, std::string_view tag, UnitDetailParts parts = {});

// What the stock holds: read with one grouped query, whatever the number of units.
struct StockSummary {
    std::int64_t donors = 0;
    std::int64_t units = 0;
    // Only the statuses and kinds that have units, in lifecycle (enum) order.
    std::map<UnitStatus, std::int64_t> byStatus;
    std::map<UnitKind, std::int64_t> byKind;
    std::map<std::pair<UnitStatus, UnitKind>, std::int64_t> byStatusAndKind;
};
// The whole stock, or one workshop's (`site`): the units by status and kind, and the donors.
Result<StockSummary> stockSummary(Database &db, const std::optional<std::string> &site = std::nullopt);

// A need's rank in the allocation (1 no device at home, 2 fewer devices than children,
// 3 otherwise): allocation::rankOf over the need as the allocation reads it.
int needRank(const Need &need);

}  // namespace reemploi::inventory
