// Commands for tablets and phones over ADB: `diag android` (facts, optionally stored on a unit)
// and the `wipe adb:…` branch of `wipe` (the factory reset, recorded). They parse and print; the
// work is in diagnostics/android (AndroidBench.hpp).
#include <iomanip>
#include <sstream>

#include <reemploi/diagnostics/android/AndroidBench.hpp>
#include <reemploi/inventory/JsonViews.hpp>

#include "cli/Cli.hpp"
#include "commands/DiagAndroidCommands.hpp"

namespace reemploi::app {

using namespace reemploi::diagnostics::android;

namespace {

AndroidOpenOptions openOptions(const Context &ctx) {
    AndroidOpenOptions o;
    o.keyPath = ctx.settings.adbKeyPath;
    o.bus = ctx.settings.usbBus();
    o.adb.promptWait = std::chrono::seconds(ctx.settings.adbPromptSeconds);
    return o;
}

std::string bytes(const std::optional<std::int64_t> &b) {
    if (!b) return "";
    std::ostringstream o;
    o << std::fixed << std::setprecision(1) << *b / 1e9 << " GB";
    return o.str();
}

template <class T>
std::string text(const std::optional<T> &v, const std::string &unit = "") {
    if (!v) return "";
    std::ostringstream o;
    o << *v << unit;
    return o.str();
}

std::string yesNo(const std::optional<bool> &v) { return v ? (*v ? "yes" : "no") : ""; }

void printFacts(Context &ctx, const AndroidFacts &f, const std::string &where) {
    auto &o = ctx.out;
    auto show = [&](const char *label, const std::string &v) {
        o << "  " << std::left << std::setw(20) << label << (v.empty() ? "-" : v) << '\n';
    };
    o << f.manufacturer << ' ' << f.model << " (" << f.kind << ") on " << where << '\n';
    show("brand / device", f.brand + " / " + f.device);
    show("serial", f.serial);
    show("Android", f.androidVersion + (f.sdk ? " (SDK " + std::to_string(*f.sdk) + ")" : ""));
    show("build", f.fingerprint);
    if (f.battery.read) {
        const auto &b = f.battery;
        show("battery", text(b.levelPercent, "%") + ", health " + b.health + ", " + b.status);
        show("battery temp/volt", text(b.temperatureC, " °C") + ", " + text(b.voltageMv, " mV"));
        show("charge cycles", text(b.cycles));
        show("battery capacity", text(b.healthPercent, "% of design"));
    } else {
        show("battery", "");
    }
    show("storage (/data)", bytes(f.dataTotalBytes) + (f.dataFreeBytes ? ", " + bytes(f.dataFreeBytes) + " free" : ""));
    show("RAM", f.ramBytes ? text(std::optional<std::int64_t>(*f.ramBytes / (1024 * 1024)), " MiB") : "");
    std::string screen;
    if (f.screenWidthPx) screen = std::to_string(*f.screenWidthPx) + "x" + std::to_string(*f.screenHeightPx) + " px";
    if (f.densityDpi) screen += (screen.empty() ? "" : ", ") + std::to_string(*f.densityDpi) + " dpi";
    if (f.screenInches) screen += (screen.empty() ? "" : ", ") + text(f.screenInches, "\"");
    show("screen", screen);
    show("encryption", std::string(toString(f.encryption)));
    show("Google accounts", text(f.googleAccounts));
    show("FRP data block", f.persistentDataBlock ? "present" : "absent");
    show("account lock risk", f.accountLockRisk() ? "YES: remove the Google account before the reset" : "no");
    show("bootloader unlocked", yesNo(f.bootloaderUnlocked));
    show("OEM unlock allowed", yesNo(f.oemUnlockAllowed));
    show("root possible", yesNo(f.rootPossible));
    for (const auto &u : f.unavailable) show("not read", u);
}

int runDiagAndroid(Context &ctx, const Args &args) {
    if (!args.positionals().empty())
        return ctx.fail(makeError(Errc::InvalidInput, "diag android takes no arguments (give --serial S or --tcp HOST:PORT), got '" +
                                                          args.positionals()[0] + "'"));
    auto serial = args.option("serial");
    auto tcp = args.option("tcp");
    if (serial && tcp) return ctx.fail(makeError(Errc::InvalidInput, "give --serial or --tcp, not both"));
    auto target = AndroidTarget::parse("adb:" + (tcp ? *tcp : serial.value_or("")));
    if (!target) return ctx.fail(target.error());
    if (tcp && target->tcp.empty())
        return ctx.fail(makeFieldError(Errc::InvalidInput, "tcp", "--tcp " + *tcp + ": expected HOST:PORT"));
    if (serial && !target->tcp.empty())
        return ctx.fail(makeFieldError(Errc::InvalidInput, "serial", "--serial " + *serial + ": a serial has no ':'"));
    auto unit = args.option("unit");
    inventory::Database *db = nullptr;
    if (unit) {
        auto opened = ctx.db();
        if (!opened) return ctx.fail(opened.error());
        db = *opened;
    }
    auto diagnosis = diagnoseAndroid(*target, openOptions(ctx), db, unit, ctx.actor);
    if (!diagnosis) return ctx.fail(diagnosis.error());
    if (ctx.json) {
        auto o = diagnosis->facts.toJson();
        o.set("where", diagnosis->where);
        if (diagnosis->unit) o.raw("unit", inventory::toJson(*diagnosis->unit).str());
        ctx.out << o.str() << '\n';
        return 0;
    }
    printFacts(ctx, diagnosis->facts, diagnosis->where);
    if (diagnosis->unit) ctx.out << "stored on " << diagnosis->unit->tag << '\n';
    return 0;
}

}  // namespace

bool isAndroidWipeTarget(const std::string &target) { return target.starts_with("adb:"); }

int runAndroidWipe(Context &ctx, const Args &args) {
    const auto &targets = args.positionals();
    if (targets.size() != 1)
        return ctx.fail(makeError(Errc::InvalidInput, "an Android device is wiped alone: reemploi wipe adb:SERIAL --unit TAG "
                                                      "--method android-factory-reset"));
    AndroidWipeRequest request;
    auto target = AndroidTarget::parse(targets[0]);
    if (!target) return ctx.fail(target.error());
    request.target = *target;
    auto unit = args.required("unit");
    if (!unit) return ctx.fail(unit.error());
    request.unitTag = *unit;
    auto method = args.required("method");
    if (!method) return ctx.fail(method.error());
    request.method = *method;
    if (args.option("verify"))
        return ctx.fail(makeError(Errc::InvalidInput, "--verify: a factory reset is verified by the device's restart, "
                                                      "not by reading it back; leave --verify out"));
    if (auto m = args.option("medium"); m && *m != "new") {
        auto id = args.integer("medium");
        if (!id) return ctx.fail(id.error());
        request.mediumId = *id;
    }
    request.open = openOptions(ctx);
    request.reset.rebootWait = std::chrono::seconds(ctx.settings.adbRebootSeconds);
    request.workshopKeyPath = ctx.settings.keyPath;
    request.workshop = ctx.settings.workshop;
    if (auto c = args.option("certificate")) request.certificatePath = *c;
    auto dbr = ctx.db();
    if (!dbr) return ctx.fail(dbr.error());
    auto result = wipeAndroid(**dbr, request, ctx.actor);
    if (!result) return ctx.fail(result.error());
    const auto &r = *result;
    if (r.outcome.kind != ResetOutcome::Kind::Reset) {
        std::string why = r.outcome.deviceSaid.empty() ? "it accepted the request but did not restart"
                                                       : "it answered: " + r.outcome.deviceSaid;
        std::string next = r.outcome.kind == ResetOutcome::Kind::RecoveryByHand
                               ? "It is restarting into recovery: choose \"Wipe data/factory reset\" there (volume keys "
                                 "to move, power to choose), wait for the first-setup screen, then record it with: "
                                 "reemploi unit factory-reset " + request.unitTag + " --checked-setup-screen"
                               : "Reset it from Settings › System › Reset options, then record it with: reemploi unit "
                                 "factory-reset " + request.unitTag + " --checked-setup-screen";
        if (ctx.json) {
            json::Object o;
            o.set("event", "result").set("target", targets[0]).set("reset", false);
            o.set("outcome", r.outcome.kind == ResetOutcome::Kind::RecoveryByHand ? "recovery_by_hand" : "refused");
            o.set("device_said", r.outcome.deviceSaid).set("next", next);
            ctx.out << o.str() << '\n';
        }
        return ctx.fail(makeError(Errc::Unsupported, targets[0] + ": the device would not reset itself over ADB (" + why +
                                                         "). Nothing is recorded. " + next));
    }
    if (ctx.json) {
        json::Object o;
        o.set("event", "result").set("target", targets[0]).set("reset", true);
        o.set("level", toString(r.level.level)).set("why", r.level.why).set("evidence", r.outcome.evidence);
        if (r.record) o.raw("record", inventory::toJson(*r.record).str());
        if (r.certificate) o.set("certificate", r.certificate->fields.id);
        if (!r.certificateProblem.empty()) o.set("certificate_problem", r.certificateProblem);
        ctx.out << o.str() << '\n';
    } else {
        ctx.out << targets[0] << ": reset (" << kAndroidFactoryResetMethod << ", NIST "
                << diagnostics::storage::toString(r.level.level) << ")\n";
        ctx.out << "  why this level: " << r.level.why << '\n';
        ctx.out << "  evidence: " << r.outcome.evidence << '\n';
        if (r.record) ctx.out << "  record #" << r.record->id << " on unit " << request.unitTag << ", medium #"
                              << r.record->mediumId << '\n';
        if (r.certificate) ctx.out << "  certificate " << r.certificate->fields.id << '\n';
        if (r.files) ctx.out << "  written " << r.files->json << ", " << r.files->signature << ", " << r.files->pdf << '\n';
        if (!r.certificateProblem.empty()) ctx.out << "  the reset is recorded, but " << r.certificateProblem << '\n';
    }
    return 0;
}

void registerAndroidCommands(CommandRegistry &registry) {
    registry.add({"diag android", "[--serial S | --tcp HOST:PORT] [--unit TAG] [--json]",
                  "a tablet's or phone's facts over ADB (model, Android, battery, storage, RAM, screen, encryption, "
                  "Google accounts, FRP, root); --unit stores them on the unit",
                  {}, runDiagAndroid});
}

}  // namespace reemploi::app
