// `reemploi report …`: a donor's traceability report, written to a file or e-mailed. Parses,
// calls one service (services/DonorReports.hpp), prints.
#include <charconv>
#include <optional>
#include <vector>

#include <reemploi/common/Json.hpp>

#include "cli/Cli.hpp"
#include "services/DonorReports.hpp"

namespace reemploi::app {

namespace {

using namespace reemploi::app::reports;
using inventory::reports::Lang;

// The words with "-o FILE" taken out (the shell passes single-dash options as words).
std::vector<std::string> words(const Args &args, std::optional<std::string> *output = nullptr) {
    std::vector<std::string> out;
    const auto &all = args.positionals();
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (all[i] == "-o" && i + 1 < all.size()) {
            if (output) *output = all[i + 1];
            ++i;
        } else {
            out.push_back(all[i]);
        }
    }
    if (output && !*output) *output = args.option("output");
    return out;
}

Result<std::int64_t> idArgument(const Args &args, const std::string &usage) {
    auto given = words(args);
    if (given.size() != 1) return makeError(Errc::InvalidInput, "expected: reemploi " + usage);
    const std::string &text = given[0];
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || id <= 0)
        return makeError(Errc::InvalidInput, "'" + text + "' is not an id (a positive number)");
    return id;
}

Result<ReportEnvironment> environment(Context &ctx, const Args &args) {
    std::string config = args.option("report-config").value_or(ctx.settings.reportConfigPath);
    auto env = loadEnvironment(config, ctx.settings.keyPath, ctx.settings.workshop.workshop);
    if (env && !ctx.settings.smtpPassword.empty()) env->settings.smtp.password = ctx.settings.smtpPassword;
    return env;
}

int writeReport(Context &ctx, const Args &args, ReportRequest request) {
    auto format = parseFormat(args.option("format").value_or("pdf"));
    if (!format) return ctx.fail(format.error());
    auto lang = inventory::reports::parseLang(args.option("lang").value_or("fr"));
    if (!lang) return ctx.fail(lang.error());
    std::optional<std::string> out;
    words(args, &out);
    if (!out) return ctx.fail(makeError(Errc::InvalidInput, "missing -o FILE"));
    auto env = environment(ctx, args);
    if (!env) return ctx.fail(env.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto files = exportReport(**db, request, *format, *lang, *out, *env);
    if (!files) return ctx.fail(files.error());
    if (ctx.json) {
        ctx.out << json::Object()
                       .set("document", files->document)
                       .set("json", files->json)
                       .set("signature", files->sig)
                       .set("sha256", files->sha256)
                       .str()
                << '\n';
    } else {
        ctx.out << "wrote " << files->document << '\n';
        if (files->json != files->document) ctx.out << "signed JSON " << files->json << '\n';
        ctx.out << "signature " << files->sig << " (SHA-256 of the JSON " << files->sha256 << ")\n";
        ctx.out << "check: reemploi cert pubkey > workshop.pem && openssl pkeyutl -verify -pubin -inkey workshop.pem -rawin -in "
                << files->json << " -sigfile " << files->sig << '\n';
    }
    return 0;
}

int cmdReportDonation(Context &ctx, const Args &args) {
    auto id = idArgument(args, "report donation ID --format pdf|html|csv|json -o FILE");
    if (!id) return ctx.fail(id.error());
    return writeReport(ctx, args, ReportRequest{*id, std::nullopt, {}, {}});
}

int cmdReportDonor(Context &ctx, const Args &args) {
    auto id = idArgument(args, "report donor ID --from YYYY-MM-DD --to YYYY-MM-DD --format … -o FILE");
    if (!id) return ctx.fail(id.error());
    auto from = args.required("from");
    if (!from) return ctx.fail(from.error());
    auto to = args.required("to");
    if (!to) return ctx.fail(to.error());
    return writeReport(ctx, args, ReportRequest{std::nullopt, *id, *from, *to});
}

int cmdReportSend(Context &ctx, const Args &args) {
    auto id = idArgument(args, "report send ID --to ADDRESS [--smtp smtp://HOST:PORT]");
    if (!id) return ctx.fail(id.error());
    auto to = args.required("to");
    if (!to) return ctx.fail(to.error());
    auto lang = inventory::reports::parseLang(args.option("lang").value_or("fr"));
    if (!lang) return ctx.fail(lang.error());
    auto env = environment(ctx, args);
    if (!env) return ctx.fail(env.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto sent = sendReport(**db, SendRequest{*id, *to, args.option("smtp"), *lang}, *env, ctx.actor);
    if (!sent) return ctx.fail(sent.error());
    if (ctx.json) {
        json::Array files;
        for (const auto &a : sent->attachments) files.add(a);
        ctx.out << json::Object()
                       .set("server", sent->server)
                       .set("recipient_domain", sent->recipientDomain)
                       .raw("attachments", files.str())
                       .set("sha256", sent->sha256)
                       .set("event", sent->eventId)
                       .str()
                << '\n';
    } else {
        ctx.out << "sent the report of donation " << *id << " through " << sent->server << " (";
        for (std::size_t i = 0; i < sent->attachments.size(); ++i) ctx.out << (i ? ", " : "") << sent->attachments[i];
        ctx.out << "); recorded as event " << sent->eventId << " (recipient's domain " << sent->recipientDomain << " only)\n";
    }
    return 0;
}

}  // namespace

void registerReportCommands(CommandRegistry &r) {
    r.add({"report donation", "ID --format pdf|html|csv|json -o FILE [--lang fr|en] [--report-config FILE]",
           "a donation's traceability report, signed (the JSON and its .sig are written beside the file)", {},
           cmdReportDonation, {"output"}});
    r.add({"report donor", "ID --from YYYY-MM-DD --to YYYY-MM-DD --format pdf|html|csv|json -o FILE [--lang fr|en] [--report-config FILE]",
           "a donor's report over the donations received in a period", {}, cmdReportDonor, {"output"}});
    r.add({"report send", "ID --to ADDRESS [--smtp smtp://HOST:PORT] [--lang fr|en] [--report-config FILE]",
           "e-mail a donation's report (PDF, signed JSON and .sig attached); records report_sent", {}, cmdReportSend});
}

}  // namespace reemploi::app
