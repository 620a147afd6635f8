// The coordinators' lists and settings: schools, needs (families' references: coordinators
// only), allocation pins, donors' links. Parse, call one service, answer.
#include <reemploi/inventory/JsonViews.hpp>
#include <reemploi/inventory/Schools.hpp>
#include <reemploi/inventory/allocation/AllocationService.hpp>

#include "http/JsonBody.hpp"
#include "http/Router.hpp"
#include "services/DonorLinks.hpp"

namespace reemploi::app::http {

using namespace reemploi::inventory;
namespace alloc = reemploi::inventory::allocation;

namespace {

Response schoolsRoute(Call &call) {
    REEMPLOI_HTTP_TRY(schools, listSchools(call.db));
    json::Array out;
    for (const auto &s : *schools) out.add(toJson(s));
    return jsonResponse(out);
}

Response needsRoute(Call &call) {
    std::optional<NeedStatus> status;
    if (auto s = call.request.queryValue("status")) {
        auto parsed = parseNeedStatus(*s);
        if (!parsed) return errorResponse(makeFieldError(Errc::InvalidInput, "status", parsed.error().message));
        status = *parsed;
    }
    REEMPLOI_HTTP_TRY(needs, listNeeds(call.db, status));
    json::Array out;
    for (const auto &n : *needs) out.add(toJson(n, NeedAudience::Coordinator));
    return jsonResponse(out);
}

Response pinsRoute(Call &call) {
    REEMPLOI_HTTP_TRY(pins, alloc::listPins(call.db));
    json::Array out;
    for (const auto &p : *pins) out.add(alloc::toJson(p));
    return jsonResponse(out);
}

// {unit, need} pins, {unit, exclude:true} excludes, {unit, clear:true} lifts either.
Response setPinRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    REEMPLOI_HTTP_TRY(unit, body->text("unit"));
    REEMPLOI_HTTP_TRY(need, body->optionalText("need"));
    REEMPLOI_HTTP_TRY(exclude, body->flag("exclude"));
    REEMPLOI_HTTP_TRY(clear, body->flag("clear"));
    int chosen = (*need ? 1 : 0) + (*exclude ? 1 : 0) + (*clear ? 1 : 0);
    if (chosen != 1)
        return errorResponse(makeFieldError(Errc::InvalidInput, "need", "give exactly one of need, exclude:true, clear:true"));
    Status done = *need ? alloc::pinUnit(call.db, *unit, **need, call.actor)
                        : *exclude ? alloc::excludeUnit(call.db, *unit, call.actor)
                                   : alloc::clearPin(call.db, *unit, call.actor);
    if (!done) return errorResponse(done.error());
    json::Object out;
    out.set("unit", *unit).set("kind", *need ? "pin" : *exclude ? "exclude" : "cleared");
    if (*need) out.set("need", **need);
    else out.raw("need", "null");
    return jsonResponse(out);
}

Response createDonorLinkRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    REEMPLOI_HTTP_TRY(donation, body->integer("donation"));
    if (!*donation) return errorResponse(makeFieldError(Errc::InvalidInput, "donation", "donation: is required"));
    REEMPLOI_HTTP_TRY(days, body->integer("days"));
    if (*days && (**days < 1 || **days > 3650))
        return errorResponse(makeFieldError(Errc::InvalidInput, "days", "days: 1 to 3650"));
    auto lifetime = *days ? std::chrono::seconds(**days * 24 * 60 * 60) : call.state.config.donorLinkLifetime;
    REEMPLOI_HTTP_TRY(link, donorlinks::createLink(call.db, **donation, lifetime, call.actor));
    std::string base = call.state.config.publicUrl();
    if (!base.empty() && base.back() == '/') base.pop_back();
    return jsonResponse(json::Object()
                            .set("url", base + "/donateur.html#" + link->token)
                            .set("donation", link->donationId)
                            .set("expires_at", link->expiresAt),
                        201);
}

Response revokeDonorLinksRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    REEMPLOI_HTTP_TRY(donation, body->integer("donation"));
    if (!*donation) return errorResponse(makeFieldError(Errc::InvalidInput, "donation", "donation: is required"));
    REEMPLOI_HTTP_TRY(revoked, donorlinks::revokeLinks(call.db, **donation, call.actor));
    return jsonResponse(json::Object().set("donation", **donation).set("revoked", *revoked));
}

}  // namespace

void addCoordinationRoutes(Router &r) {
    r.add({"GET", "/api/schools", Access::Trainee, schoolsRoute, "the schools"});
    r.add({"GET", "/api/needs", Access::Coordinator, needsRoute, "the families' needs (?status=open|served|withdrawn)"});
    r.add({"GET", "/api/pins", Access::Coordinator, pinsRoute, "the allocation's pins and exclusions"});
    r.add({"POST", "/api/pins", Access::Coordinator, setPinRoute,
           "pin a unit to a need {unit, need}, exclude it {unit, exclude:true} or lift either {unit, clear:true}"});
    r.add({"POST", "/api/donor-links", Access::Coordinator, createDonorLinkRoute,
           "a link for a donor: {donation, days?} → {url, expires_at}"});
    r.add({"POST", "/api/donor-links/revoke", Access::Coordinator, revokeDonorLinksRoute,
           "revoke every link of a donation: {donation}"});
}

}  // namespace reemploi::app::http
