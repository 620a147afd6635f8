// Tablets and phones over HTTP: what is plugged in, a diagnosis (battery, storage, lock state)
// stored on a unit, the factory reset with its honest outcome, and a unit's device lock. The same
// services as `diag android`, `diag ios` and `wipe adb:…` (services/Tablets.hpp).
#include <reemploi/inventory/DeviceLocks.hpp>
#include <reemploi/inventory/JsonViews.hpp>

#include "http/JsonBody.hpp"
#include "http/Router.hpp"
#include "services/Tablets.hpp"

namespace reemploi::app::http {

namespace {

tablets::TabletSettings settingsOf(const ServerState &state) {
    const auto &c = state.config;
    tablets::TabletSettings s;
    s.adbKeyPath = c.adbKeyPath.empty() ? tablets::defaultAdbKeyPath(c.database) : c.adbKeyPath;
    s.promptWait = std::chrono::seconds(c.adbPromptSeconds);
    s.rebootWait = std::chrono::seconds(c.adbRebootSeconds);
    s.tcp = c.adbTcp;
    s.usb = {c.usbIdsPath, c.devicesTablePath};
    if (state.wipes) {
        s.workshopKeyPath = state.wipes->defaults().keyPath;
        s.workshop = state.wipes->defaults().workshop;
    }
    return s;
}

Response listRoute(Call &call) {
    REEMPLOI_HTTP_TRY(list, tablets::listTablets(call.state.usb.get(), call.state.usbMutex, settingsOf(call.state), call.actor));
    json::Array all;
    for (const auto &t : *list) all.add(t.toJson());
    json::Object o;
    o.raw("devices", all.str()).set("usb", call.state.usb != nullptr);
    return jsonResponse(o);
}

// {target: "adb:…" | "ios:…", unit?}
Response diagnoseRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    REEMPLOI_HTTP_TRY(target, body->text("target"));
    REEMPLOI_HTTP_TRY(unit, body->optionalText("unit"));
    if (target->starts_with("ios:")) {
        REEMPLOI_HTTP_TRY(d, tablets::diagnoseIosTablet(&call.db, *target, *unit, call.actor));
        auto o = d->facts.toJson();
        o.set("platform", "ios").set("where", d->where).set("name", "Apple " + d->facts.productType);
        if (d->unit) o.raw("unit", inventory::toJson(*d->unit).str());
        return jsonResponse(o);
    }
    REEMPLOI_HTTP_TRY(d, tablets::diagnoseAndroidTablet(call.db, settingsOf(call.state), *target, *unit, call.actor));
    auto o = d->facts.toJson();
    o.set("platform", "android").set("where", d->where);
    if (d->unit) o.raw("unit", inventory::toJson(*d->unit).str());
    return jsonResponse(o);
}

// {target: "adb:…", unit, medium?}: 200 with {reset: true|false, outcome, …}; a device that would
// not reset itself is an answer (what to do by hand), not an error.
Response resetRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    REEMPLOI_HTTP_TRY(target, body->text("target"));
    REEMPLOI_HTTP_TRY(unit, body->text("unit"));
    REEMPLOI_HTTP_TRY(medium, body->integer("medium"));
    REEMPLOI_HTTP_TRY(r, tablets::resetAndroidTablet(call.db, settingsOf(call.state), *target, *unit, *medium, call.actor));
    return jsonResponse(tablets::resetJson(*r));
}

Response lockRoute(Call &call) {
    REEMPLOI_HTTP_TRY(lock, inventory::getDeviceLock(call.db, call.request.param("tag")));
    json::Object o;
    o.set("unit", call.request.param("tag"));
    if (*lock) {
        o.set("lock", (*lock)->lock).set("state", (*lock)->state).set("detail", (*lock)->detail);
        o.set("checked_at", (*lock)->checkedAt);
    } else {
        o.set("state", "not_checked");
    }
    return jsonResponse(o);
}

}  // namespace

void addTabletRoutes(Router &r) {
    r.add({"GET", "/api/tablets", Access::Trainee, listRoute,
           "tablets and phones on the bench: USB (Android with or without debugging, Apple) and the configured network ones"});
    r.add({"POST", "/api/tablets/diagnose", Access::Trainee, diagnoseRoute,
           "a tablet's facts (battery, storage, lock state), stored on the unit when given: {target, unit?}"});
    r.add({"POST", "/api/tablets/reset", Access::Trainee, resetRoute,
           "an Android tablet's factory reset over ADB, recorded when it happened: {target, unit, medium?}"});
    r.add({"GET", "/api/units/{tag}/device-lock", Access::Trainee, lockRoute,
           "a unit's last activation lock reading (off, on, unknown, or not_checked)"});
}

}  // namespace reemploi::app::http
