// Label commands: render a unit's (or a donation's) labels to a file, print them, read barcodes
// from a photo. Units become LabelData in services/UnitLabels (labels/ knows nothing of the inventory).
#include <cstdlib>
#include <fstream>
#include <iostream>

#include <reemploi/common/Json.hpp>
#include <reemploi/labels/Decode.hpp>
#include <reemploi/labels/Printer.hpp>
#include <reemploi/labels/Render.hpp>

#include "cli/Cli.hpp"
#include "services/UnitLabels.hpp"

namespace reemploi::app {

namespace {

// The units the command is about: one TAG, or every unit of --donation ID.
Result<std::vector<labels::LabelData>> labelsOf(Context &ctx, const Args &args, const std::vector<std::string> &words) {
    auto db = ctx.db();
    if (!db) return db.error();
    auto donation = args.integer("donation");
    if (!donation) return donation.error();
    if (words.size() > 1) return makeError(Errc::InvalidInput, "expected one unit TAG (or --donation ID)");
    std::optional<std::string> tag;
    if (!words.empty()) tag = words[0];
    return labelsToPrint(**db, tag, *donation);
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
    auto data = labelsOf(ctx, args, pos->words);
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
    auto settings = settingsFrom(args, "62x29");
    if (!settings) return ctx.fail(settings.error());
    if (auto fits = checkMediaForPrinter(settings->media, *printer); !fits) return ctx.fail(fits.error().withContext("--size"));
    auto timeout = args.integer("timeout");
    if (!timeout) return ctx.fail(timeout.error());
    auto data = labelsOf(ctx, args, pos->words);
    if (!data) return ctx.fail(data.error());

    labels::PrintOptions options;
    if (*timeout) {
        if (**timeout <= 0) return ctx.fail(makeError(Errc::InvalidInput, "--timeout: seconds, more than 0"));
        options.timeout = std::chrono::seconds(**timeout);
    }
    options.checkStatus = !args.flag("no-status-check");
    options.title = data->size() == 1 ? data->front().tag : std::to_string(data->size()) + " labels";
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto printed = printUnitLabels(**db, *data, settings->media, settings->layout, *printer, options, ctx.actor);
    if (!printed) return ctx.fail(printed.error());
    const auto *receipt = &printed->receipt;
    if (ctx.json) {
        ctx.out << toJson(*printed).str() << '\n';
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
           std::string("TAG|--donation ID --size 62x29|57x32|50x25|a4-3x8 --format png|pdf|svg|zpl -o|--output FILE ") +
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
