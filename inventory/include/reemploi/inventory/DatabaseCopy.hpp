// Moving a workshop's database to another location, typically its SQLite file onto the network's
// PostgreSQL server (`reemploi db copy --from sqlite:FILE --to postgresql://…`), verified.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::inventory {

struct TableCopy {
    std::string table;
    std::int64_t source = 0, target = 0;  // rows
};

struct CopyReport {
    std::vector<TableCopy> tables;   // in the order copied
    std::int64_t eventsVerified = 0;  // the target's audit chain, walked after the copy
};

// Copies every row of every table of `from` (migrated to this build's schema) into `to`, which is
// migrated first and must hold no row of its own, in one transaction of `to`: ids, tags, the
// audit chain and the counters as they are; the target's sequences then continue after them.
// Verified before it commits: the rows of each table counted on both sides, the audit chain of the
// target walked (a broken chain or a count that differs rolls everything back). Admin only.
Result<CopyReport> copyDatabase(Database &from, Database &to, const Actor &actor);

}  // namespace reemploi::inventory
