// The hash-chained audit trail: append inside the caller's transaction, verify from the start.
#include <reemploi/inventory/AuditLog.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>
#include <new>
#include <stdexcept>

#include <openssl/evp.h>

#include <reemploi/common/Json.hpp>
#include <reemploi/common/Time.hpp>

#include "AuditInternal.hpp"
#include "JsonReader.hpp"
#include "Replay.hpp"

namespace reemploi::inventory {

namespace {

const std::string kGenesisHash(64, '0');

void appendField(std::string &out, std::string_view field) {
    out += std::to_string(field.size());
    out += ':';
    out += field;
    out += '\n';
}

Event readEvent(const Statement &st) {
    Event e;
    e.id = st.getInt(0);
    e.at = st.getText(1);
    e.actor = st.getText(2);
    e.entity = st.getText(3);
    e.entityId = st.getText(4);
    e.action = st.getText(5);
    e.payload = st.getText(6);
    e.prevHash = st.getText(7);
    e.hash = st.getText(8);
    e.payloadSha256 = st.getText(9);
    return e;
}

constexpr const char *kEventColumns = "id, at, actor, entity, entity_id, action, payload, prev_hash, hash, payload_sha256";
constexpr const char *kRedactedPrefix = "{\"_redacted\":";

// SHA-256, fetched once: given EVP_sha256(), OpenSSL 3 looks the algorithm up in its provider
// tables again at each digest (a lock and a search per request that checks a session).
const EVP_MD *sha256Algorithm() {
    static EVP_MD *const algorithm = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return algorithm;
}

// sha256Hex(canonicalEventText(e)) with a buffer and a context kept for the batch (a bulk
// registration hashes one event per unit, a verify a million).
class EventHasher {
public:
    EventHasher() : _ctx(EVP_MD_CTX_new()) {
        if (!_ctx) throw std::bad_alloc();
    }
    ~EventHasher() { EVP_MD_CTX_free(_ctx); }
    EventHasher(const EventHasher &) = delete;
    EventHasher &operator=(const EventHasher &) = delete;

    std::string hash(const Event &e) {
        // The fields go into one reused buffer and to the digest in one update: a verify of a
        // million events pays for each digest call.
        _text.clear();
        char id[24];
        auto [end, ec] = std::to_chars(id, id + sizeof id, e.id);
        (void)ec;
        field(std::string_view(id, static_cast<std::size_t>(end - id)));
        field(e.at);
        field(e.actor);
        field(e.entity);
        field(e.entityId);
        field(e.action);
        field(e.payloadSha256);
        field(e.prevHash);
        return digest(_text);
    }

    // SHA-256 (hex) of bytes, with the same context.
    std::string digest(std::string_view bytes) {
        EVP_DigestInit_ex(_ctx, sha256Algorithm(), nullptr);
        EVP_DigestUpdate(_ctx, bytes.data(), bytes.size());
        return finish();
    }

private:
    std::string finish() {
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int length = 0;
        EVP_DigestFinal_ex(_ctx, digest, &length);
        static const char *hex = "0123456789abcdef";
        std::string out(length * 2, '0');
        for (unsigned i = 0; i < length; ++i) {
            out[2 * i] = hex[digest[i] >> 4];
            out[2 * i + 1] = hex[digest[i] & 15];
        }
        return out;
    }
    // <byte length>:<bytes>\n, as appendField writes it.
    void field(std::string_view bytes) {
        char prefix[24];
        auto [end, ec] = std::to_chars(prefix, prefix + sizeof prefix - 1, bytes.size());
        (void)ec;
        *end++ = ':';
        _text.append(prefix, static_cast<std::size_t>(end - prefix));
        _text.append(bytes);
        _text += '\n';
    }
    std::string _text;
    EVP_MD_CTX *_ctx;
};

struct LockedHead {
    std::int64_t nextId = 1;
    std::string prevHash = kGenesisHash;
};

// The last event's id and hash, read under the audit chain's lock so that no other writer appends
// between this read and our insert. Outside a transaction there is no such lock: refused.
LockedHead lockedChainHead(Database &db, const char *who) {
    if (db.transactionDepth() == 0)
        throw std::logic_error(std::string(who) + " called outside a transaction: the audit chain's head is read and "
                                                  "extended under the writer's lock (use inTransaction or recordEvent)");
    db.lockAuditChain();
    LockedHead head;
    auto &last = db.cached("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1");
    if (last.step()) {
        head.nextId = last.getInt(0) + 1;
        head.prevHash = last.getText(1);
    }
    last.reset();
    return head;
}

}  // namespace

std::string sha256Hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(data.data(), data.size(), digest, &length, sha256Algorithm(), nullptr);
    static const char *hex = "0123456789abcdef";
    std::string out;
    out.reserve(length * 2);
    for (unsigned i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

std::string canonicalEventText(const Event &e) {
    std::string out;
    out.reserve(160 + e.payload.size());
    appendField(out, std::to_string(e.id));
    appendField(out, e.at);
    appendField(out, e.actor);
    appendField(out, e.entity);
    appendField(out, e.entityId);
    appendField(out, e.action);
    appendField(out, e.payloadSha256);
    appendField(out, e.prevHash);
    return out;
}

std::string eventHash(const Event &e) { return EventHasher().hash(e); }

Event appendEvent(Database &db, const Actor &actor, const NewEvent &input) {
    auto head = lockedChainHead(db, "appendEvent");
    Event e;
    e.id = head.nextId;
    e.prevHash = std::move(head.prevHash);
    e.at = nowUtc();
    e.actor = actor.name;
    e.entity = input.entity;
    e.entityId = input.entityId;
    e.action = input.action;
    e.payload = input.payload.empty() ? "{}" : input.payload;
    e.payloadSha256 = sha256Hex(e.payload);
    e.hash = sha256Hex(canonicalEventText(e));

    auto &insert = db.cached(
        "INSERT INTO events (id, at, actor, entity, entity_id, action, payload, prev_hash, hash, payload_sha256)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, e.id).bind(2, e.at).bind(3, e.actor).bind(4, e.entity).bind(5, e.entityId);
    insert.bind(6, e.action).bind(7, e.payload).bind(8, e.prevHash).bind(9, e.hash).bind(10, e.payloadSha256);
    insert.step();
    insert.reset();
    return e;
}

std::vector<Event> appendEvents(Database &db, const Actor &actor, const std::vector<NewEvent> &inputs) {
    return appendEvents(db, actor, std::vector<NewEvent>(inputs));
}

std::vector<Event> appendEvents(Database &db, const Actor &actor, std::vector<NewEvent> &&inputs) {
    std::vector<Event> out;
    // Refused outside a transaction even when there is nothing to append: the mistake is the same.
    auto head = lockedChainHead(db, "appendEvents");
    if (inputs.empty()) return out;
    out.reserve(inputs.size());
    std::int64_t id = head.nextId;
    std::string prevHash = std::move(head.prevHash);
    EventHasher hasher;
    // nowUtc() has millisecond precision: the same text, formatted again only when the
    // millisecond changes.
    std::int64_t lastMs = -1;
    std::string at;
    for (auto &input : inputs) {
        auto now = std::chrono::system_clock::now();
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
        if (ms != lastMs) {
            lastMs = ms;
            at = utcTimestamp(now);
        }
        Event e;
        e.id = id++;
        e.prevHash = std::move(prevHash);
        e.at = at;
        e.actor = actor.name;
        e.entity = std::move(input.entity);
        e.entityId = std::move(input.entityId);
        e.action = std::move(input.action);
        e.payload = input.payload.empty() ? std::string("{}") : std::move(input.payload);
        e.payloadSha256 = hasher.digest(e.payload);
        e.hash = hasher.hash(e);
        prevHash = e.hash;
        out.push_back(std::move(e));
    }
    constexpr std::size_t kRowsPerStatement = 1024;
    auto insertSql = [](std::size_t rows) {
        std::string sql = std::string("INSERT INTO events (") + kEventColumns + ") VALUES ";
        for (std::size_t r = 0; r < rows; ++r) sql += r ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        return sql;
    };
    static const std::string full = insertSql(kRowsPerStatement);  // ~40 KB: built once
    for (std::size_t b = 0; b < out.size(); b += kRowsPerStatement) {
        std::size_t n = std::min(out.size() - b, kRowsPerStatement);
        const std::string partial = n < kRowsPerStatement ? insertSql(n) : std::string();
        auto &insert = db.cached(n == kRowsPerStatement ? full : partial);
        // `out` holds the texts until the statement is reset: bound in place.
        int p = 1;
        for (std::size_t i = b; i < b + n; ++i, p += 10) {
            const Event &e = out[i];
            insert.bind(p, e.id).bindStable(p + 1, e.at).bindStable(p + 2, e.actor).bindStable(p + 3, e.entity);
            insert.bindStable(p + 4, e.entityId).bindStable(p + 5, e.action).bindStable(p + 6, e.payload);
            insert.bindStable(p + 7, e.prevHash).bindStable(p + 8, e.hash).bindStable(p + 9, e.payloadSha256);
        }
        insert.step();
        insert.reset();
    }
    return out;
}

Result<Event> recordEvent(Database &db, const Actor &actor, const NewEvent &event) {
    return inTransaction(db, "recording event " + event.action,
                         [&]() -> Result<Event> { return appendEvent(db, actor, event); });
}

Result<ChainReport> verifyChain(Database &db) {
    AuditCheck check;
    check.replay = false;
    auto report = verifyAudit(db, check);
    if (!report) return report.error();
    return report->chain;
}

ChainHead currentHead(Database &db) {
    ChainHead head{0, kGenesisHash, ""};
    auto &st = db.cached("SELECT id, hash, at FROM events ORDER BY id DESC LIMIT 1");
    if (st.step()) head = {st.getInt(0), st.getText(1), st.getText(2)};
    st.reset();
    return head;
}

Result<ChainHead> chainHead(Database &db) {
    return guard("reading the audit chain's head", [&]() -> Result<ChainHead> { return currentHead(db); });
}

Result<Anchor> parseAnchor(std::string_view text) {
    auto colon = text.find(':');
    auto bad = [&](const std::string &why) {
        return makeError(Errc::InvalidInput, "anchor '" + std::string(text.substr(0, 80)) + "': " + why);
    };
    if (colon == std::string_view::npos) return bad("expected ID:HASH (what 'reemploi audit head' prints)");
    Anchor a;
    auto id = text.substr(0, colon);
    auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), a.id);
    if (ec != std::errc() || end != id.data() + id.size() || a.id <= 0) return bad("the event id is not a positive number");
    a.hash = std::string(text.substr(colon + 1));
    if (a.hash.size() != 64 || a.hash.find_first_not_of("0123456789abcdef") != std::string::npos)
        return bad("the hash is not 64 lowercase hexadecimal digits");
    return a;
}

namespace {

// The anchors that `anchorOf` finds on each line of `text` ('\r' removed; a line for which it
// returns nothing is skipped), or the first error, naming its line.
Result<std::vector<Anchor>> anchorsByLine(std::string_view text,
                                          const std::function<Result<std::optional<Anchor>>(std::string_view)> &anchorOf) {
    std::vector<Anchor> out;
    std::size_t lineNo = 0;
    while (!text.empty()) {
        auto nl = text.find('\n');
        auto line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
        ++lineNo;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        auto anchor = anchorOf(line);
        if (!anchor) return anchor.error().withContext("line " + std::to_string(lineNo));
        if (*anchor) out.push_back(**anchor);
    }
    return out;
}

}  // namespace

Result<std::vector<Anchor>> parseAnchors(std::string_view text) {
    return anchorsByLine(text, [](std::string_view line) -> Result<std::optional<Anchor>> {
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
        if (line.empty() || line.front() == '#') return std::optional<Anchor>();
        auto anchor = parseAnchor(line);
        if (!anchor) return anchor.error();
        return std::optional<Anchor>(*anchor);
    });
}

Result<std::int64_t> exportEvents(Database &db, std::int64_t sinceId, const std::function<void(const std::string &)> &line) {
    return guard("exporting the audit trail", [&]() -> Result<std::int64_t> {
        auto st = db.prepare(std::string("SELECT ") + kEventColumns + " FROM events WHERE id > ? ORDER BY id");
        st->bind(1, sinceId);
        std::int64_t n = 0;
        while (st->step()) {
            Event e = readEvent(*st);
            json::Object o;
            o.set("id", e.id).set("at", e.at).set("actor", e.actor).set("entity", e.entity).set("entity_id", e.entityId);
            o.set("action", e.action).raw("payload", e.payload.empty() ? "{}" : e.payload);
            o.set("payload_sha256", e.payloadSha256).set("prev_hash", e.prevHash).set("hash", e.hash);
            line(o.str());
            ++n;
        }
        return n;
    });
}

Result<std::vector<Anchor>> anchorsFromExport(std::string_view text) {
    return anchorsByLine(text, [](std::string_view line) -> Result<std::optional<Anchor>> {
        if (line.empty()) return std::optional<Anchor>();
        auto value = jsonr::parse(line);
        if (!value) return value.error();
        const jsonr::Value *id = value->get("id"), *hash = value->get("hash");
        if (!value->isObject() || !id || !hash || id->type != jsonr::Value::Type::Number ||
            hash->type != jsonr::Value::Type::String)
            return makeError(Errc::InvalidInput, "not an exported event (no \"id\" and \"hash\")");
        auto anchor = parseAnchor(id->text + ":" + hash->text);
        if (!anchor) return anchor.error();
        return std::optional<Anchor>(*anchor);
    });
}

Result<AuditReport> verifyAudit(Database &db, const AuditCheck &check, const AuditProgressFn &progress) {
    return guard("verifying the audit trail", [&]() -> Result<AuditReport> {
        AuditReport out;
        ChainReport &report = out.chain;
        std::map<std::int64_t, std::string> anchors;
        for (const auto &a : check.anchors) {
            auto [it, inserted] = anchors.emplace(a.id, a.hash);
            if (!inserted && it->second != a.hash)
                return makeError(Errc::InvalidInput, "two anchors for event " + std::to_string(a.id) + " disagree");
        }
        std::optional<replay::Replayer> replayer;
        if (check.replay) replayer.emplace();
        std::int64_t total = 0;
        auto stopped = [] { return makeError(Errc::Refused, "the verification was stopped before its end"); };
        if (progress) {
            auto last = db.prepare("SELECT COALESCE(MAX(id), 0) FROM events");
            if (last->step()) total = last->getInt(0);
            if (!progress({"chain", 0, total})) return stopped();
        }
        auto st = db.prepare(std::string("SELECT ") + kEventColumns + " FROM events ORDER BY id");
        std::string expectedPrev = kGenesisHash;
        std::int64_t expectedId = 1;
        EventHasher hasher;
        // Redacted events not yet vouched for by a later privacy_purged event: id → SHA-256 of
        // the redacted payload.
        std::map<std::int64_t, std::string> unvouched;
        Event e;
        while (st->step()) {
            e = readEvent(*st);
            auto broken = [&](std::string problem) {
                report.firstBrokenId = e.id;
                report.problem = std::move(problem);
            };
            if (e.id != expectedId) {
                broken(e.id > expectedId ? "events " + std::to_string(expectedId) + " to " +
                                               std::to_string(e.id - 1) + " are missing"
                                         : "event id out of sequence");
            } else if (e.prevHash != expectedPrev) {
                broken("its previous hash does not match event " + std::to_string(e.id - 1) +
                       "'s hash (an event before it was removed or rewritten)");
            } else if (hasher.hash(e) != e.hash) {
                broken("its content does not match its hash (it was changed after it was written)");
            }
            bool redacted = false;
            if (!report.firstBrokenId) {
                auto actual = hasher.digest(e.payload);
                if (actual != e.payloadSha256) {
                    if (e.payload.rfind(kRedactedPrefix, 0) == 0) {
                        redacted = true;
                        unvouched[e.id] = std::move(actual);
                    } else {
                        broken("its payload does not match its payload hash (it was changed after it was written)");
                    }
                }
            }
            if (report.firstBrokenId) return out;
            ++report.checked;
            if (progress && report.checked % 4096 == 0 && !progress({"chain", report.checked, total}))
                return stopped();
            expectedPrev = e.hash;
            ++expectedId;
            if (auto a = anchors.find(e.id); a != anchors.end()) {
                ++out.anchorsChecked;
                if (a->second != e.hash && !out.anchorProblem)
                    out.anchorProblem = "event " + std::to_string(e.id) + " has hash " + e.hash + ", the anchor says " +
                                        a->second + ": the chain was rewritten since the anchor was taken";
            }
            if (redacted) ++report.redacted;
            // Only what the replay reads is parsed (donors', donations', accounts' events are not).
            bool replayed = replayer && (e.entity == "unit" || e.entity == "school" || e.entity == "need");
            if (replayed || e.action == "privacy_purged") {
                auto payload = jsonr::parse(e.payload);
                if (!payload || !payload->isObject()) {
                    broken("its payload is not a JSON object");
                    return out;
                }
                if (e.action == "privacy_purged")
                    if (const jsonr::Value *list = payload->get("redacted"))
                        for (const auto &item : list->items) {
                            const jsonr::Value *id = item.get("id"), *sha = item.get("sha256");
                            if (!id || !sha) continue;
                            std::int64_t rid = 0;
                            std::from_chars(id->text.data(), id->text.data() + id->text.size(), rid);
                            auto pending = unvouched.find(rid);
                            if (pending != unvouched.end() && pending->second == sha->text) unvouched.erase(pending);
                        }
                if (replayer) replayer->apply(e, *payload);  // a purge's record too
            }
        }
        if (!unvouched.empty()) {
            report.firstBrokenId = unvouched.begin()->first;
            report.problem = "its payload was replaced by a redaction marker that no privacy_purged event records "
                             "(redacted by hand, or the marker was changed afterwards)";
            report.checked = unvouched.begin()->first - 1;
            return out;
        }
        out.head = {report.checked ? e.id : 0, expectedPrev, report.checked ? e.at : ""};
        if (!out.anchorProblem)
            for (const auto &[id, hash] : anchors)
                if (id > out.head.id) {
                    out.anchorProblem = "the anchor names event " + std::to_string(id) + ", but the chain ends at event " +
                                        std::to_string(out.head.id) + ": events were removed from its end";
                    break;
                }
        if (replayer) {
            if (progress && !progress({"compare", report.checked, total})) return stopped();
            out.replayed = true;
            out.disagreement = replayer->compare(db);
        }
        return out;
    });
}

namespace internal {

Status rechainUnderPayloadHashes(Database &db) {
    // The first rule: the payload's bytes where the payload's hash is now.
    auto legacyHash = [](const Event &e) {
        std::string out;
        appendField(out, std::to_string(e.id));
        appendField(out, e.at);
        appendField(out, e.actor);
        appendField(out, e.entity);
        appendField(out, e.entityId);
        appendField(out, e.action);
        appendField(out, e.payload);
        appendField(out, e.prevHash);
        return sha256Hex(out);
    };
    EventHasher hasher;
    std::string oldPrev = kGenesisHash, newPrev = kGenesisHash;
    std::int64_t expectedId = 1, count = 0;
    constexpr std::int64_t kBatch = 10000;  // read in batches: the rows are rewritten as we go
    for (;;) {
        std::vector<Event> batch;
        {
            auto st = db.prepare(std::string("SELECT ") + kEventColumns + " FROM events WHERE id >= ? ORDER BY id LIMIT ?");
            st->bind(1, expectedId).bind(2, kBatch);
            while (st->step()) batch.push_back(readEvent(*st));
        }
        if (batch.empty()) break;
        auto &update = db.cached("UPDATE events SET payload_sha256 = ?, prev_hash = ?, hash = ? WHERE id = ?");
        for (auto &e : batch) {
            std::string problem;
            if (e.id != expectedId) problem = "events " + std::to_string(expectedId) + " to " + std::to_string(e.id - 1) + " are missing";
            else if (e.prevHash != oldPrev) problem = "its previous hash does not match the event before it";
            else if (legacyHash(e) != e.hash) problem = "its content does not match its hash";
            if (!problem.empty())
                return makeError(Errc::Refused,
                                 "schema 8 re-chains the audit trail, but it is broken at event " + std::to_string(e.id) +
                                     " (" + problem + "): nothing was changed, so that re-chaining cannot hide an edit; "
                                     "restore a backup whose 'reemploi audit verify' passes, then run 'reemploi init'");
            oldPrev = e.hash;
            e.payloadSha256 = hasher.digest(e.payload);
            e.prevHash = newPrev;
            e.hash = hasher.hash(e);
            newPrev = e.hash;
            update.bind(1, e.payloadSha256).bind(2, e.prevHash).bind(3, e.hash).bind(4, e.id);
            update.step();
            update.reset();
            ++expectedId;
            ++count;
        }
    }
    if (count == 0) return {};
    Actor migration{"reemploi schema 8"};
    appendEvent(db, migration,
                {"audit", "chain", "audit_chain_migrated",
                 json::Object()
                     .set("rule", "each hash covers the payload's SHA-256")
                     .set("events", count)
                     .set("old_head", json::Object().set("id", count).set("hash", oldPrev))
                     .str()});
    return {};
}

}  // namespace internal

Result<std::vector<Event>> listEvents(Database &db, std::string_view entity, std::string_view entityId) {
    return guard("listing events", [&]() -> Result<std::vector<Event>> {
        std::vector<Event> out;
        std::unique_ptr<Statement> st;
        if (entity.empty()) {
            st = db.prepare(std::string("SELECT ") + kEventColumns + " FROM events ORDER BY id");
        } else if (entityId.empty()) {
            st = db.prepare(std::string("SELECT ") + kEventColumns + " FROM events WHERE entity = ? ORDER BY id");
            st->bind(1, entity);
        } else {
            st = db.prepare(std::string("SELECT ") + kEventColumns +
                            " FROM events WHERE entity = ? AND entity_id = ? ORDER BY id");
            st->bind(1, entity).bind(2, entityId);
        }
        while (st->step()) out.push_back(readEvent(*st));
        return out;
    });
}

}  // namespace reemploi::inventory
