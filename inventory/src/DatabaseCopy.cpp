// Copying a database table by table, parents before children, then checking the copy.
#include <reemploi/inventory/DatabaseCopy.hpp>

#include <algorithm>

#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Migrations.hpp>

namespace reemploi::inventory {

namespace {

// Parents before children (foreign keys are checked row by row); tables this list does not know
// (a later migration's) follow in name order.
const std::vector<std::string> kTableOrder = {
    "donors", "donations", "units", "storage_media", "sanitization_records", "storage_declarations",
    "schools", "needs", "allocation_runs", "allocation_assignments", "allocation_pins", "users",
    "donor_links", "sites", "kits", "allocation_kit_assignments", "loans", "handovers", "events",
};
// Tables a migration seeds (migration 12: the levels, the default programme): emptied on the
// target, then copied like the others.
const std::vector<std::string> kSeeded = {"levels", "programmes"};
bool seeded(const std::string &t) { return std::find(kSeeded.begin(), kSeeded.end(), t) != kSeeded.end(); }
// Rows the migrations write themselves: updated from the source rather than inserted.
const std::string kCounters = "counters";

std::vector<std::string> tablesOf(Database &db) {
    auto st = db.prepare(db.dialect() == Dialect::Sqlite
                             ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                             : "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()");
    std::vector<std::string> names;
    while (st->step()) names.push_back(st->getText(0));
    std::vector<std::string> out;
    for (const auto &t : kTableOrder)
        if (std::find(names.begin(), names.end(), t) != names.end()) out.push_back(t);
    std::sort(names.begin(), names.end());
    for (const auto &t : names)
        if (t != kCounters && t != "schema_migrations" && std::find(out.begin(), out.end(), t) == out.end())
            out.push_back(t);
    return out;
}

std::int64_t countRows(Database &db, const std::string &table) {
    auto st = db.prepare("SELECT count(*) FROM " + table);
    return st->step() ? st->getInt(0) : 0;
}

// Every row of `table`, with the source's columns by name (values as text: each engine reads
// its column's type from it).
std::int64_t copyTable(Database &from, Database &to, const std::string &table) {
    auto rows = from.prepare("SELECT * FROM " + table);
    std::unique_ptr<Statement> insert;
    std::int64_t copied = 0;
    while (rows->step()) {
        int n = rows->columnCount();
        if (!insert) {
            std::string columns, marks;
            for (int c = 0; c < n; ++c) {
                columns += (c ? ", " : "") + rows->columnName(c);
                marks += c ? ", ?" : "?";
            }
            insert = to.prepare("INSERT INTO " + table + " (" + columns + ") VALUES (" + marks + ")");
        }
        for (int c = 0; c < n; ++c) {
            if (rows->isNull(c)) insert->bindNull(c + 1);
            else insert->bind(c + 1, rows->getText(c));
        }
        insert->step();
        insert->reset();
        ++copied;
    }
    return copied;
}

// The last number a counter gave: its row on SQLite, its sequence on PostgreSQL (migration 10).
std::int64_t lastCounted(Database &db, const std::string &name, std::int64_t row) {
    if (db.dialect() != Dialect::Postgres) return row;
    auto seq = db.prepare("SELECT last_value, is_called FROM " + name + "_seq");
    if (!seq->step()) return row;
    return seq->getInt(1) ? seq->getInt(0) : seq->getInt(0) - 1;
}

}  // namespace

Result<CopyReport> copyDatabase(Database &from, Database &to, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Admin, "copy a database"));
    auto version = schemaVersion(from);
    if (!version) return version.error().withContext("the source");
    if (*version != latestSchemaVersion())
        return makeError(Errc::Refused, "the source " + redactLocation(from.location()) + " is at schema version " +
                                            std::to_string(*version) + ", this program copies version " +
                                            std::to_string(latestSchemaVersion()) + ": run 'reemploi --db " +
                                            redactLocation(from.location()) + " init' first");
    auto migrated = migrate(to);
    if (!migrated) return migrated.error().withContext("the target");
    CopyReport report;
    auto tables = guard("reading the source's tables", [&]() -> Result<std::vector<std::string>> { return tablesOf(from); });
    if (!tables) return tables.error();
    for (const auto &t : *tables) {
        auto held = guard("reading the target", [&]() -> Result<std::int64_t> { return countRows(to, t); });
        if (!held) return held.error();
        if (*held > 0 && !seeded(t))
            return makeError(Errc::Refused, "the target " + redactLocation(to.location()) + " already holds rows (" +
                                                std::to_string(*held) + " in " + t + "): copy into an empty database");
    }
    BulkScope bulk(to, 100'000);
    auto done = inTransaction(to, "copying into " + redactLocation(to.location()), [&]() -> Status {
        to.lockAuditChain();
        report.tables.clear();
        for (const auto &t : *tables) {
            auto source = countRows(from, t);
            if (seeded(t)) to.exec("DELETE FROM " + t);
            copyTable(from, to, t);
            report.tables.push_back({t, source, countRows(to, t)});
            if (report.tables.back().target != source)
                return makeError(Errc::Conflict, "table " + t + ": " + std::to_string(source) + " rows in the source, " +
                                                     std::to_string(report.tables.back().target) + " copied");
        }
        // The counters (the next tag), and the sequences that continue the copied ids.
        auto counters = from.prepare("SELECT name, value FROM counters");
        while (counters->step()) {
            std::string name = counters->getText(0);
            std::int64_t value = lastCounted(from, name, counters->getInt(1));
            auto &set = to.cached("UPDATE counters SET value = ? WHERE name = ?");
            set.bind(1, value).bind(2, name);
            set.step();
            set.reset();
            if (to.dialect() == Dialect::Postgres) {
                auto seq = to.prepare("SELECT setval(?::regclass, ?, false)");
                seq->bind(1, name + "_seq").bind(2, value + 1);
                seq->step();
            }
        }
        if (to.dialect() == Dialect::Postgres) {
            auto identities = to.prepare(
                "SELECT table_name, pg_get_serial_sequence(table_name, 'id') FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES'");
            while (identities->step()) {
                auto set = to.prepare("SELECT setval(?::regclass, (SELECT COALESCE(max(id), 0) + 1 FROM " +
                                      identities->getText(0) + "), false)");
                set->bind(1, identities->getText(1));
                set->step();
            }
        }
        auto chain = verifyChain(to);
        if (!chain) return chain.error();
        if (chain->firstBrokenId)
            return makeError(Errc::Conflict, "the copied audit chain is broken at event " +
                                                 std::to_string(*chain->firstBrokenId) + ": " + chain->problem);
        report.eventsVerified = chain->checked;
        return {};
    });
    if (!done) return done.error();
    return report;
}

}  // namespace reemploi::inventory
