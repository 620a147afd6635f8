// Commands of the USB bench: `diag list` (what is plugged in) and `diag watch` (arrivals and
// departures until interrupted). Neither needs the database.
#include <mutex>

#include <reemploi/common/Json.hpp>
#include <reemploi/diagnostics/UsbBus.hpp>
#include <reemploi/diagnostics/android/AndroidDevice.hpp>

#include "cli/Cli.hpp"
#include "cli/StopSignals.hpp"
#include "commands/DiagAndroidCommands.hpp"

namespace reemploi::app {

using namespace reemploi::diagnostics;

namespace {

int runDiagList(Context &ctx, const Args &args) {
    if (!args.positionals().empty())
        return ctx.fail(makeError(Errc::InvalidInput, "diag list takes no arguments, got '" + args.positionals()[0] + "'"));
    auto bus = UsbBus::open(ctx.settings.usbBus());
    if (!bus) return ctx.fail(bus.error());
    auto devices = (*bus)->list();
    if (!devices) return ctx.fail(devices.error());
    // Tablets with USB debugging: what they say once connected (never waiting on their prompt).
    android::AndroidOpenOptions adb;
    adb.keyPath = ctx.settings.adbKeyPath;
    auto identities = android::identifyAdbDevices(**bus, *devices, adb);
    if (ctx.json) {
        json::Array all;
        for (const auto &d : *devices) {
            auto o = d.toJson();
            if (auto id = identities.find(d.portPath); id != identities.end())
                o.set("adb", json::Object().set("state", id->second.state).set("model", id->second.model));
            all.add(o);
        }
        ctx.out << all.str() << '\n';
        return 0;
    }
    if (devices->empty()) ctx.out << "no USB device found\n";
    for (const auto &d : *devices) {
        ctx.out << d.toLine();
        if (auto id = identities.find(d.portPath); id != identities.end()) ctx.out << "  " << id->second.line();
        ctx.out << '\n';
    }
    return 0;
}

int runDiagWatch(Context &ctx, const Args &args) {
    if (!args.positionals().empty())
        return ctx.fail(makeError(Errc::InvalidInput, "diag watch takes no arguments, got '" + args.positionals()[0] + "'"));
    // SIGINT and SIGTERM end the watch cleanly (caught from here on).
    StopSignals signals;
    auto bus = UsbBus::open(ctx.settings.usbBus());
    if (!bus) return ctx.fail(bus.error());
    std::mutex printing;
    const bool json = ctx.json;
    auto started = (*bus)->watch(
        [&](const UsbEvent &event) {
            std::lock_guard guard(printing);
            ctx.out << (json ? event.toJson().str() : event.toLine()) << std::endl;  // one line, at once
        },
        args.flag("present"));
    if (!started) return ctx.fail(started.error());
    if (!ctx.quiet) ctx.err << "watching the USB bus (Ctrl-C to stop)" << std::endl;
    signals.waitForStop();
    (*bus)->stopWatching();
    return 0;
}

}  // namespace

void registerDiagCommands(CommandRegistry &registry) {
    registry.add({"diag list", "[--json]",
                  "list the USB devices plugged in: where, what, serial, speed, handler, quirks, access", {}, runDiagList});
    registry.add({"diag watch", "[--present] [--json]",
                  "print one line per USB arrival or departure until interrupted (--present: report those "
                  "already plugged in first)",
                  {"present"}, runDiagWatch});
    registerAndroidCommands(registry);
    registerIosCommands(registry);
}

}  // namespace reemploi::app
