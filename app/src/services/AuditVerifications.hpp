// `audit verify` for the web server: a verification of a long chain (a million events take
// seconds) runs on a thread and a connection of its own while the page polls its progress.
// One runs at a time (a second start answers the running one); the last few are kept.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <reemploi/common/Json.hpp>
#include <reemploi/common/Result.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::app::audits {

// The witnesses a person pastes or uploads: `audit head` lines (ID:HASH, '#' comments) or an
// `audit export` (JSON lines: each event is an anchor). InvalidInput names the line.
Result<std::vector<inventory::Anchor>> parseWitnesses(std::string_view text);

class AuditVerifications {
public:
    using OpenDatabase = std::function<Result<std::unique_ptr<inventory::Database>>()>;
    explicit AuditVerifications(OpenDatabase open);
    ~AuditVerifications();  // stops a running verification and waits for it
    AuditVerifications(const AuditVerifications &) = delete;
    AuditVerifications &operator=(const AuditVerifications &) = delete;

    // Starts one (coordinator and up): {id, state: "running", phase, done, total, percent}.
    Result<json::Object> start(inventory::AuditCheck check, const inventory::Actor &actor);
    // Its state; once "done", "report" holds `audit verify --json`'s object and "ok"; "failed"
    // holds "error" (the database could not be read).
    Result<json::Object> get(const std::string &id, const inventory::Actor &actor) const;
    void shutdown();

private:
    struct Job;
    json::Object view(const Job &job) const;

    OpenDatabase _open;
    mutable std::mutex _mutex;
    std::map<std::int64_t, std::shared_ptr<Job>> _jobs;
    std::int64_t _next = 1;
    std::thread _thread;
    std::atomic<bool> _stop{false};
};

}  // namespace reemploi::app::audits
