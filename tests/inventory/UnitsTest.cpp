#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Migrations.hpp>
#include <reemploi/inventory/JsonViews.hpp>
#include <reemploi/inventory/Units.hpp>

#include "inventory/InventoryFixture.hpp"

using namespace reemploi;
using namespace reemploi::inventory;

namespace {

std::int64_t count(Database &db, const char *table) {
    auto st = db.prepare(std::string("SELECT COUNT(*) FROM ") + table);
    st->step();
    return st->getInt(0);
}

}  // namespace

class Units : public test::InventoryFixture {};

TEST_F(Units, AddGivesSequentialTagsAndReceivedStatus) {
    auto donation = makeDonation();
    auto a = addLaptop(donation, "SN1");
    auto b = addLaptop(donation, "SN2");
    EXPECT_EQ(a.tag, "RE-000001");
    EXPECT_EQ(b.tag, "RE-000002");
    EXPECT_EQ(a.status, UnitStatus::Received);
    ASSERT_EQ(a.storage.size(), 1u);
    auto read = getUnit(*db, "RE-000002");
    ASSERT_TRUE(read);
    EXPECT_EQ(read->serial, "SN2");
    EXPECT_EQ(read->specs.ramMib, 8192);
    ASSERT_EQ(read->storage.size(), 1u);
    EXPECT_EQ(read->storage[0].capacityBytes, 256'000'000'000);
}

TEST_F(Units, TagsAreNeverReusedEvenAfterARolledBackImport) {
    auto donation = makeDonation();
    addLaptop(donation, "SN1");
    // A batch refused half-way (duplicate inside) reserves nothing and writes nothing.
    auto refused = addUnits(*db, {laptop(donation, "SN2"), laptop(donation, "SN2")}, actor);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::Conflict);
    EXPECT_NE(refused.error().message.find("repeated"), std::string::npos);
    EXPECT_EQ(count(*db, "units"), 1);
    auto next = addLaptop(donation, "SN3");
    EXPECT_EQ(next.tag, "RE-000002");
}

TEST_F(Units, DuplicateSerialForTheSameMakeIsRefusedNamingTheUnit) {
    auto first = makeDonation("Acme");
    auto second = makeDonation("Globex");
    addLaptop(first, "ABC123");
    auto u = laptop(second, "ABC123");
    u.make = "  DELL ";  // same make, written differently
    auto dup = addUnit(*db, u, actor);
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().code, Errc::Conflict);
    EXPECT_NE(dup.error().message.find("RE-000001"), std::string::npos);
    // Another make may share the serial.
    u.make = "Lenovo";
    EXPECT_TRUE(addUnit(*db, u, actor));
}

TEST_F(Units, BadFieldsAreRefusedAndNothingIsWritten) {
    auto donation = makeDonation();
    auto events = count(*db, "events");
    auto u = laptop(donation, "   ");
    auto empty = addUnit(*db, u, actor);
    ASSERT_FALSE(empty);
    EXPECT_NE(empty.error().message.find("serial"), std::string::npos);
    u = laptop(donation, "X1");
    u.specs.batteryHealthPercent = 140;
    auto battery = addUnit(*db, u, actor);
    ASSERT_FALSE(battery);
    EXPECT_NE(battery.error().message.find("battery"), std::string::npos);
    u = laptop(999, "X2");
    auto noDonation = addUnit(*db, u, actor);
    ASSERT_FALSE(noDonation);
    EXPECT_EQ(noDonation.error().code, Errc::NotFound);
    EXPECT_EQ(count(*db, "units"), 0);
    EXPECT_EQ(count(*db, "events"), events);
}

TEST_F(Units, BulkAddWritesOneEventPerUnit) {
    auto donation = makeDonation();
    auto before = count(*db, "events");
    std::vector<NewUnit> batch;
    for (int i = 0; i < 50; ++i) batch.push_back(laptop(donation, "B" + std::to_string(i)));
    auto added = addUnits(*db, batch, actor);
    ASSERT_TRUE(added) << added.error().message;
    EXPECT_EQ(added->size(), 50u);
    EXPECT_EQ(added->back().tag, "RE-000050");
    EXPECT_EQ(count(*db, "events"), before + 50);
    auto chain = verifyChain(*db);
    ASSERT_TRUE(chain);
    EXPECT_FALSE(chain->firstBrokenId);
}

TEST_F(Units, UpdateRecordsOldAndNewValues) {
    auto donation = makeDonation();
    auto u = addLaptop(donation, "SN1");
    UnitPatch patch;
    patch.grade = Grade::B;
    patch.ramMib = 16384;
    auto updated = updateUnit(*db, u.tag, patch, actor);
    ASSERT_TRUE(updated) << updated.error().message;
    EXPECT_EQ(updated->grade, Grade::B);
    auto events = listEvents(*db, "unit", u.tag);
    ASSERT_TRUE(events);
    ASSERT_EQ(events->back().action, "unit_updated");
    EXPECT_NE(events->back().payload.find("\"before\":{\"grade\":null,\"ram_mib\":8192}"), std::string::npos)
        << events->back().payload;
    // A patch that changes nothing records nothing.
    auto n = events->size();
    ASSERT_TRUE(updateUnit(*db, u.tag, patch, actor));
    EXPECT_EQ(listEvents(*db, "unit", u.tag)->size(), n);
}

TEST_F(Units, ListFiltersByStatusAndDonation) {
    auto d1 = makeDonation("A");
    auto d2 = makeDonation("B");
    addLaptop(d1, "S1");
    addLaptop(d2, "S2");
    addLaptop(d2, "S3");
    UnitFilter byDonation;
    byDonation.donationId = d2;
    EXPECT_EQ(listUnits(*db, byDonation)->size(), 2u);
    UnitFilter ready;
    ready.status = UnitStatus::Ready;
    EXPECT_EQ(listUnits(*db, ready)->size(), 0u);
    auto all = listUnits(*db);
    ASSERT_EQ(all->size(), 3u);
    EXPECT_EQ(all->at(2).storage.size(), 1u);
}

// The bulk path writes each unit's event payload with toJsonText: the same bytes as toJson().str().
TEST_F(Units, EventPayloadTextIsTheUnitsCanonicalJson) {
    Unit u;
    u.id = 7;
    u.tag = "RE-000007";
    u.donationId = 3;
    u.kind = UnitKind::Laptop;
    u.make = "Dell \"Inc.\"";
    u.model = "Latitude\t5490";
    u.serial = "ABC\\123";
    u.donorTag = "INV-1";
    u.specs.cpu = "i5";
    u.specs.ramMib = 8192;
    u.specs.screenInches = 14.1;
    u.specs.batteryHealthPercent = 87;
    u.specs.os = "Linux";
    u.grade = Grade::B;
    u.location = "étagère 2";
    u.notes = "ligne 1\nligne 2\x01";
    u.createdAt = "2026-11-23T10:00:00.000Z";
    u.storage.push_back({11, 7, MediumType::Ssd, "Samsung", "S1", 256000000000, false});
    u.storage.push_back({12, 7, MediumType::Hdd, "", "", std::nullopt, true});
    EXPECT_EQ(toJsonText(u), toJson(u).str());
    EXPECT_EQ(json::quote("a\"b\\c\x1f\x7f\u00e9"), "\"a\\\"b\\\\c\\u001f\x7f\u00e9\"");
    Unit bare;
    bare.tag = "RE-000001";
    EXPECT_EQ(toJsonText(bare), toJson(bare).str());

    auto donation = makeDonation();
    std::vector<NewUnit> batch;
    for (int i = 0; i < 3; ++i) batch.push_back(laptop(donation, "P" + std::to_string(i)));
    auto added = addUnits(*db, batch, actor);
    ASSERT_TRUE(added) << added.error().message;
    auto events = listEvents(*db, "unit", added->back().tag);
    ASSERT_TRUE(events);
    ASSERT_EQ(events->size(), 1u);
    EXPECT_EQ(events->front().payload, toJson(added->back()).str());
}

// A registration larger than one multi-row statement (1,024 rows): full statements and the last,
// shorter one write every unit, medium and event, ids and tags in order.
TEST_F(Units, BulkAddAcrossSeveralStatementsKeepsUnitsMediaAndEventsTogether) {
    auto donation = makeDonation();
    std::vector<NewUnit> batch;
    for (int i = 0; i < 2500; ++i) batch.push_back(laptop(donation, "M" + std::to_string(i), i % 3 != 0));
    auto added = addUnits(*db, batch, actor);
    ASSERT_TRUE(added) << added.error().message;
    ASSERT_EQ(added->size(), 2500u);
    EXPECT_EQ(count(*db, "units"), 2500);
    EXPECT_EQ(count(*db, "storage_media"), 2500 - 834);
    for (std::size_t i : {0u, 1023u, 1024u, 2048u, 2499u}) {
        const Unit &u = (*added)[i];
        EXPECT_EQ(u.tag, formatTag(static_cast<std::int64_t>(i) + 1));
        auto stored = getUnit(*db, u.tag);
        ASSERT_TRUE(stored) << stored.error().message;
        EXPECT_EQ(stored->serial, "M" + std::to_string(i));
        EXPECT_EQ(stored->storage.size(), i % 3 != 0 ? 1u : 0u);
        if (!stored->storage.empty()) {
            EXPECT_EQ(stored->storage[0].serial, "S3ZM" + std::to_string(i));
        }
        auto events = listEvents(*db, "unit", u.tag);
        ASSERT_TRUE(events);
        ASSERT_EQ(events->size(), 1u);
        EXPECT_EQ(events->front().payload, toJson(*stored).str());
    }
    auto chain = verifyChain(*db);
    ASSERT_TRUE(chain);
    EXPECT_FALSE(chain->firstBrokenId) << chain->problem;
    EXPECT_EQ(chain->checked, count(*db, "events"));
}

// On a database file, a bulk registration is committed (another connection sees it) with its
// pages still in the WAL; the next commit checkpoints them, so the WAL does not keep growing.
TEST(UnitsOnFile, BulkRegistrationLeavesItsCheckpointToTheNextCommit) {
    namespace fs = std::filesystem;
    std::string pattern = (fs::temp_directory_path() / "units-wal-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    std::string path = pattern + "/inventory.db";
    {
        auto db = Database::open(path);
        ASSERT_TRUE(db) << db.error().message;
        ASSERT_TRUE(migrate(**db));
        Actor actor{"trainee-1"};
        auto donor = addDonor(**db, {"Acme SA", DonorKind::Company, ""}, actor);
        ASSERT_TRUE(donor);
        auto donation = addDonation(**db, {donor->id, "2026-11-20", "Lyon", ""}, actor);
        ASSERT_TRUE(donation);
        auto before = fs::file_size(path);
        std::vector<NewUnit> batch(2000);
        for (std::size_t i = 0; i < batch.size(); ++i) {
            batch[i].donationId = donation->id;
            batch[i].make = "HP";
            batch[i].serial = "W" + std::to_string(i);
            batch[i].notes = std::string(2000, 'n');  // past SQLite's auto-checkpoint threshold (1000 pages)
        }
        ASSERT_TRUE(addUnits(**db, batch, actor));

        auto other = Database::open(path);
        ASSERT_TRUE(other);
        EXPECT_EQ(count(**other, "units"), 2000);
        other->reset();
        EXPECT_LT(fs::file_size(path), before + 100'000);  // not copied yet

        ASSERT_TRUE(addDonor(**db, {"Next", DonorKind::Company, ""}, actor));
        EXPECT_GT(fs::file_size(path), before + 4'000'000);  // checkpointed by that commit
    }
    fs::remove_all(pattern);
}

// Each unit records the workshop that holds it: the site its donation came to (migration 10).
TEST_F(Units, ANewUnitIsHeldByItsDonationsSite) {
    auto lyon = makeDonation();  // received at "Lyon"
    auto donor = addDonor(*db, {"Ville", DonorKind::Administration, ""}, actor);
    ASSERT_TRUE(donor) << donor.error().message;
    auto other = addDonation(*db, {donor->id, "2026-11-21", "Marseille", ""}, actor);
    ASSERT_TRUE(other) << other.error().message;
    auto batch = addUnits(*db, {laptop(lyon, "S1"), laptop(other->id, "S2"), laptop(lyon, "S3")}, actor);
    ASSERT_TRUE(batch) << batch.error().message;
    auto site = db->prepare("SELECT site FROM units WHERE tag = ?");
    std::vector<std::string> sites;
    for (const auto &u : *batch) {
        site->bind(1, u.tag);
        ASSERT_TRUE(site->step());
        sites.push_back(site->getText(0));
        site->reset();
    }
    EXPECT_EQ(sites, (std::vector<std::string>{"Lyon", "Marseille", "Lyon"}));
}
