// Numbered schema migrations, applied in order by `reemploi init`; re-running is a no-op.
#pragma once

#include <reemploi/common/Result.hpp>
#include <reemploi/inventory/Database.hpp>

namespace reemploi::inventory {

struct MigrationReport {
    int from = 0;  // schema version found
    int to = 0;    // schema version now
};

// Applies every migration newer than the database's version, each in its own transaction.
Result<MigrationReport> migrate(Database &db);

// The version the database is at (0: empty) and the newest this build knows.
Result<int> schemaVersion(Database &db);
int latestSchemaVersion();

// Opens the database and refuses one that `reemploi init` has not brought up to date.
Result<std::unique_ptr<Database>> openMigrated(const std::string &location);

}  // namespace reemploi::inventory
