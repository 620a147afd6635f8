// `db copy`: a workshop's database moved to another location (its SQLite file onto the shared
// PostgreSQL server), verified by the inventory's copy service.
#include <filesystem>

#include <reemploi/common/Json.hpp>
#include <reemploi/inventory/DatabaseCopy.hpp>
#include <reemploi/inventory/Migrations.hpp>

#include "cli/Cli.hpp"

namespace reemploi::app {

namespace {

int runDbCopy(Context &ctx, const Args &args) {
    auto from = args.required("from");
    if (!from) return ctx.fail(from.error());
    auto to = args.required("to");
    if (!to) return ctx.fail(to.error());
    if (*from == *to) return ctx.fail(makeError(Errc::InvalidInput, "--from and --to name the same database"));
    // An SQLite source that does not exist would be created empty by opening it.
    if (!inventory::isServerLocation(*from)) {
        std::string file = from->starts_with("sqlite:") ? from->substr(7) : *from;
        if (!std::filesystem::is_regular_file(file))
            return ctx.fail(makeError(Errc::NotFound, "--from: no database file " + file));
    }
    auto source = inventory::openMigrated(*from);
    if (!source) return ctx.fail(source.error().withContext("--from"));
    auto target = inventory::Database::open(*to);
    if (!target) return ctx.fail(target.error().withContext("--to"));
    auto report = inventory::copyDatabase(**source, **target, ctx.actor);
    if (!report) return ctx.fail(report.error());
    if (ctx.json) {
        json::Array tables;
        for (const auto &t : report->tables)
            tables.add(json::Object().set("table", t.table).set("source", t.source).set("target", t.target));
        ctx.out << json::Object()
                       .set("from", inventory::redactLocation(*from))
                       .set("to", inventory::redactLocation(*to))
                       .raw("tables", tables.str())
                       .set("events_verified", report->eventsVerified)
                       .str()
                << '\n';
        return 0;
    }
    for (const auto &t : report->tables)
        ctx.out << t.table << ": " << t.source << " rows copied, " << t.target << " in the target\n";
    ctx.out << "audit chain intact on the target: " << report->eventsVerified << " events verified\n";
    return 0;
}

}  // namespace

void registerDbCommands(CommandRegistry &r) {
    r.add({"db copy", "--from sqlite:FILE|URL --to postgresql://…|FILE [--json]",
           "copies every row into an empty database (counts per table and the audit chain checked)", {}, runDbCopy});
}

}  // namespace reemploi::app
