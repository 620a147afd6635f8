// The append-only, hash-chained audit trail.
//
// Each event's hash is SHA-256 (hex) over its canonical serialisation: the fields
//   id, at, actor, entity, entity_id, action, payload, prev_hash
// each written as <byte length>:<bytes> and joined with '\n'. The first event's prev_hash is
// 64 zeros. Anyone with the database can recompute the chain (README shows how).
#pragma once

#include <optional>
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
    std::optional<std::int64_t> firstBrokenId;  // empty when the chain is intact
    std::string problem;                        // what is wrong with that event
};
Result<ChainReport> verifyChain(Database &db);

Result<std::vector<Event>> listEvents(Database &db, std::string_view entity = {}, std::string_view entityId = {});

std::string canonicalEventText(const Event &event);
std::string sha256Hex(std::string_view data);

}  // namespace reemploi::inventory
