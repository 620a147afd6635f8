// Programmes, structures, loans, connectivity kits and distribution sites over a real database:
// the proof list of issue 25 (a BTS programme with laptops only never gets a tablet; an overdue
// loan is listed; a returned loan is not allocated before a new wipe; kits only without internet;
// a site's pick-up list holds exactly its confirmed assignments and no name), and bad input
// refused naming the field, nothing changed.
#include <gtest/gtest.h>

#include <algorithm>

#include <reemploi/intake/SiteImport.hpp>
#include <reemploi/inventory/Accessories.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Kits.hpp>
#include <reemploi/inventory/Lifecycle.hpp>
#include <reemploi/inventory/Loans.hpp>
#include <reemploi/inventory/MediatorNeeds.hpp>
#include <reemploi/inventory/Programmes.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Schools.hpp>
#include <reemploi/inventory/Sites.hpp>
#include <reemploi/inventory/Storage.hpp>
#include <reemploi/inventory/JsonViews.hpp>
#include <reemploi/inventory/Views.hpp>
#include <reemploi/inventory/allocation/AllocationService.hpp>

#include "inventory/InventoryFixture.hpp"

namespace reemploi::inventory::allocation {
namespace {

// A valid IMEI and ICCIDs (Luhn check digit last).
constexpr const char *kImei = "490154203237518";
constexpr const char *kImei2 = "356938035643809";
constexpr const char *kIccid = "89330123456789012342";

class Programmes : public test::InventoryFixture {
protected:
    void SetUp() override {
        InventoryFixture::SetUp();
        donation = makeDonation();
        ASSERT_TRUE(saveSchools(*db, {{"0750655E", "École Jean Jaurès", "Paris", "", false, ""}}, actor));
    }

    std::string readyUnit(UnitKind kind, const std::string &serial) {
        NewUnit u;
        u.donationId = donation;
        u.kind = kind;
        u.make = "Dell";
        u.model = kind == UnitKind::Laptop ? "Latitude 5490" : "Tab";
        u.serial = serial;
        u.specs.ramMib = 8192;
        if (kind == UnitKind::Laptop) u.specs.keyboardLayout = "fr-azerty";
        u.specs.batteryHealthPercent = 90;
        u.grade = Grade::B;
        u.storage.push_back({MediumType::Ssd, "SSD", "S-" + serial, 256'000'000'000});
        auto unit = addUnit(*db, u, actor);
        EXPECT_TRUE(unit) << unit.error().message;
        EXPECT_TRUE(setStatus(*db, unit->tag, UnitStatus::Diagnosed, "checked", actor));
        wipe(unit->tag);
        EXPECT_TRUE(setStatus(*db, unit->tag, UnitStatus::Wiped, "wiped", actor));
        auto ready = setStatus(*db, unit->tag, UnitStatus::Ready, "checked", actor);
        EXPECT_TRUE(ready) << ready.error().message;
        return unit->tag;
    }

    void wipe(const std::string &tag) {
        auto unit = getUnit(*db, tag);
        ASSERT_TRUE(unit);
        SanitizationRecord r;
        r.mediumId = unit->storage.at(0).id;
        r.method = "clear-zero";
        r.result = SanitizationResult::Passed;
        r.startedAt = r.endedAt = nowUtc();
        auto recorded = recordSanitization(*db, r, actor);
        ASSERT_TRUE(recorded) << recorded.error().message;
    }

    Programme programme(const std::string &name, std::vector<std::string> levels, ProgrammeMode mode,
                        const std::string &rules = "") {
        Programme p;
        p.name = name;
        p.startsOn = "2026-09-01";
        p.endsOn = "2027-07-01";
        p.levels = std::move(levels);
        p.mode = mode;
        p.rules = rules;
        auto saved = saveProgramme(*db, p, actor);
        EXPECT_TRUE(saved) << saved.error().message;
        return saved.value();
    }

    void addNeed(const std::string &family, std::vector<SchoolGrade> grades, Internet internet, int devices = 0,
                 const std::string &programmeName = "", const std::string &level = "",
                 const std::string &uai = "0750655E") {
        NewNeed n;
        n.uai = uai;
        n.family = family;
        n.grades = std::move(grades);
        n.devicesAtHome = devices;
        n.internet = internet;
        n.programme = programmeName;
        n.level = level;
        auto added = addNeeds(*db, {n}, actor);
        ASSERT_TRUE(added) << added.error().message;
    }

    std::string kit(KitKind kind = KitKind::Key4g, const char *imei = kImei) {
        NewKit k;
        k.kind = kind;
        k.imei = imei;
        k.operatorName = "Orange";
        k.planEndsOn = "2099-01-01";
        auto added = addKit(*db, k, actor);
        EXPECT_TRUE(added) << added.error().message;
        return added->tag;
    }

    void expectAuditHolds() {
        auto report = verifyAudit(*db);
        ASSERT_TRUE(report) << report.error().message;
        EXPECT_TRUE(report->ok()) << report->disagreement.value_or("") << report->chain.problem;
    }

    std::int64_t count(const std::string &sql) {
        auto st = db->prepare(sql);
        st->step();
        return st->getInt(0);
    }

    std::int64_t donation = 0;
    Actor actor{"coordinator-1", Role::Admin};
};

TEST_F(Programmes, TheDefaultProgrammeServesPrimarySchoolAndGivesItsUnits) {
    auto all = listProgrammes(*db);
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 1u);
    EXPECT_EQ(all->front().name, "default");
    EXPECT_EQ(all->front().id, kDefaultProgrammeId);
    EXPECT_EQ(all->front().levels, std::vector<std::string>{"cp-cm2"});
    EXPECT_EQ(all->front().mode, ProgrammeMode::Given);
    addNeed("F-1", {SchoolGrade::CP}, Internet::Box);
    auto need = findNeed(*db, "0750655E/F-1");
    ASSERT_TRUE(need);
    EXPECT_EQ(need->programmeId, kDefaultProgrammeId);
    EXPECT_EQ(need->level, "cp-cm2");
}

TEST_F(Programmes, LevelsAreAListInTheDatabase) {
    auto levels = listLevels(*db);
    ASSERT_TRUE(levels);
    std::vector<std::string> codes;
    for (const auto &l : *levels) codes.push_back(l.code);
    EXPECT_EQ(codes, (std::vector<std::string>{"cp-cm2", "college", "lycee", "post-bac", "adults"}));
    ASSERT_TRUE(addLevel(*db, {"seniors", "retraités"}, actor));
    EXPECT_TRUE(checkLevel(*db, "Seniors").ok());
    auto bad = checkLevel(*db, "maternelle");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message.rfind("level: 'maternelle' is not a known level", 0), 0u) << bad.error().message;
}

TEST_F(Programmes, ABtsProgrammeWithLaptopsOnlyNeverReceivesATablet) {
    auto bts = programme("Un jeune, un ordinateur", {"post-bac"}, ProgrammeMode::Given, "kinds = laptop\n");
    auto structure = addStructure(*db, {"lycee", "0130040Y", "Lycée du Port", "Marseille", ""}, actor);
    ASSERT_TRUE(structure) << structure.error().message;
    std::vector<std::string> tablets;
    for (int i = 0; i < 4; ++i) tablets.push_back(readyUnit(UnitKind::Tablet, "T" + std::to_string(i)));
    auto laptop = readyUnit(UnitKind::Laptop, "L1");
    // Students at BTS level: no grade, one person each; more students than laptops.
    for (int i = 0; i < 3; ++i) addNeed("E-" + std::to_string(i), {}, Internet::Box, 0, bts.name, "", "0130040Y");
    auto config = programmeConfig(*db, bts.id);
    ASSERT_TRUE(config) << config.error().message;
    auto proposal = propose(*db, *config, actor, false, bts.id);
    ASSERT_TRUE(proposal) << proposal.error().message;
    ASSERT_EQ(proposal->solution.assignments.size(), 1u);
    const auto &p = proposal->input.problem;
    EXPECT_EQ(p.units[proposal->solution.assignments[0].unit].tag, laptop);
    for (const auto &a : proposal->solution.assignments) EXPECT_NE(p.units[a.unit].kind, UnitKind::Tablet);
    for (const auto &u : proposal->solution.unused)
        if (p.units[u.unit].kind == UnitKind::Tablet) {
            EXPECT_EQ(u.parts.at(0).code, "unusable.programme_kind");
        }
    // The default programme's needs are not in this run, and its own proposal is separate.
    ASSERT_TRUE(confirmProposal(*db, actor, bts.id));
    EXPECT_EQ(getUnit(*db, laptop)->status, UnitStatus::Allocated);
    for (const auto &t : tablets) EXPECT_EQ(getUnit(*db, t)->status, UnitStatus::Ready);
    EXPECT_EQ(confirmProposal(*db, actor).error().code, Errc::NotFound);
}

TEST_F(Programmes, ALevelGivenLaptopsOnlyByTheRulesGetsNoTablet) {
    auto p = programme("Lycées", {"lycee", "college"}, ProgrammeMode::Given, "kinds.lycee = laptop\n");
    readyUnit(UnitKind::Tablet, "T1");
    readyUnit(UnitKind::Tablet, "T2");
    addNeed("L-1", {}, Internet::Box, 0, p.name, "lycee");
    addNeed("C-1", {}, Internet::Box, 0, p.name, "college");
    auto config = programmeConfig(*db, p.id);
    ASSERT_TRUE(config);
    auto proposal = propose(*db, *config, actor, true, p.id);
    ASSERT_TRUE(proposal) << proposal.error().message;
    ASSERT_EQ(proposal->solution.assignments.size(), 1u);
    EXPECT_EQ(proposal->input.needs[proposal->solution.assignments[0].need].family, "C-1");
    ASSERT_EQ(proposal->solution.unmet.size(), 1u);
    EXPECT_EQ(proposal->solution.unmet[0].parts[0].code, "unmet.level_laptop");
}

TEST_F(Programmes, BadProgrammeInputNamesTheFieldAndChangesNothing) {
    Programme p;
    p.name = "X";
    p.levels = {"post-bac"};
    p.startsOn = "2026-13-01";
    auto bad = saveProgramme(*db, p, actor);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, Errc::InvalidInput);
    EXPECT_EQ(bad.error().message.rfind("from: '2026-13-01'", 0), 0u) << bad.error().message;
    p.startsOn = "";
    p.levels = {"maternelle"};
    EXPECT_EQ(saveProgramme(*db, p, actor).error().message.rfind("levels: 'maternelle'", 0), 0u);
    p.levels = {"post-bac"};
    p.rules = "kinds = desktop\n";
    auto rules = saveProgramme(*db, p, actor);
    ASSERT_FALSE(rules.ok());
    EXPECT_NE(rules.error().message.find("kinds: 'desktop' is not a kind the allocation hands out"), std::string::npos)
        << rules.error().message;
    EXPECT_EQ(listProgrammes(*db)->size(), 1u);
    auto unknown = getProgramme(*db, "nope");
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().message, "programme: no programme named 'nope' (known: default)");
    NewNeed n;
    n.uai = "0750655E";
    n.family = "F-9";
    n.grades = {SchoolGrade::CP};
    n.programme = "nope";
    EXPECT_EQ(addNeeds(*db, {n}, actor).error().code, Errc::NotFound);
    EXPECT_EQ(count("SELECT COUNT(*) FROM needs"), 0);
}

TEST_F(Programmes, StructuresWithoutUaiGetAnIdentifierOfTheirOwn) {
    auto centre = addStructure(*db, {"social-centre", "", "Centre social des Lilas", "Paris", ""}, actor);
    ASSERT_TRUE(centre) << centre.error().message;
    EXPECT_EQ(centre->uai, "S-000001");
    EXPECT_EQ(centre->kind, "social-centre");
    auto second = addStructure(*db, {"town-hall", "", "Mairie", "Lyon", ""}, actor);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->uai, "S-000002");
    auto adults = programme("Guichets", {"adults"}, ProgrammeMode::Given);
    addNeed("H-1", {}, Internet::None, 0, adults.name, "", "S-000001");
    auto need = findNeed(*db, "S-000001/H-1");
    ASSERT_TRUE(need) << need.error().message;
    EXPECT_EQ(need->level, "adults");
    EXPECT_FALSE(addStructure(*db, {"lycee", "", "Lycée sans UAI", "", ""}, actor).ok());
    EXPECT_FALSE(addStructure(*db, {"social-centre", "0750655E", "Centre", "", ""}, actor).ok());
    EXPECT_EQ(addStructure(*db, {"chateau", "", "X", "", ""}, actor).error().message.rfind("kind: 'chateau'", 0), 0u);
    expectAuditHolds();
}

// Loans.

class Loans : public Programmes {
protected:
    void SetUp() override {
        Programmes::SetUp();
        lent = programme("Prêt de tablettes", {"cp-cm2", "college"}, ProgrammeMode::Lent);
    }
    Programme lent;
};

TEST_F(Loans, ALoanOverdueByOneDayIsListed) {
    auto unit = readyUnit(UnitKind::Tablet, "T1");
    auto other = readyUnit(UnitKind::Tablet, "T2");
    addNeed("F-1", {SchoolGrade::CP}, Internet::None, 0, lent.name);
    addNeed("F-2", {SchoolGrade::CP}, Internet::None, 0, lent.name);
    auto loan = lendUnit(*db, unit, "0750655E/F-1", "2026-12-10", "", actor, "2026-12-01");
    ASSERT_TRUE(loan) << loan.error().message;
    ASSERT_TRUE(lendUnit(*db, other, "0750655E/F-2", "2026-12-11", "", actor, "2026-12-01"));
    EXPECT_EQ(getUnit(*db, unit)->status, UnitStatus::Lent);
    EXPECT_EQ(findNeed(*db, "0750655E/F-1")->status, NeedStatus::Served);
    auto onDue = listLoans(*db, true, "2026-12-10");
    ASSERT_TRUE(onDue);
    EXPECT_TRUE(onDue->empty());
    auto dayAfter = listLoans(*db, true, "2026-12-11");
    ASSERT_TRUE(dayAfter);
    ASSERT_EQ(dayAfter->size(), 1u);
    EXPECT_EQ(dayAfter->front().unitTag, unit);
    EXPECT_EQ(dayAfter->front().daysOverdue, 1);
    EXPECT_EQ(listLoans(*db, false, "2026-12-11")->size(), 2u);
    // Extended, it is no longer overdue; returned, it leaves the open loans.
    auto extended = extendLoan(*db, unit, "2026-12-20", actor, "2026-12-01");
    ASSERT_TRUE(extended) << extended.error().message;
    EXPECT_TRUE(listLoans(*db, true, "2026-12-11")->empty());
    ASSERT_TRUE(returnLoan(*db, unit, actor));
    EXPECT_EQ(listLoans(*db, false, "2026-12-11")->size(), 1u);
    auto events = listEvents(*db, "loan");
    ASSERT_TRUE(events);
    std::vector<std::string> actions;
    for (const auto &e : *events)
        if (e.entity == "loan") actions.push_back(e.action);
    EXPECT_EQ(actions, (std::vector<std::string>{"loan_out", "loan_out", "loan_extended", "loan_returned"}));
    for (const auto &e : *events)
        if (e.entity == "loan") {
            EXPECT_EQ(e.payload.find("F-1"), std::string::npos) << e.payload;
        }
    expectAuditHolds();
}

TEST_F(Loans, ALentUnitReturnedCannotBeAllocatedBeforeItIsWipedAgain) {
    auto unit = readyUnit(UnitKind::Tablet, "T1");
    addNeed("F-1", {SchoolGrade::CP}, Internet::Box, 0, lent.name);
    ASSERT_TRUE(lendUnit(*db, unit, "0750655E/F-1", "2099-01-01", "", actor));
    ASSERT_TRUE(returnLoan(*db, unit, actor));
    EXPECT_EQ(getUnit(*db, unit)->status, UnitStatus::Returned);
    addNeed("F-2", {SchoolGrade::CP}, Internet::Box);
    auto proposal = propose(*db, Config{}, actor, true);
    ASSERT_TRUE(proposal);
    EXPECT_TRUE(proposal->solution.assignments.empty());  // not ready: not even offered
    EXPECT_FALSE(lendUnit(*db, unit, "0750655E/F-2", "2099-01-01", "", actor).ok());
    ASSERT_TRUE(setStatus(*db, unit, UnitStatus::Diagnosed, "checked after its loan", actor));
    auto early = setStatus(*db, unit, UnitStatus::Wiped, "wiped?", actor);
    ASSERT_FALSE(early.ok());
    EXPECT_NE(early.error().message.find("since the unit was returned"), std::string::npos) << early.error().message;
    wipe(unit);
    ASSERT_TRUE(setStatus(*db, unit, UnitStatus::Wiped, "wiped again", actor));
    ASSERT_TRUE(setStatus(*db, unit, UnitStatus::Ready, "ready again", actor));
    auto again = propose(*db, Config{}, actor, true);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->solution.assignments.size(), 1u);
}

TEST_F(Loans, OnlyTheLoanServiceTakesTheLoanArrows) {
    auto unit = readyUnit(UnitKind::Tablet, "T1");
    auto byHand = setStatus(*db, unit, UnitStatus::Lent, "lent", actor);
    ASSERT_FALSE(byHand.ok());
    EXPECT_NE(byHand.error().message.find("reemploi loan out"), std::string::npos) << byHand.error().message;
    auto offered = nextStatusesByHand(UnitStatus::Ready);
    EXPECT_EQ(std::count(offered.begin(), offered.end(), UnitStatus::Lent), 0);
}

TEST_F(Loans, BadLoanInputNamesTheFieldAndChangesNothing) {
    auto unit = readyUnit(UnitKind::Tablet, "T1");
    addNeed("F-1", {SchoolGrade::CP}, Internet::Box, 0, lent.name);
    addNeed("F-2", {SchoolGrade::CP}, Internet::Box);  // default programme: units given
    auto badDate = lendUnit(*db, unit, "0750655E/F-1", "2026-02-30", "", actor);
    ASSERT_FALSE(badDate.ok());
    EXPECT_EQ(badDate.error().code, Errc::InvalidInput);
    EXPECT_EQ(badDate.error().message.rfind("due: '2026-02-30'", 0), 0u) << badDate.error().message;
    auto past = lendUnit(*db, unit, "0750655E/F-1", "2026-11-30", "", actor, "2026-12-01");
    ASSERT_FALSE(past.ok());
    EXPECT_EQ(past.error().message.rfind("due: 2026-11-30 is before today", 0), 0u);
    auto noSite = lendUnit(*db, unit, "0750655E/F-1", "2099-01-01", "NOWHERE", actor);
    ASSERT_FALSE(noSite.ok());
    EXPECT_EQ(noSite.error().message.rfind("site: no distribution site 'NOWHERE'", 0), 0u);
    auto given = lendUnit(*db, unit, "0750655E/F-2", "2099-01-01", "", actor);
    ASSERT_FALSE(given.ok());
    EXPECT_EQ(given.error().code, Errc::Refused);
    EXPECT_EQ(getUnit(*db, unit)->status, UnitStatus::Ready);
    EXPECT_EQ(count("SELECT COUNT(*) FROM loans"), 0);
    EXPECT_EQ(findNeed(*db, "0750655E/F-1")->status, NeedStatus::Open);
    EXPECT_EQ(extendLoan(*db, unit, "2099-01-01", actor).error().code, Errc::Refused);
}

// Connectivity kits.

TEST_F(Programmes, KitIdentifiersAreCheckedByLuhn) {
    EXPECT_TRUE(luhnValid("79927398713"));
    EXPECT_FALSE(luhnValid("79927398710"));
    EXPECT_EQ(*checkImei("49-015420-323751-8"), kImei);
    auto imei = checkImei("490154203237519");
    ASSERT_FALSE(imei.ok());
    EXPECT_EQ(imei.error().message, "imei: '490154203237519' fails its check digit (Luhn)");
    EXPECT_EQ(checkImei("4901542032375").error().message, "imei: '4901542032375' must be 15 digits (it has 13)");
    EXPECT_TRUE(checkIccid(kIccid).ok());
    EXPECT_EQ(checkIccid("89330123456789012345").error().message,
              "iccid: '89330123456789012345' fails its check digit (Luhn)");
    NewKit sim;
    sim.kind = KitKind::Sim;
    sim.iccid = "89330123456789012345";
    EXPECT_EQ(addKit(*db, sim, actor).error().code, Errc::InvalidInput);
    sim.iccid = "";
    EXPECT_EQ(addKit(*db, sim, actor).error().message, "iccid: a SIM card is registered by its ICCID");
    EXPECT_EQ(count("SELECT COUNT(*) FROM kits"), 0);
    sim.iccid = kIccid;
    auto added = addKit(*db, sim, actor);
    ASSERT_TRUE(added) << added.error().message;
    EXPECT_EQ(added->tag, "K-000001");
    EXPECT_EQ(addKit(*db, sim, actor).error().code, Errc::Conflict);
}

TEST_F(Programmes, AFamilyWithInternetGetsNoKit) {
    readyUnit(UnitKind::Laptop, "L1");
    kit();
    addNeed("F-1", {SchoolGrade::CM2}, Internet::Box);
    auto proposal = propose(*db, Config{}, actor, true);
    ASSERT_TRUE(proposal);
    EXPECT_EQ(proposal->solution.assignments.size(), 1u);
    EXPECT_TRUE(proposal->solution.kitAssignments.empty());
}

TEST_F(Programmes, AFamilyWithoutInternetNorDeviceGetsADeviceAndAKit) {
    auto laptop = readyUnit(UnitKind::Laptop, "L1");
    auto k = kit();
    kit(KitKind::Hotspot, kImei2);
    addNeed("F-1", {SchoolGrade::CM2}, Internet::None, 0);
    addNeed("F-2", {SchoolGrade::CP}, Internet::None, 1);  // ranked after F-1: no device left, no kit either
    auto proposal = propose(*db, Config{}, actor, false);
    ASSERT_TRUE(proposal) << proposal.error().message;
    ASSERT_EQ(proposal->solution.assignments.size(), 1u);
    ASSERT_EQ(proposal->solution.kitAssignments.size(), 1u);
    const auto &ka = proposal->solution.kitAssignments[0];
    EXPECT_EQ(proposal->input.needs[ka.need].family, "F-1");
    EXPECT_EQ(ka.parts.at(0).code, "kit.no_internet");
    EXPECT_EQ(ka.reason, "no internet at home: a 4g-key with " + laptop);
    EXPECT_NE(proposalJson(*proposal).find("\"kit\":\"" + k + "\""), std::string::npos) << proposalJson(*proposal);
    auto confirmed = confirmProposal(*db, actor);
    ASSERT_TRUE(confirmed) << confirmed.error().message;
    EXPECT_EQ(confirmed->kits, 1);
    auto stored = getKit(*db, k);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->status, KitStatus::Allocated);
    EXPECT_EQ(stored->needRef, "0750655E/F-1");
    EXPECT_EQ(setKitStatus(*db, k, KitStatus::InStock, actor).error().code, Errc::Refused);
    ASSERT_TRUE(setKitStatus(*db, k, KitStatus::Delivered, actor));
    ASSERT_TRUE(setKitStatus(*db, k, KitStatus::Returned, actor));
    ASSERT_TRUE(setKitStatus(*db, k, KitStatus::InStock, actor));
    expectAuditHolds();
}

TEST_F(Programmes, KitsWhosePlanEndsWithinNDaysAreListed) {
    NewKit a;
    a.imei = kImei;
    a.planEndsOn = "2026-12-20";
    ASSERT_TRUE(addKit(*db, a, actor));
    NewKit b;
    b.imei = kImei2;
    b.planEndsOn = "2027-03-01";
    ASSERT_TRUE(addKit(*db, b, actor));
    auto soon = listKits(*db, 30, "2026-12-01");
    ASSERT_TRUE(soon);
    ASSERT_EQ(soon->size(), 1u);
    EXPECT_EQ(soon->front().planEndsOn, "2026-12-20");
    EXPECT_EQ(listKits(*db, 100, "2026-12-01")->size(), 2u);
    EXPECT_EQ(listKits(*db)->size(), 2u);
    EXPECT_FALSE(listKits(*db, -1).ok());
}

// Distribution sites.

TEST_F(Programmes, ASitesPickUpListHasExactlyItsConfirmedAssignmentsAndNoFamilyName) {
    auto imported = intake::importSites(*db,
                                        "Code;Nom;Adresse;Horaires;Contact\n"
                                        "MAIRIE-19;Mairie du 19e;5 place Armand Carrel;mar. 16h-18h;accueil\n"
                                        "CS-LILAS;Centre social;2 rue des Lilas;;\n",
                                        false, actor);
    ASSERT_TRUE(imported) << imported.error().message;
    ASSERT_TRUE(imported->succeeded()) << imported->errors[0].text();
    EXPECT_EQ(imported->created, 2u);
    ASSERT_TRUE(saveSchools(*db, {{"0130040Y", "École du Port", "Marseille", "", false, ""}}, actor));
    ASSERT_TRUE(setStructureSite(*db, "0750655E", "MAIRIE-19", actor));
    ASSERT_TRUE(setStructureSite(*db, "0130040Y", "CS-LILAS", actor));
    auto l1 = readyUnit(UnitKind::Laptop, "L1");
    auto l2 = readyUnit(UnitKind::Laptop, "L2");
    auto l3 = readyUnit(UnitKind::Laptop, "L3");
    auto k = kit();
    addNeed("F-1", {SchoolGrade::CM2}, Internet::None);
    addNeed("F-2", {SchoolGrade::CM1}, Internet::Box);
    addNeed("F-3", {SchoolGrade::CM1}, Internet::Box, 0, "", "", "0130040Y");
    // Proposed but not confirmed: no list yet.
    ASSERT_TRUE(propose(*db, Config{}, actor, false));
    EXPECT_TRUE(pickupList(*db, "MAIRIE-19", actor)->lines.empty());
    ASSERT_TRUE(confirmProposal(*db, actor));
    auto list = pickupList(*db, "MAIRIE-19", actor);
    ASSERT_TRUE(list) << list.error().message;
    std::vector<std::string> lines;
    for (const auto &l : list->lines) lines.push_back(l.tag + " " + l.kind + " " + l.model + " " + l.needRef);
    auto need1 = findNeed(*db, "0750655E/F-1")->unitTag.value();
    auto need2 = findNeed(*db, "0750655E/F-2")->unitTag.value();
    EXPECT_EQ(lines, (std::vector<std::string>{need1 + " laptop Dell Latitude 5490 0750655E/F-1",
                                               k + " 4g-key Orange 0750655E/F-1",
                                               need2 + " laptop Dell Latitude 5490 0750655E/F-2"}));
    auto other = pickupList(*db, "CS-LILAS", actor);
    ASSERT_TRUE(other);
    ASSERT_EQ(other->lines.size(), 1u);
    EXPECT_EQ(other->lines[0].needRef, "0130040Y/F-3");
    (void)l1, (void)l2, (void)l3;
    // Handing over at the site: a scan; a unit of another site's list is refused.
    auto wrong = recordHandover(*db, "MAIRIE-19", other->lines[0].tag, actor);
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().code, Errc::Refused);
    auto handed = recordHandover(*db, "MAIRIE-19", need1, actor);
    ASSERT_TRUE(handed) << handed.error().message;
    EXPECT_EQ(getUnit(*db, need1)->status, UnitStatus::Delivered);
    ASSERT_TRUE(recordHandover(*db, "MAIRIE-19", k, actor));
    EXPECT_EQ(getKit(*db, k)->status, KitStatus::Delivered);
    EXPECT_EQ(pickupList(*db, "MAIRIE-19", actor)->lines.size(), 1u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM handovers"), 1);
    expectAuditHolds();
}

TEST_F(Programmes, SiteImportNamesTheLineAndColumnAndImportsNothing) {
    auto report = intake::importSites(*db, "code,name\nA-1,Site A\nbad code!,Site B\nC,\n", false, actor);
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_FALSE(report->succeeded());
    ASSERT_EQ(report->errors.size(), 2u);
    EXPECT_EQ(report->errors[0].text(), "line 3, column A \"code\": code: 'bad code!' must be 1 to 32 letters, digits, '-' or '_'");
    EXPECT_EQ(report->errors[1].line, 4u);
    EXPECT_TRUE(listSites(*db)->empty());
}

// School mediators: the services themselves limit them to their structure.
TEST_F(Programmes, AMediatorEntersAndUpdatesItsSchoolsNeedsOnlyAndSeesNoUnit) {
    ASSERT_TRUE(saveSchools(*db, {{"0130040Y", "École du Port", "Marseille", "", false, ""}}, actor));
    const Actor mediator{"mia", Role::Mediator, "", "0750655E"};
    auto laptop = readyUnit(UnitKind::Laptop, "L1");
    NewNeed own;
    own.uai = "0750655E";
    own.family = "F-1";
    own.grades = {SchoolGrade::CM1};
    ASSERT_TRUE(addNeeds(*db, {own}, mediator));
    addNeed("P-1", {SchoolGrade::CP}, Internet::Box, 0, "", "", "0130040Y");
    NewNeed other = own;
    other.uai = "0130040Y";
    other.family = "F-2";
    EXPECT_EQ(addNeeds(*db, {other}, mediator).error().code, Errc::Forbidden);
    EXPECT_EQ(structureNeeds(*db, "0130040Y", mediator).error().code, Errc::Forbidden);
    NeedPatch patch;
    patch.devicesAtHome = 3;
    EXPECT_EQ(updateNeed(*db, "0130040Y", "P-1", patch, mediator).error().code, Errc::Forbidden);
    EXPECT_EQ(findNeed(*db, "0130040Y/P-1")->devicesAtHome, 0);
    // Nothing else: no unit, no allocation, no other list.
    EXPECT_EQ(setStatus(*db, laptop, UnitStatus::ToRepair, "x", mediator).error().code, Errc::Forbidden);
    EXPECT_EQ(propose(*db, Config{}, mediator, false).error().code, Errc::Forbidden);
    EXPECT_EQ(withdrawNeed(*db, "0750655E/F-1", mediator).error().code, Errc::Forbidden);
    const Actor trainee{"tom", Role::Trainee};
    EXPECT_EQ(structureNeeds(*db, "0750655E", trainee).error().code, Errc::Forbidden);
    // Once served, the mediator's list does not name the unit.
    ASSERT_TRUE(propose(*db, Config{}, actor, false));
    ASSERT_TRUE(confirmProposal(*db, actor));
    auto seen = structureNeeds(*db, "0750655E", mediator);
    ASSERT_TRUE(seen) << seen.error().message;
    ASSERT_EQ(seen->size(), 1u);
    EXPECT_EQ(seen->front().status, NeedStatus::Served);
    EXPECT_FALSE(seen->front().unitTag.has_value());
    EXPECT_EQ(structureNeeds(*db, "0750655E", actor)->front().unitTag, laptop);
    // An open need is updated, with its event; bad input names the field and changes nothing.
    NewNeed second = own;
    second.family = "F-3";
    ASSERT_TRUE(addNeeds(*db, {second}, mediator));
    patch.devicesAtHome = 2;
    patch.internet = Internet::None;
    auto updated = updateNeed(*db, "0750655E", "F-3", patch, mediator);
    ASSERT_TRUE(updated) << updated.error().message;
    EXPECT_EQ(updated->devicesAtHome, 2);
    patch.devicesAtHome = 150;
    EXPECT_EQ(updateNeed(*db, "0750655E", "F-3", patch, mediator).error().message, "devices_at_home: must be 0 to 99");
    EXPECT_EQ(findNeed(*db, "0750655E/F-3")->devicesAtHome, 2);
    EXPECT_EQ(updateNeed(*db, "0750655E", "F-1", NeedPatch{}, mediator).error().code, Errc::Refused);
    expectAuditHolds();
}


// Every kind that is donated: printers and accessories, their checks, an accessory attached to
// its unit.

class Kinds : public Programmes {
protected:
    std::string unitOf(UnitKind kind, const std::string &serial, bool disk = false) {
        NewUnit u;
        u.donationId = donation;
        u.kind = kind;
        u.make = "HP";
        u.model = "LaserJet P2035";
        u.serial = serial;
        if (disk) u.storage.push_back({MediumType::Hdd, "HDD", "H-" + serial, 80'000'000'000});
        auto unit = addUnit(*db, u, actor);
        EXPECT_TRUE(unit) << unit.error().message;
        return unit->tag;
    }
    std::string readyAccessory(UnitKind kind, const std::string &serial) {
        auto tag = unitOf(kind, serial);
        auto checked = recordUnitCheck(*db, tag, true, "", actor);
        EXPECT_TRUE(checked) << checked.error().message;
        auto ready = setStatus(*db, tag, UnitStatus::Ready, "works", actor);
        EXPECT_TRUE(ready) << ready.error().message;
        return tag;
    }
    void grade(const std::string &tag) {
        UnitPatch patch;
        patch.grade = Grade::B;
        ASSERT_TRUE(updateUnit(*db, tag, patch, actor));
    }
    UnitStatus status(const std::string &tag) { return getUnit(*db, tag)->status; }
    bool eventsHold(const std::string &tag, const std::string &text) {
        auto events = listEvents(*db, "unit", tag);
        EXPECT_TRUE(events);
        for (const auto &e : *events)
            if (e.payload.find(text) != std::string::npos) return true;
        return false;
    }
};

TEST_F(Kinds, APrintersTestPageIsItsDiagnosticAndADiskStillNeedsItsWipe) {
    auto plain = unitOf(UnitKind::Printer, "P1");
    auto withDisk = unitOf(UnitKind::Printer, "P2", true);
    auto byHand = setStatus(*db, plain, UnitStatus::Diagnosed, "looks fine", actor);
    ASSERT_FALSE(byHand);
    EXPECT_EQ(byHand.error().code, Errc::Refused);
    EXPECT_NE(byHand.error().message.find("--test-page yes|no"), std::string::npos) << byHand.error().message;
    EXPECT_EQ(status(plain), UnitStatus::Received);
    // A test page that did not print: to repair, the result in the lifecycle's event.
    auto failed = recordUnitCheck(*db, plain, false, "paper jam", actor);
    ASSERT_TRUE(failed) << failed.error().message;
    EXPECT_EQ(failed->status, UnitStatus::ToRepair);
    EXPECT_TRUE(eventsHold(plain, R"("check":"test_page_printed")"));
    EXPECT_TRUE(eventsHold(plain, R"("result":"no")"));
    auto passed = recordUnitCheck(*db, plain, true, "", actor);
    ASSERT_TRUE(passed) << passed.error().message;
    EXPECT_EQ(passed->status, UnitStatus::Diagnosed);
    EXPECT_TRUE(eventsHold(plain, R"("result":"yes")"));
    // No storage: straight on to ready once graded.
    grade(plain);
    auto ready = setStatus(*db, plain, UnitStatus::Ready, "graded", actor);
    ASSERT_TRUE(ready) << ready.error().message;
    // A printer with a disk: its sanitization before ready, as any unit's.
    ASSERT_TRUE(recordUnitCheck(*db, withDisk, true, "", actor));
    grade(withDisk);
    auto early = setStatus(*db, withDisk, UnitStatus::Ready, "graded", actor);
    ASSERT_FALSE(early);
    EXPECT_NE(early.error().message.find("wiped first"), std::string::npos) << early.error().message;
    auto unwiped = setStatus(*db, withDisk, UnitStatus::Wiped, "wiped", actor);
    ASSERT_FALSE(unwiped);
    wipe(withDisk);
    ASSERT_TRUE(setStatus(*db, withDisk, UnitStatus::Wiped, "wiped", actor));
    ASSERT_TRUE(setStatus(*db, withDisk, UnitStatus::Ready, "graded", actor));
    // A laptop is diagnosed at the bench: no such check.
    auto laptop = unitOf(UnitKind::Laptop, "L9");
    auto notAPrinter = recordUnitCheck(*db, laptop, true, "", actor);
    ASSERT_FALSE(notAPrinter);
    EXPECT_EQ(notAPrinter.error().code, Errc::Refused);
    EXPECT_EQ(notAPrinter.error().field, "kind");
    EXPECT_EQ(status(laptop), UnitStatus::Received);
    expectAuditHolds();
}

TEST_F(Kinds, AnAccessoryWorksOrGoesToRepairAndHoldsNoStorage) {
    auto charger = unitOf(UnitKind::Charger, "C1");
    auto medium = addMedium(*db, charger, {MediumType::Flash, "", "", 1'000'000'000}, actor);
    ASSERT_FALSE(medium);
    EXPECT_EQ(medium.error().code, Errc::Refused);
    EXPECT_TRUE(getUnit(*db, charger)->storage.empty());
    ASSERT_EQ(recordUnitCheck(*db, charger, false, "", actor)->status, UnitStatus::ToRepair);
    // Failing again in repair: recorded, the state kept.
    auto events = listEvents(*db, "unit", charger).value().size();
    ASSERT_EQ(recordUnitCheck(*db, charger, false, "still dead", actor)->status, UnitStatus::ToRepair);
    EXPECT_EQ(listEvents(*db, "unit", charger).value().back().action, "unit_checked");
    EXPECT_EQ(listEvents(*db, "unit", charger).value().size(), events + 1);
    ASSERT_EQ(recordUnitCheck(*db, charger, true, "new cable", actor)->status, UnitStatus::Diagnosed);
    EXPECT_TRUE(eventsHold(charger, R"("check":"works")"));
    // No wipe, no grade: ready.
    auto ready = setStatus(*db, charger, UnitStatus::Ready, "works", actor);
    ASSERT_TRUE(ready) << ready.error().message;
    expectAuditHolds();
}

TEST_F(Kinds, PrintersAndAccessoriesAreNeverAChildsDevice) {
    auto printer = unitOf(UnitKind::Printer, "P1");
    ASSERT_TRUE(recordUnitCheck(*db, printer, true, "", actor));
    grade(printer);
    ASSERT_TRUE(setStatus(*db, printer, UnitStatus::Ready, "graded", actor));
    auto mouse = readyAccessory(UnitKind::Mouse, "M1");
    auto keyboard = readyAccessory(UnitKind::Keyboard, "K1");
    auto laptop = readyUnit(UnitKind::Laptop, "L1");
    for (int i = 0; i < 4; ++i) addNeed("F-" + std::to_string(i), {SchoolGrade::CP}, Internet::Box);
    ASSERT_TRUE(propose(*db, Config{}, actor, false));
    ASSERT_TRUE(confirmProposal(*db, actor));
    EXPECT_EQ(count("SELECT COUNT(*) FROM allocation_assignments"), 1);
    EXPECT_EQ(status(laptop), UnitStatus::Allocated);
    for (const auto &tag : {printer, mouse, keyboard}) EXPECT_EQ(status(tag), UnitStatus::Ready) << tag;
    // Phones and desktops are never handed out; a level names laptops and tablets only.
    auto phones = parseConfig("kinds = laptop, phone\n");
    ASSERT_FALSE(phones);
    EXPECT_NE(phones.error().message.find("'phone'"), std::string::npos) << phones.error().message;
    EXPECT_FALSE(parseConfig("kinds.adults = printer\n"));
}

// A programme whose rules name printers gives them (never where a child needs a laptop); an
// attached accessory is never given on its own.
TEST_F(Kinds, AProgrammeThatNamesPrintersGivesThem) {
    auto printers = programme("Imprimantes solidaires", {"adults", "cp-cm2"}, ProgrammeMode::Given, "kinds = printer\n");
    auto printer = unitOf(UnitKind::Printer, "P1");
    ASSERT_TRUE(recordUnitCheck(*db, printer, true, "", actor));
    grade(printer);
    ASSERT_TRUE(setStatus(*db, printer, UnitStatus::Ready, "graded", actor));
    auto second = unitOf(UnitKind::Printer, "P2");
    ASSERT_TRUE(recordUnitCheck(*db, second, true, "", actor));
    grade(second);
    ASSERT_TRUE(setStatus(*db, second, UnitStatus::Ready, "graded", actor));
    auto laptop = readyUnit(UnitKind::Laptop, "L1");
    auto charger = readyAccessory(UnitKind::Charger, "C1");
    ASSERT_TRUE(attachAccessory(*db, charger, laptop, actor));
    addNeed("A-1", {}, Internet::Box, 0, printers.name, "adults");
    addNeed("C-1", {SchoolGrade::CM2}, Internet::Box, 0, printers.name, "cp-cm2");  // needs a laptop
    auto config = programmeConfig(*db, printers.id);
    ASSERT_TRUE(config) << config.error().message;
    auto proposal = propose(*db, *config, actor, false, printers.id);
    ASSERT_TRUE(proposal) << proposal.error().message;
    const auto &p = proposal->input.problem;
    ASSERT_EQ(proposal->solution.assignments.size(), 1u);
    const auto &a = proposal->solution.assignments[0];
    EXPECT_EQ(p.units[a.unit].kind, UnitKind::Printer);
    EXPECT_EQ(p.needs[a.need].family, "A-1");
    for (const auto &u : p.units) EXPECT_NE(u.tag, charger) << "attached: it goes with its laptop only";
    ASSERT_TRUE(confirmProposal(*db, actor, printers.id));
    EXPECT_EQ(findNeed(*db, "0750655E/C-1")->status, NeedStatus::Open);
    EXPECT_EQ(status(laptop), UnitStatus::Ready) << "the programme hands out printers only";
    expectAuditHolds();
}

TEST_F(Kinds, AnAttachedAccessoryGoesWithItsUnitToTheFamilyAndBack) {
    ASSERT_TRUE(saveSites(*db, {{"MAIRIE-19", "Mairie du 19e", "", "", ""}}, actor));
    ASSERT_TRUE(setStructureSite(*db, "0750655E", "MAIRIE-19", actor));
    auto laptop = readyUnit(UnitKind::Laptop, "L1");
    auto charger = readyAccessory(UnitKind::Charger, "C1");
    auto mouse = readyAccessory(UnitKind::Mouse, "M1");
    auto attached = attachAccessory(*db, charger, laptop, actor);
    ASSERT_TRUE(attached) << attached.error().message;
    EXPECT_EQ(attached->attachedTo, laptop);
    ASSERT_TRUE(attachAccessory(*db, mouse, laptop, actor));
    auto detail = unitDetail(*db, laptop);
    ASSERT_TRUE(detail);
    ASSERT_EQ(detail->accessories.size(), 2u);
    EXPECT_EQ(detail->accessories[0].tag, charger);
    EXPECT_EQ(detail->accessories[1].tag, mouse);
    auto json = toJson(*detail).str();
    EXPECT_NE(json.find(R"("accessories":[{"kind":"charger")"), std::string::npos) << json;
    addNeed("F-1", {SchoolGrade::CM2}, Internet::Box);
    ASSERT_TRUE(propose(*db, Config{}, actor, false));
    ASSERT_TRUE(confirmProposal(*db, actor));
    for (const auto &tag : {laptop, charger, mouse}) EXPECT_EQ(status(tag), UnitStatus::Allocated) << tag;
    EXPECT_TRUE(eventsHold(charger, R"("with":")" + laptop + "\""));
    // The pick-up list: the accessories under their unit, never a line of their own to hand over.
    auto list = pickupList(*db, "MAIRIE-19", actor);
    ASSERT_TRUE(list) << list.error().message;
    std::vector<std::string> lines;
    for (const auto &l : list->lines) lines.push_back(l.tag + " " + l.kind + " " + l.needRef + " " + l.with);
    EXPECT_EQ(lines, (std::vector<std::string>{laptop + " laptop 0750655E/F-1 ", charger + " charger 0750655E/F-1 " + laptop,
                                               mouse + " mouse 0750655E/F-1 " + laptop}));
    auto alone = recordHandover(*db, "MAIRIE-19", charger, actor);
    ASSERT_FALSE(alone);
    EXPECT_NE(alone.error().message.find("goes with " + laptop), std::string::npos) << alone.error().message;
    ASSERT_TRUE(recordHandover(*db, "MAIRIE-19", laptop, actor));
    for (const auto &tag : {laptop, charger, mouse}) EXPECT_EQ(status(tag), UnitStatus::Delivered) << tag;
    // With the family: neither detached nor attached elsewhere.
    auto detach = detachAccessory(*db, charger, actor);
    ASSERT_FALSE(detach);
    EXPECT_EQ(detach.error().code, Errc::Refused);
    auto other = readyUnit(UnitKind::Laptop, "L2");
    auto delivered = attachAccessory(*db, charger, other, actor);
    ASSERT_FALSE(delivered);
    EXPECT_EQ(delivered.error().code, Errc::Refused);
    EXPECT_NE(delivered.error().message.find("delivered"), std::string::npos) << delivered.error().message;
    // Back together.
    ASSERT_TRUE(returnUnit(*db, laptop, actor));
    for (const auto &tag : {laptop, charger, mouse}) EXPECT_EQ(status(tag), UnitStatus::Returned) << tag;
    auto detached = detachAccessory(*db, mouse, actor);
    ASSERT_TRUE(detached) << detached.error().message;
    EXPECT_FALSE(getUnit(*db, mouse)->attachedTo);
    EXPECT_EQ(unitDetail(*db, laptop)->accessories.size(), 1u);
    expectAuditHolds();
}

TEST_F(Kinds, AnAccessoryLeftBehindStopsItsUnitsAllocationAndNothingMoves) {
    auto laptop = readyUnit(UnitKind::Laptop, "L1");
    auto charger = unitOf(UnitKind::Charger, "C1");
    ASSERT_TRUE(recordUnitCheck(*db, charger, true, "", actor));  // diagnosed, not ready
    ASSERT_TRUE(attachAccessory(*db, charger, laptop, actor));
    addNeed("F-1", {SchoolGrade::CM2}, Internet::Box);
    ASSERT_TRUE(propose(*db, Config{}, actor, false));
    auto confirmed = confirmProposal(*db, actor);
    ASSERT_FALSE(confirmed);
    EXPECT_EQ(confirmed.error().code, Errc::Refused);
    EXPECT_NE(confirmed.error().message.find(charger + " is diagnosed, not ready"), std::string::npos)
        << confirmed.error().message;
    EXPECT_EQ(status(laptop), UnitStatus::Ready);
    EXPECT_EQ(status(charger), UnitStatus::Diagnosed);
    EXPECT_EQ(findNeed(*db, "0750655E/F-1")->status, NeedStatus::Open);
    expectAuditHolds();
}

TEST_F(Kinds, AnAttachedAccessoryIsLentAndReturnedWithItsUnit) {
    auto lent = programme("Prêt", {"cp-cm2"}, ProgrammeMode::Lent);
    auto tablet = readyUnit(UnitKind::Tablet, "T1");
    auto charger = readyAccessory(UnitKind::Charger, "C1");
    ASSERT_TRUE(attachAccessory(*db, charger, tablet, actor));
    addNeed("F-1", {SchoolGrade::CP}, Internet::Box, 0, lent.name);
    auto loan = lendUnit(*db, tablet, "0750655E/F-1", "2027-01-10", "", actor, "2026-12-01");
    ASSERT_TRUE(loan) << loan.error().message;
    EXPECT_EQ(status(charger), UnitStatus::Lent);
    ASSERT_TRUE(returnLoan(*db, tablet, actor));
    EXPECT_EQ(status(charger), UnitStatus::Returned);
    expectAuditHolds();
}

TEST_F(Kinds, AttachingRefusesWhatMakesNoSetAndNamesTheField) {
    auto laptop = readyUnit(UnitKind::Laptop, "L1");
    auto tablet = readyUnit(UnitKind::Tablet, "T1");
    auto charger = readyAccessory(UnitKind::Charger, "C1");
    auto cable = readyAccessory(UnitKind::Cable, "K1");
    auto printer = unitOf(UnitKind::Printer, "P1");
    auto refused = [&](const std::string &accessory, const std::string &to, Errc code, const std::string &field,
                       const std::string &words) {
        auto r = attachAccessory(*db, accessory, to, actor);
        ASSERT_FALSE(r) << accessory << " to " << to;
        EXPECT_EQ(r.error().code, code) << r.error().message;
        EXPECT_EQ(r.error().field, field) << r.error().message;
        EXPECT_NE(r.error().message.find(words), std::string::npos) << r.error().message;
    };
    refused(laptop, tablet, Errc::Refused, "accessory", "is a laptop");
    refused(printer, laptop, Errc::Refused, "accessory", "is a printer");
    refused(charger, cable, Errc::Refused, "to", "is a cable");
    refused(charger, "RE-999999", Errc::NotFound, "to", "RE-999999");
    refused(charger, charger, Errc::InvalidInput, "to", "itself");
    ASSERT_TRUE(attachAccessory(*db, charger, laptop, actor));
    refused(charger, tablet, Errc::Conflict, "accessory", "already attached to " + laptop);
    // A unit already with a family takes no accessory.
    addNeed("F-1", {SchoolGrade::CM2}, Internet::Box);
    ASSERT_TRUE(propose(*db, Config{}, actor, false));
    ASSERT_TRUE(confirmProposal(*db, actor));
    ASSERT_EQ(status(laptop), UnitStatus::Allocated);
    refused(cable, laptop, Errc::Refused, "to", "before its allocation");
    refused(charger, tablet, Errc::Refused, "accessory", "allocated with " + laptop);
    EXPECT_FALSE(getUnit(*db, cable)->attachedTo);
    auto none = detachAccessory(*db, cable, actor);
    ASSERT_FALSE(none);
    EXPECT_NE(none.error().message.find("attached to no unit"), std::string::npos);
    expectAuditHolds();
}

}  // namespace
}  // namespace reemploi::inventory::allocation
