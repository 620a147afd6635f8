// Schools, needs, their CSV imports, and the allocation services over a real (in-memory) database:
// proposals stored or not, confirmation through the lifecycle, stale proposals refused, pins,
// exclusions, deliveries and returns.
#include <gtest/gtest.h>

#include <reemploi/intake/NeedImport.hpp>
#include <reemploi/intake/SchoolImport.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Lifecycle.hpp>
#include <reemploi/inventory/Schools.hpp>
#include <reemploi/inventory/Storage.hpp>
#include <reemploi/inventory/allocation/AllocationService.hpp>

#include "inventory/InventoryFixture.hpp"

namespace reemploi::inventory::allocation {
namespace {

TEST(Uai, ValidatesTheCheckLetter) {
    EXPECT_EQ(*checkUai("0750655E"), "0750655E");
    EXPECT_EQ(*checkUai(" 0130040y "), "0130040Y");
    auto wrong = checkUai("0750655A");
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().message, "UAI '0750655A': wrong check letter, expected 'E'");
    EXPECT_FALSE(checkUai("075065E").ok());
    EXPECT_FALSE(checkUai("07506550").ok());
    EXPECT_FALSE(checkUai("A750655E").ok());
}

class AllocationService : public test::InventoryFixture {
protected:
    void SetUp() override {
        InventoryFixture::SetUp();
        if (IsSkipped()) return;  // no server for a pg: test
        donation = makeDonation();
        auto saved = saveSchools(*db,
                                 {{"0750655E", "École Jean Jaurès", "Paris", "", true, ""},
                                  {"0130040Y", "École du Port", "Marseille", "", false, ""}},
                                 actor);
        ASSERT_TRUE(saved) << saved.error().message;
    }

    std::string readyUnit(UnitKind kind, const std::string &serial, std::optional<std::int64_t> ram = 8192) {
        NewUnit u;
        u.donationId = donation;
        u.kind = kind;
        u.make = "Dell";
        u.serial = serial;
        u.specs.ramMib = ram;
        if (kind == UnitKind::Laptop) u.specs.keyboardLayout = "fr-azerty";
        u.specs.batteryHealthPercent = 90;
        u.grade = Grade::B;
        auto unit = addUnit(*db, u, actor);
        EXPECT_TRUE(unit) << unit.error().message;
        // No medium recorded: a laptop or tablet reaches ready only once that is declared.
        EXPECT_TRUE(declareStorage(*db, unit->tag, StorageAbsence::Absent, "test unit, no storage", actor));
        EXPECT_TRUE(setStatus(*db, unit->tag, UnitStatus::Diagnosed, "checked", actor));
        auto ready = setStatus(*db, unit->tag, UnitStatus::Ready, "checked", actor);
        EXPECT_TRUE(ready) << ready.error().message;
        return unit->tag;
    }

    void addNeed(const std::string &uai, const std::string &family, std::vector<SchoolGrade> grades, int devices,
                 std::vector<std::string> flags = {}) {
        NewNeed n;
        n.uai = uai;
        n.family = family;
        n.grades = std::move(grades);
        n.devicesAtHome = devices;
        n.priorityFlags = std::move(flags);
        auto added = addNeeds(*db, {n}, actor);
        ASSERT_TRUE(added) << added.error().message;
    }

    std::int64_t count(const std::string &sql) {
        auto st = db->prepare(sql);
        st->step();
        return st->getInt(0);
    }

    std::int64_t donation = 0;
};

TEST_F(AllocationService, SchoolImportReadsFrenchHeadersAndUpdatesKnownSchools) {
    std::string csv = "UAI;Nom de l'école;Commune;QPV\n0750655E;Jean Jaurès;Paris 19e;non\n0753012S;Les Lilas;Paris;oui\n";
    auto report = intake::importSchools(*db, csv, false, actor);
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_TRUE(report->succeeded());
    EXPECT_EQ(report->created, 1u);
    EXPECT_EQ(report->updated, 1u);
    auto school = getSchool(*db, "0750655E");
    ASSERT_TRUE(school);
    EXPECT_EQ(school->name, "Jean Jaurès");
    EXPECT_FALSE(school->priorityArea);
    EXPECT_TRUE(getSchool(*db, "0753012S")->priorityArea);
}

TEST_F(AllocationService, SchoolImportIsAllOrNothingWithLineNumbers) {
    std::string csv = "uai,name,priority_area\n0750001U,Ok,no\n0750655A,Bad letter,yes\n0750001U,Twice,no\n,No uai,peut-être\n";
    auto report = intake::importSchools(*db, csv, false, actor);
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_FALSE(report->succeeded());
    ASSERT_EQ(report->errors.size(), 4u);
    EXPECT_EQ(report->errors[0].text(), "line 3, column A \"uai\": UAI '0750655A': wrong check letter, expected 'E'");
    EXPECT_EQ(report->errors[1].text(), "line 4, column A \"uai\": school 0750001U is already given on an earlier line");
    EXPECT_EQ(report->errors[2].line, 5u);
    EXPECT_EQ(report->errors[3].text(), "line 5, column C \"priority_area\": 'peut-être' is not yes or no (oui/non, yes/no, 1/0, REP, REP+)");
    EXPECT_EQ(report->created, 0u);
    EXPECT_FALSE(getSchool(*db, "0750001U").ok());
}

TEST_F(AllocationService, NeedImportAcceptsBothLanguagesAnyOrderAndWindows1252) {
    // "Préférence" and "téléphone" in Windows-1252, as Excel saves a French CSV.
    std::string csv = "Pr\xe9""f\xe9rence;Famille;UAI;Niveaux;Equipements;Connexion;Priorit\xe9\r\n"
                      "tablette;F-1;0750655E;CP CE2;0;t\xe9l\xe9phone;Assistante sociale, QPV\r\n"
                      "indiff\xe9rent;F-2;0130040Y;CM1,CM2;1;box;\r\n";
    auto report = intake::importNeeds(*db, csv, false, actor);
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_TRUE(report->succeeded()) << report->errors[0].text();
    EXPECT_EQ(report->encoding, intake::TextEncoding::Windows1252);
    EXPECT_EQ(report->created, 2u);
    auto needs = listNeeds(*db);
    ASSERT_TRUE(needs);
    ASSERT_EQ(needs->size(), 2u);
    const auto &n = (*needs)[0];
    EXPECT_EQ(n.ref(), "0750655E/F-1");
    EXPECT_EQ(n.grades, (std::vector<SchoolGrade>{SchoolGrade::CP, SchoolGrade::CE2}));
    EXPECT_EQ(n.internet, Internet::Phone);
    EXPECT_EQ(n.preference, KindPreference::Tablet);
    EXPECT_EQ(n.priorityFlags, (std::vector<std::string>{"referral", "qpv"}));
    EXPECT_EQ((*needs)[1].grades.size(), 2u);
    EXPECT_EQ((*needs)[1].devicesAtHome, 1);
}

TEST_F(AllocationService, NeedImportRefusesTheWholeFileOnOneBadRow) {
    addNeed("0130040Y", "F-1", {SchoolGrade::CP}, 0);
    std::string csv = "uai,family,grades,devices_at_home,internet,preference\n"
                      "0750655E,F-1,CM2,0,none,laptop\n"
                      "0130040Y,F-1,CP,0,none,either\n"
                      "0750655E,F-3,6e,-1,pigeon voyageur,ordinateur fixe\n"
                      "0750001U,F-4,CP,0,,\n"
                      "0750655E,F-1,CP,2,,\n";
    auto report = intake::importNeeds(*db, csv, false, actor);
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_FALSE(report->succeeded());
    std::vector<std::string> texts;
    for (const auto &e : report->errors) texts.push_back(e.text());
    EXPECT_EQ(texts, (std::vector<std::string>{
                         "line 3, column B \"family\": family F-1 of school 0130040Y already has a need (open)",
                         "line 4, column C \"grades\": '6e' is not a grade (CP, CE1, CE2, CM1, CM2)",
                         "line 4, column D \"devices_at_home\": '-1' is not a number of devices (0, 1, 2, …)",
                         "line 4, column E \"internet\": 'pigeon voyageur' is not an internet access (aucune/none, "
                         "telephone/phone, box)",
                         "line 4, column F \"preference\": 'ordinateur fixe' is not a preference (portable/laptop, "
                         "tablette/tablet, indifferent/either)",
                         "line 5, column A \"uai\": school 0750001U is not registered (import the schools first)",
                         "line 6, column B \"family\": family F-1 of school 0750655E is already given on an earlier line",
                     }));
    EXPECT_EQ(listNeeds(*db)->size(), 1u);  // only the one added before
}

TEST_F(AllocationService, NeedImportWithoutRequiredColumnNamesIt) {
    auto report = intake::importNeeds(*db, "uai,famille\n0750655E,F-1\n", false, actor);
    ASSERT_FALSE(report.ok());
    EXPECT_NE(report.error().message.find("grades"), std::string::npos) << report.error().message;
}

TEST_F(AllocationService, DryRunWritesNothingAndStoredProposalReplacesTheEarlierOne) {
    auto laptop = readyUnit(UnitKind::Laptop, "L1");
    addNeed("0750655E", "F-1", {SchoolGrade::CM2}, 0);
    auto dry = propose(*db, Config{}, actor, true);
    ASSERT_TRUE(dry) << dry.error().message;
    EXPECT_FALSE(dry->runId.has_value());
    ASSERT_EQ(dry->solution.assignments.size(), 1u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM allocation_runs"), 0);
    auto first = propose(*db, Config{}, actor, false);
    auto second = propose(*db, Config{}, actor, false);
    ASSERT_TRUE(first && second);
    EXPECT_EQ(count("SELECT COUNT(*) FROM allocation_runs WHERE status = 'proposed'"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM allocation_runs WHERE status = 'replaced'"), 1);
    auto json = proposalJson(*second);
    EXPECT_NE(json.find("\"reason\":\"no device at home, priority qpv, CM2, laptop fits, storage not measured\""),
              std::string::npos)
        << json;
}

TEST_F(AllocationService, ConfirmAllocatesThroughTheLifecycleAndServesTheNeeds) {
    auto laptop = readyUnit(UnitKind::Laptop, "L1");
    auto tablet = readyUnit(UnitKind::Tablet, "T1", 3072);
    addNeed("0750655E", "F-1", {SchoolGrade::CM2}, 0);
    addNeed("0130040Y", "F-1", {SchoolGrade::CP}, 0);
    ASSERT_TRUE(propose(*db, Config{}, actor, false));
    auto confirmed = confirmProposal(*db, actor);
    ASSERT_TRUE(confirmed) << confirmed.error().message;
    EXPECT_EQ(confirmed->allocated, 2);
    EXPECT_EQ(getUnit(*db, laptop)->status, UnitStatus::Allocated);
    EXPECT_EQ(getUnit(*db, tablet)->status, UnitStatus::Allocated);
    auto need = findNeed(*db, "0750655E/F-1");
    ASSERT_TRUE(need);
    EXPECT_EQ(need->status, NeedStatus::Served);
    EXPECT_EQ(need->unitTag, laptop);
    // The family reference alone is ambiguous here: two schools use F-1.
    auto ambiguous = findNeed(*db, "F-1");
    ASSERT_FALSE(ambiguous.ok());
    EXPECT_EQ(ambiguous.error().message, "reference F-1 is used by several schools: write it UAI/F-1");
    auto events = listEvents(*db, "unit", laptop);
    ASSERT_TRUE(events);
    EXPECT_NE(events->back().payload.find("\"need\":\"0750655E/F-1\""), std::string::npos) << events->back().payload;
    EXPECT_TRUE(verifyChain(*db)->firstBrokenId == std::nullopt);
    // Nothing left to confirm.
    auto again = confirmProposal(*db, actor);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, Errc::NotFound);
}

TEST_F(AllocationService, ConfirmRefusesAProposalMadeOnDataThatChanged) {
    auto laptop = readyUnit(UnitKind::Laptop, "L1");
    addNeed("0750655E", "F-1", {SchoolGrade::CM2}, 0);
    ASSERT_TRUE(propose(*db, Config{}, actor, false));
    UnitPatch patch;
    patch.ramMib = 16384;
    ASSERT_TRUE(updateUnit(*db, laptop, patch, actor));
    auto refused = confirmProposal(*db, actor);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, Errc::Conflict);
    EXPECT_EQ(refused.error().message,
              "the ready units changed since proposal 1 was made: run 'reemploi allocate' again, then confirm");
    EXPECT_EQ(getUnit(*db, laptop)->status, UnitStatus::Ready);

    ASSERT_TRUE(propose(*db, Config{}, actor, false));
    addNeed("0130040Y", "F-9", {SchoolGrade::CP}, 0);
    refused = confirmProposal(*db, actor);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().message,
              "the open needs (or pins) changed since proposal 2 was made: run 'reemploi allocate' again, then confirm");
    EXPECT_EQ(findNeed(*db, "0750655E/F-1")->status, NeedStatus::Open);
}

TEST_F(AllocationService, PinsAndExclusionsShapeTheNextProposal) {
    auto a = readyUnit(UnitKind::Laptop, "L1");
    auto b = readyUnit(UnitKind::Laptop, "L2");
    addNeed("0750655E", "F-1", {SchoolGrade::CM2}, 0);
    addNeed("0750655E", "F-2", {SchoolGrade::CM1}, 3);
    ASSERT_TRUE(pinUnit(*db, b, "0750655E/F-2", actor));
    ASSERT_TRUE(excludeUnit(*db, a, actor));
    auto pins = listPins(*db);
    ASSERT_TRUE(pins);
    ASSERT_EQ(pins->size(), 2u);
    auto proposal = propose(*db, Config{}, actor, true);
    ASSERT_TRUE(proposal);
    const auto &s = proposal->solution;
    ASSERT_EQ(s.assignments.size(), 1u);
    EXPECT_TRUE(s.assignments[0].pinned);
    EXPECT_EQ(proposal->input.problem.units[s.assignments[0].unit].tag, b);
    ASSERT_TRUE(clearPin(*db, a, actor));
    EXPECT_EQ(propose(*db, Config{}, actor, true)->solution.assignments.size(), 2u);
    auto notReady = pinUnit(*db, "RE-999999", "0750655E/F-1", actor);
    EXPECT_FALSE(notReady.ok());
}

TEST_F(AllocationService, DeliveryAndReturnFollowTheAllocation) {
    auto laptop = readyUnit(UnitKind::Laptop, "L1");
    addNeed("0750655E", "F-1", {SchoolGrade::CM2}, 0);
    addNeed("0750655E", "F-2", {SchoolGrade::CP}, 2);
    // Not allocated yet: the lifecycle refuses the delivery.
    EXPECT_FALSE(recordDelivery(*db, laptop, "0750655E/F-1", actor).ok());
    ASSERT_TRUE(propose(*db, Config{}, actor, false));
    ASSERT_TRUE(confirmProposal(*db, actor));
    auto wrong = recordDelivery(*db, laptop, "0750655E/F-2", actor);
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().message, "unit " + laptop + " was not allocated to need 0750655E/F-2");
    auto delivered = recordDelivery(*db, laptop, "0750655E/F-1", actor);
    ASSERT_TRUE(delivered) << delivered.error().message;
    EXPECT_EQ(delivered->status, UnitStatus::Delivered);
    auto returned = returnUnit(*db, laptop, actor);
    ASSERT_TRUE(returned) << returned.error().message;
    EXPECT_EQ(returned->status, UnitStatus::Returned);
}

TEST_F(AllocationService, CancelPutsTheUnitBackAndReopensTheNeed) {
    auto laptop = readyUnit(UnitKind::Laptop, "L1");
    addNeed("0750655E", "F-1", {SchoolGrade::CM2}, 0);
    auto early = cancelAllocation(*db, laptop, actor);
    ASSERT_FALSE(early.ok());
    EXPECT_EQ(early.error().message, "unit " + laptop + " is ready: only an allocated unit's allocation can be cancelled");
    ASSERT_TRUE(propose(*db, Config{}, actor, false));
    ASSERT_TRUE(confirmProposal(*db, actor));
    auto cancelled = cancelAllocation(*db, laptop, actor);
    ASSERT_TRUE(cancelled) << cancelled.error().message;
    EXPECT_EQ(cancelled->status, UnitStatus::Ready);
    auto need = findNeed(*db, "0750655E/F-1");
    EXPECT_EQ(need->status, NeedStatus::Open);
    EXPECT_FALSE(need->unitTag.has_value());
    EXPECT_EQ(propose(*db, Config{}, actor, true)->solution.assignments.size(), 1u);
}

TEST(AllocationConfig, ParsesWeightsAndMinimumsAndNamesBadLines) {
    auto config = parseConfig("# workshop settings\nmin_laptop_ram_mib = 8192\npriority.referral = 5\npriority.handicap = 4\n");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->minLaptopRamMib, 8192);
    EXPECT_EQ(config->flags[*config->flagIndex("referral")].weight, 5);
    EXPECT_EQ(config->flags[*config->flagIndex("qpv")].weight, 2);
    EXPECT_EQ(config->flags[*config->flagIndex("handicap")].weight, 4);
    auto bad = parseConfig("min_battery_percent = 70\nmin_ram = 3\n");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message, "line 2: unknown key 'min_ram'");
    bad = parseConfig("priority.qpv = beaucoup\n");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message, "line 1: priority.qpv: 'beaucoup' is not a whole number >= 0");
}

}  // namespace
}  // namespace reemploi::inventory::allocation
