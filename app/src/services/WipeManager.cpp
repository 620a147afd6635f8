// The server's wipe sessions: each on its own connection, observed into live events, waited for
// by a thread of its own so that a request never blocks on a drive.
#include "services/WipeManager.hpp"

#include <charconv>
#include <sys/stat.h>
#include <thread>

#include <reemploi/common/Time.hpp>

namespace reemploi::app::wipes {

using namespace reemploi::diagnostics::storage;

Result<MediumChoice> parseMediumChoice(const std::string &text, const std::string &field) {
    MediumChoice c;
    if (text == "new") {
        c.newMedium = true;
        return c;
    }
    std::int64_t id = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (text.empty() || ec != std::errc() || p != text.data() + text.size() || id <= 0)
        return makeFieldError(Errc::InvalidInput, field,
                              field + ": '" + text + "' is neither a medium id (see the unit's storage) nor new");
    c.mediumId = id;
    return c;
}

Result<WipeSessionConfig> makeWipeSessionConfig(const WipeDefaults &defaults, WipeRequest request) {
    if (request.targets.empty()) return makeFieldError(Errc::InvalidInput, "targets", "targets: at least one target to wipe");
    if (request.method.empty()) return makeFieldError(Errc::InvalidInput, "method", "method: is required (see wipe methods)");
    if (request.verification && *request.verification == Verification::None)
        return makeFieldError(Errc::InvalidInput, "verify", "verify: a wipe is verified, full or sample");
    WipeSessionConfig config;
    config.method = request.method;
    config.verification = request.verification;
    config.workshop = request.workshop.value_or(defaults.workshop);
    config.keyPath = defaults.keyPath;
    config.databasePath = defaults.databasePath;
    config.usb = defaults.usb;
    config.cpuNice = defaults.cpuNice;
    config.cpuIdle = defaults.cpuIdle;
    for (std::size_t i = 0; i < request.targets.size(); ++i) {
        auto &t = request.targets[i];
        std::string field = "targets[" + std::to_string(i) + "]";
        if (t.target.empty()) return makeFieldError(Errc::InvalidInput, field + ".target", field + ".target: is required");
        if (t.unitTag.empty()) return makeFieldError(Errc::InvalidInput, field + ".unit", field + ".unit: is required");
        if (!defaults.allowFileTargets && t.target.rfind("usb:", 0) != 0) {
            struct stat st {};
            if (::stat(t.target.c_str(), &st) == 0 && S_ISREG(st.st_mode))
                return makeFieldError(Errc::Refused, field + ".target",
                                      t.target + " is a regular file: this server wipes drives only (block devices, usb:PORT)");
        }
        WipeTargetSpec spec;
        spec.target = std::move(t.target);
        spec.unitTag = std::move(t.unitTag);
        spec.medium = t.medium;
        spec.certificatePath = std::move(t.certificatePath);
        config.targets.push_back(std::move(spec));
    }
    return config;
}

namespace {

std::string stateOf(const WipeJobResult &r) {
    if (r.error) return "interrupted";
    return std::string(toString(r.report.outcome));
}

}  // namespace

// One session and what the pages need to show it. Its mutex guards everything below it.
struct WipeManager::Entry : WipeObserver {
    std::int64_t id = 0;
    std::string method, startedBy, startedAt;
    std::vector<std::string> targets, units;
    std::vector<std::optional<std::int64_t>> media;
    Publish publish;

    std::unique_ptr<inventory::Database> db;  // the session's own connection, for its whole life
    std::unique_ptr<WipeSession> session;
    std::thread waiter;

    mutable std::mutex m;
    std::vector<std::string> progressJson, resultJson, states;
    bool cancelling = false;
    bool done = false;  // every target ended, the connection given back
    std::string endedAt;

    std::string key(std::size_t i) const { return "wipe:" + std::to_string(id) + ":" + std::to_string(i); }

    void progress(std::size_t i, const WipeProgress &p) override {
        auto o = toJson(p);
        o.set("session", std::to_string(id)).set("index", static_cast<std::uint64_t>(i)).set("target", targets[i]).set("unit", units[i]);
        std::string text = o.str();
        {
            std::lock_guard lock(m);
            progressJson[i] = text;
        }
        publish("wipe-progress", text, key(i));
    }

    void finished(std::size_t i, const WipeJobResult &r) override {
        auto o = toJson(r);
        o.set("session", std::to_string(id)).set("index", static_cast<std::uint64_t>(i));
        std::string text = o.str();
        {
            std::lock_guard lock(m);
            resultJson[i] = text;
            states[i] = stateOf(r);
        }
        publish("wipe-result", text, {});
    }
};

WipeManager::WipeManager(WipeDefaults defaults, std::function<Result<std::unique_ptr<inventory::Database>>()> openDatabase,
                         Publish publish)
    : _defaults(std::move(defaults)), _openDatabase(std::move(openDatabase)), _publish(std::move(publish)) {}

WipeManager::~WipeManager() { shutdown(); }

Result<json::Object> WipeManager::start(WipeRequest request, const inventory::Actor &actor) {
    {
        std::lock_guard lock(_m);
        if (_stopping) return makeError(Errc::Busy, "the server is stopping: no new wipe");
    }
    auto config = makeWipeSessionConfig(_defaults, std::move(request));
    if (!config) return config.error();
    auto db = _openDatabase();
    if (!db) return db.error();
    auto session = WipeSession::prepare(**db, std::move(*config), actor);
    if (!session) return session.error();

    auto e = std::make_shared<Entry>();
    e->method = (*session)->method().id;
    e->startedBy = actor.name;
    e->startedAt = utcTimestampNow();
    e->publish = _publish;
    for (const auto &t : (*session)->targets()) {
        e->targets.push_back(t.spec.target);
        e->units.push_back(t.unit.tag);
        e->media.push_back(t.match.medium ? std::optional<std::int64_t>(t.match.medium->id) : std::nullopt);
    }
    const auto n = e->targets.size();
    e->progressJson.assign(n, {});
    e->resultJson.assign(n, {});
    e->states.assign(n, "running");
    e->db = std::move(*db);
    e->session = std::move(*session);

    std::lock_guard lock(_m);
    if (_stopping) return makeError(Errc::Busy, "the server is stopping: no new wipe");
    e->id = _nextId++;
    if (auto started = e->session->start(e.get()); !started) return started.error();
    Entry *raw = e.get();
    e->waiter = std::thread([this, raw] {
        raw->session->wait();
        {
            std::lock_guard l(raw->m);
            raw->done = true;
            raw->endedAt = utcTimestampNow();
            // Nothing uses the session or its connection any more: give the connection back now.
            raw->session.reset();
            raw->db.reset();
        }
        _publish("wipe-finished", json::Object().set("session", std::to_string(raw->id)).str(), {});
    });
    _entries[e->id] = e;
    prune();
    return view(*e);
}

json::Object WipeManager::view(const Entry &e) const {
    std::lock_guard lock(e.m);
    json::Array targets;
    for (std::size_t i = 0; i < e.targets.size(); ++i) {
        json::Object t;
        t.set("index", static_cast<std::uint64_t>(i)).set("target", e.targets[i]).set("unit", e.units[i]);
        t.set("medium_id", e.media[i]).set("state", e.states[i]);
        if (!e.progressJson[i].empty()) t.raw("progress", e.progressJson[i]);
        else t.null("progress");
        if (!e.resultJson[i].empty()) t.raw("result", e.resultJson[i]);
        else t.null("result");
        targets.add(t);
    }
    json::Object o;
    o.set("id", std::to_string(e.id))
        .set("status", e.done ? "finished" : e.cancelling ? "cancelling" : "running")
        .set("method", e.method)
        .set("started_by", e.startedBy)
        .set("started_at", e.startedAt)
        .raw("targets", targets.str());
    if (e.done) o.set("ended_at", e.endedAt);
    else o.null("ended_at");
    return o;
}

namespace {
std::optional<std::int64_t> parseId(const std::string &id) {
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(id.data(), id.data() + id.size(), n);
    if (id.empty() || ec != std::errc() || p != id.data() + id.size() || n <= 0) return std::nullopt;
    return n;
}
}  // namespace

Result<json::Object> WipeManager::get(const std::string &id) const {
    std::shared_ptr<Entry> e;
    {
        std::lock_guard lock(_m);
        auto n = parseId(id);
        auto it = n ? _entries.find(*n) : _entries.end();
        if (it == _entries.end()) return makeError(Errc::NotFound, "no wipe session " + id);
        e = it->second;
    }
    return view(*e);
}

json::Array WipeManager::list() const {
    std::vector<std::shared_ptr<Entry>> all;
    {
        std::lock_guard lock(_m);
        for (const auto &[_, e] : _entries) all.push_back(e);
    }
    json::Array out;
    for (const auto &e : all) out.add(view(*e));
    return out;
}

Result<json::Object> WipeManager::cancel(const std::string &id, const std::optional<std::string> &target) {
    std::shared_ptr<Entry> e;
    {
        std::lock_guard lock(_m);
        auto n = parseId(id);
        auto it = n ? _entries.find(*n) : _entries.end();
        if (it == _entries.end()) return makeError(Errc::NotFound, "no wipe session " + id);
        e = it->second;
    }
    {
        std::lock_guard lock(e->m);
        if (e->done) return makeError(Errc::Conflict, "wipe session " + id + " has already finished");
        if (!target) {
            e->session->cancel();
            e->cancelling = true;
        } else {
            std::optional<std::size_t> index;
            for (std::size_t i = 0; i < e->targets.size(); ++i)
                if (e->targets[i] == *target || std::to_string(i) == *target) index = i;
            if (!index)
                return makeFieldError(Errc::InvalidInput, "target",
                                      "target: '" + *target + "' is not a target of wipe session " + id);
            if (e->states[*index] != "running")
                return makeError(Errc::Conflict, e->targets[*index] + " has already finished (" + e->states[*index] + ")");
            e->session->cancel(*index);
        }
    }
    return view(*e);
}

void WipeManager::prune() {
    constexpr std::size_t kFinishedKept = 50;
    std::size_t finished = 0;
    for (auto it = _entries.rbegin(); it != _entries.rend(); ++it) {
        std::lock_guard l(it->second->m);
        if (it->second->done) ++finished;
    }
    for (auto it = _entries.begin(); it != _entries.end() && finished > kFinishedKept;) {
        bool done;
        {
            std::lock_guard l(it->second->m);
            done = it->second->done;
        }
        if (done) {
            if (it->second->waiter.joinable()) it->second->waiter.join();
            it = _entries.erase(it);
            --finished;
        } else {
            ++it;
        }
    }
}

void WipeManager::shutdown() {
    std::vector<std::shared_ptr<Entry>> all;
    {
        std::lock_guard lock(_m);
        _stopping = true;
        for (const auto &[_, e] : _entries) all.push_back(e);
    }
    for (const auto &e : all) {
        std::lock_guard l(e->m);
        if (!e->done && e->session) {
            e->session->cancel();
            e->cancelling = true;
        }
    }
    for (const auto &e : all)
        if (e->waiter.joinable()) e->waiter.join();
}

std::size_t WipeManager::running() const {
    std::lock_guard lock(_m);
    std::size_t n = 0;
    for (const auto &[_, e] : _entries) {
        std::lock_guard l(e->m);
        if (!e->done) ++n;
    }
    return n;
}

}  // namespace reemploi::app::wipes
