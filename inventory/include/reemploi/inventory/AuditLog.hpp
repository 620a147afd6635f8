// The append-only, hash-chained audit trail.
//
// Each event's hash is SHA-256 (hex) over its canonical serialisation: the fields
//   id, at, actor, entity, entity_id, action, payload_sha256, prev_hash
// each written as <byte length>:<bytes> followed by '\n', where payload_sha256 is the SHA-256
// (hex) of the payload as written. The first event's prev_hash is 64 zeros. Because the chain
// covers the payload's hash rather than its bytes, a payload holding personal data can be
// redacted (Privacy.hpp) and the chain still verifies: the redacted payload starts with
// {"_redacted":[fields…] and a later `privacy_purged` event names it with its new SHA-256.
// Anyone with the database can recompute the chain (README shows how). Schema 7 moved chains
// written under the first rule (payload bytes hashed) to this one (AuditInternal.hpp).
#pragma once

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::inventory {

struct Event {
    std::int64_t id = 0;
    std::string at;        // UTC ISO 8601
    std::string actor;
    std::string entity;    // "unit", "donor", "donation", "medium", "school", "need", "allocation"
    std::string entityId;  // a unit's tag, or a numeric id
    std::string action;    // "unit_created", "status_changed", "label_printed", …
    std::string payload;   // a JSON object
    std::string payloadSha256;  // of the payload as written (differs once it is redacted)
    std::string prevHash;
    std::string hash;
};

struct NewEvent {
    std::string entity;
    std::string entityId;
    std::string action;
    std::string payload = "{}";
};

// Appends an event inside the caller's transaction (throws DbError; for service code), under
// Database::lockAuditChain. Outside a transaction it throws std::logic_error and writes nothing:
// the chain's head must be read and extended under the writer's lock.
Event appendEvent(Database &db, const Actor &actor, const NewEvent &event);

// Appends several events, in order, inside the caller's transaction (throws DbError, and
// std::logic_error outside one): the same events as that many appendEvent calls, written many
// rows per statement (bulk registrations).
std::vector<Event> appendEvents(Database &db, const Actor &actor, const std::vector<NewEvent> &events);
// Same, taking the events' texts rather than copying them.
std::vector<Event> appendEvents(Database &db, const Actor &actor, std::vector<NewEvent> &&events);

// Appends an event in its own transaction (for callers outside inventory: label_printed, …).
Result<Event> recordEvent(Database &db, const Actor &actor, const NewEvent &event);

struct ChainReport {
    std::int64_t checked = 0;
    std::int64_t redacted = 0;                  // events whose payload was redacted (and recorded so)
    std::optional<std::int64_t> firstBrokenId;  // empty when the chain is intact
    std::string problem;                        // what is wrong with that event
};
// The chain alone: ids in sequence, each event's hash and link.
Result<ChainReport> verifyChain(Database &db);

// The chain's head: its last event (id 0 and 64 zeros for an empty chain).
struct ChainHead {
    std::int64_t id = 0;
    std::string hash;
    std::string at;
};
Result<ChainHead> chainHead(Database &db);
// The head read inside the caller's transaction (throws DbError; for service code that records
// the head in a document it signs or returns).
ChainHead currentHead(Database &db);

// A witness held outside the database: event `id` had hash `hash`.
struct Anchor {
    std::int64_t id = 0;
    std::string hash;
};
// "ID:HASH" (what `audit head` prints), or InvalidInput naming what is wrong.
Result<Anchor> parseAnchor(std::string_view text);
// One anchor per line ("ID:HASH"; blank lines and lines starting with '#' skipped), or
// InvalidInput naming the line.
Result<std::vector<Anchor>> parseAnchors(std::string_view text);

// The events after `sinceId`, in order, one JSON object a line (toJson(Event): id, at, actor,
// entity, entity_id, action, payload, prev_hash, hash), handed to `line` as they are read.
// Returns how many.
Result<std::int64_t> exportEvents(Database &db, std::int64_t sinceId, const std::function<void(const std::string &)> &line);
// The (id, hash) of every event of an export, as anchors: a second machine's copy is a witness
// of every event it holds. InvalidInput names the line that is not an exported event.
Result<std::vector<Anchor>> anchorsFromExport(std::string_view jsonLines);

// How far a verification is: the chain's walk ("chain", events read of about `total`, the
// chain's last id), then the comparison of the tables with the replay ("compare").
struct AuditProgress {
    std::string_view phase;
    std::int64_t done = 0;
    std::int64_t total = 0;
};

struct AuditCheck {
    bool replay = true;            // also compare the tables with what the events say
    std::vector<Anchor> anchors;   // witnesses the chain must still hold
};
// Called every few thousand events and when the comparison starts (a page shows a bar);
// returning false stops the verification (Errc::Refused, "stopped").
using AuditProgressFn = std::function<bool(const AuditProgress &)>;

struct AuditReport {
    ChainReport chain;
    std::optional<std::string> disagreement;  // the first field where the tables and the events differ
    std::optional<std::string> anchorProblem;  // the first anchor the chain no longer holds
    std::int64_t anchorsChecked = 0;
    bool replayed = false;
    ChainHead head;
    bool ok() const { return !chain.firstBrokenId && !disagreement && !anchorProblem; }
};
// Walks the chain, checks the anchors, then (unless told not to) replays the events and compares
// every unit, medium, sanitization record, storage declaration, allocation pin, school and need
// with its table. Failures found are in the report; Result errors are for unreadable databases.
Result<AuditReport> verifyAudit(Database &db, const AuditCheck &check = {}, const AuditProgressFn &progress = {});

Result<std::vector<Event>> listEvents(Database &db, std::string_view entity = {}, std::string_view entityId = {});

std::string canonicalEventText(const Event &event);
// The hash an event must carry under the chain's rule (what verify recomputes).
std::string eventHash(const Event &event);
std::string sha256Hex(std::string_view data);

}  // namespace reemploi::inventory
