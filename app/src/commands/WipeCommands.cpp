// Commands for drives: wipe (with certificates), wipe methods, cert verify / pubkey,
// diag storage. They parse and print; the work is in diagnostics/storage.
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>
#include <unistd.h>

#include <reemploi/common/Json.hpp>
#include <reemploi/diagnostics/storage/Certificate.hpp>
#include <reemploi/diagnostics/storage/StorageDiagnostics.hpp>
#include <reemploi/diagnostics/storage/WipeService.hpp>
#include <reemploi/inventory/JsonViews.hpp>
#include <reemploi/inventory/Sanitization.hpp>

#include "cli/Cli.hpp"

namespace reemploi::app {

using namespace reemploi::diagnostics::storage;

namespace {

std::atomic<bool> gInterrupted{false};

extern "C" void onInterruptSignal(int) { gInterrupted.store(true); }

// SIGINT/SIGTERM stop the wipe between two writes so that it is recorded as interrupted.
class InterruptGuard {
public:
    InterruptGuard() {
        gInterrupted = false;
        struct sigaction sa {};
        sa.sa_handler = onInterruptSignal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &_oldInt);
        sigaction(SIGTERM, &sa, &_oldTerm);
    }
    ~InterruptGuard() {
        sigaction(SIGINT, &_oldInt, nullptr);
        sigaction(SIGTERM, &_oldTerm, nullptr);
    }

private:
    struct sigaction _oldInt {}, _oldTerm {};
};

std::string formatEta(std::optional<double> eta) {
    if (!eta || !std::isfinite(*eta)) return "--:--";
    long s = std::lround(*eta);
    char buf[32];
    if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    else std::snprintf(buf, sizeof buf, "%02ld:%02ld", s / 60, s % 60);
    return buf;
}

// Progress of several wipes at once: JSON lines, or a block of bars redrawn on a terminal.
class ProgressPrinter {
public:
    ProgressPrinter(Context &ctx, std::vector<std::string> targets)
        : _ctx(ctx), _targets(std::move(targets)), _lines(_targets.size()),
          _tty(!ctx.json && ::isatty(STDOUT_FILENO) && &ctx.out == &std::cout) {}

    void update(std::size_t i, const WipeProgress &p) {
        std::lock_guard lock(_m);
        if (_ctx.json) {
            json::Object o;
            o.set("event", "progress").set("target", _targets[i]).set("phase", p.phase);
            o.set("pass", p.pass).set("passes", p.passes).set("bytes_done", p.bytesDone).set("bytes_total", p.bytesTotal);
            o.set("percent", std::round(p.percent * 10) / 10).set("mb_s", std::round(p.mbPerSecond * 10) / 10);
            if (p.etaSeconds) o.set("eta_s", std::round(*p.etaSeconds));
            else o.null("eta_s");
            _ctx.out << o.str() << std::endl;
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
        redraw();
    }

    void done() {
        std::lock_guard lock(_m);
        if (_tty && _drawn) _ctx.out << '\n';
    }

private:
    void redraw() {
        if (_drawn) _ctx.out << "\x1b[" << _lines.size() << "F";
        for (const auto &l : _lines) _ctx.out << "\x1b[2K" << l << '\n';
        _ctx.out << std::flush;
        _drawn = true;
    }

    Context &_ctx;
    std::vector<std::string> _targets;
    std::vector<std::string> _lines;
    bool _tty;
    bool _drawn = false;
    std::mutex _m;
};

std::string readBinary(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// With several targets, FILE gets the certificate's unit and target name inserted before
// its extension, so that each disk has its own certificate.
std::string certificatePathFor(const std::string &given, const std::string &target, std::size_t count) {
    if (count == 1) return given;
    std::filesystem::path p(given);
    std::string name = target.substr(target.rfind('/') + 1);
    auto stem = p.stem().string() + "-" + name;
    return (p.parent_path() / (stem + p.extension().string())).string();
}

int runWipe(Context &ctx, const Args &args) {
    const auto &targets = args.positionals();
    if (targets.empty())
        return ctx.fail(makeError(Errc::InvalidInput, "expected at least one target: reemploi wipe TARGET... --unit TAG "
                                                      "--method M --verify full|sample"));
    auto units = args.options("unit");
    if (units.empty()) return ctx.fail(makeError(Errc::InvalidInput, "missing --unit"));
    if (units.size() != 1 && units.size() != targets.size())
        return ctx.fail(makeError(Errc::InvalidInput, "give one --unit for all targets, or one per target (" +
                                                          std::to_string(targets.size()) + ")"));
    auto method = args.required("method");
    if (!method) return ctx.fail(method.error());
    std::optional<Verification> verification;
    if (auto v = args.option("verify")) {
        auto parsed = parseVerification(*v);
        if (!parsed || *parsed == Verification::None)
            return ctx.fail(makeError(Errc::InvalidInput, "--verify: '" + *v + "' is not full or sample"));
        verification = *parsed;
    }
    auto dbr = ctx.db();
    if (!dbr) return ctx.fail(dbr.error());
    auto &db = **dbr;

    WorkshopInfo given;
    given.workshop = args.option("workshop").value_or("");
    given.position = args.option("position").value_or("");
    given.location = args.option("location").value_or("");
    given.contact = args.option("contact").value_or("");
    given.destination = args.option("destination").value_or("");
    auto workshop = workshopInfoFromEnvironment(given, ctx.dbPath);
    // The key is loaded (or created) before anything is erased, so a wipe never ends uncertified.
    if (auto key = WorkshopKey::loadOrCreate(workshop.keyPath); !key)
        return ctx.fail(key.error().withContext("workshop key"));

    // Every target is opened and checked before the first record is written.
    std::vector<std::unique_ptr<WipeJob>> jobs;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        WipeRequest req;
        req.target = targets[i];
        req.unitTag = units.size() == 1 ? units[0] : units[i];
        req.method = *method;
        req.verification = verification;
        if (auto c = args.option("certificate")) req.certificatePath = certificatePathFor(*c, targets[i], targets.size());
        auto job = WipeJob::prepare(db, req);
        if (!job) return ctx.fail(job.error().withContext(targets[i]));
        jobs.push_back(std::move(*job));
    }
    for (auto &job : jobs)
        if (auto st = job->begin(db, ctx.actor); !st) return ctx.fail(st.error().withContext(job->request().target));

    InterruptGuard guard;
    ProgressPrinter printer(ctx, targets);
    std::mutex dbMutex;
    std::vector<WipeReport> reports(jobs.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        threads.emplace_back([&, i] {
            WipeOptions o;
            o.cancel = &gInterrupted;
            o.onProgress = [&, i](const WipeProgress &p) { printer.update(i, p); };
            o.checkpointInterval = std::chrono::seconds(60);
            o.onCheckpoint = [&, i](std::uint64_t lba, std::uint64_t bytes) {
                std::lock_guard lock(dbMutex);
                (void)jobs[i]->checkpoint(db, lba, bytes, ctx.actor);
            };
            reports[i] = jobs[i]->run(o);
        });
    }
    for (auto &t : threads) t.join();
    printer.done();

    int exitCode = 0;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        const auto &report = reports[i];
        auto result = jobs[i]->finish(db, report, workshop, ctx.actor);
        if (!result) {
            ctx.fail(result.error().withContext(targets[i]));
            exitCode = 1;
            continue;
        }
        if (report.outcome != WipeOutcome::Passed) exitCode = 1;
        if (ctx.json) {
            json::Object o;
            o.set("event", "result").set("target", targets[i]).set("unit", jobs[i]->request().unitTag);
            o.set("result", toString(report.outcome)).set("method", report.method).set("level", toString(report.level));
            o.set("verification", toString(report.verification)).set("verification_result", report.verificationResult);
            o.set("bytes_written", report.bytesWritten).set("bytes_verified", report.bytesVerified);
            o.set("duration_s", report.durationSeconds).set("mb_s", std::round(report.writeMBps() * 10) / 10);
            if (report.lastLba) o.set("last_lba", *report.lastLba);
            else o.null("last_lba");
            o.raw("errors", errorsJson(report.errors)).set("recommend_destroy", report.recommendDestroy);
            if (!report.failure.empty()) o.set("failure", report.failure);
            o.set("medium_id", static_cast<std::int64_t>(jobs[i]->medium().id));
            o.set("record", inventory::toJson(result->record));
            if (result->certificate) o.set("certificate_id", result->certificate->fields.id);
            if (result->files) {
                json::Object f;
                f.set("json", result->files->json).set("signature", result->files->signature).set("pdf", result->files->pdf);
                o.set("certificate_files", f);
            }
            ctx.out << o.str() << std::endl;
            continue;
        }
        auto &out = ctx.out;
        out << targets[i] << ": " << toString(report.outcome) << " (" << report.method << ", NIST "
            << toString(report.level) << ", verify " << toString(report.verification) << ": "
            << report.verificationResult << ")\n";
        out << "  " << report.bytesWritten << " bytes in " << std::fixed << std::setprecision(1)
            << report.durationSeconds << " s, " << report.writeMBps() << " MB/s; record #" << result->record.id
            << " on unit " << jobs[i]->request().unitTag << '\n';
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
        if (result->certificate) out << "  certificate " << result->certificate->fields.id << '\n';
        if (result->files)
            out << "  written " << result->files->json << ", " << result->files->signature << ", " << result->files->pdf
                << '\n';
    }
    if (gInterrupted) return exitCode ? exitCode : 1;
    return exitCode;
}

int runWipeMethods(Context &ctx, const Args &) {
    if (ctx.json) {
        json::Array a;
        for (const auto &m : wipeMethods()) {
            json::Object o;
            o.set("id", m.id).set("label", m.label).set("level_magnetic", toString(m.levelMagnetic));
            o.set("level_flash", toString(m.levelFlash)).set("verification", toString(m.defaultVerification));
            json::Array passes;
            for (auto p : m.passes) passes.add(toString(p));
            o.raw("passes", passes.str()).set("note", m.note);
            a.add(o);
        }
        ctx.out << a.str() << '\n';
        return 0;
    }
    for (const auto &m : wipeMethods())
        ctx.out << std::left << std::setw(20) << m.id << " HDD " << std::setw(6) << toString(m.levelMagnetic)
                << " flash " << std::setw(6) << toString(m.levelFlash) << ' ' << m.label << '\n';
    return 0;
}

int runCertPubkey(Context &ctx, const Args &args) {
    auto path = args.option("key").value_or(defaultKeyPath(ctx.dbPath));
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
    else key = WorkshopKey::load(defaultKeyPath(ctx.dbPath));
    if (!key) return ctx.fail(key.error().withContext("verification key"));
    std::string text = readBinary(file), sig = readBinary(sigPath);

    // The issued text, when this workshop's database has it, lets the check name changed fields.
    std::optional<std::string> issued;
    if (auto id = certificateIdOf(text); id && std::filesystem::exists(ctx.dbPath)) {
        if (auto db = ctx.db())
            if (auto rec = inventory::getSanitizationByCertificate(**db, *id)) issued = rec->certificateJson;
    }
    auto check = verifyCertificate(text, sig, *key, issued);
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
    auto target = openTarget(args.positionals()[0], false);
    if (!target) return ctx.fail(target.error());
    StorageReport report;
    report.info = (*target)->info();
    report.smart = (*target)->smart();
    if (auto hidden = (*target)->hiddenSectors(); !hidden) report.hiddenArea = "not checked: " + hidden.error().message;
    else report.hiddenArea = *hidden == 0 ? "none" : std::to_string(*hidden) + " sectors hidden (HPA)";
    if (args.flag("surface")) {
        InterruptGuard guard;
        ProgressPrinter printer(ctx, {args.positionals()[0]});
        SurfaceOptions o;
        o.cancel = &gInterrupted;
        o.onProgress = [&](const WipeProgress &p) { printer.update(0, p); };
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
    registry.add({"wipe", "TARGET... --unit TAG --method M --verify full|sample [--certificate FILE] [--json] [--workshop W]"
                  " [--position P] [--location L] [--contact C] [--destination D]",
                  "erase drives (files, block devices, usb:PORT) to NIST SP 800-88, record it, issue a signed certificate",
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
