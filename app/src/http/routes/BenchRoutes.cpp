// The bench's routes: a unit's page, the stock figures, field edits, storage media and the
// scan-in-a-row action. Parse, call one service, answer.
#include <reemploi/inventory/JsonViews.hpp>
#include <reemploi/inventory/MediumSpec.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Storage.hpp>
#include <reemploi/inventory/Units.hpp>
#include <reemploi/inventory/Views.hpp>

#include "http/JsonBody.hpp"
#include "http/Router.hpp"
#include "services/ScanActions.hpp"

namespace reemploi::app::http {

using namespace reemploi::inventory;

namespace {

Response stockRoute(Call &call) {
    UnitFilter asked;
    if (auto site = call.request.queryValue("site")) asked.site = *site;
    REEMPLOI_HTTP_TRY(scoped, scopeToActor(call.actor, asked));
    REEMPLOI_HTTP_TRY(summary, stockSummary(call.db, scoped->site));
    return jsonResponse(toJson(*summary));
}

Response detailRoute(Call &call) {
    REEMPLOI_HTTP_TRY(detail, unitDetail(call.db, call.request.param("tag")));
    return jsonResponse(toJson(*detail));
}

Response patchUnitRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    UnitPatch patch;
    struct TextField {
        const char *key;
        std::optional<std::string> *field;
    };
    for (auto [key, field] :
         {TextField{"make", &patch.make}, TextField{"model", &patch.model}, TextField{"serial", &patch.serial},
          TextField{"donor_tag", &patch.donorTag}, TextField{"location", &patch.location},
          TextField{"notes", &patch.notes}, TextField{"cpu", &patch.cpu}, TextField{"keyboard", &patch.keyboardLayout},
          TextField{"os", &patch.os}, TextField{"site", &patch.site}}) {
        REEMPLOI_HTTP_TRY(value, body->optionalText(key));
        *field = *value;
    }
    REEMPLOI_HTTP_TRY(ram, body->integer("ram_mib"));
    patch.ramMib = *ram;
    REEMPLOI_HTTP_TRY(battery, body->integer("battery"));
    patch.batteryHealthPercent = *battery;
    REEMPLOI_HTTP_TRY(screen, body->number("screen_inches"));
    patch.screenInches = *screen;
    REEMPLOI_HTTP_TRY(grade, body->optionalText("grade"));
    if (*grade) {
        auto g = parseGrade(**grade);
        if (!g) return errorResponse(makeFieldError(Errc::InvalidInput, "grade", g.error().message));
        patch.grade = *g;
    }
    REEMPLOI_HTTP_TRY(unit, updateUnit(call.db, call.request.param("tag"), patch, call.actor));
    return jsonResponse(toJson(*unit));
}

Response addStorageRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    REEMPLOI_HTTP_TRY(spec, body->text("spec"));
    auto medium = parseMediumSpec(*spec);
    if (!medium) return errorResponse(makeFieldError(Errc::InvalidInput, "spec", medium.error().message));
    REEMPLOI_HTTP_TRY(added, addMedium(call.db, call.request.param("tag"), *medium, call.actor));
    return jsonResponse(toJson(*added), 201);
}

Response destroyMediumRoute(Call &call) {
    const auto &idText = call.request.param("id");
    std::int64_t id = 0;
    try {
        std::size_t used = 0;
        id = std::stoll(idText, &used);
        if (used != idText.size()) throw std::invalid_argument("trailing");
    } catch (...) {
        return errorResponse(makeFieldError(Errc::InvalidInput, "id", "id: '" + idText + "' is not a number"));
    }
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    REEMPLOI_HTTP_TRY(how, body->text("how"));
    REEMPLOI_HTTP_TRY(medium, markMediumDestroyed(call.db, id, *how, call.actor));
    return jsonResponse(toJson(*medium));
}

Response declareStorageRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    REEMPLOI_HTTP_TRY(kindText, body->text("kind"));
    auto kind = parseStorageAbsence(*kindText);
    if (!kind) return errorResponse(makeFieldError(Errc::InvalidInput, "kind", kind.error().message));
    REEMPLOI_HTTP_TRY(reason, body->text("reason"));
    REEMPLOI_HTTP_TRY(declaration, declareStorage(call.db, call.request.param("tag"), *kind, *reason, call.actor));
    return jsonResponse(json::Object()
                            .set("kind", toString(declaration->kind))
                            .set("reason", declaration->reason)
                            .set("actor", declaration->actor)
                            .set("declared_at", declaration->declaredAt),
                        201);
}

Response factoryResetRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    FactoryReset reset;
    REEMPLOI_HTTP_TRY(medium, body->integer("medium"));
    reset.mediumId = *medium;
    REEMPLOI_HTTP_TRY(checked, body->flag("checked_setup_screen"));
    reset.checkedSetupScreen = *checked;
    REEMPLOI_HTTP_TRY(record, recordFactoryReset(call.db, call.request.param("tag"), reset, call.actor));
    return jsonResponse(toJson(*record), 201);
}

// A refusal is an answer here, not a failure: the page lists it in red and the next scan goes on.
// Only malformed requests (no action, no code) are HTTP errors.
Response scanActionRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    scan::ScanRequest request;
    REEMPLOI_HTTP_TRY(actionText, body->text("action"));
    REEMPLOI_HTTP_TRY(action, scan::parseScanAction(*actionText));
    request.action = *action;
    REEMPLOI_HTTP_TRY(code, body->text("code"));
    request.code = *code;
    REEMPLOI_HTTP_TRY(shelf, body->optionalText("shelf"));
    request.shelf = shelf->value_or("");
    REEMPLOI_HTTP_TRY(need, body->optionalText("need"));
    request.need = need->value_or("");
    auto unit = scan::applyScanAction(call.db, request, call.actor);
    json::Object out;
    out.set("action", *actionText).set("code", request.code);
    if (unit) return jsonResponse(out.raw("unit", toJson(*unit).str()).set("result", "ok").set("message", ""));
    // "reason" lets the page say what to do in the reader's language; "message" names the rule.
    const char *reason = nullptr;
    switch (unit.error().code) {
    case Errc::InvalidInput: reason = "invalid"; break;
    case Errc::NotFound: reason = "not_found"; break;
    case Errc::Conflict: reason = "conflict"; break;
    case Errc::Refused: reason = "refused"; break;
    case Errc::Forbidden: reason = "forbidden"; break;
    default: return errorResponse(unit.error());
    }
    return jsonResponse(
        out.raw("unit", "null").set("result", "error").set("reason", reason).set("message", unit.error().message));
}

}  // namespace

void addBenchRoutes(Router &r) {
    r.add(cacheable({"GET", "/api/stock", Access::Trainee, stockRoute,
                     "the stock by status and kind (?site=; a bench account sees its workshop)"}));
    r.add(cacheable({"GET", "/api/units/{tag}/detail", Access::Trainee, detailRoute,
                     "a unit's page: storage, sanitization, history, next statuses"}));
    r.add({"PATCH", "/api/units/{tag}", Access::Trainee, patchUnitRoute, "edit a unit's fields (those of `unit set`)"});
    r.add({"POST", "/api/units/{tag}/storage", Access::Trainee, addStorageRoute, "add a storage medium: {spec}"});
    r.add({"POST", "/api/media/{id}/destroy", Access::Trainee, destroyMediumRoute,
           "record a medium's physical destruction: {how}"});
    r.add({"POST", "/api/units/{tag}/declare-storage", Access::Trainee, declareStorageRoute,
           "declare storage removed or absent: {kind, reason}"});
    r.add({"POST", "/api/units/{tag}/factory-reset", Access::Trainee, factoryResetRoute,
           "record a manual factory reset: {medium?, checked_setup_screen}"});
    r.add({"POST", "/api/scan-actions", Access::Trainee, scanActionRoute,
           "one scan in a row: {action, code, shelf?, need?} → {unit, result, message}"});
}

}  // namespace reemploi::app::http
