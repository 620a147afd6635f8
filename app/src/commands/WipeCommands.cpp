// Commands for drives: wipe (with certificates), wipe methods, cert verify / pubkey,
// diag storage. They parse and print; the work is in diagnostics/storage (WipeSession).
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include <reemploi/common/Json.hpp>
#include <reemploi/common/File.hpp>
#include <reemploi/diagnostics/storage/Certificate.hpp>
#include <reemploi/diagnostics/storage/StorageDiagnostics.hpp>
#include <reemploi/diagnostics/storage/WipeSession.hpp>
#include <reemploi/inventory/JsonViews.hpp>
#include <reemploi/inventory/Sanitization.hpp>

#include "cli/Cli.hpp"
#include "cli/StopSignals.hpp"
#include "commands/DiagAndroidCommands.hpp"
#include "commands/WipeCommands.hpp"
#include "services/WipeManager.hpp"

namespace reemploi::app {

using namespace reemploi::diagnostics::storage;

namespace {

std::string formatEta(std::optional<double> eta) {
    if (!eta || !std::isfinite(*eta)) return "--:--";
    long s = std::lround(*eta);
    char buf[32];
    if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    else std::snprintf(buf, sizeof buf, "%02ld:%02ld", s / 60, s % 60);
    return buf;
}

// Progress of several drives at once: JSON lines, or a block of bars redrawn on a terminal. The
// session calls it one call at a time.
class ProgressPrinter : public WipeObserver {
public:
    ProgressPrinter(Context &ctx, std::vector<std::string> targets)
        : _ctx(ctx), _targets(std::move(targets)), _lines(_targets.size()),
          _tty(!ctx.json && ::isatty(STDOUT_FILENO) && &ctx.out == &std::cout) {}

    void progress(std::size_t i, const WipeProgress &p) override {
        if (_ctx.json) {
            _ctx.out << toJson(p).set("event", "progress").set("target", _targets[i]).str() << std::endl;
            return;
        }
        if (!_tty) return;
        const int width = 30;
        int filled = static_cast<int>(p.percent / 100.0 * width);
        std::ostringstream line;
        line << std::left << std::setw(14) << _targets[i].substr(_targets[i].rfind('/') + 1) << ' ' << std::setw(7)
             << p.phase << " [" << std::string(filled, '#') << std::string(width - filled, '.') << "] " << std::right
             << std::fixed << std::setprecision(1) << std::setw(5) << p.percent << "% " << std::setw(7)
             << p.mbPerSecond << " MB/s  ETA " << formatEta(p.etaSeconds);
        _lines[i] = line.str();
        if (_drawn) _ctx.out << "\x1b[" << _lines.size() << "F";
        for (const auto &l : _lines) _ctx.out << "\x1b[2K" << l << '\n';
        _ctx.out << std::flush;
        _drawn = true;
    }

    void done() {
        if (_tty && _drawn) _ctx.out << '\n';
    }

private:
    Context &_ctx;
    std::vector<std::string> _targets;
    std::vector<std::string> _lines;
    bool _tty;
    bool _drawn = false;
};

void printResult(Context &ctx, const WipeJobResult &r) {
    if (ctx.json) {
        ctx.out << toJson(r).set("event", "result").str() << std::endl;
        return;
    }
    const auto &report = r.report;
    auto &out = ctx.out;
    out << r.target << ": " << toString(report.outcome) << " (" << report.method << ", NIST " << toString(report.level)
        << ", verify " << toString(report.verification) << ": " << report.verificationResult << ")\n";
    out << "  " << report.bytesWritten << " bytes in " << std::fixed << std::setprecision(1) << report.durationSeconds
        << " s, " << report.writeMBps() << " MB/s; record #" << r.record.id << " on unit " << r.unitTag << ", medium #"
        << r.medium.id << " (identity: " << toString(r.evidence) << ")\n";
    if (!report.failure.empty()) {
        out << "  why: " << report.failure;
        if (report.lastLba) out << " (last LBA written " << *report.lastLba << ")";
        out << '\n';
    }
    for (std::size_t e = 0; e < report.errors.size() && e < 10; ++e)
        out << "  error at LBA " << report.errors[e].lba << ": " << report.errors[e].message << '\n';
    if (report.errors.size() > 10) out << "  … " << report.errors.size() - 10 << " more errors\n";
    if (report.recommendDestroy)
        out << "  this drive has unrecoverable errors: destroy it (reemploi unit destroy-storage)\n";
    if (r.certificate) out << "  certificate " << r.certificate->fields.id << '\n';
    if (r.files) out << "  written " << r.files->json << ", " << r.files->signature << ", " << r.files->pdf << '\n';
    if (!r.certificateProblem.empty())
        out << "  the erasure passed and is recorded so, but " << r.certificateProblem << '\n';
    if (r.error) out << "  the record could not be completed (it still says interrupted): " << r.error->message << '\n';
}

}  // namespace

void withWipeProgress(Context &ctx, const std::vector<std::string> &targets,
                      const std::function<void(WipeObserver &)> &work) {
    ProgressPrinter printer(ctx, targets);
    work(printer);
    printer.done();
}

int runWipeOn(Context &ctx, const Args &args, const std::vector<std::string> &targets) {
    if (targets.empty())
        return ctx.fail(makeError(Errc::InvalidInput, "expected at least one target: reemploi wipe TARGET... --unit TAG "
                                                      "--method M --verify full|sample"));
    // Tablets and phones reset themselves: their own branch (DiagAndroidCommands.cpp).
    for (const auto &t : targets)
        if (isAndroidWipeTarget(t)) return runAndroidWipe(ctx, args);
    auto units = args.options("unit");
    if (units.empty()) return ctx.fail(makeError(Errc::InvalidInput, "missing --unit"));
    if (units.size() != 1 && units.size() != targets.size())
        return ctx.fail(makeError(Errc::InvalidInput, "give one --unit for all targets, or one per target (" +
                                                          std::to_string(targets.size()) + ")"));
    auto media = args.options("medium");
    if (!media.empty() && media.size() != targets.size())
        return ctx.fail(makeError(Errc::InvalidInput, "give one --medium per target (" + std::to_string(targets.size()) +
                                                          "), ID or new"));
    auto method = args.required("method");
    if (!method) return ctx.fail(method.error());

    wipes::WipeRequest request;
    request.method = *method;
    if (auto v = args.option("verify")) {
        auto parsed = parseVerification(*v);
        if (!parsed || *parsed == Verification::None)
            return ctx.fail(makeError(Errc::InvalidInput, "--verify: '" + *v + "' is not full or sample"));
        request.verification = *parsed;
    }
    request.workshop = ctx.settings.workshop;
    auto given = [&](const char *option, std::string &field) {
        if (auto v = args.option(option); v && !v->empty()) field = *v;
    };
    given("workshop", request.workshop->workshop);
    given("position", request.workshop->position);
    given("location", request.workshop->location);
    given("contact", request.workshop->contact);
    given("destination", request.workshop->destination);
    for (std::size_t i = 0; i < targets.size(); ++i) {
        wipes::WipeTargetRequest spec;
        spec.target = targets[i];
        spec.unitTag = units.size() == 1 ? units[0] : units[i];
        if (!media.empty()) {
            auto choice = wipes::parseMediumChoice(media[i], "--medium");
            if (!choice) return ctx.fail(choice.error());
            spec.medium = *choice;
        }
        if (auto c = args.option("certificate")) spec.certificatePath = certificatePathFor(*c, targets[i], targets.size());
        request.targets.push_back(std::move(spec));
    }
    wipes::WipeDefaults defaults{ctx.settings.workshop, ctx.settings.keyPath, ctx.dbPath, ctx.settings.usbBus(), true};
    auto config = wipes::makeWipeSessionConfig(defaults, std::move(request));
    if (!config) return ctx.fail(config.error());

    auto dbr = ctx.db();
    if (!dbr) return ctx.fail(dbr.error());
    auto session = WipeSession::prepare(**dbr, std::move(*config), ctx.actor);
    if (!session) return ctx.fail(session.error());
    for (const auto &t : (*session)->targets())
        for (const auto &m : t.match.candidates)
            ctx.err << "reemploi: note: " << t.unit.tag << " records medium " << describeMedium(m) << ", whose capacity agrees with "
                    << t.spec.target << ", but nothing names it: " << t.spec.target
                    << " is recorded as a new medium and #" << m.id << " stays to be wiped (if they are the same drive, "
                    << "give --medium " << m.id << ")\n";

    StopSignals signals(&(*session)->cancelToken());
    ProgressPrinter printer(ctx, targets);
    auto results = (*session)->run(&printer);
    printer.done();
    if (!results) return ctx.fail(results.error());

    int exitCode = 0;
    for (const auto &r : *results) {
        printResult(ctx, r);
        if (!r.ok()) exitCode = 1;
        if (!r.certificateProblem.empty())
            ctx.err << "reemploi: " << r.target << ": erasure passed, " << r.certificateProblem << '\n';
        if (r.error) ctx.err << "reemploi: " << r.target << ": " << r.error->message << '\n';
    }
    if ((*session)->cancelled()) return 1;
    return exitCode;
}

namespace {

int runWipe(Context &ctx, const Args &args) { return runWipeOn(ctx, args, args.positionals()); }

int runWipeMethods(Context &ctx, const Args &) {
    if (ctx.json) {
        ctx.out << wipeMethodsJson() << '\n';
        return 0;
    }
    for (const auto &m : wipeMethods())
        ctx.out << std::left << std::setw(20) << m.id << " HDD " << std::setw(6) << toString(m.levelMagnetic)
                << " flash " << std::setw(6) << toString(m.levelFlash) << ' ' << m.label
                << (m.levelEncrypted ? " (" + std::string(toString(*m.levelEncrypted)) + " when the device reports encryption)" : "")
                << '\n';
    return 0;
}

int runCertPubkey(Context &ctx, const Args &args) {
    auto path = args.option("key").value_or(ctx.settings.keyPath);
    auto key = WorkshopKey::loadOrCreate(path);
    if (!key) return ctx.fail(key.error());
    if (ctx.json) {
        json::Object o;
        o.set("pem", key->publicPem()).set("fingerprint_sha256", key->fingerprint()).set("key_file", path);
        ctx.out << o.str() << '\n';
    } else {
        ctx.out << key->publicPem();
    }
    return 0;
}

int runCertVerify(Context &ctx, const Args &args) {
    if (args.positionals().size() != 1)
        return ctx.fail(makeError(Errc::InvalidInput, "expected one certificate file: reemploi cert verify FILE"));
    const std::string file = args.positionals()[0];
    if (!std::filesystem::exists(file)) return ctx.fail(makeError(Errc::NotFound, file + ": no such file"));
    std::string sigPath = args.option("signature").value_or(file + ".sig");
    if (!std::filesystem::exists(sigPath))
        return ctx.fail(makeError(Errc::NotFound, sigPath + ": no signature file (give it with --signature)"));
    Result<WorkshopKey> key = makeError(Errc::Internal, "");
    if (auto pub = args.option("pubkey")) key = WorkshopKey::load(*pub);
    else key = WorkshopKey::load(ctx.settings.keyPath);
    if (!key) return ctx.fail(key.error().withContext("verification key"));
    // A certificate is a few kilobytes and its signature under a hundred bytes: the limits refuse
    // a wrong file (a disk image, /dev/zero) before it is read.
    auto text = file::readRegularFile(file, kMaxCertificateBytes);
    if (!text) return ctx.fail(text.error());
    auto sig = file::readRegularFile(sigPath, kMaxSignatureBytes);
    if (!sig) return ctx.fail(sig.error());

    // The issued text, when this workshop's database has it, lets the check name changed fields.
    std::optional<std::string> issued;
    if (auto id = certificateIdOf(*text); id && std::filesystem::exists(ctx.dbPath)) {
        if (auto db = ctx.db())
            if (auto rec = inventory::getSanitizationByCertificate(**db, *id)) issued = rec->certificateJson;
    }
    auto check = verifyCertificate(*text, *sig, *key, issued);
    if (ctx.json) {
        json::Object o;
        o.set("valid", check.valid).set("certificate_id", check.certificateId);
        json::Array changes;
        for (const auto &c : check.changes) changes.add(c);
        o.raw("changes", changes.str());
        if (!check.valid) o.set("problem", check.problem);
        ctx.out << o.str() << '\n';
    } else if (check.valid) {
        ctx.out << "valid: certificate " << check.certificateId << " signed by key " << key->fingerprint().substr(0, 16)
                << "…\n";
    } else {
        ctx.out << "INVALID: " << check.problem << '\n';
    }
    return check.valid ? 0 : 2;
}

int runDiagStorage(Context &ctx, const Args &args) {
    if (args.positionals().size() != 1)
        return ctx.fail(makeError(Errc::InvalidInput, "expected one target: reemploi diag storage TARGET [--surface]"));
    auto target = openTarget(args.positionals()[0], false, ctx.settings.usbBus());
    if (!target) return ctx.fail(target.error());
    StorageReport report;
    report.info = (*target)->info();
    report.smart = (*target)->smart();
    if (auto hidden = (*target)->hiddenSectors(); !hidden) report.hiddenArea = "not checked: " + hidden.error().message;
    else report.hiddenArea = *hidden == 0 ? "none" : std::to_string(*hidden) + " sectors hidden (HPA)";
    if (args.flag("surface")) {
        diagnostics::CancelToken cancel;
        StopSignals signals(&cancel);
        ProgressPrinter printer(ctx, {args.positionals()[0]});
        SurfaceOptions o;
        o.cancel = &cancel;
        o.onProgress = [&](const WipeProgress &p) { printer.progress(0, p); };
        report.surface = surfaceScan(**target, o);
        printer.done();
    }
    if (ctx.json) {
        ctx.out << toJson(report) << '\n';
    } else {
        const auto &i = report.info;
        auto &o = ctx.out;
        auto show = [&](const char *label, const std::string &v) {
            o << "  " << std::left << std::setw(18) << label << (v.empty() ? "-" : v) << '\n';
        };
        o << i.path << " (" << i.kind << ")\n";
        show("model", (i.vendor.empty() ? "" : i.vendor + " ") + i.model);
        show("serial", i.serial);
        show("firmware", i.firmware);
        show("capacity", std::to_string(i.sizeBytes) + " bytes (" + std::to_string(i.sectorCount()) + " sectors)");
        show("sector size", std::to_string(i.logicalSectorSize) + " logical, " + std::to_string(i.physicalSectorSize) +
                                " physical");
        show("rotational", i.rotational ? (*i.rotational ? "yes" : "no") : "");
        show("media type", i.mediaType());
        show("transport", i.transport);
        show("hidden area", report.hiddenArea);
        const auto &sm = report.smart;
        if (!sm.available) {
            show("SMART", "unavailable: " + sm.unavailableWhy);
        } else {
            show("SMART health", sm.healthy ? (*sm.healthy ? "passed" : "FAILING (threshold exceeded)") : "unknown");
            auto num = [](const std::optional<std::uint64_t> &v) { return v ? std::to_string(*v) : std::string(); };
            show("reallocated", num(sm.reallocated));
            show("pending", num(sm.pending));
            show("uncorrectable", num(sm.uncorrectable));
            show("power-on hours", num(sm.powerOnHours));
            show("wear left", sm.wearPercentLeft ? std::to_string(*sm.wearPercentLeft) + "%" : "");
        }
        if (report.surface) {
            const auto &s = *report.surface;
            std::ostringstream line;
            line << std::fixed << std::setprecision(1) << s.bytesRead << " bytes in " << s.seconds << " s, "
                 << s.mbPerSecond << " MB/s";
            show("surface read", line.str());
            show("unreadable LBAs", std::to_string(s.unreadableCount));
            std::string list;
            for (std::size_t k = 0; k < s.unreadableLbas.size() && k < 20; ++k)
                list += (k ? " " : "") + std::to_string(s.unreadableLbas[k]);
            if (!list.empty()) show("", list);
            if (s.interrupted) show("", "interrupted");
            if (!s.stoppedBy.empty()) show("stopped by", s.stoppedBy);
        }
    }
    if (report.surface && (report.surface->unreadableCount > 0 || !report.surface->stoppedBy.empty() ||
                           report.surface->interrupted))
        return 1;
    return 0;
}

}  // namespace

void registerWipeCommands(CommandRegistry &registry) {
    registry.add({"wipe", "TARGET... --unit TAG [--medium ID|new]... --method M --verify full|sample [--certificate FILE] [--json]"
                  " [--workshop W] [--position P] [--location L] [--contact C] [--destination D]",
                  "erase drives (files, block devices, usb:PORT) to NIST SP 800-88, record it, issue a signed certificate; "
                  "adb:SERIAL (or adb:HOST:PORT) --method android-factory-reset resets a tablet or phone",
                  {},
                  runWipe});
    registry.add({"wipe methods", "[--json]", "list the wipe methods and their NIST levels", {}, runWipeMethods});
    registry.add({"cert verify", "FILE [--signature FILE.sig] [--pubkey PEM]",
                  "check a sanitization certificate's signature; names the fields changed", {}, runCertVerify});
    registry.add({"cert pubkey", "[--key PEM]", "print the workshop's public key (PEM), creating the key on first use",
                  {}, runCertPubkey});
    registry.add({"diag storage", "TARGET [--surface] [--json]",
                  "identity, capacity, sector sizes, SMART of a drive (file, block device, usb:PORT); --surface reads every LBA", {"surface"},
                  runDiagStorage});
}

}  // namespace reemploi::app
