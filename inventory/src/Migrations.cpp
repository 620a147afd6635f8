// Numbered schema migrations. Append new ones at the end of kMigrations; never edit a migration
// that has shipped. CHECKs on enumerations are written as OR chains, not IN lists: SQLite builds a
// temporary index for an IN list at every run of an INSERT, which tripled the cost of a row. SQL is portable (SQLite and PostgreSQL): the only dialect token is {{id}},
// an auto-assigned, never-reused 64-bit primary key (SQLite: INTEGER PRIMARY KEY AUTOINCREMENT;
// PostgreSQL: an identity BY DEFAULT, so that bulk inserts may name ids reserved from its
// sequence). Where the SQL really differs, a migration adds a part for one dialect only.
#include <reemploi/inventory/Migrations.hpp>

#include <vector>

#include <reemploi/inventory/Domain.hpp>

#include "AuditInternal.hpp"

namespace reemploi::inventory {

namespace {

struct Migration {
    int version;
    const char *name;
    const char *sql;
    const char *postgresOnly = nullptr;  // run after `sql` on PostgreSQL only
    const char *sqliteOnly = nullptr;    // run after `sql` on SQLite only
    // What SQL cannot do (re-hashing the audit chain), run last in the same transaction.
    Status (*code)(Database &) = nullptr;
};

// After a table was rebuilt (SQLite): every foreign key still finds its row. PostgreSQL altered
// its tables in place and keeps checking them itself.
Status checkForeignKeys(Database &db) {
    if (db.dialect() != Dialect::Sqlite) return {};
    auto st = db.prepare("PRAGMA foreign_key_check");
    if (!st->step()) return {};
    return makeError(Errc::Internal, "foreign key check after the rebuild: table " + st->getText(0) + ", row " +
                                         st->getText(1) + " refers to a missing row of " + st->getText(2));
}

const std::vector<Migration> kMigrations = {
    {1, "core: donors, donations, units, storage, sanitization, events", R"sql(
CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('unit_tag', 0);

CREATE TABLE donors (
    id {{id}},
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind = 'company' OR kind = 'administration' OR kind = 'association' OR kind = 'individual'),
    email TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE donations (
    id {{id}},
    donor_id BIGINT NOT NULL REFERENCES donors (id),
    received TEXT NOT NULL,
    site TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX donations_donor ON donations (donor_id);

CREATE TABLE units (
    id {{id}},
    tag TEXT NOT NULL UNIQUE,
    donation_id BIGINT NOT NULL REFERENCES donations (id),
    kind TEXT NOT NULL CHECK (kind = 'laptop' OR kind = 'desktop' OR kind = 'tablet' OR kind = 'phone' OR kind = 'monitor' OR kind = 'other'),
    make TEXT NOT NULL DEFAULT '',
    make_key TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    serial TEXT NOT NULL,
    donor_tag TEXT NOT NULL DEFAULT '',
    cpu TEXT NOT NULL DEFAULT '',
    ram_mib BIGINT,
    screen_inches DOUBLE PRECISION,
    keyboard_layout TEXT NOT NULL DEFAULT '',
    battery_health BIGINT CHECK (battery_health BETWEEN 0 AND 100),
    os TEXT NOT NULL DEFAULT '',
    grade TEXT CHECK (grade = 'A' OR grade = 'B' OR grade = 'C' OR grade = 'D'),
    status TEXT NOT NULL,
    status_since TEXT NOT NULL,
    returned_at TEXT,
    -- sanitization records up to this id predate the unit's last return and no longer count
    sanitization_floor BIGINT NOT NULL DEFAULT 0,
    location TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX units_make_serial ON units (make_key, serial);
CREATE INDEX units_donation ON units (donation_id);
CREATE INDEX units_status ON units (status);

CREATE TABLE storage_media (
    id {{id}},
    unit_id BIGINT NOT NULL REFERENCES units (id),
    type TEXT NOT NULL CHECK (type = 'hdd' OR type = 'ssd' OR type = 'nvme' OR type = 'emmc' OR type = 'flash' OR type = 'other'),
    model TEXT NOT NULL DEFAULT '',
    serial TEXT NOT NULL DEFAULT '',
    capacity_bytes BIGINT,
    destroyed INTEGER NOT NULL DEFAULT 0,
    destroyed_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX storage_media_unit ON storage_media (unit_id);

CREATE TABLE sanitization_records (
    id {{id}},
    medium_id BIGINT NOT NULL REFERENCES storage_media (id),
    method TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level = 'clear' OR level = 'purge' OR level = 'destroy'),
    result TEXT NOT NULL CHECK (result = 'passed' OR result = 'failed' OR result = 'interrupted'),
    verification TEXT NOT NULL DEFAULT '',
    started_at TEXT NOT NULL,
    ended_at TEXT NOT NULL DEFAULT '',
    bytes_written BIGINT NOT NULL DEFAULT 0,
    last_lba BIGINT,
    errors TEXT NOT NULL DEFAULT '[]',
    certificate_id TEXT NOT NULL DEFAULT '',
    certificate_json TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX sanitization_medium ON sanitization_records (medium_id);

CREATE TABLE events (
    id BIGINT PRIMARY KEY,  -- assigned by the chain (previous + 1), not by the engine
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX events_entity ON events (entity, entity_id);
)sql"},
    {2, "allocation: schools, needs, allocation runs and assignments, pins and exclusions", R"sql(
CREATE TABLE schools (
    id {{id}},
    uai TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    town TEXT NOT NULL DEFAULT '',
    district TEXT NOT NULL DEFAULT '',
    priority_area INTEGER NOT NULL DEFAULT 0,
    contact TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A family's need, known only by the school's pseudonymous reference.
CREATE TABLE needs (
    id {{id}},
    school_id BIGINT NOT NULL REFERENCES schools (id),
    family_ref TEXT NOT NULL,
    grades TEXT NOT NULL,  -- one per child, space-separated: 'CP CM2'
    devices_at_home INTEGER NOT NULL CHECK (devices_at_home >= 0),
    internet TEXT NOT NULL CHECK (internet = 'none' OR internet = 'phone' OR internet = 'box'),
    priority_flags TEXT NOT NULL DEFAULT '',  -- comma-separated: 'qpv,referral'
    accessibility TEXT NOT NULL DEFAULT '',
    preference TEXT NOT NULL CHECK (preference = 'laptop' OR preference = 'tablet' OR preference = 'either'),
    status TEXT NOT NULL CHECK (status = 'open' OR status = 'served' OR status = 'withdrawn'),
    unit_id BIGINT REFERENCES units (id),  -- the unit that served it
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX needs_school_family ON needs (school_id, family_ref);
CREATE INDEX needs_status ON needs (status);

-- A proposal of `reemploi allocate`; at most one is 'proposed' at a time.
CREATE TABLE allocation_runs (
    id {{id}},
    status TEXT NOT NULL CHECK (status = 'proposed' OR status = 'confirmed' OR status = 'replaced'),
    units_fingerprint TEXT NOT NULL,  -- SHA-256 of the ready units it was made from
    needs_fingerprint TEXT NOT NULL,  -- SHA-256 of the open needs, pins and exclusions
    summary TEXT NOT NULL,            -- JSON: the objective's figures
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL,
    confirmed_at TEXT
);

CREATE TABLE allocation_assignments (
    id {{id}},
    run_id BIGINT NOT NULL REFERENCES allocation_runs (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    need_id BIGINT NOT NULL REFERENCES needs (id),
    pinned INTEGER NOT NULL DEFAULT 0,
    reason TEXT NOT NULL
);
CREATE INDEX allocation_assignments_run ON allocation_assignments (run_id);

-- Coordinators' decisions for the next runs: a unit pinned to a need, or kept out.
CREATE TABLE allocation_pins (
    unit_id BIGINT PRIMARY KEY REFERENCES units (id),
    kind TEXT NOT NULL CHECK (kind = 'pin' OR kind = 'exclude'),
    need_id BIGINT REFERENCES needs (id),
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL
);
)sql"},
    {3, "sanitization: identity evidence and notes", R"sql(
-- How the erased drive was known to be the medium ('serial', 'capacity+operator choice',
-- 'new medium'), and what else the record must say ('certificate not issued: ...').
ALTER TABLE sanitization_records ADD COLUMN identity_evidence TEXT NOT NULL DEFAULT '';
ALTER TABLE sanitization_records ADD COLUMN notes TEXT NOT NULL DEFAULT '';
)sql"},
    {4, "storage declarations: a unit declared without storage (removed or absent), with a reason", R"sql(
-- At most one declaration holds per unit; adding a medium or a return from a family removes it
-- (the events keep every declaration made).
CREATE TABLE storage_declarations (
    unit_id BIGINT PRIMARY KEY REFERENCES units (id),
    kind TEXT NOT NULL CHECK (kind = 'removed' OR kind = 'absent'),
    reason TEXT NOT NULL,
    actor TEXT NOT NULL,
    declared_at TEXT NOT NULL
);
)sql"},
    {5, "web app: accounts and donor links", R"sql(
-- Who may log in to the web app. The password is an Argon2id hash (libsodium's string form).
CREATE TABLE users (
    id {{id}},
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role = 'trainee' OR role = 'coordinator' OR role = 'admin'),
    password_hash TEXT NOT NULL,
    site TEXT NOT NULL DEFAULT '',
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A donor's link to one donation's page: only the SHA-256 of its token is kept.
CREATE TABLE donor_links (
    id {{id}},
    donation_id BIGINT NOT NULL REFERENCES donations (id),
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX donor_links_donation ON donor_links (donation_id);
)sql"},
    {6, "intake: units by serial alone (a serial registered without a make matches any make)", R"sql(
CREATE INDEX units_serial ON units (serial);
)sql"},
    {7, "device locks: an iPad's activation lock as the bench last read it", R"sql(
-- One reading per unit (the events keep every reading); 'on' or 'unknown' keeps it from ready.
CREATE TABLE device_locks (
    unit_id BIGINT PRIMARY KEY REFERENCES units (id),
    lock_kind TEXT NOT NULL CHECK (lock_kind = 'activation_lock'),
    state TEXT NOT NULL CHECK (state = 'off' OR state = 'on' OR state = 'unknown'),
    detail TEXT NOT NULL,
    checked_at TEXT NOT NULL
);
)sql"},
    {8, "audit: each event's hash covers its payload's SHA-256 (payloads can be redacted); chains re-hashed", R"sql(
ALTER TABLE events ADD COLUMN payload_sha256 TEXT NOT NULL DEFAULT '';
)sql", nullptr, nullptr, internal::rechainUnderPayloadHashes},
    {9, "privacy: the free-text columns of donors' lists, kept outside the audit trail", R"sql(
-- Columns of a donor's list that have no field of their own, one JSON object per unit. The unit's
-- unit_created event carries only SHA-256(salt || fields): the row can be deleted when its
-- retention period ends (reemploi privacy purge) without touching the chain.
CREATE TABLE unit_donor_fields (
    unit_id BIGINT PRIMARY KEY REFERENCES units (id),
    fields TEXT NOT NULL,
    salt TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX unit_donor_fields_created ON unit_donor_fields (created_at);
)sql"},
    {10, "a network of workshops: the site that holds each unit; unit tags from a sequence on PostgreSQL", R"sql(
-- The workshop (site) that holds the unit: its donation's site when registered, moved by hand.
ALTER TABLE units ADD COLUMN site TEXT NOT NULL DEFAULT '';
UPDATE units SET site = COALESCE((SELECT d.site FROM donations d WHERE d.id = units.donation_id), '');
CREATE INDEX units_site ON units (site);
)sql",
     // Several servers' clients register at once: tags come from a sequence (never rolled back,
     // never handed out twice) rather than the `counters` row, which would hold a row lock until
     // each registration commits. It continues the counter.
     R"sql(
CREATE SEQUENCE unit_tag_seq;
SELECT setval('unit_tag_seq', (SELECT value FROM counters WHERE name = 'unit_tag') + 1, false);
)sql"},
    {11, "reports: a recycled unit's receipt from the recycler", R"sql(
-- The reference on the receipt (bordereau de suivi, certificate of treatment) the recycler gave
-- for a recycled unit; NULL until recorded. Donors' reports show it.
ALTER TABLE units ADD COLUMN recycler_receipt TEXT;
)sql"},
    {12, "programmes: levels, programmes, structures, loans, connectivity kits, distribution sites, mediators", R"sql(
-- The levels a programme may serve: a list kept in the database (reemploi level add), not in code.
CREATE TABLE levels (
    code TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    position INTEGER NOT NULL
);
INSERT INTO levels (code, label, position) VALUES ('cp-cm2', 'CP–CM2', 1);
INSERT INTO levels (code, label, position) VALUES ('college', 'collège', 2);
INSERT INTO levels (code, label, position) VALUES ('lycee', 'lycée', 3);
INSERT INTO levels (code, label, position) VALUES ('post-bac', 'post-bac / BTS', 4);
INSERT INTO levels (code, label, position) VALUES ('adults', 'adultes', 5);

-- An operation: who it serves, whether its units are given or lent, and its own allocation rules
-- (the `allocate --config` format). The first row (id 1) is the default programme: today's
-- behaviour, which every existing need belongs to.
CREATE TABLE programmes (
    id {{id}},
    name TEXT NOT NULL UNIQUE,
    starts_on TEXT NOT NULL DEFAULT '',
    ends_on TEXT NOT NULL DEFAULT '',
    levels TEXT NOT NULL,  -- comma-separated level codes
    mode TEXT NOT NULL CHECK (mode = 'given' OR mode = 'lent'),
    rules TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO programmes (name, levels, mode, rules, created_at, updated_at)
    VALUES ('default', 'cp-cm2', 'given', '', '', '');
ALTER TABLE needs ADD COLUMN programme_id BIGINT NOT NULL DEFAULT 1;
ALTER TABLE needs ADD COLUMN level TEXT NOT NULL DEFAULT 'cp-cm2';
CREATE INDEX needs_programme ON needs (programme_id, status);
ALTER TABLE allocation_runs ADD COLUMN programme_id BIGINT NOT NULL DEFAULT 1;

-- Partner distribution sites (schools, social centres, town halls), where families pick up.
CREATE TABLE sites (
    id {{id}},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    hours TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Structures beyond elementary schools: the kind, and the usual distribution site. A structure
-- with no UAI (a social centre) gets an identifier of our own, 'S-000001', in the uai column.
ALTER TABLE schools ADD COLUMN kind TEXT NOT NULL DEFAULT 'school';
ALTER TABLE schools ADD COLUMN site_id BIGINT;
INSERT INTO counters (name, value) VALUES ('structure_id', 0);

-- A unit lent to a need's recipient: due date, the site it was handed out at, its return.
CREATE TABLE loans (
    id {{id}},
    unit_id BIGINT NOT NULL REFERENCES units (id),
    need_id BIGINT NOT NULL REFERENCES needs (id),
    site_id BIGINT REFERENCES sites (id),
    out_at TEXT NOT NULL,
    due_on TEXT NOT NULL,
    returned_at TEXT,
    actor TEXT NOT NULL
);
CREATE INDEX loans_unit ON loans (unit_id);
CREATE INDEX loans_due ON loans (due_on);

-- Connectivity kits (4G keys, SIM cards with a data plan, hotspots): no storage, a lifecycle of
-- their own.
CREATE TABLE kits (
    id {{id}},
    tag TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind = '4g-key' OR kind = 'sim' OR kind = 'hotspot'),
    imei TEXT UNIQUE,
    iccid TEXT UNIQUE,
    operator TEXT NOT NULL DEFAULT '',
    plan_ends_on TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status = 'in_stock' OR status = 'allocated' OR status = 'delivered' OR status = 'returned' OR status = 'expired'),
    need_id BIGINT REFERENCES needs (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX kits_status ON kits (status);
INSERT INTO counters (name, value) VALUES ('kit_tag', 0);
-- A proposal's second assignments: a kit for a need that receives a device and has no internet.
CREATE TABLE allocation_kit_assignments (
    id {{id}},
    run_id BIGINT NOT NULL REFERENCES allocation_runs (id),
    kit_id BIGINT NOT NULL REFERENCES kits (id),
    need_id BIGINT NOT NULL REFERENCES needs (id),
    reason TEXT NOT NULL
);
CREATE INDEX allocation_kit_assignments_run ON allocation_kit_assignments (run_id);

-- Hand-overs at a distribution site (a scan of the tag there).
CREATE TABLE handovers (
    id {{id}},
    unit_id BIGINT NOT NULL REFERENCES units (id),
    need_id BIGINT NOT NULL REFERENCES needs (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL
);
CREATE INDEX handovers_site ON handovers (site_id);

-- School mediators: an account limited to one school or structure (its UAI or identifier).
CREATE TABLE users_v12 (
    id {{id}},
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role = 'mediator' OR role = 'trainee' OR role = 'coordinator' OR role = 'admin'),
    password_hash TEXT NOT NULL,
    site TEXT NOT NULL DEFAULT '',
    structure TEXT NOT NULL DEFAULT '',
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO users_v12 (id, name, role, password_hash, site, disabled, created_at, updated_at)
    SELECT id, name, role, password_hash, site, disabled, created_at, updated_at FROM users;
DROP TABLE users;
ALTER TABLE users_v12 RENAME TO users;
)sql",
     // Kit tags and structure identifiers come from sequences, as unit tags do (migration 10);
     // the copied user ids were named: the identity continues after them.
     R"sql(
CREATE SEQUENCE kit_tag_seq;
CREATE SEQUENCE structure_id_seq;
SELECT setval(pg_get_serial_sequence('users', 'id'), COALESCE((SELECT MAX(id) FROM users), 0) + 1, false);
)sql"},
    {13, "kinds: printers and accessories (chargers, mice, keyboards, cables), an accessory attached to its unit", R"sql(
-- The children of units that had no index on their unit: rebuilding units below drops the old
-- table, which looks up every child row of every unit (and the allocation reads them by unit).
CREATE INDEX needs_unit ON needs (unit_id);
CREATE INDEX allocation_assignments_unit ON allocation_assignments (unit_id);
CREATE INDEX handovers_unit ON handovers (unit_id);
)sql",
     // PostgreSQL alters a CHECK in place. attached_to: the unit an accessory goes with (a
     // laptop and its charger); deferred so that a copy may insert the accessory first.
     R"sql(
ALTER TABLE units DROP CONSTRAINT units_kind_check;
ALTER TABLE units ADD CONSTRAINT units_kind_check CHECK (kind = 'laptop' OR kind = 'desktop' OR kind = 'tablet' OR kind = 'phone' OR kind = 'monitor' OR kind = 'other' OR kind = 'printer' OR kind = 'charger' OR kind = 'mouse' OR kind = 'keyboard' OR kind = 'cable');
ALTER TABLE units ADD COLUMN attached_to BIGINT REFERENCES units (id) DEFERRABLE INITIALLY DEFERRED;
CREATE INDEX units_attached ON units (attached_to);
)sql",
     // SQLite cannot alter a CHECK: the table is rebuilt inside the migration's transaction, where
     // foreign keys stay on (PRAGMA foreign_keys is a no-op there). With the checks deferred to the
     // commit, dropping the old table counts each child row as a violation, and re-inserting the
     // rows into the new table (under the old name) counts each one resolved: the copy goes through
     // a holding table so that the inserts happen once the new table is `units`. The columns keep
     // their order (PostgreSQL adds attached_to last too); migrateForeignKeysChecked checks after.
     R"sql(
PRAGMA defer_foreign_keys = ON;
CREATE TABLE units_v13 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tag TEXT NOT NULL UNIQUE,
    donation_id BIGINT NOT NULL REFERENCES donations (id),
    kind TEXT NOT NULL CHECK (kind = 'laptop' OR kind = 'desktop' OR kind = 'tablet' OR kind = 'phone' OR kind = 'monitor' OR kind = 'other' OR kind = 'printer' OR kind = 'charger' OR kind = 'mouse' OR kind = 'keyboard' OR kind = 'cable'),
    make TEXT NOT NULL DEFAULT '',
    make_key TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    serial TEXT NOT NULL,
    donor_tag TEXT NOT NULL DEFAULT '',
    cpu TEXT NOT NULL DEFAULT '',
    ram_mib BIGINT,
    screen_inches DOUBLE PRECISION,
    keyboard_layout TEXT NOT NULL DEFAULT '',
    battery_health BIGINT CHECK (battery_health BETWEEN 0 AND 100),
    os TEXT NOT NULL DEFAULT '',
    grade TEXT CHECK (grade = 'A' OR grade = 'B' OR grade = 'C' OR grade = 'D'),
    status TEXT NOT NULL,
    status_since TEXT NOT NULL,
    returned_at TEXT,
    sanitization_floor BIGINT NOT NULL DEFAULT 0,
    location TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    site TEXT NOT NULL DEFAULT '',
    recycler_receipt TEXT,
    attached_to BIGINT REFERENCES units (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE units_v13_seq AS SELECT seq FROM sqlite_sequence WHERE name = 'units';
CREATE TABLE units_v13_hold AS SELECT id, tag, donation_id, kind, make, make_key, model, serial, donor_tag, cpu,
    ram_mib, screen_inches, keyboard_layout, battery_health, os, grade, status, status_since, returned_at,
    sanitization_floor, location, notes, created_at, updated_at, site, recycler_receipt FROM units;
DROP TABLE units;
ALTER TABLE units_v13 RENAME TO units;
INSERT INTO units (id, tag, donation_id, kind, make, make_key, model, serial, donor_tag, cpu, ram_mib, screen_inches,
    keyboard_layout, battery_health, os, grade, status, status_since, returned_at, sanitization_floor, location,
    notes, created_at, updated_at, site, recycler_receipt)
    SELECT id, tag, donation_id, kind, make, make_key, model, serial, donor_tag, cpu, ram_mib, screen_inches,
    keyboard_layout, battery_health, os, grade, status, status_since, returned_at, sanitization_floor, location,
    notes, created_at, updated_at, site, recycler_receipt FROM units_v13_hold ORDER BY id;
DROP TABLE units_v13_hold;
-- Ids are never reused: the sequence goes on from the old table's, not from its highest row.
UPDATE sqlite_sequence SET seq = (SELECT seq FROM units_v13_seq) WHERE name = 'units' AND seq < (SELECT seq FROM units_v13_seq);
DROP TABLE units_v13_seq;
CREATE UNIQUE INDEX units_make_serial ON units (make_key, serial);
CREATE INDEX units_donation ON units (donation_id);
CREATE INDEX units_status ON units (status);
CREATE INDEX units_serial ON units (serial);
CREATE INDEX units_site ON units (site);
CREATE INDEX units_attached ON units (attached_to);
)sql", checkForeignKeys},
};

std::string expand(const std::string &sql, Dialect dialect) {
    const std::string token = "{{id}}";
    const std::string id = dialect == Dialect::Sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                                                      : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
    std::string out = sql;
    for (auto pos = out.find(token); pos != std::string::npos; pos = out.find(token, pos + id.size()))
        out.replace(pos, token.size(), id);
    return out;
}

void ensureMigrationTable(Database &db) {
    db.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
}

int readVersion(Database &db) {
    auto &st = db.cached("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    st.step();
    int v = static_cast<int>(st.getInt(0));
    st.reset();
    return v;
}

}  // namespace

int latestSchemaVersion() { return kMigrations.back().version; }

Result<int> schemaVersion(Database &db) {
    return guard("reading the schema version", [&]() -> Result<int> {
        ensureMigrationTable(db);
        return readVersion(db);
    });
}

Result<MigrationReport> migrate(Database &db) {
    MigrationReport report;
    auto current = schemaVersion(db);
    if (!current) return current.error();
    report.from = report.to = *current;
    if (*current > latestSchemaVersion())
        return makeError(Errc::Refused, "database schema version " + std::to_string(*current) +
                                            " is newer than this program knows (" +
                                            std::to_string(latestSchemaVersion()) + "): upgrade reemploi");
    for (const auto &m : kMigrations) {
        if (m.version <= report.to) continue;
        auto applied = inTransaction(db, "migration " + std::to_string(m.version), [&]() -> Status {
            db.exec(expand(m.sql, db.dialect()));
            if (const char *only = db.dialect() == Dialect::Postgres ? m.postgresOnly : m.sqliteOnly)
                db.exec(expand(only, db.dialect()));
            if (m.code) REEMPLOI_TRY(m.code(db));
            auto &st = db.cached("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
            st.bind(1, m.version).bind(2, m.name).bind(3, nowUtc());
            st.step();
            return {};
        });
        if (!applied) return applied.error();
        report.to = m.version;
    }
    return report;
}

Result<std::unique_ptr<Database>> openMigrated(const std::string &location) {
    auto db = Database::open(location);
    if (!db) return db.error();
    auto version = schemaVersion(**db);
    if (!version) return version.error();
    if (*version < latestSchemaVersion())
        return makeError(Errc::Refused, "database " + redactLocation(location) + " is at schema version " + std::to_string(*version) +
                                            ", this program needs " + std::to_string(latestSchemaVersion()) +
                                            ": run 'reemploi init' first");
    if (*version > latestSchemaVersion())
        return makeError(Errc::Refused, "database " + redactLocation(location) + " was made by a newer reemploi (schema " +
                                            std::to_string(*version) + ")");
    return std::move(db.value());
}

}  // namespace reemploi::inventory
