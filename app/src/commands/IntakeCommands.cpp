// Intake commands: importing a donor's asset list, reading a serial from a sticker photo.
// The work is intake's (DonorListImport.hpp, Scan.hpp); these only parse options and print.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <reemploi/common/Json.hpp>
#include <reemploi/intake/DonorListImport.hpp>
#include <reemploi/intake/Scan.hpp>
#include <reemploi/inventory/Units.hpp>

#include "cli/Cli.hpp"

namespace reemploi::app {

namespace {

// "RE-000001..RE-000038, RE-000040": consecutive tags as ranges.
std::string tagRanges(const std::vector<std::string> &tags) {
    std::string out;
    std::size_t i = 0;
    while (i < tags.size()) {
        std::size_t j = i;
        auto first = inventory::parseTag(tags[i]);
        while (first && j + 1 < tags.size()) {
            auto next = inventory::parseTag(tags[j + 1]);
            if (!next || *next != *first + static_cast<std::int64_t>(j + 1 - i)) break;
            ++j;
        }
        if (!out.empty()) out += ", ";
        out += tags[i];
        if (j > i) out += (j == i + 1 ? ", " : "..") + tags[j];
        i = j + 1;
    }
    return out;
}

std::string delimiterText(char d) { return d == '\t' ? "tab" : std::string("'") + d + "'"; }

// A refusal of the whole file: with --json, a JSON document on stdout as for any other outcome.
int failImport(Context &ctx, const Error &error) {
    if (ctx.json) ctx.out << intake::refusedImportJson(error) << '\n';
    return ctx.fail(error);
}

std::string plural(std::size_t n, const char *word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

int cmdIntakeImport(Context &ctx, const Args &args) {
    auto donation = args.integer("donation");
    if (!donation) return failImport(ctx, donation.error());
    if (!*donation) return failImport(ctx, makeError(Errc::InvalidInput, "missing --donation"));
    if (**donation <= 0) return failImport(ctx, makeError(Errc::InvalidInput, "--donation: ids are positive"));
    if (args.positionals().size() != 1)
        return failImport(ctx, makeError(Errc::InvalidInput,
                                         "expected one file: reemploi intake import --donation ID FILE [--dry-run] "
                                         "[--skip-invalid] [--update] [--kind-map WORD=KIND,…] [--max-size MB] [--json]"));
    const std::string &file = args.positionals()[0];

    intake::ImportOptions options;
    options.donationId = **donation;
    options.dryRun = args.flag("dry-run");
    options.skipInvalid = args.flag("skip-invalid");
    options.update = args.flag("update");
    if (auto map = args.option("kind-map")) {
        auto kinds = intake::parseKindMap(*map);
        if (!kinds) return failImport(ctx, kinds.error());
        options.kindMap = std::move(*kinds);
    }
    options.keepColumns = args.options("keep-column");
    auto maxSize = args.megabytes("max-size", intake::kDefaultMaxImportBytes);
    if (!maxSize) return failImport(ctx, maxSize.error());
    options.maxBytes = *maxSize;

    auto db = ctx.db();
    if (!db) return failImport(ctx, db.error());
    auto imported = intake::importDonorListFile(**db, file, options, ctx.actor);
    if (!imported) return failImport(ctx, imported.error());
    const auto &r = *imported;

    // --skip-invalid with no valid row at all has nothing to do: that is bad input too.
    const bool nothingValid = r.invalid > 0 && r.valid == 0;
    if (ctx.json) {
        ctx.out << r.json() << '\n';
        return r.succeeded() && !nothingValid ? 0 : 2;
    }

    auto &o = ctx.out;
    o << file << ": " << r.rows << (r.rows == 1 ? " row" : " rows") << " (" << intake::toString(r.encoding) << ", "
      << delimiterText(r.delimiter) << (r.headerLine > 1 ? ", header on line " + std::to_string(r.headerLine) : "")
      << "), donation " << r.donationId << '\n';
    o << "columns:";
    for (std::size_t i = 0; i < r.columns.size(); ++i)
        o << (i ? ", " : " ") << '"' << r.columns[i].first << "\" -> "
          << (r.columns[i].second.empty() ? "kept as a donor field" : r.columns[i].second);
    o << '\n';
    if (!r.droppedColumns.empty()) {
        o << "dropped (they look like personal data):";
        for (std::size_t i = 0; i < r.droppedColumns.size(); ++i) o << (i ? ", " : " ") << '"' << r.droppedColumns[i] << '"';
        o << "; keep one with --keep-column HEADER\n";
    }
    for (const auto &e : r.errors) o << e.text() << '\n';
    if (r.errorsTotal > r.errors.size()) o << intake::moreErrorsText(r.errorsTotal - r.errors.size()) << '\n';
    for (const auto &w : r.warnings) o << "warning: " << w.text() << '\n';
    if (r.warningsTotal > r.warnings.size())
        o << "warning: " << intake::moreErrorsText(r.warningsTotal - r.warnings.size()) << '\n';
    if (r.warned > 0) o << plural(r.warned, "row") << " imported with a warning\n";

    if (r.dryRun) {
        o << "dry run: would create " << (r.succeeded() ? r.wouldCreate : 0);
        if (r.update) o << ", update " << (r.succeeded() ? r.wouldUpdate : 0) << " (" << r.unchanged << " unchanged)";
        o << ", skip " << r.skipped << ", invalid " << r.invalid << "; nothing written\n";
        if (!r.succeeded())
            return ctx.fail(makeError(Errc::InvalidInput, std::to_string(r.invalid) + " invalid row" +
                                                              (r.invalid == 1 ? "" : "s") +
                                                              ": the import would write nothing"));
        return 0;
    }
    o << "created " << r.created;
    if (r.update) o << ", updated " << r.updated << ", unchanged " << r.unchanged;
    o << ", skipped " << r.skipped << ", invalid " << r.invalid << '\n';
    if (!r.tags.empty()) o << "new tags: " << tagRanges(r.tags) << '\n';
    if (!r.updatedTags.empty()) o << "updated: " << tagRanges(r.updatedTags) << '\n';
    if (r.succeeded() && nothingValid)
        return ctx.fail(makeError(Errc::InvalidInput,
                                  "nothing written: no valid row (" + std::to_string(r.invalid) + " invalid)"));
    if (!r.succeeded())
        return ctx.fail(makeError(
            Errc::InvalidInput, "nothing written: " + std::to_string(r.invalid) + " invalid row" +
                                    (r.invalid == 1 ? "" : "s") +
                                    (r.valid == 0 ? std::string()
                                                  : " (fix them, or --skip-invalid to import the " +
                                                        std::to_string(r.valid) + " valid one" +
                                                        (r.valid == 1 ? "" : "s") + ")")));
    return 0;
}

int cmdIntakeScanSerial(Context &ctx, const Args &args) {
    if (args.positionals().size() != 1)
        return ctx.fail(makeError(Errc::InvalidInput, "expected one image: reemploi intake scan-serial IMAGE [--json]"));
    const std::string &image = args.positionals()[0];
    auto found = intake::readSerialsFromImage(image);
    if (!found) return ctx.fail(found.error());

    if (ctx.json) {
        json::Array candidates;
        for (const auto &c : *found)
            candidates.add(json::Object()
                               .set("serial", c.serial)
                               .set("raw", c.raw)
                               .set("format", c.format)
                               .set("labelled", c.labelled));
        json::Object o;
        o.set("image", image).raw("candidates", candidates.str());
        if (found->empty()) o.null("serial");
        else o.set("serial", found->front().serial);
        ctx.out << o.str() << '\n';
        return found->empty() ? 2 : 0;
    }
    if (found->empty())
        return ctx.fail(makeError(Errc::InvalidInput, image + ": no serial barcode found (Code 128, Code 39, "
                                                              "DataMatrix or QR); take the photo closer, flat and sharp"));
    // The serial alone on stdout, so that `unit add --serial "$(reemploi intake scan-serial photo.jpg)"` works.
    ctx.out << found->front().serial << '\n';
    for (std::size_t i = 1; i < found->size(); ++i)
        ctx.err << "also on the sticker: " << (*found)[i].serial << " (" << (*found)[i].format << ")\n";
    return 0;
}

}  // namespace

void registerIntakeCommands(CommandRegistry &r) {
    r.add({"intake import",
           "--donation ID FILE [--dry-run] [--skip-invalid] [--update] [--kind-map WORD=KIND,…] [--keep-column HEADER]... "
           "[--max-size MB] [--json]",
           "import a donor's asset list (CSV: Excel, Snipe-IT, GLPI); all or nothing unless --skip-invalid; "
           "--update corrects the units of this donation the list names again",
           {"dry-run", "skip-invalid", "update"}, cmdIntakeImport});
    r.add({"intake scan-serial", "IMAGE [--json]",
           "read a serial from a photo of the maker's sticker (Code 128, Code 39, DataMatrix, QR)", {},
           cmdIntakeScanSerial});
}

}  // namespace reemploi::app
