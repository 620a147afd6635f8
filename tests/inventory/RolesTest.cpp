// Roles checked inside the services, whatever front end calls them: a trainee registers, edits,
// tests and wipes units; donors, schools, needs, allocations, deliveries and returns need a
// coordinator. A refusal names the role needed and changes nothing.
#include <gtest/gtest.h>

#include <functional>

#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Lifecycle.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Schools.hpp>
#include <reemploi/inventory/Storage.hpp>
#include <reemploi/inventory/Units.hpp>
#include <reemploi/inventory/allocation/AllocationService.hpp>

#include "inventory/InventoryFixture.hpp"

using namespace reemploi;
using namespace reemploi::inventory;

TEST(Role, TextFormsAndOrder) {
    for (auto r : {Role::Trainee, Role::Coordinator, Role::Admin}) EXPECT_EQ(*parseRole(toString(r)), r);
    EXPECT_EQ(*parseRole("Coordinator"), Role::Coordinator);
    EXPECT_FALSE(parseRole("boss").ok());
    Actor trainee{"t", Role::Trainee, "Lyon"}, coordinator{"c", Role::Coordinator, ""}, admin{"a"};
    EXPECT_EQ(admin.role, Role::Admin);  // the command line's operator
    EXPECT_TRUE(requireRole(trainee, Role::Trainee, "x"));
    EXPECT_FALSE(requireRole(trainee, Role::Coordinator, "x"));
    EXPECT_TRUE(requireRole(coordinator, Role::Coordinator, "x"));
    EXPECT_FALSE(requireRole(coordinator, Role::Admin, "x"));
    EXPECT_TRUE(requireRole(admin, Role::Coordinator, "x"));
    auto refused = requireRole(trainee, Role::Coordinator, "confirm an allocation");
    EXPECT_EQ(refused.error().code, Errc::Forbidden);
    EXPECT_EQ(refused.error().message, "a trainee cannot confirm an allocation: a coordinator must");
    EXPECT_EQ(requireRole(coordinator, Role::Admin, "purge the data").error().message,
              "a coordinator cannot purge the data: an admin must");
}

class Roles : public test::InventoryFixture {
protected:
    void SetUp() override {
        InventoryFixture::SetUp();
        if (IsSkipped()) return;  // no server for a pg: test
        donation = makeDonation();
        ASSERT_TRUE(saveSchools(*db, {{"0750655E", "École Jean Jaurès", "Paris", "", false, ""}}, actor));
        NewNeed n;
        n.uai = "0750655E";
        n.family = "F-1";
        n.grades = {allocation::SchoolGrade::CP};
        ASSERT_TRUE(addNeeds(*db, {n}, actor));
    }

    std::int64_t rows(const std::string &table) {
        auto st = db->prepare("SELECT COUNT(*) FROM " + table);
        st->step();
        return st->getInt(0);
    }

    const Actor trainee{"trainee-2", Role::Trainee, "Lyon"};
    const Actor coordinator{"coordinator-1", Role::Coordinator, "Lyon"};
    std::int64_t donation = 0;
};

TEST_F(Roles, ATraineeWorksOnUnits) {
    auto u = addUnit(*db, laptop(donation, "SN1", false), trainee);
    ASSERT_TRUE(u) << u.error().message;
    EXPECT_TRUE(addUnits(*db, {laptop(donation, "SN2")}, trainee));
    UnitPatch p;
    p.grade = Grade::A;
    EXPECT_TRUE(updateUnit(*db, u->tag, p, trainee));
    EXPECT_TRUE(setStatus(*db, u->tag, UnitStatus::Diagnosed, "boots", trainee));
    auto m = addMedium(*db, u->tag, {MediumType::Ssd, "", "X", 128'000'000'000}, trainee);
    ASSERT_TRUE(m);
    SanitizationRecord r;
    r.mediumId = m->id;
    r.method = "clear-zero";
    r.result = SanitizationResult::Passed;
    r.startedAt = r.endedAt = nowUtc();
    EXPECT_TRUE(recordSanitization(*db, r, trainee));
    auto bare = addUnit(*db, laptop(donation, "SN3", false), trainee);
    EXPECT_TRUE(declareStorage(*db, bare->tag, StorageAbsence::Absent, "none fitted", trainee));
    NewUnit tablet;
    tablet.donationId = donation;
    tablet.kind = UnitKind::Tablet;
    tablet.serial = "T1";
    auto t = addUnit(*db, tablet, trainee);
    FactoryReset reset;
    reset.checkedSetupScreen = true;
    EXPECT_TRUE(recordFactoryReset(*db, t->tag, reset, trainee));
    auto other = addUnit(*db, laptop(donation, "SN4"), trainee);
    EXPECT_TRUE(markMediumDestroyed(*db, other->storage[0].id, "shredded", trainee));
    EXPECT_TRUE(allocation::propose(*db, allocation::Config{}, trainee, /*dryRun=*/true));  // looking is not deciding
}

// Each coordinator's service refuses a trainee with the role named, and writes nothing.
TEST_F(Roles, ATraineeCannotDoACoordinatorsWork) {
    // A ready laptop, a stored proposal, an allocated unit: something for every service to act on.
    auto ready = addUnit(*db, laptop(donation, "R1", false), actor).value();
    ASSERT_TRUE(declareStorage(*db, ready.tag, StorageAbsence::Absent, "none", actor));
    UnitPatch grade;
    grade.grade = Grade::B;
    ASSERT_TRUE(updateUnit(*db, ready.tag, grade, actor));
    ASSERT_TRUE(setStatus(*db, ready.tag, UnitStatus::Diagnosed, "ok", actor));
    ASSERT_TRUE(setStatus(*db, ready.tag, UnitStatus::Ready, "ok", actor));
    ASSERT_TRUE(allocation::propose(*db, allocation::Config{}, actor, false));

    NewNeed need;
    need.uai = "0750655E";
    need.family = "F-2";
    need.grades = {allocation::SchoolGrade::CE1};
    struct Case {
        const char *what;
        std::function<Status()> call;
    };
    auto status = [](auto r) -> Status { return r ? Status() : Status(r.error()); };
    std::vector<Case> cases = {
        {"register a donor", [&] { return status(addDonor(*db, {"Globex", DonorKind::Company, ""}, trainee)); }},
        {"register a donation", [&] { return status(addDonation(*db, {1, "2026-11-21", "", ""}, trainee)); }},
        {"save schools", [&] { return status(saveSchools(*db, {{"0130040Y", "Le Port", "", "", false, ""}}, trainee)); }},
        {"register needs", [&] { return status(addNeeds(*db, {need}, trainee)); }},
        {"withdraw a need", [&] { return status(withdrawNeed(*db, "0750655E/F-1", trainee)); }},
        {"store an allocation proposal", [&] { return status(allocation::propose(*db, allocation::Config{}, trainee, false)); }},
        {"confirm an allocation", [&] { return status(allocation::confirmProposal(*db, trainee)); }},
        {"pin a unit to a need", [&] { return allocation::pinUnit(*db, ready.tag, "0750655E/F-1", trainee); }},
        {"exclude a unit from the allocation", [&] { return allocation::excludeUnit(*db, ready.tag, trainee); }},
        {"clear a pin or an exclusion", [&] { return allocation::clearPin(*db, ready.tag, trainee); }},
        {"cancel an allocation", [&] { return status(allocation::cancelAllocation(*db, ready.tag, trainee)); }},
        {"record a delivery", [&] { return status(allocation::recordDelivery(*db, ready.tag, "0750655E/F-1", trainee)); }},
        {"record a return", [&] { return status(allocation::returnUnit(*db, ready.tag, trainee)); }},
    };
    auto events = listEvents(*db)->size();
    for (const auto &c : cases) {
        auto r = c.call();
        ASSERT_FALSE(r) << c.what;
        EXPECT_EQ(r.error().code, Errc::Forbidden) << c.what;
        EXPECT_EQ(r.error().message, std::string("a trainee cannot ") + c.what + ": a coordinator must");
    }
    EXPECT_EQ(listEvents(*db)->size(), events);
    EXPECT_EQ(rows("donors"), 1);
    EXPECT_EQ(rows("needs WHERE status = 'open'"), 1);
    EXPECT_EQ(rows("allocation_runs WHERE status = 'proposed'"), 1);
    EXPECT_EQ(getUnit(*db, ready.tag)->status, UnitStatus::Ready);

    // A coordinator may.
    ASSERT_TRUE(allocation::confirmProposal(*db, coordinator));
    EXPECT_TRUE(allocation::recordDelivery(*db, ready.tag, "0750655E/F-1", coordinator));
    EXPECT_TRUE(allocation::returnUnit(*db, ready.tag, coordinator));
    EXPECT_TRUE(addDonor(*db, {"Globex", DonorKind::Company, ""}, coordinator));
}
