// Commands over personal data: the retention purge.
#include <chrono>

#include <reemploi/common/File.hpp>
#include <reemploi/inventory/Privacy.hpp>

#include "cli/Cli.hpp"

namespace reemploi::app {

using namespace reemploi::inventory;

namespace {

int cmdPrivacyPurge(Context &ctx, const Args &args) {
    RetentionPolicy policy;
    if (auto path = args.option("retention")) {
        auto text = file::readRegularFile(*path, 1024 * 1024);
        if (!text) return ctx.fail(text.error());
        auto parsed = parseRetentionPolicy(*text);
        if (!parsed) return ctx.fail(parsed.error().withContext(*path));
        policy = *parsed;
    }
    bool dryRun = args.flag("dry-run");
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto report = purgePersonalData(**db, policy, std::chrono::system_clock::now(), dryRun, ctx.actor);
    if (!report) return ctx.fail(report.error());
    if (ctx.json) {
        ctx.out << toJson(*report).str() << '\n';
        return 0;
    }
    ctx.out << (dryRun ? "would purge: " : "purged: ") << report->donors << " individual donors' names and e-mails, "
            << report->contacts << " schools' contact persons, " << report->siteContacts
            << " distribution sites' contacts, " << report->donorFieldRows
            << " units' donor-list fields; " << report->eventsRedacted << " event payloads redacted\n";
    if (report->eventId)
        ctx.out << "recorded as event " << *report->eventId << " (privacy_purged); 'reemploi audit verify' still passes\n";
    return 0;
}

}  // namespace

void registerPrivacyCommands(CommandRegistry &r) {
    r.add({"privacy purge", "[--dry-run] [--retention FILE]",
           "redact personal data past its retention period in the tables and the audit trail (recorded, verifiable)",
           {"dry-run"}, cmdPrivacyPurge});
}

}  // namespace reemploi::app
