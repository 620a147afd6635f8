// Wipes over HTTP: the methods, starting a session (WipeManager: its own connection, live events
// "wipe-progress" and "wipe-result"), reading and cancelling sessions; and the certificates.
#include <sstream>

#include <Poco/Base64Encoder.h>

#include <reemploi/diagnostics/storage/Certificate.hpp>
#include <reemploi/diagnostics/storage/WipeSession.hpp>
#include <reemploi/inventory/Sanitization.hpp>

#include "http/JsonBody.hpp"
#include "http/Router.hpp"
#include "services/WipeManager.hpp"

namespace reemploi::app::http {

using namespace reemploi::diagnostics::storage;

namespace {

Response wipeMethodsRoute(Call &) { return jsonResponse(wipeMethodsJson()); }

// {targets:[{target, unit, medium?: ID|"new"}], method, verify?: "full"|"sample"}
Response startWipeRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    wipes::WipeRequest request;
    REEMPLOI_HTTP_TRY(method, body->text("method"));
    request.method = *method;
    REEMPLOI_HTTP_TRY(verify, body->optionalText("verify"));
    if (*verify) {
        auto parsed = parseVerification(**verify);
        if (!parsed || *parsed == Verification::None)
            return errorResponse(makeFieldError(Errc::InvalidInput, "verify", "verify: '" + **verify + "' is not full or sample"));
        request.verification = *parsed;
    }
    REEMPLOI_HTTP_TRY(targets, body->objects("targets"));
    for (std::size_t i = 0; i < targets->size(); ++i) {
        const auto &t = (*targets)[i];
        const std::string field = "targets[" + std::to_string(i) + "]";
        wipes::WipeTargetRequest target;
        REEMPLOI_HTTP_TRY(path, t.text("target"));
        target.target = *path;
        REEMPLOI_HTTP_TRY(unit, t.text("unit"));
        target.unitTag = *unit;
        if (t.has("medium")) {
            // An id (number or text) or "new".
            auto asText = t.optionalText("medium");
            std::string medium;
            if (asText && *asText) {
                medium = **asText;
            } else {
                REEMPLOI_HTTP_TRY(id, t.integer("medium"));
                medium = std::to_string(id->value_or(0));
            }
            REEMPLOI_HTTP_TRY(choice, wipes::parseMediumChoice(medium, field + ".medium"));
            target.medium = *choice;
        }
        request.targets.push_back(std::move(target));
    }
    REEMPLOI_HTTP_TRY(session, call.state.wipes->start(std::move(request), call.actor));
    return jsonResponse(*session, 201);
}

Response listWipesRoute(Call &call) { return jsonResponse(call.state.wipes->list()); }

Response getWipeRoute(Call &call) {
    REEMPLOI_HTTP_TRY(session, call.state.wipes->get(call.request.param("id")));
    return jsonResponse(*session);
}

// {target?: the target's path or index}: without it, the whole session.
Response cancelWipeRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    std::optional<std::string> target;
    if (body->has("target")) {
        if (auto asText = body->optionalText("target"); asText && *asText) {
            target = **asText;
        } else {
            REEMPLOI_HTTP_TRY(index, body->integer("target"));
            target = std::to_string(index->value_or(-1));
        }
    }
    REEMPLOI_HTTP_TRY(session, call.state.wipes->cancel(call.request.param("id"), target));
    return jsonResponse(*session);
}

// A certificate as issued: the signed canonical JSON, its signature in a header.
Response certificateRoute(Call &call) {
    REEMPLOI_HTTP_TRY(record, inventory::getSanitizationByCertificate(call.db, call.request.param("id")));
    if (record->certificateJson.empty()) return errorResponse(404, "not_found", "no such certificate");
    Response r = jsonResponse(record->certificateJson);
    // Ed25519 is deterministic: the workshop's key signs the stored bytes as it did when issuing.
    if (auto key = WorkshopKey::load(call.state.wipes->defaults().keyPath); key && key->canSign())
        if (auto signature = key->sign(record->certificateJson)) {
            std::ostringstream b64;
            Poco::Base64Encoder encoder(b64);
            encoder.rdbuf()->setLineLength(0);
            encoder << *signature;
            encoder.close();
            r.header("X-Signature-Ed25519", b64.str()).header("X-Key-Fingerprint", key->fingerprint());
        }
    r.header("Content-Disposition", "inline; filename=\"" + record->certificateId + ".json\"");
    return r;
}

}  // namespace

void addWipeRoutes(Router &r) {
    r.add({"GET", "/api/wipe-methods", Access::Trainee, wipeMethodsRoute, "the wipe methods and their NIST levels"});
    r.add({"POST", "/api/wipes", Access::Trainee, startWipeRoute,
           "start a wipe session {targets:[{target, unit, medium?}], method, verify?}"});
    r.add({"GET", "/api/wipes", Access::Trainee, listWipesRoute, "the running and last finished wipe sessions"});
    r.add({"GET", "/api/wipes/{id}", Access::Trainee, getWipeRoute, "a wipe session, its targets' progress and results"});
    r.add({"POST", "/api/wipes/{id}/cancel", Access::Trainee, cancelWipeRoute,
           "cancel a wipe session, or one target {target?}"});
    r.add({"GET", "/api/certificates/{id}", Access::Trainee, certificateRoute, "a sanitization certificate as issued (signed JSON)"});
}

}  // namespace reemploi::app::http
