// A computer's probe snapshot, posted by `reemploi probe --server` from the bench stick (or by a
// page): the same import service as `reemploi probe import`. Parse, call one service, answer.
#include <reemploi/diagnostics/probe/SnapshotImport.hpp>

#include "http/Router.hpp"
#include "services/WipeManager.hpp"

namespace reemploi::app::http {

namespace {

Response postSnapshotRoute(Call &call) {
    auto unit = call.request.queryValue("unit");
    if (unit && unit->empty()) unit.reset();
    // The stick's wipes: verified against, or signed with, the workshop key the server's wipes use.
    const auto &defaults = call.state.wipes->defaults();
    REEMPLOI_HTTP_TRY(imported, diagnostics::probe::importSnapshot(call.db, call.request.body, unit, call.actor,
                                                                   {defaults.keyPath, defaults.workshop}));
    const auto &measured = imported->measurement;
    json::Array changed, added, completed, wipes;
    for (const auto &c : measured.changed) changed.add(c);
    for (auto id : measured.mediaAdded) added.add(id);
    for (auto id : measured.mediaCompleted) completed.add(id);
    for (const auto &w : imported->wipes) {
        wipes.add(diagnostics::probe::toJson(w));
    }
    return jsonResponse(json::Object()
                            .set("tag", measured.tag)
                            .set("matched_by", measured.matchedBy)
                            .raw("changed", changed.str())
                            .raw("media_added", added.str())
                            .raw("media_completed", completed.str())
                            .raw("wipes", wipes.str()));
}

}  // namespace

void addSnapshotRoutes(Router &r) {
    r.add({"POST", "/api/snapshots", Access::Trainee, postSnapshotRoute,
           "import a probe snapshot (body: the snapshot JSON; ?unit=TAG when its serial is not registered)"});
}

}  // namespace reemploi::app::http
