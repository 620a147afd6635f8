// Units: registration (one or many, all or nothing), reads, field edits, storage media.
#include <reemploi/common/Text.hpp>
#include <reemploi/inventory/Units.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <unordered_map>

#include <openssl/rand.h>

#include <reemploi/common/Json.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Identity.hpp>
#include <reemploi/inventory/JsonViews.hpp>
#include <reemploi/inventory/Validation.hpp>

#include "StorageInternal.hpp"

namespace reemploi::inventory {

// The numbers a unit carries: plausible or refused, naming the field.
Status checkSpecs(const UnitSpecs &specs) {
    if (specs.ramMib && (*specs.ramMib <= 0 || *specs.ramMib > (1 << 24)))
        return makeError(Errc::InvalidInput, "ram: " + std::to_string(*specs.ramMib) + " MiB is not plausible");
    if (specs.batteryHealthPercent && (*specs.batteryHealthPercent < 0 || *specs.batteryHealthPercent > 100))
        return makeError(Errc::InvalidInput,
                         "battery health: " + std::to_string(*specs.batteryHealthPercent) + "% is not between 0 and 100");
    if (specs.screenInches && (*specs.screenInches <= 0 || *specs.screenInches > 100))
        return makeError(Errc::InvalidInput, "screen: not a plausible size in inches");
    return {};
}

namespace {

constexpr const char *kUnitColumns =
    "id, tag, donation_id, kind, make, model, serial, donor_tag, cpu, ram_mib, screen_inches, keyboard_layout,"
    " battery_health, os, grade, status, location, notes, created_at, site,"
    " (SELECT a.tag FROM units a WHERE a.id = units.attached_to)";

using text::trim;

Unit readUnit(const Statement &st) {
    Unit u;
    u.id = st.getInt(0);
    u.tag = st.getText(1);
    u.donationId = st.getInt(2);
    u.kind = parseUnitKind(st.getText(3)).value();
    u.make = st.getText(4);
    u.model = st.getText(5);
    u.serial = st.getText(6);
    u.donorTag = st.getText(7);
    u.specs.cpu = st.getText(8);
    u.specs.ramMib = st.getOptInt(9);
    u.specs.screenInches = st.getOptDouble(10);
    u.specs.keyboardLayout = st.getText(11);
    u.specs.batteryHealthPercent = st.getOptInt(12);
    u.specs.os = st.getText(13);
    if (!st.isNull(14)) u.grade = parseGrade(st.getText(14)).value();
    u.status = parseUnitStatus(st.getText(15)).value();
    u.location = st.getText(16);
    u.notes = st.getText(17);
    u.createdAt = st.getText(18);
    u.site = st.getText(19);
    if (!st.isNull(20)) u.attachedTo = st.getText(20);
    return u;
}

StorageMedium readMedium(const Statement &st) {
    StorageMedium m;
    m.id = st.getInt(0);
    m.unitId = st.getInt(1);
    m.type = parseMediumType(st.getText(2)).value();
    m.model = st.getText(3);
    m.serial = st.getText(4);
    m.capacityBytes = st.getOptInt(5);
    m.destroyed = st.getInt(6) != 0;
    return m;
}

void loadMedia(Database &db, Unit &unit) {
    auto &st = db.cached(
        "SELECT id, unit_id, type, model, serial, capacity_bytes, destroyed FROM storage_media WHERE unit_id = ? ORDER BY id");
    st.bind(1, unit.id);
    unit.storage.clear();
    while (st.step()) unit.storage.push_back(readMedium(st));
    st.reset();
}

// Every rule a unit to register must meet by itself (text fields, numbers, media).
Status validate(const NewUnit &u) {
    auto problems = checkUnitText(u);
    if (!problems.empty()) return problems.front().error;
    return checkSpecs(u.specs);
}

// What makes a unit itself (Identity.hpp): its serial cleaned, its make unified. A batch
// repeats the same few makes: `makes` keeps each one's canonical form.
struct UnitIdentity {
    std::string serial;
    std::string make;
};
UnitIdentity identityOf(const NewUnit &input, std::unordered_map<std::string, std::string> &makes) {
    auto known = makes.find(input.make);
    if (known == makes.end()) known = makes.emplace(input.make, canonicalMake(input.make)).first;
    return {cleanSerial(input.serial), known->second};
}

// The key of a make already canonical (makeKey without unifying again).
std::string keyOfCanonical(const std::string &make) {
    std::string key = make;
    for (auto &c : key)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    return key;
}

// The same serial under the same make, or with no make on either side: a unit registered
// without its make (a list with no make column) is the machine registered later with its make,
// and the reverse (Identity.hpp, sameMachine).
std::optional<std::string> existingTag(Database &db, const std::string &key, const std::string &serial,
                                       const std::string &except = {}) {
    auto &st = db.cached("SELECT tag FROM units WHERE serial = ? AND (make_key = ? OR make_key = '' OR ? = '')"
                         " AND tag <> ? ORDER BY id LIMIT 1");
    st.bind(1, serial).bind(2, key).bind(3, key).bind(4, except);
    std::optional<std::string> tag;
    if (st.step()) tag = st.getText(0);
    st.reset();
    return tag;
}

// Make keys by serial, for batches: sameMachine on each entry.
// A multimap: one node per unit, as cheap as the (make, serial) keys it replaced.
using SerialIndex = std::unordered_multimap<std::string, std::pair<std::string, std::string>>;  // serial → (make key, tag)
const std::string *findSame(const SerialIndex &index, const std::string &key, const std::string &serial) {
    auto [from, to] = index.equal_range(serial);
    for (auto it = from; it != to; ++it)
        if (sameMachine(it->second.first, key)) return &it->second.second;
    return nullptr;
}

Error duplicateError(const std::string &make, const std::string &serial, const std::string &tag) {
    return makeError(Errc::Conflict, "serial " + serial + (make.empty() ? "" : " (" + make + ")") +
                                         " is already registered as unit " + tag);
}

bool donationExists(Database &db, std::int64_t id) {
    auto &st = db.cached("SELECT 1 FROM donations WHERE id = ?");
    st.bind(1, id);
    bool found = st.step();
    st.reset();
    return found;
}

// The unit as registered from its input: serial and make as `id` says, single-line fields
// trimmed, status `received`, the given tag.
Unit newUnit(const NewUnit &input, UnitIdentity &&id, std::int64_t tagNumber, const std::string &now) {
    Unit u;
    u.tag = formatTag(tagNumber);
    u.donationId = input.donationId;
    u.kind = input.kind;
    u.make = std::move(id.make);
    u.model = trim(input.model);
    u.serial = std::move(id.serial);
    u.donorTag = trim(input.donorTag);
    u.specs.cpu = trim(input.specs.cpu);
    u.specs.ramMib = input.specs.ramMib;
    u.specs.screenInches = input.specs.screenInches;
    u.specs.keyboardLayout = trim(input.specs.keyboardLayout);
    u.specs.batteryHealthPercent = input.specs.batteryHealthPercent;
    u.specs.os = trim(input.specs.os);
    u.grade = input.grade;
    u.status = UnitStatus::Received;
    u.location = trim(input.location);
    u.notes = input.notes;
    u.createdAt = now;
    return u;
}

constexpr const char *kUnitInsertColumns =
    "tag, donation_id, kind, make, make_key, model, serial, donor_tag, cpu, ram_mib, screen_inches, keyboard_layout,"
    " battery_health, os, grade, status, status_since, location, notes, created_at, updated_at";
constexpr int kUnitInsertCount = 21;
constexpr const char *kMediumInsertColumns = "unit_id, type, model, serial, capacity_bytes, created_at";
constexpr int kMediumInsertCount = 6;

// Binds the kUnitInsertColumns of `u` from parameter `first` on, in place: `u`, `key` and `now`
// outlive the statement's run (bulk inserts bind thousands of texts per statement).
void bindUnit(Statement &st, int first, const Unit &u, const std::string &key, const std::string &now) {
    const int p = first;
    st.bindStable(p, u.tag).bind(p + 1, u.donationId).bindStable(p + 2, toString(u.kind)).bindStable(p + 3, u.make);
    st.bindStable(p + 4, key).bindStable(p + 5, u.model).bindStable(p + 6, u.serial).bindStable(p + 7, u.donorTag);
    st.bindStable(p + 8, u.specs.cpu).bind(p + 9, u.specs.ramMib).bind(p + 10, u.specs.screenInches);
    st.bindStable(p + 11, u.specs.keyboardLayout).bind(p + 12, u.specs.batteryHealthPercent);
    st.bindStable(p + 13, u.specs.os);
    if (u.grade) st.bindStable(p + 14, toString(*u.grade));
    else st.bindNull(p + 14);
    st.bindStable(p + 15, toString(u.status)).bindStable(p + 16, now).bindStable(p + 17, u.location);
    st.bindStable(p + 18, u.notes).bindStable(p + 19, now).bindStable(p + 20, now);
}

void bindMedium(Statement &st, int first, const StorageMedium &m, const std::string &now) {
    st.bind(first, m.unitId).bindStable(first + 1, toString(m.type)).bindStable(first + 2, m.model);
    st.bindStable(first + 3, m.serial).bind(first + 4, m.capacityBytes).bindStable(first + 5, now);
}

// "INSERT INTO table (columns, id) VALUES (?, …), (?, …), …" for `rows` rows.
std::string multiRowInsert(const std::string &table, const char *columns, int count, std::size_t rows) {
    std::string one = "(";
    for (int i = 0; i <= count; ++i) one += i ? ", ?" : "?";
    one += ')';
    std::string sql = "INSERT INTO " + table + " (" + columns + ", id) VALUES ";
    for (std::size_t r = 0; r < rows; ++r) sql += r ? ", " + one : one;
    return sql;
}

// Inserts checked units with consecutive tags from `firstTag`, their media and one event each.
// A donor's list registers thousands of units at once, so the rows go many per statement with
// ids reserved up front: a statement run and an id round trip per row cost more than the rows.
std::vector<Unit> insertUnits(Database &db, const std::vector<NewUnit> &inputs, std::vector<UnitIdentity> &&ids,
                              std::int64_t firstTag,
                              const std::string &now, const Actor &actor) {
    // 22,528 parameters a statement: below SQLite's default limit (32,766) and PostgreSQL's (65,535).
    constexpr std::size_t kRowsPerStatement = 1024;
    std::size_t mediaCount = 0;
    for (const auto &u : inputs) mediaCount += u.storage.size();
    std::int64_t nextUnit = db.reserveIds("units", static_cast<std::int64_t>(inputs.size()));
    std::int64_t nextMedium = mediaCount ? db.reserveIds("storage_media", static_cast<std::int64_t>(mediaCount)) : 0;
    std::vector<Unit> out;
    out.reserve(inputs.size());
    std::unordered_map<std::int64_t, std::string> sites;  // donation → its site, asked once each
    auto &donationSite = db.cached("SELECT site FROM donations WHERE id = ?");
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        Unit u = newUnit(inputs[i], std::move(ids[i]), firstTag + static_cast<std::int64_t>(i), now);
        u.id = nextUnit++;
        auto [site, asked] = sites.try_emplace(u.donationId);
        if (asked) {
            donationSite.bind(1, u.donationId);
            if (donationSite.step()) site->second = donationSite.getText(0);
            donationSite.reset();
        }
        u.site = site->second;
        for (const auto &m : inputs[i].storage)
            u.storage.push_back(StorageMedium{nextMedium++, u.id, m.type, trim(m.model), trim(m.serial), m.capacityBytes, false});
        out.push_back(std::move(u));
    }

    const std::string fullUnits = multiRowInsert("units", kUnitInsertColumns, kUnitInsertCount, kRowsPerStatement);
    const std::string fullMedia =
        multiRowInsert("storage_media", kMediumInsertColumns, kMediumInsertCount, kRowsPerStatement);
    std::vector<std::string> keys(kRowsPerStatement);  // the make keys bound in place
    for (std::size_t b = 0; b < out.size(); b += kRowsPerStatement) {
        std::size_t e = std::min(out.size(), b + kRowsPerStatement);
        auto &st = db.cached(e - b == kRowsPerStatement ? fullUnits
                                                        : multiRowInsert("units", kUnitInsertColumns, kUnitInsertCount, e - b));
        for (std::size_t i = b; i < e; ++i) keys[i - b] = keyOfCanonical(out[i].make);
        int p = 1;
        for (std::size_t i = b; i < e; ++i, p += kUnitInsertCount + 1) {
            bindUnit(st, p, out[i], keys[i - b], now);
            st.bind(p + kUnitInsertCount, out[i].id);
        }
        st.step();
        st.reset();
    }
    std::vector<const StorageMedium *> media;
    for (const auto &u : out)
        for (const auto &m : u.storage) media.push_back(&m);
    for (std::size_t b = 0; b < media.size(); b += kRowsPerStatement) {
        std::size_t e = std::min(media.size(), b + kRowsPerStatement);
        auto &st = db.cached(e - b == kRowsPerStatement
                                 ? fullMedia
                                 : multiRowInsert("storage_media", kMediumInsertColumns, kMediumInsertCount, e - b));
        int p = 1;
        for (std::size_t i = b; i < e; ++i, p += kMediumInsertCount + 1) {
            bindMedium(st, p, *media[i], now);
            st.bind(p + kMediumInsertCount, media[i]->id);
        }
        st.step();
        st.reset();
    }
    // Donor-list fields, outside the chain: the event carries SHA-256(salt || fields) only, so that
    // deleting the row at the end of its retention period leaves nothing to guess from.
    std::vector<std::string> fieldHashes(out.size());
    {
        std::unique_ptr<Statement> insert;
        for (std::size_t i = 0; i < out.size(); ++i) {
            if (inputs[i].donorFields.empty()) continue;
            json::Object fields;
            for (const auto &[header, value] : inputs[i].donorFields) fields.set(header, value);
            unsigned char raw[16];
            if (RAND_bytes(raw, sizeof raw) != 1) throw DbError(DbError::Kind::Other, "no random bytes for a salt");
            static const char *hex = "0123456789abcdef";
            std::string salt;
            for (unsigned char b : raw) {
                salt += hex[b >> 4];
                salt += hex[b & 15];
            }
            std::string text = fields.str();
            fieldHashes[i] = sha256Hex(salt + text);
            if (!insert)
                insert = db.prepare("INSERT INTO unit_donor_fields (unit_id, fields, salt, created_at) VALUES (?, ?, ?, ?)");
            insert->bind(1, out[i].id).bind(2, text).bind(3, salt).bind(4, now);
            insert->step();
            insert->reset();
        }
    }
    constexpr std::size_t kEventsPerCall = 1024;  // bounds the payloads held at once (~0.5 MB)
    std::vector<NewEvent> events;
    events.reserve(std::min(out.size(), kEventsPerCall));
    for (std::size_t i = 0; i < out.size(); ++i) {
        std::string payload = toJsonText(out[i]);
        if (!fieldHashes[i].empty()) {
            // In key order: "donor_fields_sha256" sorts just before "donor_tag".
            auto at = payload.find("\"donor_tag\":");
            payload.insert(at, "\"donor_fields_sha256\":\"" + fieldHashes[i] + "\",");
        }
        events.push_back({"unit", out[i].tag, "unit_created", std::move(payload)});
        if (events.size() == kEventsPerCall || i + 1 == out.size()) {
            appendEvents(db, actor, std::move(events));
            events.clear();
        }
    }
    return out;
}

// Tags are numbered by the database's counter (a sequence on PostgreSQL), never max() + 1: two
// benches registering at once never get the same tag.
std::int64_t reserveTags(Database &db, std::int64_t count) { return db.reserveSequence("unit_tag", count); }

}  // namespace

// "RE-%06lld", without printf: a bulk registration formats one tag per unit.
std::string formatTag(std::int64_t number) {
    char buf[32];
    if (number < 0) {
        std::snprintf(buf, sizeof buf, "RE-%06lld", static_cast<long long>(number));
        return buf;
    }
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, number);
    (void)ec;
    auto digits = static_cast<std::size_t>(end - buf);
    std::string tag = "RE-";
    if (digits < 6) tag.append(6 - digits, '0');
    tag.append(buf, digits);
    return tag;
}

std::optional<std::int64_t> parseTag(std::string_view tag) {
    if (tag.size() < 4 || (tag.substr(0, 3) != "RE-" && tag.substr(0, 3) != "re-")) return std::nullopt;
    std::int64_t n = 0;
    for (char c : tag.substr(3)) {
        if (c < '0' || c > '9' || n > 1'000'000'000'000) return std::nullopt;
        n = n * 10 + (c - '0');
    }
    return n > 0 ? std::optional<std::int64_t>(n) : std::nullopt;
}

Status checkNewUnit(Database &db, const NewUnit &input) {
    REEMPLOI_TRY(validate(input));
    std::unordered_map<std::string, std::string> makes;
    UnitIdentity id = identityOf(input, makes);
    return guard("checking unit", [&]() -> Status {
        if (!donationExists(db, input.donationId))
            return makeError(Errc::NotFound, "no donation " + std::to_string(input.donationId));
        if (auto tag = existingTag(db, keyOfCanonical(id.make), id.serial)) return duplicateError(id.make, id.serial, *tag);
        return {};
    });
}

Result<Unit> addUnit(Database &db, const NewUnit &unit, const Actor &actor) {
    auto units = addUnits(db, {unit}, actor);
    if (!units) return units.error();
    return std::move(units->front());
}

Result<std::vector<Unit>> addUnits(Database &db, const std::vector<NewUnit> &units, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Trainee, "register units"));
    std::vector<UnitIdentity> ids;
    ids.reserve(units.size());
    std::unordered_map<std::string, std::string> makes;
    for (std::size_t i = 0; i < units.size(); ++i) {
        auto checked = validate(units[i]);
        if (!checked)
            return units.size() == 1 ? checked.error() : checked.error().withContext("unit " + std::to_string(i + 1));
        ids.push_back(identityOf(units[i], makes));
    }
    BulkScope bulk(db, units.size());  // around the transaction: some tuning applies to its commit
    return inTransaction(db, "registering units", [&]() -> Result<std::vector<Unit>> {
        // Every check before the first write: a refusal leaves nothing behind.
        SerialIndex seen;  // this batch: serial → (make key, unit number)
        seen.reserve(units.size());
        std::unordered_map<std::int64_t, bool> donations;
        // A batch as large as the units already registered reads their (make, serial) once
        // rather than looking each of its units up.
        std::optional<SerialIndex> registered;
        if (units.size() >= 1000) {
            auto &top = db.cached("SELECT coalesce(max(id), 0) FROM units");
            top.step();
            std::int64_t highest = top.getInt(0);
            top.reset();
            if (highest <= static_cast<std::int64_t>(units.size()) * 4) {
                registered.emplace();
                auto all = db.prepare("SELECT make_key, serial, tag FROM units");
                while (all->step())
                    registered->emplace(all->getText(1), std::make_pair(all->getText(0), all->getText(2)));
            }
        }
        for (std::size_t i = 0; i < units.size(); ++i) {
            const auto &u = units[i];
            auto where = [&](Error e) {
                return units.size() == 1 ? e : e.withContext("unit " + std::to_string(i + 1));
            };
            auto known = donations.find(u.donationId);
            if (known == donations.end()) known = donations.emplace(u.donationId, donationExists(db, u.donationId)).first;
            if (!known->second)
                return where(makeError(Errc::NotFound, "no donation " + std::to_string(u.donationId)));
            const auto &[serial, make] = ids[i];
            std::string key = keyOfCanonical(make);
            if (registered) {
                if (const std::string *found = findSame(*registered, key, serial))
                    return where(duplicateError(make, serial, *found));
            } else if (auto tag = existingTag(db, key, serial)) {
                return where(duplicateError(make, serial, *tag));
            }
            if (const std::string *earlier = findSame(seen, key, serial))
                return where(makeError(Errc::Conflict, "serial " + serial + " is repeated (unit " + *earlier + ")"));
            seen.emplace(serial, std::make_pair(std::move(key), std::to_string(i + 1)));
        }
        std::int64_t first = reserveTags(db, static_cast<std::int64_t>(units.size()));
        const std::string now = nowUtc();
        auto inserted = insertUnits(db, units, std::move(ids), first, now, actor);
        // The workshop that holds a new unit is the one its donation came to (migration 10).
        if (!inserted.empty()) {
            auto &site = db.cached("UPDATE units SET site = (SELECT d.site FROM donations d WHERE d.id = units.donation_id)"
                                   " WHERE id >= ? AND id <= ?");
            site.bind(1, inserted.front().id).bind(2, inserted.back().id);
            site.step();
            site.reset();
        }
        return inserted;
    });
}

Result<Unit> getUnit(Database &db, std::string_view tag) {
    return guard("reading unit", [&]() -> Result<Unit> {
        auto &st = db.cached(std::string("SELECT ") + kUnitColumns + " FROM units WHERE tag = ?");
        st.bind(1, tag);
        if (!st.step()) {
            st.reset();
            return makeError(Errc::NotFound, "no unit " + std::string(tag));
        }
        Unit u = readUnit(st);
        st.reset();
        loadMedia(db, u);
        return u;
    });
}

Result<std::optional<std::string>> findTagBySerial(Database &db, std::string_view make, std::string_view serial) {
    return guard("looking up serial", [&]() -> Result<std::optional<std::string>> {
        return existingTag(db, makeKey(make), cleanSerial(serial));
    });
}

Result<UnitFilter> scopeToActor(const Actor &actor, UnitFilter filter) {
    if (actor.role != Role::Trainee || actor.site.empty()) return filter;
    if (filter.site && *filter.site != actor.site)
        return makeFieldError(Errc::Forbidden, "site",
                              "a bench account of " + actor.site + " sees its own workshop's units, not " + *filter.site +
                                  "'s: a coordinator sees every site");
    filter.site = actor.site;
    return filter;
}

Result<std::vector<Unit>> listUnits(Database &db, const UnitFilter &filter) {
    return guard("listing units", [&]() -> Result<std::vector<Unit>> {
        std::string sql = std::string("SELECT ") + kUnitColumns + " FROM units WHERE 1 = 1";
        if (filter.status) sql += " AND status = ?";
        if (filter.donationId) sql += " AND donation_id = ?";
        if (filter.kind) sql += " AND kind = ?";
        if (filter.site) sql += " AND site = ?";
        sql += " ORDER BY id";
        auto st = db.prepare(sql);
        int i = 1;
        if (filter.status) st->bind(i++, toString(*filter.status));
        if (filter.donationId) st->bind(i++, *filter.donationId);
        if (filter.kind) st->bind(i++, toString(*filter.kind));
        if (filter.site) st->bind(i++, *filter.site);
        std::vector<Unit> out;
        while (st->step()) out.push_back(readUnit(*st));
        // One query for every unit's media rather than one per unit.
        std::unordered_map<std::int64_t, Unit *> byId;
        for (auto &u : out) byId[u.id] = &u;
        auto media = db.prepare("SELECT id, unit_id, type, model, serial, capacity_bytes, destroyed FROM storage_media ORDER BY id");
        while (media->step()) {
            auto it = byId.find(media->getInt(1));
            if (it != byId.end()) it->second->storage.push_back(readMedium(*media));
        }
        return out;
    });
}

Result<Unit> updateUnit(Database &db, std::string_view tag, const UnitPatch &input, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Trainee, "edit a unit"));
    if (auto problems = checkPatchText(input); !problems.empty()) return problems.front().error;
    // Stored as registrations store them: serial cleaned, make unified, lines trimmed.
    UnitPatch patch = input;
    if (input.serial) patch.serial = cleanSerial(*input.serial);
    if (input.make) patch.make = canonicalMake(*input.make);
    for (auto *field : {&patch.model, &patch.donorTag, &patch.location, &patch.site, &patch.cpu, &patch.keyboardLayout, &patch.os})
        if (*field) *field = trim(**field);
    return inTransaction(db, "updating unit " + std::string(tag), [&]() -> Result<Unit> {
        auto current = getUnit(db, tag);
        if (!current) return current.error();
        Unit u = *current;
        json::Object before, after;
        std::vector<std::pair<std::string, std::string>> sets;  // column, value as bound text
        auto text = [&](const char *column, const std::optional<std::string> &value, std::string &field) {
            if (!value || *value == field) return;
            before.set(column, field);
            after.set(column, *value);
            field = *value;
        };
        text("make", patch.make, u.make);
        text("model", patch.model, u.model);
        text("serial", patch.serial, u.serial);
        text("donor_tag", patch.donorTag, u.donorTag);
        text("location", patch.location, u.location);
        text("notes", patch.notes, u.notes);
        text("cpu", patch.cpu, u.specs.cpu);
        text("keyboard_layout", patch.keyboardLayout, u.specs.keyboardLayout);
        text("os", patch.os, u.specs.os);
        if (patch.site && *patch.site != u.site)
            REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "move a unit to another workshop"));
        text("site", patch.site, u.site);
        auto number = [&](const char *column, const auto &value, auto &field) {
            if (!value || (field && *field == *value)) return;
            if (field) before.set(column, *field);
            else before.null(column);
            after.set(column, *value);
            field = *value;
        };
        number("ram_mib", patch.ramMib, u.specs.ramMib);
        number("battery_health", patch.batteryHealthPercent, u.specs.batteryHealthPercent);
        number("screen_inches", patch.screenInches, u.specs.screenInches);
        if (patch.grade && u.grade != patch.grade) {
            if (u.grade) before.set("grade", toString(*u.grade));
            else before.null("grade");
            after.set("grade", toString(*patch.grade));
            u.grade = patch.grade;
        }
        if (after.empty()) return u;  // nothing changed, nothing recorded

        REEMPLOI_TRY(checkSpecs(u.specs));
        if (patch.make || patch.serial) {
            if (auto other = existingTag(db, makeKey(u.make), u.serial, u.tag))
                return duplicateError(u.make, u.serial, *other);
        }
        auto &st = db.cached(
            "UPDATE units SET make = ?, make_key = ?, model = ?, serial = ?, donor_tag = ?, location = ?, notes = ?,"
            " cpu = ?, keyboard_layout = ?, os = ?, ram_mib = ?, battery_health = ?, screen_inches = ?, grade = ?,"
            " updated_at = ?, site = ? WHERE id = ?");
        st.bind(1, u.make).bind(2, makeKey(u.make)).bind(3, u.model).bind(4, u.serial).bind(5, u.donorTag);
        st.bind(6, u.location).bind(7, u.notes).bind(8, u.specs.cpu).bind(9, u.specs.keyboardLayout).bind(10, u.specs.os);
        st.bind(11, u.specs.ramMib).bind(12, u.specs.batteryHealthPercent).bind(13, u.specs.screenInches);
        if (u.grade) st.bind(14, toString(*u.grade));
        else st.bindNull(14);
        st.bind(15, nowUtc()).bind(16, u.site).bind(17, u.id);
        st.step();
        st.reset();
        appendEvent(db, actor, {"unit", u.tag, "unit_updated", json::Object().set("before", before).set("after", after).str()});
        return u;
    });
}

Result<std::string> donorFieldsJson(Database &db, std::string_view tag) {
    return guard("reading donor fields", [&]() -> Result<std::string> {
        auto st = db.prepare("SELECT f.fields FROM units u LEFT JOIN unit_donor_fields f ON f.unit_id = u.id WHERE u.tag = ?");
        st->bind(1, tag);
        if (!st->step()) return makeError(Errc::NotFound, "no unit " + std::string(tag));
        return st->isNull(0) ? std::string("{}") : st->getText(0);
    });
}

Result<StorageMedium> addMedium(Database &db, std::string_view tag, const NewMedium &input, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Trainee, "add storage to a unit"));
    REEMPLOI_TRY(checkMediumText(input));
    NewMedium medium = input;
    medium.model = trim(input.model);
    medium.serial = trim(input.serial);
    return inTransaction(db, "adding storage to " + std::string(tag), [&]() -> Result<StorageMedium> {
        auto unit = getUnit(db, tag);
        if (!unit) return unit.error();
        if (isAccessory(unit->kind))
            return makeFieldError(Errc::Refused, "kind",
                                  unit->tag + " is a " + std::string(toString(unit->kind)) +
                                      ": an accessory holds no storage (a printer may have a disk)");
        // A medium found in a unit declared without storage: the declaration no longer holds,
        // and the medium must now be sanitized like any other.
        auto cleared = clearStorageDeclaration(db, unit->id);
        auto &ms = db.cached(
            "INSERT INTO storage_media (unit_id, type, model, serial, capacity_bytes, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
        ms.bind(1, unit->id).bind(2, toString(medium.type)).bind(3, medium.model).bind(4, medium.serial);
        ms.bind(5, medium.capacityBytes).bind(6, nowUtc());
        ms.step();
        StorageMedium m{ms.getInt(0), unit->id, medium.type, medium.model, medium.serial, medium.capacityBytes, false};
        ms.reset();
        auto payload = toJson(m);
        if (cleared) payload.set("declaration_cleared", toString(cleared->kind));
        appendEvent(db, actor, {"unit", unit->tag, "storage_added", payload.str()});
        return m;
    });
}

Result<StorageMedium> markMediumDestroyed(Database &db, std::int64_t mediumId, std::string_view how, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Trainee, "record a medium's destruction"));
    if (text::trimView(how).empty()) return makeError(Errc::InvalidInput, "destruction: say how the medium was destroyed");
    REEMPLOI_TRY(checkLine(how, "how", kMaxReasonChars));
    return inTransaction(db, "recording destruction", [&]() -> Result<StorageMedium> {
        auto &st = db.cached(
            "SELECT m.id, m.unit_id, m.type, m.model, m.serial, m.capacity_bytes, m.destroyed, u.tag"
            " FROM storage_media m JOIN units u ON u.id = m.unit_id WHERE m.id = ?");
        st.bind(1, mediumId);
        if (!st.step()) {
            st.reset();
            return makeError(Errc::NotFound, "no storage medium " + std::to_string(mediumId));
        }
        StorageMedium m = readMedium(st);
        std::string tag = st.getText(7);
        st.reset();
        if (m.destroyed) return makeError(Errc::Conflict, "storage medium " + std::to_string(mediumId) + " is already destroyed");
        std::string now = nowUtc();
        auto &up = db.cached("UPDATE storage_media SET destroyed = 1, destroyed_at = ? WHERE id = ?");
        up.bind(1, now).bind(2, mediumId);
        up.step();
        up.reset();
        m.destroyed = true;
        appendEvent(db, actor,
                    {"unit", tag, "storage_destroyed", json::Object().set("medium", m.id).set("how", how).str()});
        return m;
    });
}

}  // namespace reemploi::inventory
