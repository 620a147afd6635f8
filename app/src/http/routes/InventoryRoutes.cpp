// Units, donors, donations, the stock and the audit trail: parse, call one service, answer.
#include <reemploi/inventory/Accessories.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/JsonViews.hpp>
#include <reemploi/inventory/Lifecycle.hpp>
#include <reemploi/inventory/MediumSpec.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Units.hpp>
#include <reemploi/inventory/Views.hpp>

#include "http/JsonBody.hpp"
#include "http/Router.hpp"

namespace reemploi::app::http {

using namespace reemploi::inventory;

namespace {

Response listUnitsRoute(Call &call) {
    UnitFilter filter;
    if (auto s = call.request.queryValue("status")) {
        auto status = parseUnitStatus(*s);
        if (!status) return errorResponse(makeFieldError(Errc::InvalidInput, "status", status.error().message));
        filter.status = *status;
    }
    if (auto k = call.request.queryValue("kind")) {
        auto kind = parseUnitKind(*k);
        if (!kind) return errorResponse(makeFieldError(Errc::InvalidInput, "kind", kind.error().message));
        filter.kind = *kind;
    }
    if (auto d = call.request.queryValue("donation")) {
        try {
            filter.donationId = std::stoll(*d);
        } catch (...) {
            return errorResponse(makeFieldError(Errc::InvalidInput, "donation", "donation: '" + *d + "' is not a number"));
        }
    }
    if (auto site = call.request.queryValue("site")) filter.site = *site;
    REEMPLOI_HTTP_TRY(scoped, scopeToActor(call.actor, filter));
    REEMPLOI_HTTP_TRY(units, listUnits(call.db, *scoped));
    json::Array out;
    for (const auto &u : *units) out.add(toJson(u));
    return jsonResponse(out);
}

Response addUnitRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    NewUnit u;
    REEMPLOI_HTTP_TRY(donation, body->integer("donation"));
    if (!*donation) return errorResponse(makeFieldError(Errc::InvalidInput, "donation", "donation: is required"));
    u.donationId = **donation;
    REEMPLOI_HTTP_TRY(kindText, body->text("kind"));
    auto kind = parseUnitKind(*kindText);
    if (!kind) return errorResponse(makeFieldError(Errc::InvalidInput, "kind", kind.error().message));
    u.kind = *kind;
    REEMPLOI_HTTP_TRY(serial, body->text("serial"));
    u.serial = *serial;
    struct TextField {
        const char *key;
        std::string *field;
    };
    for (auto [key, field] : {TextField{"make", &u.make}, TextField{"model", &u.model}, TextField{"donor_tag", &u.donorTag},
                              TextField{"cpu", &u.specs.cpu}, TextField{"keyboard", &u.specs.keyboardLayout},
                              TextField{"os", &u.specs.os}, TextField{"location", &u.location}, TextField{"notes", &u.notes}}) {
        REEMPLOI_HTTP_TRY(value, body->optionalText(key));
        if (*value) *field = **value;
    }
    REEMPLOI_HTTP_TRY(ram, body->integer("ram_mib"));
    u.specs.ramMib = *ram;
    REEMPLOI_HTTP_TRY(battery, body->integer("battery"));
    u.specs.batteryHealthPercent = *battery;
    REEMPLOI_HTTP_TRY(screen, body->number("screen_inches"));
    u.specs.screenInches = *screen;
    REEMPLOI_HTTP_TRY(grade, body->optionalText("grade"));
    if (*grade && !(*grade)->empty()) {
        auto g = parseGrade(**grade);
        if (!g) return errorResponse(makeFieldError(Errc::InvalidInput, "grade", g.error().message));
        u.grade = *g;
    }
    REEMPLOI_HTTP_TRY(storage, body->texts("storage"));
    for (const auto &s : *storage) {
        REEMPLOI_HTTP_TRY(medium, parseMediumSpec(s));
        u.storage.push_back(*medium);
    }
    REEMPLOI_HTTP_TRY(unit, addUnit(call.db, u, call.actor));
    return jsonResponse(toJson(*unit), 201);
}

// The unit as a scan shows it: its fields, media and sanitization records, and the statuses a
// person may move it to (the full page, with history, is /api/units/{tag}/detail).
Response getUnitRoute(Call &call) {
    REEMPLOI_HTTP_TRY(detail, unitDetail(call.db, call.request.param("tag"), {.history = false, .media = false}));
    json::Array sanitization;
    for (const auto &r : detail->sanitization) sanitization.add(toJson(r));
    json::Array next;
    for (auto s : detail->nextStatuses) next.add(toString(s));
    return jsonResponse(toJson(detail->unit)
                            .raw("sanitization", sanitization.str())
                            .raw("next_statuses", next.str())
                            .set("attached_to", detail->unit.attachedTo)
                            .raw("accessories", accessoriesJson(detail->accessories).str()));
}

// A printer's or an accessory's check: {"test_page": true|false} or {"works": true|false}, "notes".
Response unitCheckRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    bool page = body->has("test_page"), works = body->has("works");
    if (page == works)
        return errorResponse(makeFieldError(Errc::InvalidInput, "test_page",
                                            "give test_page (a printer) or works (an accessory): true or false"));
    REEMPLOI_HTTP_TRY(passed, body->flag(page ? "test_page" : "works"));
    REEMPLOI_HTTP_TRY(notes, body->optionalText("notes"));
    REEMPLOI_HTTP_TRY(unit, recordUnitCheck(call.db, call.request.param("tag"), *passed, notes->value_or(""), call.actor));
    return jsonResponse(toJson(*unit));
}

// {"accessory": TAG}: attaches it to the unit of the path.
Response attachAccessoryRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    REEMPLOI_HTTP_TRY(accessory, body->text("accessory"));
    REEMPLOI_HTTP_TRY(unit, attachAccessory(call.db, *accessory, call.request.param("tag"), call.actor));
    return jsonResponse(json::Object().set("accessory", unit->tag).set("attached_to", unit->attachedTo), 201);
}

Response detachAccessoryRoute(Call &call) {
    const auto &tag = call.request.param("tag");
    REEMPLOI_HTTP_TRY(unit, detachAccessory(call.db, call.request.param("accessory"), call.actor, tag));
    return jsonResponse(json::Object().set("accessory", unit->tag).set("detached_from", tag));
}

Response setStatusRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    REEMPLOI_HTTP_TRY(statusText, body->text("status"));
    auto status = parseUnitStatus(*statusText);
    if (!status) return errorResponse(makeFieldError(Errc::InvalidInput, "status", status.error().message));
    REEMPLOI_HTTP_TRY(reason, body->text("reason"));
    REEMPLOI_HTTP_TRY(unit, setStatus(call.db, call.request.param("tag"), *status, *reason, call.actor));
    return jsonResponse(toJson(*unit));
}

Response unitHistoryRoute(Call &call) {
    const auto &tag = call.request.param("tag");
    REEMPLOI_HTTP_TRY(unit, getUnit(call.db, tag));
    REEMPLOI_HTTP_TRY(events, listEvents(call.db, "unit", unit->tag));
    json::Array out;
    for (const auto &e : *events) out.add(toJson(e));
    return jsonResponse(out);
}

Response listDonorsRoute(Call &call) {
    REEMPLOI_HTTP_TRY(donors, listDonors(call.db));
    json::Array out;
    for (const auto &d : *donors) out.add(toJson(d));
    return jsonResponse(out);
}

Response addDonorRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    NewDonor d;
    REEMPLOI_HTTP_TRY(name, body->text("name"));
    d.name = *name;
    REEMPLOI_HTTP_TRY(kindText, body->optionalText("kind"));
    auto kind = parseDonorKind(kindText->value_or("company"));
    if (!kind) return errorResponse(makeFieldError(Errc::InvalidInput, "kind", kind.error().message));
    d.kind = *kind;
    REEMPLOI_HTTP_TRY(email, body->optionalText("email"));
    d.email = email->value_or("");
    REEMPLOI_HTTP_TRY(donor, addDonor(call.db, d, call.actor));
    return jsonResponse(toJson(*donor), 201);
}

Response listDonationsRoute(Call &call) {
    std::optional<std::int64_t> donor;
    if (auto d = call.request.queryValue("donor")) {
        try {
            donor = std::stoll(*d);
        } catch (...) {
            return errorResponse(makeFieldError(Errc::InvalidInput, "donor", "donor: '" + *d + "' is not a number"));
        }
    }
    REEMPLOI_HTTP_TRY(donations, listDonations(call.db, donor));
    json::Array out;
    for (const auto &d : *donations) out.add(toJson(d));
    return jsonResponse(out);
}

Response addDonationRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    NewDonation d;
    REEMPLOI_HTTP_TRY(donor, body->integer("donor"));
    if (!*donor) return errorResponse(makeFieldError(Errc::InvalidInput, "donor", "donor: is required"));
    d.donorId = **donor;
    REEMPLOI_HTTP_TRY(received, body->text("received"));
    d.received = *received;
    REEMPLOI_HTTP_TRY(site, body->optionalText("site"));
    d.site = site->value_or("");
    REEMPLOI_HTTP_TRY(notes, body->optionalText("notes"));
    d.notes = notes->value_or("");
    REEMPLOI_HTTP_TRY(donation, addDonation(call.db, d, call.actor));
    return jsonResponse(toJson(*donation), 201);
}

Response auditVerifyRoute(Call &call) {
    REEMPLOI_HTTP_TRY(report, verifyAudit(call.db));
    return jsonResponse(toJson(*report));
}

}  // namespace

void addInventoryRoutes(Router &r) {
    r.add({"GET", "/api/units", Access::Trainee, listUnitsRoute, "list units (?status=&kind=&donation=&site=; a bench account sees its workshop)"});
    r.add({"POST", "/api/units", Access::Trainee, addUnitRoute, "register a unit (the fields of `unit add`)"});
    r.add(cacheable({"GET", "/api/units/{tag}", Access::Trainee, getUnitRoute, "a unit, its storage, sanitization and next statuses"}));
    r.add({"GET", "/api/units/{tag}/history", Access::Trainee, unitHistoryRoute, "a unit's audit events"});
    r.add({"POST", "/api/units/{tag}/status", Access::Trainee, setStatusRoute, "move a unit: {status, reason}"});
    r.add({"POST", "/api/units/{tag}/check", Access::Trainee, unitCheckRoute,
           "a printer's or an accessory's check: {test_page | works: true|false, notes}"});
    r.add({"POST", "/api/units/{tag}/accessories", Access::Trainee, attachAccessoryRoute,
           "attach an accessory to the unit: {accessory}"});
    r.add({"DELETE", "/api/units/{tag}/accessories/{accessory}", Access::Trainee, detachAccessoryRoute,
           "detach an accessory from the unit"});
    r.add({"GET", "/api/donors", Access::Coordinator, listDonorsRoute, "list donors"});
    r.add({"POST", "/api/donors", Access::Coordinator, addDonorRoute, "register a donor: {name, kind, email}"});
    r.add({"GET", "/api/donations", Access::Trainee, listDonationsRoute, "list donations (?donor=)"});
    r.add({"POST", "/api/donations", Access::Coordinator, addDonationRoute, "register a donation: {donor, received, site, notes}"});
    r.add({"GET", "/api/audit/verify", Access::Coordinator, auditVerifyRoute, "walk the audit chain and replay it against the tables"});
}

}  // namespace reemploi::app::http
