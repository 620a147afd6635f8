// The allocation for coordinators: propose (or preview), confirm, cancel, deliveries.
#include <reemploi/inventory/JsonViews.hpp>
#include <reemploi/inventory/allocation/AllocationService.hpp>

#include "http/JsonBody.hpp"
#include "http/Router.hpp"

namespace reemploi::app::http {

namespace alloc = reemploi::inventory::allocation;

namespace {

Result<std::optional<alloc::Config>> configFrom(const JsonBody &body) {
    auto text = body.optionalText("config");
    if (!text) return text.error();
    if (!*text) return std::optional<alloc::Config>{};
    auto parsed = alloc::parseConfig(**text);
    if (!parsed) return makeFieldError(Errc::InvalidInput, "config", parsed.error().message);
    return std::optional<alloc::Config>(*parsed);
}

// The programme named by the body's or the query's `programme` (as `--programme NAME`): its id
// and rules, a given config replacing them. NotFound (404) naming an unknown programme.
Result<alloc::ProgrammeRun> runFrom(Call &call, const JsonBody &body, const std::optional<alloc::Config> &given) {
    auto name = body.optionalText("programme");
    if (!name) return name.error();
    std::optional<std::string> programme = *name;
    if (!programme) programme = call.request.queryValue("programme");
    auto run = alloc::programmeRun(call.db, programme, given);
    if (!run && run.error().code == Errc::NotFound)
        return makeFieldError(Errc::NotFound, "programme", run.error().message);
    return run;
}

Response propose(Call &call, bool dryRun, const JsonBody &body) {
    auto config = configFrom(body);
    if (!config) return errorResponse(config.error());
    auto run = runFrom(call, body, *config);
    if (!run) return errorResponse(run.error());
    auto proposal = alloc::propose(call.db, run->config, call.actor, dryRun, run->programmeId);
    if (!proposal) return errorResponse(proposal.error());
    return jsonResponse(alloc::proposalJson(*proposal), dryRun ? 200 : 201);
}

Response proposeRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    auto dryRun = body->flag("dry_run");
    if (!dryRun) return errorResponse(dryRun.error());
    return propose(call, *dryRun, *body);
}

// What an allocation would be now, written nowhere.
Response previewRoute(Call &call) {
    Request empty;
    auto body = JsonBody::parse(empty);
    return propose(call, true, *body);
}

Response confirmRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    auto run = runFrom(call, *body, alloc::Config{});
    if (!run) return errorResponse(run.error());
    auto report = alloc::confirmProposal(call.db, call.actor, run->programmeId);
    if (!report) return errorResponse(report.error());
    return jsonResponse(json::Object().set("run", report->runId).set("allocated", report->allocated));
}

Response cancelRoute(Call &call) {
    auto unit = alloc::cancelAllocation(call.db, call.request.param("tag"), call.actor);
    if (!unit) return errorResponse(unit.error());
    return jsonResponse(inventory::toJson(*unit));
}

Response deliveryRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    auto tag = body->text("unit");
    if (!tag) return errorResponse(tag.error());
    auto need = body->text("need");
    if (!need) return errorResponse(need.error());
    auto unit = alloc::recordDelivery(call.db, *tag, *need, call.actor);
    if (!unit) return errorResponse(unit.error());
    return jsonResponse(inventory::toJson(*unit), 201);
}

}  // namespace

void addAllocationRoutes(Router &r) {
    r.add({"GET", "/api/allocations", Access::Coordinator, previewRoute,
           "what an allocation would be now (nothing stored; ?programme=NAME)"});
    r.add({"POST", "/api/allocations", Access::Coordinator, proposeRoute,
           "propose an allocation: {dry_run, config, programme}; stored unless dry_run"});
    r.add({"POST", "/api/allocations/confirm", Access::Coordinator, confirmRoute,
           "apply the stored proposal: {programme}"});
    r.add({"POST", "/api/allocations/{tag}/cancel", Access::Coordinator, cancelRoute,
           "undo a unit's allocation before delivery"});
    r.add({"POST", "/api/deliveries", Access::Coordinator, deliveryRoute, "a unit reached its family: {unit, need}"});
}

}  // namespace reemploi::app::http
