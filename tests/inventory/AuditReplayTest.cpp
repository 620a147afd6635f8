// The audit replay: random sequences of the public services always leave tables that agree with
// the trail; each act of an insider with write access to the database is caught and named.
#include <random>

#include <gtest/gtest.h>

#include <reemploi/inventory/Accessories.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Lifecycle.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Schools.hpp>
#include <reemploi/inventory/Storage.hpp>
#include <reemploi/inventory/allocation/AllocationService.hpp>

#include "inventory/InventoryFixture.hpp"

using namespace reemploi;
using namespace reemploi::inventory;

namespace {

// A valid UAI from a 7-digit number (the check letter computed as checkUai expects).
std::string uai(int n) {
    static constexpr std::string_view kLetters = "ABCDEFGHJKLMNPRSTUVWXYZ";
    char digits[16];
    std::snprintf(digits, sizeof digits, "%07d", n);
    return std::string(digits) + kLetters[static_cast<std::size_t>(n % 23)];
}

class AuditReplay : public test::InventoryFixture {
protected:
    AuditReport verify(AuditCheck check = {}) {
        auto report = verifyAudit(*db, check);
        EXPECT_TRUE(report) << report.error().message;
        return report ? *report : AuditReport{};
    }

    // Takes a unit one step along the happy path (a random walk alone seldom gets a unit ready).
    void advance(const std::string &tag) {
        auto unit = getUnit(*db, tag);
        if (!unit) return;
        switch (unit->status) {
        case UnitStatus::Received:
        case UnitStatus::Returned:
        case UnitStatus::ToRepair:
            if (!checkOf(unit->kind).empty()) (void)recordUnitCheck(*db, tag, true, "", actor);
            else (void)setStatus(*db, tag, UnitStatus::Diagnosed, "tested", actor);
            break;
        case UnitStatus::Diagnosed:
            for (const auto &m : unit->storage) {
                if (m.destroyed) continue;
                SanitizationRecord r;
                r.mediumId = m.id;
                r.method = "clear-zero";
                r.result = SanitizationResult::Passed;
                r.startedAt = r.endedAt = nowUtc();
                (void)recordSanitization(*db, r, actor);
            }
            if (unit->storage.empty() && alwaysHoldsData(unit->kind))
                (void)declareStorage(*db, tag, StorageAbsence::Removed, "drive removed", actor);
            (void)setStatus(*db, tag, UnitStatus::Wiped, "wiped", actor);
            break;
        case UnitStatus::Wiped:
            if (!unit->grade) {
                UnitPatch patch;
                patch.grade = Grade::B;
                (void)updateUnit(*db, tag, patch, actor);
            }
            (void)setStatus(*db, tag, UnitStatus::Ready, "graded", actor);
            break;
        case UnitStatus::Allocated: {
            auto served = listNeeds(*db, NeedStatus::Served);
            if (served)
                for (const auto &n : *served)
                    if (n.unitTag == tag) (void)allocation::recordDelivery(*db, tag, n.ref(), actor);
            break;
        }
        case UnitStatus::Delivered: (void)allocation::returnUnit(*db, tag, actor); break;
        default: break;
        }
    }

    // Drives the services at random for `steps` calls; refusals are part of the game (they must
    // change nothing).
    void randomCalls(std::uint32_t seed, int steps) {
        std::mt19937 rng(seed);
        auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint32_t>(n)); };
        std::int64_t donation = makeDonation();
        int serial = 0, schools = 0, families = 0;
        std::vector<std::string> tags, needs;
        auto someTag = [&]() { return tags.empty() ? std::string("RE-000001") : tags[static_cast<std::size_t>(pick(static_cast<int>(tags.size())))]; };
        auto someNeed = [&]() { return needs.empty() ? std::string("0000001B/F-1") : needs[static_cast<std::size_t>(pick(static_cast<int>(needs.size())))]; };
        const UnitStatus statuses[] = {UnitStatus::Diagnosed, UnitStatus::Wiped, UnitStatus::Ready,
                                       UnitStatus::ToRepair, UnitStatus::ForParts, UnitStatus::Recycled};
        allocation::Config config;
        config.minBatteryPercent = 0;
        for (int step = 0; step < steps; ++step) {
            switch (pick(20)) {
            case 18:  // an accessory attached to a unit, or detached; a check failed
                if (pick(4) == 0) (void)recordUnitCheck(*db, someTag(), false, "step " + std::to_string(step), actor);
                else if (pick(3) == 0) (void)detachAccessory(*db, someTag(), actor);
                else (void)attachAccessory(*db, someTag(), someTag(), actor);
                break;
            case 1: {
                auto tag = someTag();
                for (int i = 0; i < 4; ++i) advance(tag);
                break;
            }
            case 0: {  // register one or a few units
                std::vector<NewUnit> batch;
                for (int i = pick(3) + 1; i > 0; --i) {
                    auto kind = pick(6);
                    NewUnit u = laptop(donation, "S" + std::to_string(seed) + "-" + std::to_string(++serial), kind != 1);
                    if (kind == 2) u.kind = UnitKind::Monitor;
                    if (kind == 3) {
                        u.kind = UnitKind::Tablet;
                        u.storage = {};
                    }
                    if (kind == 4) u.kind = UnitKind::Printer;  // with a disk
                    if (kind == 5) {
                        u.kind = pick(2) ? UnitKind::Charger : UnitKind::Mouse;
                        u.storage = {};
                    }
                    if (pick(2)) u.grade = Grade::B;
                    batch.push_back(u);
                }
                if (auto added = addUnits(*db, batch, actor))
                    for (const auto &u : *added) tags.push_back(u.tag);
                break;
            }
            case 2: {
                UnitPatch patch;
                if (pick(2)) patch.grade = pick(2) ? Grade::A : Grade::C;
                if (pick(2)) patch.ramMib = 1024 * (pick(16) + 1);
                if (pick(3) == 0) patch.screenInches = 13.3 + pick(4);
                if (pick(3) == 0) patch.location = "shelf " + std::to_string(pick(9));
                if (pick(4) == 0) patch.cpu = "i5-" + std::to_string(pick(9000));
                (void)updateUnit(*db, someTag(), patch, actor);
                break;
            }
            case 3:
                if (pick(8) == 0) {  // recycled with the recycler's receipt, or the receipt recorded later
                    auto tag = someTag();
                    if (pick(2)) (void)recycleUnit(*db, tag, "step " + std::to_string(step), "BSD-" + std::to_string(step), actor);
                    else (void)setRecyclerReceipt(*db, tag, "CT-" + std::to_string(step), actor);
                    break;
                }
                (void)setStatus(*db, someTag(), statuses[pick(6)], "step " + std::to_string(step), actor);
                break;
            case 4: advance(someTag()); break;
            case 5: (void)addMedium(*db, someTag(), {MediumType::Hdd, "WD", "W" + std::to_string(step), 500'000'000'000}, actor); break;
            case 6: {
                auto unit = getUnit(*db, someTag());
                if (!unit || unit->storage.empty()) break;
                const auto &m = unit->storage[static_cast<std::size_t>(pick(static_cast<int>(unit->storage.size())))];
                if (pick(4) == 0) {
                    (void)markMediumDestroyed(*db, m.id, "drilled", actor);
                    break;
                }
                SanitizationRecord r;
                r.mediumId = m.id;
                r.method = "clear-zero";
                r.startedAt = nowUtc();
                r.result = pick(3) ? SanitizationResult::Passed : SanitizationResult::Interrupted;
                if (r.result == SanitizationResult::Passed) r.endedAt = nowUtc();
                r.bytesWritten = 4096;
                auto recorded = recordSanitization(*db, r, actor);
                if (recorded && r.result == SanitizationResult::Interrupted && pick(2)) {
                    r = *recorded;
                    r.result = SanitizationResult::Passed;
                    r.endedAt = nowUtc();
                    r.certificateId = "RC-" + std::to_string(step);
                    r.certificateJson = "{\"certificate_id\":\"RC-" + std::to_string(step) + "\"}";
                    (void)completeSanitization(*db, r, actor);
                }
                break;
            }
            case 7:
                (void)declareStorage(*db, someTag(), pick(2) ? StorageAbsence::Removed : StorageAbsence::Absent,
                                     "checked inside", actor);
                break;
            case 8: {
                FactoryReset reset;
                reset.checkedSetupScreen = true;
                (void)recordFactoryReset(*db, someTag(), reset, actor);
                break;
            }
            case 9: {
                int n = pick(3) == 0 || schools == 0 ? ++schools : pick(schools) + 1;
                (void)saveSchools(*db, {{uai(n), "École " + std::to_string(n), "Lyon", "", pick(2) == 0, pick(2) ? "Mme Martin" : ""}}, actor);
                break;
            }
            case 10:
            case 11: {
                if (schools == 0) break;
                NewNeed need;
                need.uai = uai(pick(schools) + 1);
                need.family = "F-" + std::to_string(++families);
                need.grades = {allocation::SchoolGrade::CM1};
                need.preference = allocation::KindPreference::Either;
                if (auto added = addNeeds(*db, {need}, actor)) needs.push_back(added->front().ref());
                break;
            }
            case 12: (void)withdrawNeed(*db, someNeed(), actor); break;
            case 13:
                if (allocation::propose(*db, config, actor, false) && pick(3)) (void)allocation::confirmProposal(*db, actor);
                break;
            case 14:
                switch (pick(3)) {
                case 0: (void)allocation::pinUnit(*db, someTag(), someNeed(), actor); break;
                case 1: (void)allocation::excludeUnit(*db, someTag(), actor); break;
                default: (void)allocation::clearPin(*db, someTag(), actor); break;
                }
                break;
            case 15: {
                auto tag = someTag();
                auto unit = getUnit(*db, tag);
                if (!unit || unit->status != UnitStatus::Allocated) break;
                auto served = listNeeds(*db, NeedStatus::Served);
                if (served)
                    for (const auto &n : *served)
                        if (n.unitTag == tag) (void)allocation::recordDelivery(*db, tag, n.ref(), actor);
                break;
            }
            case 16: (void)allocation::cancelAllocation(*db, someTag(), actor); break;
            default: (void)allocation::returnUnit(*db, someTag(), actor); break;
            }
        }
    }
};

}  // namespace

TEST_F(AuditReplay, RandomServiceCallsAlwaysReplayToTheTables) {
    std::int64_t attachments = 0;  // the accessories' column is exercised, not only declared
    for (std::uint32_t seed = 1; seed <= 12; ++seed) {
        SetUp();  // a fresh database per seed
        randomCalls(seed, 250);
        auto attached = db->prepare("SELECT COUNT(*) FROM events WHERE action = 'accessory_attached'");
        attached->step();
        attachments += attached->getInt(0);
        auto report = verify();
        ASSERT_FALSE(report.chain.firstBrokenId) << "seed " << seed << ": " << report.chain.problem;
        ASSERT_TRUE(report.replayed);
        ASSERT_FALSE(report.disagreement) << "seed " << seed << ": " << *report.disagreement;
        auto units = listUnits(*db).value();
        EXPECT_FALSE(units.empty()) << "seed " << seed;
    }
    EXPECT_GT(attachments, 0);
}

TEST_F(AuditReplay, TheRandomCallsReachTheInterestingStates) {
    // The property above means something only if the random calls reach allocation, delivery,
    // return, wipes and declarations: counted over the same seeds.
    std::map<std::string, int> actions;
    for (std::uint32_t seed = 1; seed <= 12; ++seed) {
        SetUp();
        randomCalls(seed, 250);
        auto events = listEvents(*db);
        ASSERT_TRUE(events);
        for (const auto &e : *events) {
            ++actions[e.action];
            auto to = e.payload.find("\"to\":\"");
            if (e.action == "status_changed" && to != std::string::npos)
                ++actions["to " + e.payload.substr(to + 6, e.payload.find('"', to + 6) - to - 6)];
        }
    }
    for (const char *a : {"need_served", "allocation_pinned", "allocation_excluded", "storage_declared",
                          "sanitization_completed", "storage_destroyed", "need_withdrawn", "school_updated", "need_reopened",
                          "allocation_pin_cleared"})
        EXPECT_GT(actions[a], 0) << a;
    for (const char *to : {"to delivered", "to returned", "to ready", "to allocated", "to wiped"})
        EXPECT_GT(actions[to], 0) << to;
}

TEST_F(AuditReplay, AStatusChangedInTheTableIsNamed) {
    auto d = makeDonation();
    addLaptop(d, "SN1");
    auto monitor = laptop(d, "M1", false);
    monitor.kind = UnitKind::Monitor;
    monitor.grade = Grade::B;
    ASSERT_TRUE(addUnit(*db, monitor, actor));
    ASSERT_TRUE(setStatus(*db, "RE-000002", UnitStatus::Diagnosed, "ok", actor));
    ASSERT_TRUE(setStatus(*db, "RE-000002", UnitStatus::Ready, "ok", actor));
    EXPECT_TRUE(verify().ok());
    auto last = chainHead(*db)->id;
    db->exec("UPDATE units SET status = 'delivered' WHERE tag = 'RE-000002'");
    auto report = verify();
    EXPECT_FALSE(report.chain.firstBrokenId);
    ASSERT_TRUE(report.disagreement);
    EXPECT_EQ(*report.disagreement,
              "RE-000002: status is delivered, events say ready (last event " + std::to_string(last) + ")");
}

TEST_F(AuditReplay, EveryKindOfRecordEditedBehindTheTrailIsNamed) {
    auto d = makeDonation();
    addLaptop(d, "SN1");
    ASSERT_TRUE(saveSchools(*db, {{uai(1), "École 1", "Lyon", "", false, ""}}, actor));
    NewNeed need{uai(1), "F-1", {allocation::SchoolGrade::CP}, 0, allocation::Internet::Box, {}, "",
                 allocation::KindPreference::Either};
    ASSERT_TRUE(addNeeds(*db, {need}, actor));
    SanitizationRecord r;
    r.mediumId = 1;
    r.method = "clear-zero";
    r.result = SanitizationResult::Passed;
    r.startedAt = r.endedAt = nowUtc();
    ASSERT_TRUE(recordSanitization(*db, r, actor));
    ASSERT_TRUE(verify().ok());
    struct Act {
        const char *sql;
        const char *named;
    };
    for (const Act &act : std::vector<Act>{
             {"UPDATE units SET grade = 'A'", "RE-000001: grade is A, events say null"},
             {"UPDATE units SET ram_mib = 65536", "RE-000001: ram_mib is 65536, events say 8192"},
             {"UPDATE storage_media SET serial = 'OTHER'", "RE-000001: storage medium 1: serial is OTHER, events say S3ZSN1"},
             {"UPDATE sanitization_records SET result = 'failed'", "RE-000001: sanitization record 1: result is failed"},
             {"UPDATE sanitization_records SET certificate_json = '{}'", "RE-000001: sanitization record 1: certificate_sha256"},
             {"DELETE FROM sanitization_records", "RE-000001: events record sanitization record 1"},
             {"UPDATE needs SET status = 'served'", "need " "0000001B/F-1: status is served, events say open"},
             {"UPDATE schools SET name = 'Autre'", "school 0000001B: name is Autre, events say École 1"},
             {"INSERT INTO storage_declarations (unit_id, kind, reason, actor, declared_at) VALUES (1, 'absent', 'x', 'y', 'z')",
              "RE-000001: storage declaration is absent: x, events say null"},
             {"UPDATE units SET sanitization_floor = 5", "RE-000001: sanitization_floor is 5, events say 0"},
             {"UPDATE units SET recycler_receipt = 'BSD-FORGED'", "RE-000001: recycler_receipt is BSD-FORGED, events say null"},
         }) {
        db->begin();  // the edit is undone after each verification (a transaction on both engines)
        db->exec(act.sql);
        auto report = verify();
        db->rollback();
        ASSERT_TRUE(report.disagreement) << act.sql;
        EXPECT_EQ(report.disagreement->rfind(act.named, 0), 0u) << act.sql << " → " << *report.disagreement;
    }
    EXPECT_TRUE(verify().ok());
}

TEST_F(AuditReplay, AnEditedPayloadBreaksTheChain) {
    auto d = makeDonation();
    addLaptop(d, "SN1");
    db->exec("UPDATE events SET payload = replace(payload, 'SN1', 'SN9') WHERE id = 3");
    auto report = verify();
    ASSERT_TRUE(report.chain.firstBrokenId);
    EXPECT_EQ(*report.chain.firstBrokenId, 3);
    EXPECT_FALSE(report.ok());
}

TEST_F(AuditReplay, AMiddleEventDeletedIsNamed) {
    auto d = makeDonation();
    for (int i = 0; i < 4; ++i) addLaptop(d, "SN" + std::to_string(i));
    db->exec("DELETE FROM events WHERE id = 4");
    auto report = verify();
    ASSERT_TRUE(report.chain.firstBrokenId);
    EXPECT_EQ(*report.chain.firstBrokenId, 5);
    EXPECT_EQ(report.chain.problem, "events 4 to 4 are missing");
}

TEST_F(AuditReplay, TheLastEventsDeletedAreCaughtByAnAnchor) {
    auto d = makeDonation();
    for (int i = 0; i < 4; ++i) addLaptop(d, "SN" + std::to_string(i));
    auto head = chainHead(*db).value();
    Anchor anchor{head.id, head.hash};
    // The insider removes the last unit and its event: the shorter chain is intact, the tables
    // agree with it; only the anchor held outside remembers.
    db->exec("DELETE FROM storage_media WHERE unit_id = 4");
    db->exec("DELETE FROM units WHERE id = 4");
    db->exec("DELETE FROM events WHERE id = " + std::to_string(head.id));
    EXPECT_TRUE(verify().ok());
    auto report = verify({true, {anchor}});
    EXPECT_FALSE(report.ok());
    ASSERT_TRUE(report.anchorProblem);
    EXPECT_EQ(*report.anchorProblem, "the anchor names event " + std::to_string(head.id) + ", but the chain ends at event " +
                                         std::to_string(head.id - 1) + ": events were removed from its end");
}

TEST_F(AuditReplay, ARewrittenChainIsCaughtByAnAnchor) {
    auto d = makeDonation();
    addLaptop(d, "SN1");
    auto unitEvent = chainHead(*db).value();
    addLaptop(d, "SN2");
    Anchor anchor{unitEvent.id, unitEvent.hash};
    // The insider edits a unit, its event's payload, then recomputes every hash from there.
    db->exec("UPDATE units SET serial = 'FORGED' WHERE tag = 'RE-000001'");
    db->exec("UPDATE events SET payload = replace(payload, '\"serial\":\"SN1\"', '\"serial\":\"FORGED\"') WHERE id = " +
             std::to_string(unitEvent.id));
    auto events = listEvents(*db).value();
    std::string prev(64, '0');
    for (auto &e : events) {
        e.prevHash = prev;
        e.payloadSha256 = sha256Hex(e.payload);
        e.hash = eventHash(e);
        auto st = db->prepare("UPDATE events SET payload_sha256 = ?, prev_hash = ?, hash = ? WHERE id = ?");
        st->bind(1, e.payloadSha256).bind(2, e.prevHash).bind(3, e.hash).bind(4, e.id);
        st->step();
        prev = e.hash;
    }
    EXPECT_TRUE(verify().ok()) << "a whole rewrite is consistent by itself";
    auto report = verify({true, {anchor}});
    ASSERT_TRUE(report.anchorProblem);
    EXPECT_NE(report.anchorProblem->find("event " + std::to_string(unitEvent.id) + " has hash"), std::string::npos);
    EXPECT_NE(report.anchorProblem->find("rewritten"), std::string::npos);
}

TEST_F(AuditReplay, AnchorsParseOrNameTheirFault) {
    auto one = parseAnchor("12:" + std::string(64, 'a'));
    ASSERT_TRUE(one);
    EXPECT_EQ(one->id, 12);
    EXPECT_FALSE(parseAnchor("12"));
    EXPECT_FALSE(parseAnchor("x:" + std::string(64, 'a')));
    EXPECT_FALSE(parseAnchor("3:" + std::string(63, 'a')));
    auto file = parseAnchors("# held by the donor\n3:" + std::string(64, 'b') + "\r\n\n4:zz\n");
    ASSERT_FALSE(file);
    EXPECT_EQ(file.error().message.rfind("line 4", 0), 0u) << file.error().message;
}

namespace {

// Puts the fixture's database back as schema 6 left it: no payload_sha256, every hash under the
// first rule (the payload's bytes in the hashed text).
void downgradeToTheFirstRule(Database &db) {
    auto events = listEvents(db).value();
    std::string prev(64, '0');
    for (auto &e : events) {
        std::string text;
        for (const std::string &f : {std::to_string(e.id), e.at, e.actor, e.entity, e.entityId, e.action, e.payload, prev})
            text += std::to_string(f.size()) + ":" + f + "\n";
        e.hash = sha256Hex(text);
        auto st = db.prepare("UPDATE events SET prev_hash = ?, hash = ? WHERE id = ?");
        st->bind(1, prev).bind(2, e.hash).bind(3, e.id);
        st->step();
        prev = e.hash;
    }
    // Undo migrations 8 and after (10: units.site, and on PostgreSQL the tag sequence).
    // 13: the indexes on units' children, and on PostgreSQL the accessory column (on SQLite the
    // units table, rebuilt by 13, is rebuilt again by it).
    for (const char *index : {"needs_unit", "allocation_assignments_unit", "handovers_unit"})
        db.exec(std::string("DROP INDEX ") + index);
    if (db.dialect() == Dialect::Postgres) db.exec("ALTER TABLE units DROP COLUMN attached_to");
    // 12: programmes, loans, kits, distribution sites, mediators.
    for (const char *table : {"handovers", "allocation_kit_assignments", "kits", "loans", "sites", "programmes", "levels"})
        db.exec(std::string("DROP TABLE ") + table);
    db.exec("DROP INDEX needs_programme");
    for (const char *column : {"needs DROP COLUMN programme_id", "needs DROP COLUMN level",
                               "allocation_runs DROP COLUMN programme_id", "schools DROP COLUMN kind",
                               "schools DROP COLUMN site_id", "users DROP COLUMN structure"})
        db.exec(std::string("ALTER TABLE ") + column);
    db.exec("DELETE FROM counters WHERE name = 'structure_id' OR name = 'kit_tag'");
    if (db.dialect() == Dialect::Postgres) db.exec("DROP SEQUENCE kit_tag_seq; DROP SEQUENCE structure_id_seq");
    db.exec("ALTER TABLE events DROP COLUMN payload_sha256");
    db.exec("DROP TABLE unit_donor_fields");
    db.exec("ALTER TABLE units DROP COLUMN recycler_receipt");
    db.exec("DROP INDEX units_site");
    db.exec("ALTER TABLE units DROP COLUMN site");
    if (db.dialect() == Dialect::Postgres) {
        // Before 10 the counter gave the tags: it takes back where the sequence was.
        db.exec("UPDATE counters SET value = (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END"
                " FROM unit_tag_seq) WHERE name = 'unit_tag'");
        db.exec("DROP SEQUENCE unit_tag_seq");
    }
    db.exec("DELETE FROM schema_migrations WHERE version >= 8");
}

}  // namespace

TEST_F(AuditReplay, SchemaEightReChainsAnIntactOldChainAndSaysSo) {
    auto d = makeDonation();
    addLaptop(d, "SN1");
    addLaptop(d, "SN2");
    downgradeToTheFirstRule(*db);
    auto oldHead = db->prepare("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1");
    ASSERT_TRUE(oldHead->step());
    std::int64_t oldId = oldHead->getInt(0);
    std::string oldHash = oldHead->getText(1);
    oldHead.reset();
    auto migrated = migrate(*db);
    ASSERT_TRUE(migrated) << migrated.error().message;
    EXPECT_EQ(migrated->to, latestSchemaVersion());
    auto events = listEvents(*db).value();
    ASSERT_EQ(events.size(), static_cast<std::size_t>(oldId + 1));
    const auto &record = events.back();
    EXPECT_EQ(record.action, "audit_chain_migrated");
    EXPECT_NE(record.payload.find("\"old_head\":{\"hash\":\"" + oldHash + "\",\"id\":" + std::to_string(oldId) + "}"),
              std::string::npos)
        << record.payload;
    auto report = verify();
    EXPECT_TRUE(report.ok()) << report.chain.problem << (report.disagreement ? *report.disagreement : "");
    EXPECT_EQ(report.chain.checked, oldId + 1);
}

TEST_F(AuditReplay, SchemaEightRefusesToReChainABrokenOldChain) {
    auto d = makeDonation();
    addLaptop(d, "SN1");
    downgradeToTheFirstRule(*db);
    db->exec("UPDATE events SET payload = replace(payload, 'SN1', 'SN9') WHERE id = 3");
    auto hashes = [&]() {
        std::vector<std::string> out;
        auto st = db->prepare("SELECT hash FROM events ORDER BY id");
        while (st->step()) out.push_back(st->getText(0));
        return out;
    };
    auto before = hashes();
    auto migrated = migrate(*db);
    ASSERT_FALSE(migrated);
    EXPECT_EQ(migrated.error().code, Errc::Refused);
    EXPECT_NE(migrated.error().message.find("broken at event 3"), std::string::npos) << migrated.error().message;
    EXPECT_EQ(schemaVersion(*db).value(), 7) << "nothing was applied";
    EXPECT_EQ(hashes(), before);
}

TEST_F(AuditReplay, AnImportUpdateEventInTheSharedContractIsReplayed) {
    // `intake import --update` (issue 21) appends {"tag", "changes": {FIELD: {"old", "new"}}}.
    auto d = makeDonation();
    addLaptop(d, "SN1");
    auto appended = inTransaction(*db, "import update", [&]() -> Status {
        db->exec("UPDATE units SET model = 'Latitude 7490', ram_mib = 16384 WHERE tag = 'RE-000001'");
        appendEvent(*db, actor,
                    {"unit", "RE-000001", "unit_updated",
                     R"({"changes":{"model":{"new":"Latitude 7490","old":"Latitude 5490"},"ram_mib":{"new":16384,"old":8192}},"tag":"RE-000001"})"});
        return {};
    });
    ASSERT_TRUE(appended);
    EXPECT_TRUE(verify().ok());
    db->exec("UPDATE units SET ram_mib = 8192 WHERE tag = 'RE-000001'");
    auto report = verify();
    ASSERT_TRUE(report.disagreement);
    EXPECT_EQ(report.disagreement->rfind("RE-000001: ram_mib is 8192, events say 16384", 0), 0u) << *report.disagreement;
}

// Migration 13 rebuilds the units table on SQLite (a CHECK cannot be altered there) inside its
// transaction, foreign keys on: every row keeps its id, every child row its unit, ids go on.
TEST_F(AuditReplay, MigrationThirteenKeepsEveryUnitAndEveryForeignKey) {
    auto d = makeDonation();
    auto first = addLaptop(d, "SN1");
    auto second = addLaptop(d, "SN2");
    ASSERT_TRUE(allocation::excludeUnit(*db, second.tag, actor));
    auto count = [&](const std::string &sql) {
        auto st = db->prepare(sql);
        st->step();
        return st->getInt(0);
    };
    downgradeToTheFirstRule(*db);
    auto migrated = migrate(*db);
    ASSERT_TRUE(migrated) << migrated.error().message;
    if (db->dialect() == Dialect::Sqlite) {
        auto check = db->prepare("PRAGMA foreign_key_check");
        EXPECT_FALSE(check->step()) << "a row of " << check->getText(0) << " lost its parent";
    }
    EXPECT_EQ(count("SELECT COUNT(*) FROM units"), 2);
    EXPECT_EQ(getUnit(*db, first.tag)->id, first.id);
    EXPECT_EQ(getUnit(*db, second.tag)->storage.size(), 1u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM storage_media m JOIN units u ON u.id = m.unit_id"), 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM allocation_pins p JOIN units u ON u.id = p.unit_id"), 1);
    NewUnit printer;
    printer.donationId = d;
    printer.kind = UnitKind::Printer;
    printer.serial = "P1";
    auto added = addUnit(*db, printer, actor);
    ASSERT_TRUE(added) << added.error().message;
    EXPECT_GT(added->id, second.id);
    // A child row whose unit does not exist is still refused.
    auto orphan = inTransaction(*db, "an orphan medium", [&]() -> Status {
        db->exec("INSERT INTO storage_media (unit_id, type, created_at) VALUES (999999, 'hdd', 'now')");
        return {};
    });
    EXPECT_FALSE(orphan);
    auto report = verify();
    EXPECT_TRUE(report.ok()) << report.chain.problem << (report.disagreement ? *report.disagreement : "");
}
