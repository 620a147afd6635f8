// What the allocation commands print, as services and views (JsonViews.hpp, Views.hpp): schools,
// needs (for coordinators and for donors), need ranks, withdrawals, pins and confirmation
// reports, with the inputs of the CLI tests (AllocationCliTest.cpp) so that the coming HTTP layer
// can mirror them. The solver and the services' rules are in AllocationServiceTest.cpp.
#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <reemploi/intake/NeedImport.hpp>
#include <reemploi/intake/SchoolImport.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/JsonViews.hpp>
#include <reemploi/inventory/Lifecycle.hpp>
#include <reemploi/inventory/Schools.hpp>
#include <reemploi/inventory/Storage.hpp>
#include <reemploi/inventory/Views.hpp>
#include <reemploi/inventory/allocation/AllocationService.hpp>

#include "inventory/InventoryFixture.hpp"

namespace reemploi::inventory::allocation {
namespace {

Poco::JSON::Object::Ptr parse(const json::Object &o) {
    return Poco::JSON::Parser().parse(o.str()).extract<Poco::JSON::Object::Ptr>();
}

class AllocationViews : public test::InventoryFixture {
protected:
    void SetUp() override {
        InventoryFixture::SetUp();
        if (IsSkipped()) return;  // no server for a pg: test
        donation = makeDonation("Acme");
        // The files of AllocationCli.importBoth, through the services the commands call.
        auto schools = intake::importSchools(
            *db, "UAI;Nom;Commune;QPV\n0750655E;Jean Jaurès;Paris;non\n0130040Y;Le Port;Marseille;non\n", false, actor);
        ASSERT_TRUE(schools) << schools.error().message;
        ASSERT_TRUE(schools->succeeded());
        auto needs = intake::importNeeds(*db,
                                         "famille,uai,niveaux,équipements,préférence\n"
                                         "F-1,0750655E,CM2,0,portable\n"
                                         "F-2,0750655E,CP CE1,1,tablette\n"
                                         "F-3,0130040Y,CP,0,\n",
                                         false, actor);
        ASSERT_TRUE(needs) << needs.error().message;
        ASSERT_TRUE(needs->succeeded());
    }

    // AllocationCli.readyUnit: graded B, diagnosed, ready.
    std::string readyUnit(UnitKind kind, const std::string &serial, std::int64_t ram, std::string keyboard = "",
                          std::optional<std::int64_t> battery = {}) {
        NewUnit u;
        u.donationId = donation;
        u.kind = kind;
        u.serial = serial;
        u.specs.ramMib = ram;
        u.specs.keyboardLayout = std::move(keyboard);
        u.specs.batteryHealthPercent = battery;
        u.grade = Grade::B;
        auto unit = addUnit(*db, u, actor);
        EXPECT_TRUE(unit) << unit.error().message;
        EXPECT_TRUE(setStatus(*db, unit->tag, UnitStatus::Diagnosed, "checked", actor));
        // No medium recorded: a laptop or tablet reaches ready only once that is declared.
        EXPECT_TRUE(declareStorage(*db, unit->tag, StorageAbsence::Absent, "test unit, no storage", actor));
        auto ready = setStatus(*db, unit->tag, UnitStatus::Ready, "checked", actor);
        EXPECT_TRUE(ready) << ready.error().message;
        return unit->tag;
    }

    std::int64_t donation = 0;
};

// `reemploi school list [--json]`.
TEST_F(AllocationViews, SchoolsAsListed) {
    auto schools = listSchools(*db);
    ASSERT_TRUE(schools);
    ASSERT_EQ(schools->size(), 2u);
    std::map<std::string, std::string> byUai;
    for (const auto &s : *schools) byUai[s.uai] = toJson(s).str();
    EXPECT_EQ(byUai.at("0750655E"),
              R"({"contact":"","district":"","name":"Jean Jaurès","priority_area":false,"town":"Paris","uai":"0750655E"})");
    EXPECT_NE(byUai.at("0130040Y").find(R"("town":"Marseille")"), std::string::npos);
}

// `reemploi need list [--json]`: the rank the allocation gives each need, and what a donor may see.
TEST_F(AllocationViews, NeedsWithTheirRankForCoordinatorsAndWithoutTheFamilyForDonors) {
    auto needs = listNeeds(*db);
    ASSERT_TRUE(needs);
    ASSERT_EQ(needs->size(), 3u);
    std::map<std::string, const Need *> byRef;
    for (const auto &n : *needs) byRef[n.ref()] = &n;
    const Need &f1 = *byRef.at("0750655E/F-1"), &f2 = *byRef.at("0750655E/F-2"), &f3 = *byRef.at("0130040Y/F-3");
    EXPECT_EQ(needRank(f1), 1);  // no device at home
    EXPECT_EQ(needRank(f2), 2);  // one device, two children
    EXPECT_EQ(needRank(f3), 1);

    auto coordinator = parse(toJson(f2));
    EXPECT_EQ(coordinator->getValue<std::string>("ref"), "0750655E/F-2");
    EXPECT_EQ(coordinator->getValue<std::string>("family"), "F-2");
    EXPECT_EQ(coordinator->getValue<std::string>("school"), "0750655E");
    EXPECT_EQ(coordinator->getValue<std::string>("grades"), "CP CE1");
    EXPECT_EQ(coordinator->getValue<int>("rank"), 2);
    EXPECT_EQ(coordinator->getValue<int>("devices_at_home"), 1);
    EXPECT_EQ(coordinator->getValue<std::string>("preference"), "tablet");
    EXPECT_EQ(coordinator->getValue<std::string>("status"), "open");
    EXPECT_TRUE(coordinator->isNull("unit"));
    EXPECT_EQ(coordinator->getArray("priority")->size(), 0u);
    EXPECT_EQ(toJson(f2, NeedAudience::Coordinator).str(), toJson(f2).str());  // the default

    const std::string donor = toJson(f2, NeedAudience::Donor).str();
    EXPECT_EQ(donor.find("F-2"), std::string::npos) << donor;  // the family's reference, anywhere
    auto d = parse(toJson(f2, NeedAudience::Donor));
    for (const char *hidden : {"ref", "family", "accessibility", "priority"}) EXPECT_FALSE(d->has(hidden)) << hidden;
    EXPECT_EQ(d->getValue<std::string>("school"), "0750655E");
    EXPECT_EQ(d->getValue<int>("rank"), 2);
    EXPECT_EQ(d->getValue<std::string>("grades"), "CP CE1");
}

// `reemploi need withdraw REF`: once, and only an open need.
TEST_F(AllocationViews, WithdrawnNeedLeavesTheOpenListAndCannotBeWithdrawnTwice) {
    auto withdrawn = withdrawNeed(*db, "0750655E/F-2", actor);
    ASSERT_TRUE(withdrawn) << withdrawn.error().message;
    EXPECT_EQ(withdrawn->status, NeedStatus::Withdrawn);
    EXPECT_EQ(parse(toJson(*withdrawn))->getValue<std::string>("status"), "withdrawn");
    EXPECT_EQ(listNeeds(*db, NeedStatus::Open)->size(), 2u);
    EXPECT_EQ(listNeeds(*db, NeedStatus::Withdrawn)->size(), 1u);
    const auto events = listEvents(*db, "need")->size();

    auto again = withdrawNeed(*db, "0750655E/F-2", actor);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::Refused);
    EXPECT_NE(again.error().message.find("0750655E/F-2 is withdrawn"), std::string::npos) << again.error().message;
    auto unknown = withdrawNeed(*db, "0750655E/F-404", actor);
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, Errc::NotFound);
    EXPECT_EQ(listEvents(*db, "need")->size(), events);
}

// `reemploi allocate pin|exclude|unpin|pins` and `allocate confirm`, as JSON.
TEST_F(AllocationViews, PinsAndTheConfirmationReport) {
    auto laptop = readyUnit(UnitKind::Laptop, "L1", 8192, "fr-azerty", 80);
    auto tablet = readyUnit(UnitKind::Tablet, "T1", 3072);
    ASSERT_TRUE(excludeUnit(*db, laptop, actor));
    ASSERT_TRUE(pinUnit(*db, tablet, "0750655E/F-2", actor));
    auto pins = listPins(*db);
    ASSERT_TRUE(pins);
    ASSERT_EQ(pins->size(), 2u);
    EXPECT_EQ(toJson((*pins)[0]).str(), R"({"kind":"exclude","need":null,"unit":"RE-000001"})");
    EXPECT_EQ(toJson((*pins)[1]).str(), R"({"kind":"pin","need":"0750655E/F-2","unit":"RE-000002"})");
    ASSERT_TRUE(clearPin(*db, laptop, actor));
    EXPECT_EQ(listPins(*db)->size(), 1u);

    auto proposal = propose(*db, Config{}, actor, false);
    ASSERT_TRUE(proposal) << proposal.error().message;
    ASSERT_TRUE(proposal->runId);
    auto report = confirmProposal(*db, actor);
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->allocated, 2);
    // With the trail's head right after the confirmation: a witness the coordinator keeps.
    auto head = chainHead(*db).value();
    EXPECT_EQ(report->auditHead.id, head.id);
    EXPECT_EQ(toJson(*report).str(), R"({"allocated":2,"audit_head":{"at":")" + head.at + R"(","hash":")" + head.hash +
                                         R"(","id":)" + std::to_string(head.id) + R"(},"run":)" +
                                         std::to_string(*proposal->runId) + "}");
    auto served = findNeed(*db, "0750655E/F-2");
    ASSERT_TRUE(served);
    EXPECT_EQ(parse(toJson(*served))->getValue<std::string>("unit"), tablet);
}

}  // namespace
}  // namespace reemploi::inventory::allocation
