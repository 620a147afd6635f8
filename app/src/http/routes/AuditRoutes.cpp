// The audit trail and personal data over HTTP, for coordinators and admins: the chain's head (to
// show, and to download as the anchor to keep elsewhere), the export, a verification with its
// progress (polled), and the retention purge (a dry run first; the purge itself needs confirm).
// The same services as `audit head|export|verify` and `privacy purge`.
#include <reemploi/common/Time.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/JsonViews.hpp>
#include <reemploi/inventory/Privacy.hpp>

#include "http/JsonBody.hpp"
#include "http/Router.hpp"
#include "services/AuditVerifications.hpp"

namespace reemploi::app::http {

using namespace reemploi::inventory;

namespace {

// ?download=1: the anchor as a file `audit verify --anchors` reads (ID:HASH, the time as a comment).
Response headRoute(Call &call) {
    REEMPLOI_HTTP_TRY(head, requireRole(call.actor, Role::Coordinator, "read the audit chain's head"));
    REEMPLOI_HTTP_TRY(h, chainHead(call.db));
    const std::string anchor = std::to_string(h->id) + ":" + h->hash;
    if (auto d = call.request.queryValue("download"); d && (*d == "1" || *d == "true")) {
        Response r;
        r.contentType = "text/plain; charset=utf-8";
        // An anchors file as `audit verify --anchors` reads it: the time as a comment.
        r.body = "# reemploi audit head, " + h->at + ": keep it off the workshop's computer; check it with\n"
                 "# reemploi audit verify --anchors FILE (or on the audit page)\n" + anchor + "\n";
        r.header("Content-Disposition", "attachment; filename=\"reemploi-audit-head-" + std::to_string(h->id) + ".txt\"");
        return r;
    }
    auto o = toJson(*h);
    o.set("anchor", anchor);
    return jsonResponse(o);
}

// ?since=ID: the events after ID as JSON lines (`audit export`), as a file to keep.
Response exportRoute(Call &call) {
    REEMPLOI_HTTP_TRY(allowed, requireRole(call.actor, Role::Coordinator, "export the audit trail"));
    std::int64_t since = 0;
    if (auto v = call.request.queryValue("since"); v && !v->empty()) {
        try {
            std::size_t used = 0;
            since = std::stoll(*v, &used);
            if (used != v->size() || since < 0) throw std::invalid_argument("");
        } catch (...) {
            return errorResponse(makeFieldError(Errc::InvalidInput, "since", "since: '" + *v + "' is not an event id"));
        }
    }
    Response r;
    auto n = exportEvents(call.db, since, [&](const std::string &line) {
        r.body += line;
        r.body += '\n';
    });
    if (!n) return errorResponse(n.error());
    r.contentType = "application/x-ndjson; charset=utf-8";
    r.header("Content-Disposition", "attachment; filename=\"reemploi-audit-export-" + std::to_string(since) + ".jsonl\"");
    r.header("X-Events", std::to_string(*n));
    return r;
}

// {witnesses?: the text of an anchors file or of an export, replay?: true}
Response startVerifyRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    AuditCheck check;
    REEMPLOI_HTTP_TRY(replay, body->flag("replay", true));
    check.replay = *replay;
    REEMPLOI_HTTP_TRY(witnesses, body->optionalText("witnesses"));
    if (*witnesses) {
        auto anchors = audits::parseWitnesses(**witnesses);
        if (!anchors) return errorResponse(makeFieldError(Errc::InvalidInput, "witnesses", anchors.error().message));
        check.anchors = std::move(*anchors);
    }
    REEMPLOI_HTTP_TRY(job, call.state.audits->start(std::move(check), call.actor));
    return jsonResponse(*job, 202);
}

Response getVerifyRoute(Call &call) {
    REEMPLOI_HTTP_TRY(job, call.state.audits->get(call.request.param("id"), call.actor));
    return jsonResponse(*job);
}

// {dry_run: true (the default), confirm?: true, retention?: "key = days" lines}: a purge that
// writes needs dry_run false AND confirm true.
Response purgeRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    REEMPLOI_HTTP_TRY(dry, body->flag("dry_run", true));
    REEMPLOI_HTTP_TRY(confirm, body->flag("confirm", false));
    if (!*dry && !*confirm)
        return errorResponse(makeFieldError(Errc::InvalidInput, "confirm",
                                            "confirm: a purge cannot be undone; run it with dry_run first, then with "
                                            "confirm: true"));
    RetentionPolicy policy;
    REEMPLOI_HTTP_TRY(retention, body->optionalText("retention"));
    if (*retention) {
        auto parsed = parseRetentionPolicy(**retention);
        if (!parsed) return errorResponse(makeFieldError(Errc::InvalidInput, "retention", parsed.error().message));
        policy = *parsed;
    }
    REEMPLOI_HTTP_TRY(report, purgePersonalData(call.db, policy, std::chrono::system_clock::now(), *dry, call.actor));
    auto o = toJson(*report);
    o.raw("policy", toJson(policy).str());
    return jsonResponse(o);
}

}  // namespace

void addAuditRoutes(Router &r) {
    r.add({"GET", "/api/audit/head", Access::Coordinator, headRoute,
           "the audit chain's last event {id, hash, at, anchor}; ?download=1: the anchor as a file"});
    r.add({"GET", "/api/audit/export", Access::Coordinator, exportRoute,
           "the events after ?since=ID as JSON lines (audit export), as a file"});
    r.add({"POST", "/api/audit/verifications", Access::Coordinator, startVerifyRoute,
           "start audit verify {witnesses?: anchors or an export, replay?}: 202 {id, state, percent}"});
    r.add({"GET", "/api/audit/verifications/{id}", Access::Coordinator, getVerifyRoute,
           "a verification's progress, then its report (audit verify --json) and ok"});
    r.add({"POST", "/api/privacy/purge", Access::Admin, purgeRoute,
           "privacy purge {dry_run: true|false, confirm, retention?}: what is past retention, then redacted"});
}

}  // namespace reemploi::app::http
