// Audit verifications on a thread of their own, for the web server's audit page.
#include "services/AuditVerifications.hpp"

#include <reemploi/inventory/JsonViews.hpp>

namespace reemploi::app::audits {

struct AuditVerifications::Job {
    std::int64_t id = 0;
    std::string state = "running";  // running, done, failed
    std::string phase = "chain";
    std::int64_t done = 0, total = 0;
    std::optional<inventory::AuditReport> report;
    std::string error;
};

Result<std::vector<inventory::Anchor>> parseWitnesses(std::string_view text) {
    auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && text[first] == '{') return inventory::anchorsFromExport(text);
    return inventory::parseAnchors(text);
}

AuditVerifications::AuditVerifications(OpenDatabase open) : _open(std::move(open)) {}

AuditVerifications::~AuditVerifications() { shutdown(); }

void AuditVerifications::shutdown() {
    _stop = true;
    std::thread running;
    {
        std::lock_guard lock(_mutex);
        running = std::move(_thread);
    }
    if (running.joinable()) running.join();
}

json::Object AuditVerifications::view(const Job &job) const {
    json::Object o;
    o.set("id", std::to_string(job.id)).set("state", job.state).set("phase", job.phase);
    o.set("done", job.done).set("total", job.total);
    std::int64_t percent = job.state == "done" ? 100 : job.total ? std::min<std::int64_t>(99, job.done * 100 / job.total) : 0;
    o.set("percent", percent);
    if (job.report) o.raw("report", inventory::toJson(*job.report).str()).set("ok", job.report->ok());
    if (!job.error.empty()) o.set("error", job.error);
    return o;
}

Result<json::Object> AuditVerifications::start(inventory::AuditCheck check, const inventory::Actor &actor) {
    REEMPLOI_TRY(inventory::requireRole(actor, inventory::Role::Coordinator, "verify the audit trail"));
    std::lock_guard lock(_mutex);
    if (_stop) return makeError(Errc::Refused, "the server is stopping");
    for (const auto &[id, job] : _jobs)
        if (job->state == "running") return view(*job);
    if (_thread.joinable()) _thread.join();  // the last one has ended: its thread is done
    auto job = std::make_shared<Job>();
    job->id = _next++;
    _jobs[job->id] = job;
    while (_jobs.size() > 8) _jobs.erase(_jobs.begin());
    _thread = std::thread([this, job, check = std::move(check)] {
        auto progress = [this, job](const inventory::AuditProgress &p) {
            std::lock_guard lock(_mutex);
            job->phase = std::string(p.phase);
            job->done = p.done;
            job->total = p.total;
            return !_stop.load();
        };
        auto db = _open();
        Result<inventory::AuditReport> report = db ? inventory::verifyAudit(**db, check, progress) : Result<inventory::AuditReport>(db.error());
        std::lock_guard lock(_mutex);
        if (report) {
            job->report = std::move(*report);
            job->state = "done";
            job->phase = "done";
        } else {
            job->error = report.error().message;
            job->state = "failed";
        }
    });
    return view(*job);
}

Result<json::Object> AuditVerifications::get(const std::string &id, const inventory::Actor &actor) const {
    REEMPLOI_TRY(inventory::requireRole(actor, inventory::Role::Coordinator, "read an audit verification"));
    std::lock_guard lock(_mutex);
    for (const auto &[n, job] : _jobs)
        if (std::to_string(n) == id) return view(*job);
    return makeError(Errc::NotFound, "no audit verification " + id + " (the server keeps the last 8; start another)");
}

}  // namespace reemploi::app::audits
