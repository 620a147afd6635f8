// Replays the trail into the state it describes, then reads the tables and names the first
// field where they disagree. Every write path's event carries what this needs (AuditLog.hpp).
#include "Replay.hpp"

#include <array>
#include <charconv>
#include <map>
#include <unordered_map>

#include <reemploi/common/Json.hpp>

namespace reemploi::inventory::replay {

namespace {

using jsonr::Value;

// A field as the events say it: unknown until an event names it (a redacted payload, or an old
// event written before it carried that field), then a value or null.
struct Field {
    bool known = false;
    std::optional<std::string> value;
    void set(const Value &v) {
        known = true;
        value = v.scalar();
    }
    void set(std::optional<std::string> v) {
        known = true;
        value = std::move(v);
    }
};

std::string show(const std::optional<std::string> &v) {
    if (!v) return "null";
    if (v->empty()) return "empty";
    return *v;
}

// The unit's columns that replay checks, in the order a disagreement is looked for.
// `site` is known once an event moves the unit (at creation it is its donation's site).
// `attached_to`: the unit an accessory is attached to (its tag), set and cleared by the
// accessory's own events.
constexpr std::array<const char *, 19> kUnitFields = {
    "kind", "donation", "make", "model", "serial", "donor_tag", "cpu", "ram_mib", "screen_inches",
    "keyboard_layout", "battery_health", "os", "grade", "status", "location", "sanitization_floor",
    "recycler_receipt", "site", "attached_to"};
constexpr std::size_t kStatus = 13, kFloor = 15, kReceipt = 16, kAttachedTo = 18;

int unitFieldIndex(std::string_view key) {
    if (key == "ram_mb") key = "ram_mib";  // the intake's unit_updated contract may spell it so
    if (key == "donation_id") key = "donation";
    for (std::size_t i = 0; i < kUnitFields.size(); ++i)
        if (key == kUnitFields[i]) return static_cast<int>(i);
    return -1;
}

struct Medium {
    std::array<Field, 5> f;  // type, model, serial, capacity_bytes, destroyed
    std::int64_t lastEvent = 0;
};
constexpr std::array<const char *, 5> kMediumFields = {"type", "model", "serial", "capacity_bytes", "destroyed"};

struct Record {
    std::string tag;
    std::array<Field, 8> f;  // medium, method, level, result, ended_at, bytes_written, certificate_id, certificate_sha256
    std::int64_t lastEvent = 0;
};
constexpr std::array<const char *, 8> kRecordFields = {"medium",        "method",         "level",          "result",
                                                       "ended_at",      "bytes_written",  "certificate_id", "certificate_sha256"};

struct UnitState {
    std::array<Field, kUnitFields.size()> f;
    std::map<std::int64_t, Medium> media;
    Field declaration;  // "kind: reason", or null
    Field pin;          // "pin 0750655E/F-1", "exclude", or null
    std::int64_t lastEvent = 0;
};

struct School {
    std::array<Field, 6> f;  // uai, name, town, district, priority_area, contact
    std::int64_t lastEvent = 0;
};
constexpr std::array<const char *, 6> kSchoolFields = {"uai", "name", "town", "district", "priority_area", "contact"};

struct Need {
    std::array<Field, 9> f;  // school, family, grades, devices_at_home, internet, priority, preference, status, unit
    std::int64_t lastEvent = 0;
};
constexpr std::array<const char *, 9> kNeedFields = {"school",     "family",     "grades", "devices_at_home", "internet",
                                                     "priority",   "preference", "status", "unit"};

std::optional<std::int64_t> toInt(std::string_view text) {
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
}

std::string say(std::string_view what, std::string_view field, const std::optional<std::string> &table,
                const std::optional<std::string> &events, std::int64_t lastEvent) {
    return std::string(what) + ": " + std::string(field) + " is " + show(table) + ", events say " + show(events) +
           " (last event " + std::to_string(lastEvent) + ")";
}

}  // namespace

struct Replayer::State {
    std::unordered_map<std::string, UnitState> units;
    std::unordered_map<std::int64_t, Record> records;
    std::unordered_map<std::int64_t, School> schools;
    std::unordered_map<std::int64_t, Need> needs;
    std::unordered_map<std::string, std::int64_t> needByRef;  // "UAI/family" → need id
    std::unordered_map<std::int64_t, std::string> schoolUai;
    std::int64_t maxRecord = 0;

    void medium(UnitState &u, const Value &m, std::int64_t eventId) {
        const Value *id = m.get("id");
        if (!id || !id->scalar()) return;
        auto mid = toInt(*id->scalar());
        if (!mid) return;
        auto &medium = u.media[*mid];
        medium.lastEvent = eventId;
        for (std::size_t i = 0; i < kMediumFields.size(); ++i)
            if (const Value *v = m.get(kMediumFields[i])) medium.f[i].set(*v);
    }

    // A completion writes only the outcome: medium, method and level stay as first recorded.
    void record(const std::string &tag, const Value &p, std::int64_t eventId, bool completion) {
        const Value *id = p.get("id");
        if (!id || !id->scalar()) return;
        auto rid = toInt(*id->scalar());
        if (!rid) return;
        maxRecord = std::max(maxRecord, *rid);
        auto &r = records[*rid];
        r.tag = tag;
        r.lastEvent = eventId;
        for (std::size_t i = completion ? 3 : 0; i < kRecordFields.size(); ++i)
            if (const Value *v = p.get(kRecordFields[i])) r.f[i].set(*v);
    }

    void unitEvent(const Event &e, const Value &p) {
        auto &u = units[e.entityId];
        u.lastEvent = e.id;
        const std::string &a = e.action;
        if (a == "unit_created") {
            for (const auto &[key, v] : p.members) {
                int i = unitFieldIndex(key);
                if (i >= 0) u.f[static_cast<std::size_t>(i)].set(v);
            }
            u.f[kFloor].set(std::optional<std::string>("0"));
            u.f[kReceipt].set(std::nullopt);
            u.f[kAttachedTo].set(std::nullopt);
            u.declaration.set(std::nullopt);
            u.pin.set(std::nullopt);
            if (const Value *storage = p.get("storage"))
                for (const auto &m : storage->items) medium(u, m, e.id);
        } else if (a == "unit_updated") {
            auto apply = [&](const Value *changes, const char *newKey) {
                if (!changes) return;
                for (const auto &[key, v] : changes->members) {
                    int i = unitFieldIndex(key);
                    if (i < 0) continue;
                    const Value *value = newKey ? v.get(newKey) : &v;
                    if (value) u.f[static_cast<std::size_t>(i)].set(*value);
                }
            };
            apply(p.get("after"), nullptr);      // {"before": {...}, "after": {...}}
            apply(p.get("changes"), "new");      // {"tag", "changes": {FIELD: {"old", "new"}}}
        } else if (a == "status_changed") {
            const Value *to = p.get("to");
            if (!to) return;
            u.f[kStatus].set(*to);
            if (const Value *receipt = p.get("recycler_receipt")) u.f[kReceipt].set(*receipt);
            if (to->text == "returned") {
                u.f[kFloor].set(std::to_string(maxRecord));
                u.declaration.set(std::nullopt);
            }
            // Confirming an allocation removes the unit's pin.
            if (to->text == "allocated" && u.pin.known && u.pin.value && u.pin.value->rfind("pin ", 0) == 0)
                u.pin.set(std::nullopt);
        } else if (a == "accessory_attached") {
            if (const Value *to = p.get("to")) u.f[kAttachedTo].set(*to);
            else u.f[kAttachedTo] = Field{};
        } else if (a == "accessory_detached") {
            u.f[kAttachedTo].set(std::nullopt);
        } else if (a == "recycler_receipt_recorded") {
            if (const Value *receipt = p.get("recycler_receipt")) u.f[kReceipt].set(*receipt);
        } else if (a == "storage_added") {
            medium(u, p, e.id);
            u.declaration.set(std::nullopt);
        } else if (a == "storage_updated") {  // a probe completing a medium (MachineFacts.hpp)
            medium(u, p, e.id);
        } else if (a == "storage_destroyed") {
            const Value *id = p.get("medium");
            if (id && id->scalar())
                if (auto mid = toInt(*id->scalar())) {
                    auto &m = u.media[*mid];
                    m.f[4].set(std::optional<std::string>("true"));
                    m.lastEvent = e.id;
                }
        } else if (a == "storage_declared") {
            const Value *kind = p.get("storage");
            const Value *reason = p.get("reason");
            if (kind && reason) u.declaration.set(kind->text + ": " + reason->text);
            else u.declaration = Field{};
        } else if (a == "sanitization_recorded" || a == "sanitization_checkpoint" || a == "sanitization_completed") {
            record(e.entityId, p, e.id, a != "sanitization_recorded");
        } else if (a == "allocation_pinned") {
            const Value *need = p.get("need");
            if (need) u.pin.set("pin " + need->text);
            else u.pin = Field{};
        } else if (a == "allocation_excluded") {
            u.pin.set(std::optional<std::string>("exclude"));
        } else if (a == "allocation_pin_cleared") {
            u.pin.set(std::nullopt);
        }
    }

    void schoolEvent(const Event &e, const Value &p) {
        auto id = toInt(e.entityId);
        if (!id) return;
        auto &s = schools[*id];
        s.lastEvent = e.id;
        for (std::size_t i = 0; i < kSchoolFields.size(); ++i)
            if (const Value *v = p.get(kSchoolFields[i])) s.f[i].set(*v);
        if (const Value *uai = p.get("uai")) schoolUai[*id] = uai->text;
    }

    void needEvent(const Event &e, const Value &p) {
        auto id = toInt(e.entityId);
        if (!id) return;
        auto &n = needs[*id];
        n.lastEvent = e.id;
        const std::string &a = e.action;
        if (a == "need_created") {
            for (std::size_t i = 0; i < 7; ++i)
                if (const Value *v = p.get(kNeedFields[i])) n.f[i].set(*v);
            n.f[7].set(std::optional<std::string>("open"));
            n.f[8].set(std::nullopt);
            const Value *school = p.get("school");
            const Value *family = p.get("family");
            if (school && family) needByRef[school->text + "/" + family->text] = *id;
        } else if (a == "need_updated") {
            // A mediator's or coordinator's update of an open need: the fields it changed.
            for (std::size_t i = 2; i < 7; ++i)
                if (const Value *v = p.get(kNeedFields[i])) n.f[i].set(*v);
        } else if (a == "need_withdrawn") {
            n.f[7].set(std::optional<std::string>("withdrawn"));
        } else if (a == "need_served") {
            n.f[7].set(std::optional<std::string>("served"));
            if (const Value *unit = p.get("unit")) n.f[8].set(*unit);
        } else if (a == "need_reopened") {
            n.f[7].set(std::optional<std::string>("open"));
            n.f[8].set(std::nullopt);
        }
    }

    // A purge's record: the values it wrote into the tables ({"tables": {"schools": {ID: {...}}}}).
    void purgeEvent(const Event &e, const Value &p) {
        const Value *tables = p.get("tables");
        if (!tables) return;
        if (const Value *schoolsChanged = tables->get("schools"))
            for (const auto &[key, changes] : schoolsChanged->members) {
                auto id = toInt(key);
                if (!id) continue;
                auto &s = schools[*id];
                s.lastEvent = e.id;
                for (std::size_t i = 0; i < kSchoolFields.size(); ++i)
                    if (const Value *v = changes.get(kSchoolFields[i])) s.f[i].set(*v);
            }
    }
};

Replayer::Replayer() : _s(std::make_unique<State>()) {}
Replayer::~Replayer() = default;

void Replayer::apply(const Event &e, const jsonr::Value &payload) {
    if (e.entity == "unit") _s->unitEvent(e, payload);
    else if (e.entity == "school") _s->schoolEvent(e, payload);
    else if (e.entity == "need") _s->needEvent(e, payload);
    else if (e.action == "privacy_purged") _s->purgeEvent(e, payload);
}

std::optional<std::string> Replayer::compare(Database &db) const {
    auto &s = *_s;
    auto text = [](const Statement &st, int c) -> std::optional<std::string> {
        if (st.isNull(c)) return std::nullopt;
        return st.getText(c);
    };
    auto integer = [](const Statement &st, int c) -> std::optional<std::string> {
        if (st.isNull(c)) return std::nullopt;
        return std::to_string(st.getInt(c));
    };
    auto real = [](const Statement &st, int c) -> std::optional<std::string> {
        if (st.isNull(c)) return std::nullopt;
        return json::number(st.getDouble(c));
    };
    auto boolean = [](const Statement &st, int c) -> std::optional<std::string> {
        return std::string(st.getInt(c) != 0 ? "true" : "false");
    };
    auto differs = [](const Field &f, const std::optional<std::string> &table) { return f.known && f.value != table; };

    // Units, in id order; then their media, declarations and pins.
    std::unordered_map<std::string, bool> seen;
    {
        auto st = db.prepare(
            "SELECT tag, kind, donation_id, make, model, serial, donor_tag, cpu, ram_mib, screen_inches,"
            " keyboard_layout, battery_health, os, grade, status, location, sanitization_floor, recycler_receipt, site,"
            " (SELECT a.tag FROM units a WHERE a.id = units.attached_to) FROM units ORDER BY id");
        while (st->step()) {
            std::string tag = st->getText(0);
            auto it = s.units.find(tag);
            if (it == s.units.end()) return tag + ": in the units table, but no event creates it";
            seen[tag] = true;
            const auto &u = it->second;
            for (std::size_t i = 0; i < kUnitFields.size(); ++i) {
                int c = static_cast<int>(i) + 1;
                std::optional<std::string> value;
                if (i == 1 || i == 7 || i == 10 || i == kFloor) value = integer(*st, c);
                else if (i == 8) value = real(*st, c);
                else value = text(*st, c);
                if (differs(u.f[i], value)) return say(tag, kUnitFields[i], value, u.f[i].value, u.lastEvent);
            }
        }
    }
    for (const auto &[tag, u] : s.units)
        if (!seen.count(tag) && u.f[kStatus].known)
            return tag + ": events create it (last event " + std::to_string(u.lastEvent) + "), the units table has no such unit";

    {
        std::unordered_map<std::string, std::map<std::int64_t, bool>> tableMedia;
        auto st = db.prepare(
            "SELECT u.tag, m.id, m.type, m.model, m.serial, m.capacity_bytes, m.destroyed FROM storage_media m"
            " JOIN units u ON u.id = m.unit_id ORDER BY m.id");
        while (st->step()) {
            std::string tag = st->getText(0);
            std::int64_t id = st->getInt(1);
            std::string what = tag + ": storage medium " + std::to_string(id);
            auto unit = s.units.find(tag);
            const Medium *m = nullptr;
            if (unit != s.units.end()) {
                auto found = unit->second.media.find(id);
                if (found != unit->second.media.end()) m = &found->second;
            }
            if (!m) return what + " is in the table, but no event adds it";
            tableMedia[tag][id] = true;
            std::array<std::optional<std::string>, 5> values = {text(*st, 2), text(*st, 3), text(*st, 4), integer(*st, 5),
                                                                boolean(*st, 6)};
            for (std::size_t i = 0; i < values.size(); ++i)
                if (differs(m->f[i], values[i])) return say(what, kMediumFields[i], values[i], m->f[i].value, m->lastEvent);
        }
        for (const auto &[tag, u] : s.units)
            for (const auto &[id, m] : u.media)
                if (!tableMedia[tag].count(id))
                    return tag + ": events add storage medium " + std::to_string(id) + " (last event " +
                           std::to_string(m.lastEvent) + "), the table has no such medium";
    }

    {
        std::unordered_map<std::int64_t, bool> tableRecords;
        auto st = db.prepare(
            "SELECT u.tag, r.id, r.medium_id, r.method, r.level, r.result, r.ended_at, r.bytes_written, r.certificate_id,"
            " r.certificate_json FROM sanitization_records r JOIN storage_media m ON m.id = r.medium_id"
            " JOIN units u ON u.id = m.unit_id ORDER BY r.id");
        while (st->step()) {
            std::string tag = st->getText(0);
            std::int64_t id = st->getInt(1);
            std::string what = tag + ": sanitization record " + std::to_string(id);
            auto found = s.records.find(id);
            if (found == s.records.end()) return what + " is in the table, but no event records it";
            tableRecords[id] = true;
            const auto &r = found->second;
            if (r.tag != tag)
                return what + " belongs to " + tag + " in the table, to " + r.tag + " in the events (last event " +
                       std::to_string(r.lastEvent) + ")";
            std::string certificate = st->getText(9);
            std::array<std::optional<std::string>, 8> values = {
                integer(*st, 2), text(*st, 3), text(*st, 4), text(*st, 5), text(*st, 6), integer(*st, 7), text(*st, 8),
                certificate.empty() ? std::string() : sha256Hex(certificate)};
            for (std::size_t i = 0; i < values.size(); ++i)
                if (differs(r.f[i], values[i])) return say(what, kRecordFields[i], values[i], r.f[i].value, r.lastEvent);
        }
        for (const auto &[id, r] : s.records)
            if (!tableRecords.count(id))
                return r.tag + ": events record sanitization record " + std::to_string(id) + " (last event " +
                       std::to_string(r.lastEvent) + "), the table has no such record";
    }

    {
        std::unordered_map<std::string, std::optional<std::string>> declared, pinned;
        auto st = db.prepare(
            "SELECT u.tag, d.kind, d.reason FROM storage_declarations d JOIN units u ON u.id = d.unit_id");
        while (st->step()) declared[st->getText(0)] = st->getText(1) + ": " + st->getText(2);
        auto pins = db.prepare(
            "SELECT u.tag, p.kind, s.uai, n.family_ref FROM allocation_pins p JOIN units u ON u.id = p.unit_id"
            " LEFT JOIN needs n ON n.id = p.need_id LEFT JOIN schools s ON s.id = n.school_id");
        while (pins->step()) {
            std::string kind = pins->getText(1);
            pinned[pins->getText(0)] = kind == "pin" ? "pin " + pins->getText(2) + "/" + pins->getText(3) : kind;
        }
        // In tag order, so that the first disagreement named does not depend on hashing.
        std::map<std::string, const UnitState *> ordered;
        for (const auto &[tag, u] : s.units) ordered[tag] = &u;
        for (const auto &[tag, u] : ordered) {
            auto d = declared.count(tag) ? declared[tag] : std::nullopt;
            if (differs(u->declaration, d)) return say(tag, "storage declaration", d, u->declaration.value, u->lastEvent);
            auto p = pinned.count(tag) ? pinned[tag] : std::nullopt;
            if (differs(u->pin, p)) return say(tag, "allocation pin", p, u->pin.value, u->lastEvent);
        }
        for (const auto &[tag, d] : declared)
            if (!s.units.count(tag)) return tag + ": storage declaration " + show(d) + ", but no event declares it";
    }

    {
        std::unordered_map<std::int64_t, bool> tableSchools;
        auto st = db.prepare("SELECT id, uai, name, town, district, priority_area, contact FROM schools ORDER BY id");
        while (st->step()) {
            std::int64_t id = st->getInt(0);
            std::string what = "school " + st->getText(1);
            auto found = s.schools.find(id);
            if (found == s.schools.end()) return what + ": in the schools table, but no event creates it";
            tableSchools[id] = true;
            std::array<std::optional<std::string>, 6> values = {text(*st, 1), text(*st, 2), text(*st, 3),
                                                                text(*st, 4), boolean(*st, 5), text(*st, 6)};
            for (std::size_t i = 0; i < values.size(); ++i)
                if (differs(found->second.f[i], values[i]))
                    return say(what, kSchoolFields[i], values[i], found->second.f[i].value, found->second.lastEvent);
        }
        for (const auto &[id, school] : s.schools)
            if (!tableSchools.count(id))
                return "school " + std::to_string(id) + ": events create it (last event " +
                       std::to_string(school.lastEvent) + "), the schools table has no such school";
    }

    {
        std::unordered_map<std::int64_t, bool> tableNeeds;
        auto st = db.prepare(
            "SELECT n.id, s.uai, n.family_ref, n.grades, n.devices_at_home, n.internet, n.priority_flags, n.preference,"
            " n.status, u.tag FROM needs n JOIN schools s ON s.id = n.school_id LEFT JOIN units u ON u.id = n.unit_id"
            " ORDER BY n.id");
        while (st->step()) {
            std::int64_t id = st->getInt(0);
            std::string what = "need " + st->getText(1) + "/" + st->getText(2);
            auto found = s.needs.find(id);
            if (found == s.needs.end()) return what + ": in the needs table, but no event creates it";
            tableNeeds[id] = true;
            std::array<std::optional<std::string>, 9> values = {text(*st, 1), text(*st, 2), text(*st, 3),
                                                                integer(*st, 4), text(*st, 5), text(*st, 6),
                                                                text(*st, 7), text(*st, 8), text(*st, 9)};
            for (std::size_t i = 0; i < values.size(); ++i)
                if (differs(found->second.f[i], values[i]))
                    return say(what, kNeedFields[i], values[i], found->second.f[i].value, found->second.lastEvent);
        }
        for (const auto &[id, need] : s.needs)
            if (!tableNeeds.count(id))
                return "need " + std::to_string(id) + ": events create it (last event " +
                       std::to_string(need.lastEvent) + "), the needs table has no such need";
    }
    return std::nullopt;
}

}  // namespace reemploi::inventory::replay
