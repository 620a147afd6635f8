// Loans: a unit lent to a need's recipient instead of given, through the lifecycle
// (ready/allocated → lent → returned, then diagnostics and a wipe again before anyone else gets
// it). Every step is an audit event naming the unit, the need by id and dates: no personal data.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::inventory {

struct Loan {
    std::int64_t id = 0;
    std::string unitTag;
    std::string needRef;   // "UAI/REF"
    std::string siteCode;  // where it was handed out; empty if not said
    std::string outAt;     // UTC timestamp
    std::string dueOn;     // YYYY-MM-DD
    std::optional<std::string> returnedAt;
    std::int64_t daysOverdue = 0;  // as of the listing's day; 0 when returned or not due yet
};

// Lends a ready unit (or one allocated to that need) to an open need of a programme whose units
// are lent. `dueOn`: YYYY-MM-DD, not before `today`; `siteCode`: a distribution site or empty.
// Coordinator. Refusals name the field or the rule.
Result<Loan> lendUnit(Database &db, std::string_view tag, std::string_view needRef, std::string_view dueOn,
                      std::string_view siteCode, const Actor &actor, std::string_view today = {});
// The unit came back: `lent` → `returned` (it must be diagnosed and wiped again).
Result<Loan> returnLoan(Database &db, std::string_view tag, const Actor &actor);
// A later due date for the unit's open loan.
Result<Loan> extendLoan(Database &db, std::string_view tag, std::string_view dueOn, const Actor &actor,
                        std::string_view today = {});
// Open loans (and, unless `openOnly`, returned ones), by due date; `overdueOnly`: open loans due
// before `asOf` (default: today, UTC).
Result<std::vector<Loan>> listLoans(Database &db, bool overdueOnly, std::string_view asOf = {}, bool openOnly = true);

// Days from `from` to `to` (both YYYY-MM-DD): negative when `to` is earlier.
std::int64_t daysBetween(std::string_view from, std::string_view to);

}  // namespace reemploi::inventory
