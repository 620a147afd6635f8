// `reemploi probe`: the computer it runs on (the bench stick), as a snapshot printed, written to
// a file or sent to the workshop's server; `probe import` records a snapshot (and the stick's
// wipes) on its unit; `probe wipe` erases the internal disks, recording into the workshop's
// database or, with --out, into the snapshot. They parse and print; the work is in diagnostics/probe.
#include <filesystem>
#include <fstream>
#include <iomanip>

#include <unistd.h>

#include <reemploi/common/File.hpp>
#include <reemploi/diagnostics/probe/InPlaceWipe.hpp>
#include <reemploi/diagnostics/probe/Probe.hpp>
#include <reemploi/diagnostics/probe/SnapshotImport.hpp>
#include <reemploi/diagnostics/probe/WipeTargets.hpp>
#include <reemploi/inventory/Domain.hpp>

#include "cli/Cli.hpp"
#include "cli/StopSignals.hpp"
#include "commands/WipeCommands.hpp"
#include "services/SnapshotUpload.hpp"

namespace reemploi::app {

using namespace reemploi::diagnostics::probe;

namespace {

std::string gb(std::int64_t bytes) { return inventory::formatCapacity(bytes); }

void printSnapshot(Context &ctx, const Snapshot &s) {
    auto &o = ctx.out;
    auto show = [&](const std::string &label, const std::string &v) {
        o << "  " << std::left << std::setw(14) << label << (v.empty() ? "-" : v) << '\n';
    };
    o << s.machine.vendor << ' ' << s.machine.model << " (" << s.machine.kind << ")\n";
    show("serial", s.machine.serial);
    show("BIOS date", s.machine.biosDate);
    show("processor", s.cpu.model + (s.cpu.threads ? ", " + std::to_string(s.cpu.cores) + " cores, " +
                                                         std::to_string(s.cpu.threads) + " threads"
                                                   : ""));
    std::string ram = s.memory.totalMib ? std::to_string(*s.memory.totalMib) + " MiB" : "";
    if (!s.memory.modules.empty()) {
        ram += " (";
        for (std::size_t i = 0; i < s.memory.modules.size(); ++i) {
            const auto &m = s.memory.modules[i];
            ram += (i ? ", " : "") + std::to_string(m.sizeMib) + " MiB " + m.type;
        }
        ram += ")";
    } else if (s.memory.source == "meminfo") {
        ram += " (estimated from the kernel's total)";
    }
    show("memory", ram);
    if (s.batteries.empty()) show("battery", "none");
    for (const auto &b : s.batteries)
        show("battery " + b.name, (b.healthPercent ? std::to_string(*b.healthPercent) + " % of design" : "not measured") +
                                      (b.cycleCount ? ", " + std::to_string(*b.cycleCount) + " cycles" : "") +
                                      (b.status.empty() ? "" : ", " + b.status));
    for (const auto &sc : s.screens) {
        std::ostringstream d;
        if (sc.diagonalInches) d << std::fixed << std::setprecision(1) << *sc.diagonalInches << "\", ";
        d << sc.nativeWidth << 'x' << sc.nativeHeight << ' ' << sc.manufacturer << (sc.internal ? " (built in)" : "");
        show("screen", d.str());
    }
    for (const auto &n : s.network) show("network", n.name + " " + n.kind + " " + n.mac);
    if (s.disks.empty()) show("disk", "none");
    for (const auto &d : s.disks)
    {
        show("disk " + d.name, d.transport + " " + d.model + ", " + gb(d.sizeBytes) +
                                   (d.serial.empty() ? "" : ", serial " + d.serial) + (d.rotational ? ", rotational" : ""));
        if (d.health && d.health->available)
            show("", std::string("health ") + (d.health->healthy ? (*d.health->healthy ? "passed" : "FAILING") : "unknown") +
                         (d.health->powerOnHours ? ", " + std::to_string(*d.health->powerOnHours) + " h" : "") +
                         (d.health->wearPercentLeft ? ", wear left " + std::to_string(*d.health->wearPercentLeft) + " %" : ""));
        else if (d.health)
            show("", "health not read: " + d.health->unavailableWhy);
    }
    for (const auto &u : s.unavailable) show("not read", u);
}

// The records a snapshot file of this machine holds stay when it is written again.
void keepWipesOf(Snapshot &snapshot, const std::string &path) {
    if (auto earlier = file::readRegularFile(path, 4'000'000)) keepEarlierWipes(snapshot, *earlier);
}

int runProbe(Context &ctx, const Args &args) {
    if (!args.positionals().empty())
        return ctx.fail(makeError(Errc::InvalidInput, "unexpected argument '" + args.positionals().front() +
                                                          "' (probe import FILE, probe wipe …)"));
    ProbeOptions options;
    if (auto root = args.option("root")) options.root = *root;
    options.driveHealth = !args.option("root");  // the disks themselves: only on this machine
    auto snapshot = probeMachine(options);
    if (!snapshot) return ctx.fail(snapshot.error());
    if (auto out = args.option("out")) keepWipesOf(*snapshot, *out);
    std::string json = snapshotJson(*snapshot);
    if (auto out = args.option("out")) {
        std::ofstream file(*out, std::ios::binary | std::ios::trunc);
        file << json << '\n';
        file.close();
        if (!file) return ctx.fail(makeError(Errc::Io, "cannot write " + *out));
        if (!ctx.quiet && !ctx.json) ctx.err << "snapshot written to " << *out << '\n';
    }
    if (auto server = args.option("server")) {
        snapshots::UploadOptions upload;
        upload.serverUrl = *server;
        upload.user = args.option("user").value_or("");
        upload.unitTag = args.option("unit");
        upload.password = ctx.settings.probePassword;
        if (upload.password.empty() && !upload.user.empty()) {
            ctx.err << "password for " << upload.user << ": " << std::flush;
            std::getline(ctx.in, upload.password);
        }
        auto answer = snapshots::uploadSnapshot(upload, json);
        if (!answer) return ctx.fail(answer.error());
        if (ctx.json) ctx.out << *answer << '\n';
        else ctx.out << "sent to " << *server << ": " << *answer << '\n';
        return 0;
    }
    if (ctx.json) ctx.out << json << '\n';
    else if (!args.option("out")) printSnapshot(ctx, *snapshot);
    return 0;
}

int runProbeImport(Context &ctx, const Args &args) {
    if (args.positionals().size() != 1)
        return ctx.fail(makeError(Errc::InvalidInput, "give one snapshot file: reemploi probe import SNAPSHOT.json"));
    const auto &path = args.positionals().front();
    auto text = file::readRegularFile(path, 4'000'000);
    if (!text) return ctx.fail(text.error());
    auto db = ctx.db();
    if (!db) return ctx.fail(db.error());
    auto imported = importSnapshot(**db, *text, args.option("unit"), ctx.actor,
                                   ImportSigning{ctx.settings.keyPath, ctx.settings.workshop});
    if (!imported) return ctx.fail(Error(imported.error()).context(path));
    const auto &measured = imported->measurement;
    if (ctx.json) {
        json::Array changed, wipes;
        for (const auto &c : measured.changed) changed.add(c);
        for (const auto &w : imported->wipes) {
            wipes.add(toJson(w));
        }
        ctx.out << json::Object().set("tag", measured.tag).set("matched_by", measured.matchedBy).raw("changed", changed.str())
                       .raw("wipes", wipes.str()).str()
                << '\n';
        return 0;
    }
    bool anyNewWipe = false;
    for (const auto &w : imported->wipes) anyNewWipe = anyNewWipe || !w.alreadyRecorded;
    if (measured.changed.empty() && !anyNewWipe) {
        ctx.out << measured.tag << ": nothing new (this snapshot is already recorded)\n";
        return 0;
    }
    ctx.out << measured.tag << " (found by " << measured.matchedBy << ")";
    if (!measured.changed.empty()) ctx.out << ":";
    for (const auto &c : measured.changed) ctx.out << ' ' << c << (&c == &measured.changed.back() ? "" : ",");
    ctx.out << '\n';
    for (const auto &w : imported->wipes) {
        ctx.out << "  " << w.disk << " (serial " << w.serial << ", medium #" << w.mediumId << "): wipe "
                << inventory::toString(w.record.result) << ", record #" << w.record.id;
        if (w.alreadyRecorded) ctx.out << " (already recorded)";
        else if (!w.record.certificateId.empty()) ctx.out << ", certificate " << w.record.certificateId << " signed " << w.signedWhere;
        ctx.out << '\n';
    }
    return 0;
}

// On a stick without the workshop's database: the records go into the snapshot written to `out`.
int runProbeWipeToSnapshot(Context &ctx, const Args &args, const WipePlan &plan, const std::string &out) {
    auto method = args.required("method");
    if (!method) return ctx.fail(method.error());
    InPlaceWipeConfig config;
    config.targets = plan.targets;
    config.method = *method;
    if (auto v = args.option("verify")) {
        auto parsed = diagnostics::storage::parseVerification(*v);
        if (!parsed || *parsed == diagnostics::storage::Verification::None)
            return ctx.fail(makeError(Errc::InvalidInput, "--verify: '" + *v + "' is not full or sample"));
        config.verification = *parsed;
    }
    config.workshop = ctx.settings.workshop;
    auto given = [&](const char *option, std::string &field) {
        if (auto v = args.option(option); v && !v->empty()) field = *v;
    };
    given("workshop", config.workshop.workshop);
    given("position", config.workshop.position);
    given("location", config.workshop.location);
    given("contact", config.workshop.contact);
    given("destination", config.workshop.destination);
    config.operatorName = ctx.actor.name;
    config.unitTag = args.option("unit");
    config.keyPath = ctx.settings.keyPath;
    for (const char *option : {"medium", "certificate"})
        if (args.option(option))
            return ctx.fail(makeError(Errc::InvalidInput, std::string("--") + option + " needs the workshop's database: with --out, "
                                                                                 "the bench credits each disk by its serial at import"));

    // The records must have somewhere to go before anything is erased.
    {
        namespace fs = std::filesystem;
        std::error_code ec;
        fs::path folder = fs::path(out).parent_path();
        bool writable = fs::exists(out, ec) ? ::access(out.c_str(), W_OK) == 0
                                            : ::access((folder.empty() ? fs::path(".") : folder).c_str(), W_OK) == 0;
        if (!writable || fs::is_directory(out, ec))
            return ctx.fail(makeError(Errc::InvalidInput, "--out " + out + ": cannot be written (nothing was erased)"));
    }

    ProbeOptions probe;
    if (auto root = args.option("root")) probe.root = *root;
    probe.driveHealth = !args.option("root");
    auto snapshot = probeMachine(probe);
    if (!snapshot) return ctx.fail(snapshot.error());
    keepWipesOf(*snapshot, out);

    std::vector<std::string> targets;
    for (const auto &t : plan.targets) targets.push_back(t.path);
    diagnostics::CancelToken cancel;
    StopSignals signals(&cancel);
    Result<std::vector<InPlaceWipeResult>> results = makeError(Errc::Internal, "not run");
    withWipeProgress(ctx, targets, [&](diagnostics::storage::WipeObserver &o) { results = wipeInPlace(config, &o, cancel); });
    if (!results) return ctx.fail(results.error());

    int exitCode = cancel.cancelled() ? 1 : 0;
    for (const auto &r : *results) {
        snapshot->wipes.push_back(r.record);
        const auto &w = r.record;
        if (w.result != "passed") exitCode = 1;
        if (ctx.json) {
            json::Object o;
            o.set("event", "result").set("target", r.target).set("disk", w.disk).set("serial", w.serial);
            o.set("result", w.result).set("method", w.method).set("level", w.level).set("verification", w.verification);
            o.set("verification_result", w.verificationResult).set("bytes_written", w.bytesWritten);
            if (r.signedOnMachine) o.set("signed", std::string(diagnostics::storage::kSignedOnTheMachine));
            else o.null("signed");
            if (!w.failure.empty()) o.set("failure", w.failure);
            ctx.out << o.str() << std::endl;
            continue;
        }
        ctx.out << r.target << ": " << w.result << " (" << w.method << ", NIST " << w.level << ", verify " << w.verification
                << ": " << w.verificationResult << ")\n";
        ctx.out << "  " << w.bytesWritten << " bytes in " << std::fixed << std::setprecision(1) << w.durationSeconds << " s; ";
        if (r.signedOnMachine) ctx.out << "certificate signed on this machine (the stick holds the workshop key)\n";
        else if (w.result == "passed") ctx.out << "no workshop key here: the bench checks the record and signs it at import\n";
        else ctx.out << "why: " << w.failure << '\n';
        if (!r.certificateProblem.empty()) ctx.err << "reemploi: " << r.target << ": " << r.certificateProblem << '\n';
    }
    std::ofstream file(out, std::ios::binary | std::ios::trunc);
    file << snapshotJson(*snapshot) << '\n';
    file.close();
    if (!file) return ctx.fail(makeError(Errc::Io, "cannot write " + out + " (the wipes' records are lost: write it elsewhere)"));
    if (!ctx.quiet && !ctx.json) ctx.err << "snapshot with " << snapshot->wipes.size() << " wipe record(s) written to " << out << '\n';
    return exitCode;
}

int runProbeWipe(Context &ctx, const Args &args) {
    if (!args.positionals().empty())
        return ctx.fail(makeError(Errc::InvalidInput, "probe wipe takes no target: it finds the internal disks (name some with --disk)"));
    auto plan = planInternalWipe(args.option("root").value_or("/"), args.options("disk"));
    if (!plan) return ctx.fail(plan.error());
    if (auto out = args.option("out")) {
        for (const auto &note : plan->notes) ctx.err << "reemploi: " << note << '\n';
        return runProbeWipeToSnapshot(ctx, args, *plan, *out);
    }
    for (const auto &note : plan->notes) ctx.err << "reemploi: " << note << '\n';
    std::vector<std::string> targets;
    for (const auto &t : plan->targets) {
        targets.push_back(t.path);
        if (!ctx.json && !ctx.quiet)
            ctx.err << "reemploi: wiping " << t.name << " (" << t.disk.transport << ' ' << t.disk.model << ", "
                    << gb(t.disk.sizeBytes) << (t.disk.serial.empty() ? "" : ", serial " + t.disk.serial) << ")\n";
    }
    return runWipeOn(ctx, args, targets);
}

}  // namespace

void registerProbeCommands(CommandRegistry &registry) {
    registry.add({"probe", "[--root DIR] [--json] [--out FILE] [--server URL --user NAME [--unit TAG]]",
                  "read the computer this runs on (DMI, processor, memory, batteries, screens, network, internal disks); "
                  "print it, write the snapshot (--out), or send it to the workshop's server (--server; password from "
                  "REEMPLOI_PASSWORD or standard input)",
                  {},
                  runProbe});
    registry.add({"probe import", "SNAPSHOT.json [--unit TAG]",
                  "record a probe snapshot on its unit (found by make and serial, or --unit): measured values, "
                  "storage media with their serials; refused if the serial belongs to another unit",
                  {},
                  runProbeImport});
    registry.add({"probe wipe", "--unit TAG --method M --verify full|sample [--disk NAME]... [--medium ID|new]... "
                                "[--certificate FILE] [--out SNAPSHOT.json] [--root DIR] [--json] [--workshop W] [--position P] "
                                "[--location L] [--contact C] [--destination D]",
                  "erase every internal disk of this computer at once (or those named with --disk), never the one the "
                  "running system is on; same methods, records and certificates as reemploi wipe; with --out, no "
                  "database: the records go into the snapshot (signed here only if the workshop key is present; else "
                  "the bench signs them at import)",
                  {},
                  runProbeWipe});
}

}  // namespace reemploi::app
