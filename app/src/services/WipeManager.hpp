// Wipes run by the web server: several sessions at once, each on a database connection of its own
// for its whole life, its progress and results published as live events, each cancellable (the
// whole session or one target), all cancelled and waited for when the server stops (so that they
// are recorded `interrupted`). Also the one place that turns a request into a WipeSessionConfig,
// for the command line and the server alike.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <reemploi/common/Json.hpp>
#include <reemploi/common/Result.hpp>
#include <reemploi/diagnostics/storage/WipeSession.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::app::wipes {

// What does not change from one wipe to the next: who signs, the key, what is never wiped.
struct WipeDefaults {
    diagnostics::storage::WorkshopInfo workshop;
    std::string keyPath;       // the signing key
    std::string databasePath;  // never a target, nor its companions
    diagnostics::UsbBusOptions usb;
    bool allowFileTargets = true;  // regular files as targets (tests, disk images)
    int cpuNice = 0;               // the wipe threads' niceness (WipeSessionConfig::cpuNice)
    bool cpuIdle = false;          // and SCHED_IDLE (WipeSessionConfig::cpuIdle)
};

struct WipeTargetRequest {
    std::string target;  // /dev/sdb, usb:1-1.4, disk.img
    std::string unitTag;
    diagnostics::storage::MediumChoice medium;
    std::optional<std::string> certificatePath;
};

struct WipeRequest {
    std::vector<WipeTargetRequest> targets;
    std::string method;
    std::optional<diagnostics::storage::Verification> verification;
    std::optional<diagnostics::storage::WorkshopInfo> workshop;  // the defaults' when absent
};

// "new" or a medium id (the `--medium` option, the request's "medium").
Result<diagnostics::storage::MediumChoice> parseMediumChoice(const std::string &text, const std::string &field = "medium");

// The session's configuration from a request over the defaults: what `reemploi wipe` and
// POST /api/wipes both run.
Result<diagnostics::storage::WipeSessionConfig> makeWipeSessionConfig(const WipeDefaults &defaults, WipeRequest request);

// Where live events go: (name, JSON, coalescing key).
using Publish = std::function<void(const std::string &name, const std::string &json, const std::string &key)>;

class WipeManager {
public:
    // `openDatabase` gives each session its own connection.
    WipeManager(WipeDefaults defaults, std::function<Result<std::unique_ptr<inventory::Database>>()> openDatabase,
                Publish publish);
    ~WipeManager();  // shutdown()
    WipeManager(const WipeManager &) = delete;
    WipeManager &operator=(const WipeManager &) = delete;

    // Prepares (every check, nothing written) and starts a session. The session's JSON (see get).
    Result<json::Object> start(WipeRequest request, const inventory::Actor &actor);

    // {"id","status":"running"|"cancelling"|"finished","method","started_by","started_at","targets":[{"index",
    //  "target","unit","medium_id"?,"state":"running"|"passed"|"failed"|"interrupted"|…,"progress"?,"result"?}]}
    Result<json::Object> get(const std::string &id) const;
    json::Array list() const;  // every session still held (running, and the last finished ones)

    // Cancels the session, or only its target (its path or its index).
    Result<json::Object> cancel(const std::string &id, const std::optional<std::string> &target);

    // Refuses new sessions, cancels every running one and waits until each is recorded.
    void shutdown();
    std::size_t running() const;
    const WipeDefaults &defaults() const { return _defaults; }

    struct Entry;

private:
    json::Object view(const Entry &e) const;
    void prune();  // forgets finished sessions beyond the last few (called with the lock held)

    WipeDefaults _defaults;
    std::function<Result<std::unique_ptr<inventory::Database>>()> _openDatabase;
    Publish _publish;
    mutable std::mutex _m;
    std::map<std::int64_t, std::shared_ptr<Entry>> _entries;
    std::int64_t _nextId = 1;
    bool _stopping = false;
};

}  // namespace reemploi::app::wipes
