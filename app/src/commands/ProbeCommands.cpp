// `reemploi probe`: the computer it runs on (the bench stick), as a snapshot printed, written to
// a file or sent to the workshop's server; `probe import` records a snapshot on its unit. They
// parse and print; the work is in diagnostics/probe.
#include <fstream>
#include <iomanip>

#include <reemploi/common/File.hpp>
#include <reemploi/diagnostics/probe/Probe.hpp>
#include <reemploi/diagnostics/probe/SnapshotImport.hpp>
#include <reemploi/diagnostics/probe/WipeTargets.hpp>
#include <reemploi/inventory/Domain.hpp>

#include "cli/Cli.hpp"
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

int runProbe(Context &ctx, const Args &args) {
    if (!args.positionals().empty())
        return ctx.fail(makeError(Errc::InvalidInput, "unexpected argument '" + args.positionals().front() +
                                                          "' (probe import FILE, probe wipe …)"));
    ProbeOptions options;
    if (auto root = args.option("root")) options.root = *root;
    options.driveHealth = !args.option("root");  // the disks themselves: only on this machine
    auto snapshot = probeMachine(options);
    if (!snapshot) return ctx.fail(snapshot.error());
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
    auto measured = importSnapshot(**db, *text, args.option("unit"), ctx.actor);
    if (!measured) return ctx.fail(Error(measured.error()).context(path));
    if (ctx.json) {
        json::Array changed;
        for (const auto &c : measured->changed) changed.add(c);
        ctx.out << json::Object().set("tag", measured->tag).set("matched_by", measured->matchedBy).raw("changed", changed.str()).str()
                << '\n';
        return 0;
    }
    if (measured->changed.empty()) {
        ctx.out << measured->tag << ": nothing new (this snapshot is already recorded)\n";
        return 0;
    }
    ctx.out << measured->tag << " (found by " << measured->matchedBy << "):";
    for (const auto &c : measured->changed) ctx.out << ' ' << c << (&c == &measured->changed.back() ? "" : ",");
    ctx.out << '\n';
    return 0;
}

int runProbeWipe(Context &ctx, const Args &args) {
    if (!args.positionals().empty())
        return ctx.fail(makeError(Errc::InvalidInput, "probe wipe takes no target: it finds the internal disks (name some with --disk)"));
    auto plan = planInternalWipe(args.option("root").value_or("/"), args.options("disk"));
    if (!plan) return ctx.fail(plan.error());
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
                                "[--certificate FILE] [--root DIR] [--json] [--workshop W] [--position P] [--location L] "
                                "[--contact C] [--destination D]",
                  "erase every internal disk of this computer at once (or those named with --disk), never the one the "
                  "running system is on; same methods, records and certificates as reemploi wipe",
                  {},
                  runProbeWipe});
}

}  // namespace reemploi::app
