// Wipes over HTTP: the methods, starting a session (WipeManager: its own connection, live events
// "wipe-progress" and "wipe-result"), reading and cancelling sessions; and the certificates.
#include <sstream>

#include <Poco/Base64Encoder.h>

#include <reemploi/diagnostics/storage/Certificate.hpp>
#include <reemploi/diagnostics/storage/WipeSession.hpp>
#include <reemploi/inventory/Sanitization.hpp>

#include "http/JsonBody.hpp"
#include "http/Router.hpp"
#include "http/routes/CertificateResponse.hpp"
#include "services/CertificateDocuments.hpp"
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

std::string base64(const std::string &bytes) {
    std::ostringstream b64;
    Poco::Base64Encoder encoder(b64);
    encoder.rdbuf()->setLineLength(0);
    encoder << bytes;
    encoder.close();
    return b64.str();
}

}  // namespace

// A certificate as issued, for `GET /api/certificates/{id}[/pdf]` and a donor's link: the signed
// canonical JSON with its signature in a header, or its PDF.
Response certificateResponse(Call &call, std::optional<std::int64_t> donationId, bool pdf) {
    REEMPLOI_HTTP_TRY(doc, certificates::issuedCertificate(call.db, call.request.param("id"),
                                                             call.state.wipes->defaults().keyPath, donationId));
    const std::string disposition = donationId ? "attachment" : "inline";
    if (pdf) {
        // ?lang=en: the English page; French otherwise, as the reports.
        REEMPLOI_HTTP_TRY(bytes, certificates::certificatePdf(*doc, call.request.queryValue("lang").value_or("fr") == "en"));
        Response r;
        r.contentType = "application/pdf";
        r.body = std::move(*bytes);
        r.header("Content-Disposition", disposition + "; filename=\"" + doc->id + ".pdf\"");
        return r;
    }
    Response r = jsonResponse(doc->json);
    if (doc->signature)
        r.header("X-Signature-Ed25519", base64(*doc->signature)).header("X-Key-Fingerprint", doc->keyFingerprint);
    r.header("Content-Disposition", disposition + "; filename=\"" + doc->id + ".json\"");
    return r;
}

namespace {

Response certificateRoute(Call &call) { return certificateResponse(call, std::nullopt, false); }
Response certificatePdfRoute(Call &call) { return certificateResponse(call, std::nullopt, true); }

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
    r.add({"GET", "/api/certificates/{id}/pdf", Access::Trainee, certificatePdfRoute, "a sanitization certificate as a one-page PDF"});
}

}  // namespace reemploi::app::http
