// Tablets and phones for the web server: the bench's list, and the calls of `diag android`,
// `diag ios` and `wipe adb:…` with the server's settings.
#include "services/Tablets.hpp"

#include <filesystem>

#include <reemploi/diagnostics/DeviceTable.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/JsonViews.hpp>
#include <reemploi/inventory/Units.hpp>

namespace reemploi::app::tablets {

using namespace reemploi::diagnostics;
using namespace reemploi::diagnostics::android;

namespace {

AndroidOpenOptions openOptions(const TabletSettings &s) {
    AndroidOpenOptions o;
    o.keyPath = s.adbKeyPath;
    o.bus = s.usb;
    o.adb.promptWait = s.promptWait;
    return o;
}

Status checkKey(const TabletSettings &s) {
    if (s.adbKeyPath.empty())
        return makeError(Errc::InvalidInput, "no path for the bench's ADB key: a database on a server has no folder to keep "
                                             "it in; set adb.key in the server's configuration");
    return {};
}

Result<AndroidTarget> androidTarget(const std::string &target) {
    if (!target.starts_with("adb:"))
        return makeFieldError(Errc::InvalidInput, "target",
                              "target '" + target + "': expected adb:SERIAL or adb:HOST:PORT (an Android tablet or phone)");
    auto parsed = AndroidTarget::parse(target);
    if (!parsed) return makeFieldError(Errc::InvalidInput, "target", parsed.error().message);
    return parsed;
}

}  // namespace

std::string defaultAdbKeyPath(const std::string &database) {
    if (database.empty() || inventory::isServerLocation(database)) return {};
    return (std::filesystem::path(database).parent_path() / "keys" / "adb-rsa2048.pem").string();
}

json::Object BenchTablet::toJson() const {
    json::Object o;
    o.set("platform", platform).set("target", target).set("name", name).set("where", where).set("state", state);
    o.set("detail", detail);
    return o;
}

Result<std::vector<BenchTablet>> listTablets(UsbBus *bus, std::mutex &busMutex, const TabletSettings &settings,
                                             const inventory::Actor &actor) {
    REEMPLOI_TRY(inventory::requireRole(actor, inventory::Role::Trainee, "list the bench's tablets"));
    std::vector<BenchTablet> out;
    auto options = openOptions(settings);
    if (bus) {
        std::lock_guard lock(busMutex);
        auto devices = bus->list();
        if (!devices) return devices.error();
        std::map<std::string, AdbIdentity> identities;
        if (!settings.adbKeyPath.empty()) identities = identifyAdbDevices(*bus, *devices, options);
        for (const auto &d : *devices) {
            if (d.handler != Handler::AndroidAdb && d.handler != Handler::Mtp && d.handler != Handler::Apple) continue;
            BenchTablet t;
            t.platform = d.handler == Handler::Apple ? "ios" : "android";
            t.where = "usb " + d.portPath;
            t.name = d.displayName();
            if (d.handler == Handler::Apple) {
                t.target = "ios:" + d.serial.value_or("");
                t.state = "ready";
            } else if (d.handler == Handler::Mtp) {
                t.state = "no_debugging";
                t.detail = "USB debugging is off: Settings › About › tap \"Build number\" seven times, then Developer "
                           "options › USB debugging";
            } else {
                t.target = "adb:" + d.serial.value_or("");
                auto id = identities.find(d.portPath);
                if (id == identities.end()) {
                    t.state = settings.adbKeyPath.empty() ? "unreachable" : "ready";
                    if (settings.adbKeyPath.empty()) t.detail = "no ADB key configured (adb.key)";
                } else if (id->second.state == "unauthorized") {
                    t.state = "unauthorized";
                } else if (id->second.state.starts_with("unreachable")) {
                    t.state = "unreachable";
                    t.detail = id->second.state;
                } else {
                    t.state = "ready";
                    if (!id->second.model.empty()) t.name += " " + id->second.model;
                }
            }
            if (!d.accessible) {
                t.state = "no_access";
                t.detail = d.accessProblem + (d.accessHint.empty() ? "" : ": " + d.accessHint);
            }
            out.push_back(std::move(t));
        }
    }
    for (const auto &hostPort : settings.tcp) {
        BenchTablet t;
        t.platform = "android";
        t.target = "adb:" + hostPort;
        t.where = "tcp " + hostPort;
        auto target = AndroidTarget::parse(t.target);
        if (!target || settings.adbKeyPath.empty()) {
            t.state = "unreachable";
            t.detail = target ? "no ADB key configured (adb.key)" : target.error().message;
            out.push_back(std::move(t));
            continue;
        }
        // Listing never waits for a person: an untrusted key shows as "unauthorized".
        auto bounded = options;
        bounded.adb.timeout = std::chrono::milliseconds(2000);
        bounded.adb.promptWait = std::chrono::milliseconds(1);
        auto device = AndroidDevice::open(*target, bounded);
        if (device) {
            const auto &banner = (*device)->adb().banner();
            t.state = "ready";
            auto model = banner.properties.find("ro.product.model");
            if (model != banner.properties.end()) t.name = model->second;
            // The name a person knows ("Xiaomi Pad 6" rather than "23043RP34G"), from its properties.
            if (auto props = (*device)->adb().shell("getprop")) {
                AndroidFacts named;
                applyGetprop(parseGetprop(*props), named);
                if (auto plain = named.plainName(); !plain.empty()) t.name = plain;
            }
        } else if (device.error().message.find(kUnauthorized) != std::string::npos) {
            t.state = "unauthorized";
        } else {
            t.state = "unreachable";
            t.detail = device.error().message;
        }
        out.push_back(std::move(t));
    }
    return out;
}

Result<AndroidDiagnosis> diagnoseAndroidTablet(inventory::Database &db, const TabletSettings &settings,
                                               const std::string &target, const std::optional<std::string> &unitTag,
                                               const inventory::Actor &actor) {
    REEMPLOI_TRY(inventory::requireRole(actor, inventory::Role::Trainee, "diagnose a tablet"));
    auto parsed = androidTarget(target);
    if (!parsed) return parsed.error();
    REEMPLOI_TRY(checkKey(settings));
    return diagnoseAndroid(*parsed, openOptions(settings), unitTag ? &db : nullptr, unitTag, actor);
}

Result<AndroidWipeResult> resetAndroidTablet(inventory::Database &db, const TabletSettings &settings,
                                             const std::string &target, const std::string &unitTag,
                                             std::optional<std::int64_t> mediumId, const inventory::Actor &actor) {
    REEMPLOI_TRY(inventory::requireRole(actor, inventory::Role::Trainee, "reset a tablet"));
    AndroidWipeRequest request;
    auto parsed = androidTarget(target);
    if (!parsed) return parsed.error();
    REEMPLOI_TRY(checkKey(settings));
    request.target = *parsed;
    request.unitTag = unitTag;
    request.mediumId = mediumId;
    request.open = openOptions(settings);
    request.reset.rebootWait = settings.rebootWait;
    request.workshopKeyPath = settings.workshopKeyPath;
    request.workshop = settings.workshop;
    return wipeAndroid(db, request, actor);
}

json::Object resetJson(const AndroidWipeResult &r) {
    json::Object o;
    const bool reset = r.outcome.kind == ResetOutcome::Kind::Reset;
    o.set("reset", reset);
    o.set("outcome", reset ? "reset" : r.outcome.kind == ResetOutcome::Kind::RecoveryByHand ? "recovery_by_hand" : "refused");
    o.set("device_said", r.outcome.deviceSaid);
    o.set("android_sdk", r.facts.sdk);
    o.set("name", r.facts.plainName());
    if (reset) {
        o.set("level", storage::toString(r.level.level)).set("why", r.level.why).set("evidence", r.outcome.evidence);
        if (r.record) o.raw("record", inventory::toJson(*r.record).str());
        if (r.certificate) o.set("certificate", r.certificate->fields.id);
        if (!r.certificateProblem.empty()) o.set("certificate_problem", r.certificateProblem);
    }
    return o;
}

Result<ios::IosDiagnosis> diagnoseIosTablet(inventory::Database *db, const std::string &target,
                                            const std::optional<std::string> &unitTag, const inventory::Actor &actor) {
    REEMPLOI_TRY(inventory::requireRole(actor, inventory::Role::Trainee, "diagnose an iPad or iPhone"));
    if (!target.starts_with("ios:"))
        return makeFieldError(Errc::InvalidInput, "target", "target '" + target + "': expected ios:UDID (an iPad or iPhone)");
    if (unitTag && !db) return makeError(Errc::Internal, "diagnoseIosTablet: a unit without a database");
    if (unitTag) REEMPLOI_TRY(inventory::getUnit(*db, *unitTag));
    auto device = ios::openIosDevice(target.substr(4));
    if (!device) return device.error();
    return ios::diagnoseIos(**device, unitTag ? db : nullptr, unitTag, actor);
}

}  // namespace reemploi::app::tablets
