// Label commands: render a unit's (or a donation's) labels to a file, print them, read barcodes
// from a photo. Units become LabelData here: labels/ knows nothing of the inventory.
#include <cstdlib>
#include <fstream>
#include <iostream>

#include <reemploi/common/Json.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Units.hpp>
#include <reemploi/labels/Decode.hpp>
#include <reemploi/labels/Printer.hpp>
#include <reemploi/labels/Render.hpp>

#include "cli/Cli.hpp"

namespace reemploi::app {

namespace {

using inventory::Unit;

// The kind as printed on the label, in French (the trainees' language).
std::string kindText(inventory::UnitKind kind) {
    switch (kind) {
    case inventory::UnitKind::Laptop: return "Portable";
    case inventory::UnitKind::Desktop: return "Ordinateur fixe";
    case inventory::UnitKind::Tablet: return "Tablette";
    case inventory::UnitKind::Phone: return "Téléphone";
    case inventory::UnitKind::Monitor: return "Écran";
    case inventory::UnitKind::Other: return "Autre";
    }
    return "";
}

// Wiped when every medium is destroyed or has a passed record (dated by the last one); failed
// when a medium's latest record failed; pending otherwise.
Result<std::pair<labels::WipeStatus, std::string>> wipeStateOf(inventory::Database &db, const Unit &unit) {
    using labels::WipeStatus;
    if (unit.storage.empty()) return std::pair{WipeStatus::NoStorage, std::string()};
    auto records = inventory::listSanitization(db, unit.tag);
    if (!records) return records.error();
    std::string lastDate;
    bool allDone = true, anyFailed = false;
    for (const auto &m : unit.storage) {
        if (m.destroyed) continue;
        const inventory::SanitizationRecord *latest = nullptr;
        bool passed = false;
        for (const auto &r : *records) {
            if (r.mediumId != m.id) continue;
            if (!latest || r.startedAt >= latest->startedAt) latest = &r;
            if (r.result == inventory::SanitizationResult::Passed) {
                passed = true;
                lastDate = std::max(lastDate, r.endedAt.substr(0, 10));
            }
        }
        if (!passed) allDone = false;
        if (!passed && latest && latest->result == inventory::SanitizationResult::Failed) anyFailed = true;
    }
    if (allDone) return std::pair{WipeStatus::Wiped, lastDate};
    return std::pair{anyFailed ? WipeStatus::Failed : WipeStatus::Pending, std::string()};
}

Result<labels::LabelData> labelDataFor(inventory::Database &db, const Unit &unit) {
    labels::LabelData d;
    d.tag = unit.tag;
    d.kind = kindText(unit.kind);
    d.make = unit.make;
    d.model = unit.model;
    if (unit.grade) d.grade = std::string(inventory::toString(*unit.grade));
    auto wipe = wipeStateOf(db, unit);
    if (!wipe) return wipe.error();
    d.wipeStatus = wipe->first;
    d.wipeDate = wipe->second;
    auto donation = inventory::getDonation(db, unit.donationId);
    if (!donation) return donation.error();
    d.site = donation->site;
    return d;
}

// The tags the command is about: one TAG, or every unit of --donation ID.
Result<std::vector<Unit>> unitsOf(Context &ctx, const Args &args, const std::vector<std::string> &tags) {
    auto db = ctx.db();
    if (!db) return db.error();
    auto donation = args.integer("donation");
    if (!donation) return donation.error();
    if (*donation && !tags.empty())
        return makeError(Errc::InvalidInput, "give either a TAG or --donation ID, not both");
    if (*donation) {
        auto d = inventory::getDonation(**db, **donation);
        if (!d) return d.error();
        inventory::UnitFilter filter;
        filter.donationId = **donation;
        auto units = inventory::listUnits(**db, filter);
        if (!units) return units.error();
        if (units->empty())
            return makeError(Errc::NotFound, "donation " + std::to_string(**donation) + " has no unit to label");
        return units;
    }
    if (tags.size() != 1) return makeError(Errc::InvalidInput, "expected one unit TAG (or --donation ID)");
    auto unit = inventory::getUnit(**db, tags[0]);
    if (!unit) return unit.error();
    return std::vector<Unit>{std::move(*unit)};
}

Result<std::vector<labels::LabelData>> labelData(Context &ctx, const std::vector<Unit> &units) {
    auto db = ctx.db();
    if (!db) return db.error();
    std::vector<labels::LabelData> out;
    for (const Unit &u : units) {
        auto d = labelDataFor(**db, u);
        if (!d) return d.error().withContext(u.tag);
        out.push_back(std::move(*d));
    }
    return out;
}

// --size, --dpi, --qr-base (else $REEMPLOI_QR_BASE), --ec, --datamatrix.
struct LabelSettings {
    labels::Media media;
    labels::LayoutOptions layout;
};

Result<LabelSettings> settingsFrom(const Args &args, const std::string &defaultSize) {
    LabelSettings s;
    auto media = labels::parseMedia(args.option("size").value_or(defaultSize));
    if (!media) return media.error().withContext("--size");
    s.media = *media;
    auto dpi = args.integer("dpi");
    if (!dpi) return dpi.error();
    s.layout.dpi = dpi->has_value() ? static_cast<int>(**dpi) : (s.media.sheet ? 300 : 203);
    if (s.layout.dpi != 203 && s.layout.dpi != 300)
        return makeError(Errc::InvalidInput, "--dpi: " + std::to_string(s.layout.dpi) + " (expected 203 or 300)");
    if (auto base = args.option("qr-base")) {
        s.layout.qrBaseUrl = *base;
    } else if (const char *env = std::getenv("REEMPLOI_QR_BASE"); env && *env) {
        s.layout.qrBaseUrl = env;
    }
    if (auto ec = args.option("ec")) {
        auto level = labels::parseQrEcLevel(*ec);
        if (!level) return level.error().withContext("--ec");
        s.layout.ecLevel = *level;
    }
    if (args.flag("datamatrix")) s.layout.matrixCode = labels::Symbology::DataMatrix;
    return s;
}

// Positionals with "-o FILE" taken out (the shell passes single-dash options as words).
struct Positionals {
    std::vector<std::string> words;
    std::optional<std::string> output;
};

Result<Positionals> splitOutput(const Args &args) {
    Positionals p;
    const auto &all = args.positionals();
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (all[i] == "-o") {
            if (i + 1 >= all.size()) return makeError(Errc::InvalidInput, "-o needs a file name");
            p.output = all[++i];
        } else {
            p.words.push_back(all[i]);
        }
    }
    if (!p.output) {
        if (auto o = args.option("output")) p.output = *o;
    }
    return p;
}

const char *kSettingsSynopsis = "[--dpi 203|300] [--qr-base URL] [--ec L|M|Q|H] [--datamatrix]";

int cmdLabelRender(Context &ctx, const Args &args) {
    auto pos = splitOutput(args);
    if (!pos) return ctx.fail(pos.error());
    if (!pos->output) return ctx.fail(makeError(Errc::InvalidInput, "missing -o FILE (- for standard output)"));
    auto formatName = args.required("format");
    if (!formatName) return ctx.fail(formatName.error());
    auto format = labels::parseRenderFormat(*formatName);
    if (!format) return ctx.fail(format.error());
    auto settings = settingsFrom(args, "62x29");
    if (!settings) return ctx.fail(settings.error());
    auto units = unitsOf(ctx, args, pos->words);
    if (!units) return ctx.fail(units.error());
    auto data = labelData(ctx, *units);
    if (!data) return ctx.fail(data.error());
    auto bytes = labels::renderLabels(*data, settings->media, *format, settings->layout);
    if (!bytes) return ctx.fail(bytes.error());
    if (*pos->output == "-") {
        ctx.out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
        ctx.out.flush();
        return 0;
    }
    {
        std::ofstream file(*pos->output, std::ios::binary | std::ios::trunc);
        file.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
        if (!file.flush())
            return ctx.fail(makeError(Errc::Io, "cannot write " + *pos->output));
    }
    if (ctx.json) {
        json::Array tags;
        for (const auto &d : *data) tags.add(d.tag);
        ctx.out << json::Object()
                       .set("file", *pos->output)
                       .set("format", std::string(labels::toString(*format)))
                       .set("size", settings->media.name)
                       .set("dpi", settings->layout.dpi)
                       .set("bytes", static_cast<std::uint64_t>(bytes->size()))
                       .raw("tags", tags.str())
                       .str()
                << '\n';
    } else if (!ctx.quiet) {
        ctx.out << data->size() << (data->size() == 1 ? " label" : " labels") << " (" << settings->media.name << ", "
                << settings->layout.dpi << " dpi) written to " << *pos->output << '\n';
    }
    return 0;
}

int cmdLabelPrint(Context &ctx, const Args &args) {
    auto pos = splitOutput(args);
    if (!pos) return ctx.fail(pos.error());
    auto spec = args.required("printer");
    if (!spec) return ctx.fail(spec.error());
    auto printer = labels::parsePrinter(*spec);
    if (!printer) return ctx.fail(printer.error());
    const bool sheetPrinter = printer->kind == labels::PrinterAddress::Kind::Cups;
    auto settings = settingsFrom(args, "62x29");
    if (!settings) return ctx.fail(settings.error());
    if (settings->media.sheet && !sheetPrinter)
        return ctx.fail(makeError(Errc::InvalidInput, "--size " + settings->media.name +
                                                          " is a sheet for ordinary printers: use --printer cups:QUEUE"));
    auto timeout = args.integer("timeout");
    if (!timeout) return ctx.fail(timeout.error());
    auto units = unitsOf(ctx, args, pos->words);
    if (!units) return ctx.fail(units.error());
    auto data = labelData(ctx, *units);
    if (!data) return ctx.fail(data.error());

    labels::PrintOptions options;
    if (*timeout) {
        if (**timeout <= 0) return ctx.fail(makeError(Errc::InvalidInput, "--timeout: seconds, more than 0"));
        options.timeout = std::chrono::seconds(**timeout);
    }
    options.checkStatus = !args.flag("no-status-check");
    options.title = data->size() == 1 ? data->front().tag : std::to_string(data->size()) + " labels";
    auto receipt = labels::printLabels(*data, settings->media, settings->layout, *printer, options);
    // A printer failure marks nothing printed.
    if (!receipt) return ctx.fail(receipt.error());

    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    json::Array events;
    for (const auto &d : *data) {
        json::Object payload;
        payload.set("printer", receipt->printer)
            .set("format", receipt->format)
            .set("size", settings->media.name)
            .set("dpi", settings->layout.dpi);
        if (!receipt->job.empty()) payload.set("job", receipt->job);
        auto event = inventory::recordEvent(**db, ctx.actor, {"unit", d.tag, "label_printed", payload.str()});
        if (!event) return ctx.fail(event.error().withContext("label of " + d.tag + " printed but not recorded"));
        events.add(event->id);
    }
    if (ctx.json) {
        json::Array tags;
        for (const auto &d : *data) tags.add(d.tag);
        ctx.out << json::Object()
                       .set("printer", receipt->printer)
                       .set("format", receipt->format)
                       .set("bytes", static_cast<std::uint64_t>(receipt->bytes))
                       .set("job", receipt->job)
                       .raw("tags", tags.str())
                       .raw("events", events.str())
                       .str()
                << '\n';
    } else if (!ctx.quiet) {
        ctx.out << data->size() << (data->size() == 1 ? " label" : " labels") << " sent to " << receipt->printer;
        if (!receipt->job.empty()) ctx.out << " (job " << receipt->job << ")";
        ctx.out << '\n';
    }
    return 0;
}

int cmdLabelScan(Context &ctx, const Args &args) {
    if (args.positionals().size() != 1)
        return ctx.fail(makeError(Errc::InvalidInput, "expected one IMAGE: reemploi label scan IMAGE [--json]"));
    labels::DecodeOptions options;
    for (const std::string &f : args.options("only")) options.formats.push_back(f);
    auto found = labels::decodeFile(args.positionals()[0], options);
    if (!found) return ctx.fail(found.error());
    if (ctx.json) {
        json::Array all;
        for (const auto &b : *found) {
            json::Array corners;
            for (const auto &p : b.position) corners.add(json::Object().set("x", p.x).set("y", p.y));
            all.add(json::Object()
                        .set("format", b.format)
                        .set("text", b.text)
                        .raw("position", corners.str())
                        .set("orientation", b.orientation));
        }
        ctx.out << json::Object().set("image", args.positionals()[0]).raw("barcodes", all.str()).str() << '\n';
        return 0;
    }
    if (found->empty()) {
        if (!ctx.quiet) ctx.err << "no barcode found in " << args.positionals()[0] << '\n';
        return 0;
    }
    for (const auto &b : *found) ctx.out << b.format << '\t' << b.text << '\n';
    return 0;
}

}  // namespace

void registerLabelCommands(CommandRegistry &r) {
    r.add({"label render",
           std::string("TAG|--donation ID --size 62x29|57x32|50x25|a4-3x8 --format png|pdf|svg|zpl -o FILE ") +
               kSettingsSynopsis,
           "render a unit's label, or every label of a donation, to a file (- for standard output)",
           {"datamatrix"}, cmdLabelRender});
    r.add({"label print",
           std::string("TAG|--donation ID --printer tcp://HOST:9100|cups:QUEUE [--size S] [--timeout SECONDS] "
                       "[--no-status-check] ") +
               kSettingsSynopsis,
           "print labels (ZPL over TCP, or PDF to a CUPS queue); records label_printed",
           {"datamatrix", "no-status-check"}, cmdLabelPrint});
    r.add({"label scan", "IMAGE [--json] [--only FORMAT]...",
           "read every barcode in a photo or scan (PNG, JPEG)", {}, cmdLabelScan});
}

}  // namespace reemploi::app
