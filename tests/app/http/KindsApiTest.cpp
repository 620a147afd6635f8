// Issue 25 through the API: an allocation within a programme other than the default (the same
// service as `allocate --programme`), printers' and accessories' checks, accessories attached to
// their unit.
#include <gtest/gtest.h>

#include <reemploi/inventory/Lifecycle.hpp>
#include <reemploi/inventory/Programmes.hpp>
#include <reemploi/inventory/Schools.hpp>
#include <reemploi/inventory/Storage.hpp>

#include "app/http/ApiServer.hpp"

namespace reemploi::test {
namespace {

using namespace reemploi::inventory;

const Actor kSetup{"setup", Role::Admin, ""};

// A unit with no storage (declared absent), graded and ready.
std::string readyUnit(Database &db, std::int64_t donation, UnitKind kind, const std::string &serial) {
    NewUnit u;
    u.donationId = donation;
    u.kind = kind;
    u.make = "Dell";
    u.model = kind == UnitKind::Laptop ? "Latitude 5490" : "Tab";
    u.serial = serial;
    u.specs.ramMib = 8192;
    u.specs.batteryHealthPercent = 90;
    if (kind == UnitKind::Laptop) u.specs.keyboardLayout = "fr-azerty";
    u.grade = Grade::B;
    auto unit = addUnit(db, u, kSetup);
    EXPECT_TRUE(unit) << unit.error().message;
    EXPECT_TRUE(declareStorage(db, unit->tag, StorageAbsence::Absent, "none fitted", kSetup));
    EXPECT_TRUE(setStatus(db, unit->tag, UnitStatus::Diagnosed, "checked", kSetup));
    auto ready = setStatus(db, unit->tag, UnitStatus::Ready, "checked", kSetup);
    EXPECT_TRUE(ready) << ready.error().message;
    return unit->tag;
}

std::vector<std::string> assignedUnits(const ApiReply &r) {
    std::vector<std::string> out;
    auto list = r.json()->getArray("assignments");
    for (std::size_t i = 0; i < list->size(); ++i)
        out.push_back(list->getObject(static_cast<unsigned>(i))->getValue<std::string>("unit"));
    return out;
}

class KindsApi : public ::testing::Test {
protected:
    void SetUp() override {
        db = api.db();
        Programme bts;
        bts.name = "Un jeune, un ordinateur";
        bts.levels = {"post-bac"};
        bts.mode = ProgrammeMode::Given;
        bts.rules = "kinds = laptop\n";
        ASSERT_TRUE(saveProgramme(*db, bts, kSetup));
        ASSERT_TRUE(addStructure(*db, {"lycee", "0130040Y", "Lycée du Port", "Marseille", ""}, kSetup));
        ASSERT_TRUE(saveSchools(*db, {{"0750655E", "École Jean Jaurès", "Paris", "", false, ""}}, kSetup));
    }
    void addNeed(const std::string &family, const std::string &programme, const std::string &uai) {
        NewNeed n;
        n.uai = uai;
        n.family = family;
        n.internet = allocation::Internet::Box;
        n.programme = programme;
        if (programme.empty()) n.grades = {allocation::SchoolGrade::CP};
        ASSERT_TRUE(addNeeds(*db, {n}, kSetup));
    }
    ApiServer api;
    std::unique_ptr<Database> db;
};

// The proof of issue 25 over HTTP: a BTS programme with laptops only never receives a tablet.
TEST_F(KindsApi, ABtsProgrammesAllocationOverHttpNeverGetsATablet) {
    std::vector<std::string> tablets;
    for (int i = 0; i < 3; ++i) tablets.push_back(readyUnit(*db, api.donation, UnitKind::Tablet, "T" + std::to_string(i)));
    auto laptop = readyUnit(*db, api.donation, UnitKind::Laptop, "L1");
    for (int i = 0; i < 3; ++i) addNeed("E-" + std::to_string(i), "Un jeune, un ordinateur", "0130040Y");
    addNeed("F-1", "", "0750655E");  // the default programme's, not in this run
    auto cora = api.as("cora");
    auto preview = cora.get("/api/allocations?programme=Un%20jeune%2C%20un%20ordinateur");
    ASSERT_EQ(preview.status, 200) << preview.body;
    EXPECT_EQ(assignedUnits(preview), std::vector<std::string>{laptop});
    auto proposed = cora.post("/api/allocations", R"({"programme":"Un jeune, un ordinateur"})");
    ASSERT_EQ(proposed.status, 201) << proposed.body;
    EXPECT_EQ(assignedUnits(proposed), std::vector<std::string>{laptop});
    EXPECT_EQ(proposed.body.find("0750655E/F-1"), std::string::npos) << "another programme's need";
    // The default programme has no proposal of its own yet; this one's is confirmed by name.
    EXPECT_EQ(cora.post("/api/allocations/confirm", "").status, 404);
    auto confirmed = cora.post("/api/allocations/confirm", R"({"programme":"Un jeune, un ordinateur"})");
    ASSERT_EQ(confirmed.status, 200) << confirmed.body;
    EXPECT_EQ(confirmed.json()->getValue<int>("allocated"), 1);
    EXPECT_EQ(getUnit(*db, laptop)->status, UnitStatus::Allocated);
    for (const auto &t : tablets) EXPECT_EQ(getUnit(*db, t)->status, UnitStatus::Ready) << t;
    // The default programme, as before: the tablets serve its primary-school need.
    auto primary = cora.post("/api/allocations", R"({"dry_run":true})");
    ASSERT_EQ(primary.status, 200) << primary.body;
    auto units = assignedUnits(primary);
    ASSERT_EQ(units.size(), 1u);
    EXPECT_NE(std::find(tablets.begin(), tablets.end(), units[0]), tablets.end());
}

TEST_F(KindsApi, AnUnknownProgrammeIsA404NamingIt) {
    auto cora = api.as("cora");
    for (auto r : {cora.post("/api/allocations", R"({"programme":"Plan Grand Froid"})"),
                   cora.get("/api/allocations?programme=Plan%20Grand%20Froid"),
                   cora.post("/api/allocations/confirm", R"({"programme":"Plan Grand Froid"})")}) {
        EXPECT_EQ(r.status, 404) << r.body;
        auto error = r.json()->getObject("error");
        EXPECT_EQ(error->getValue<std::string>("field"), "programme");
        EXPECT_NE(error->getValue<std::string>("message").find("'Plan Grand Froid'"), std::string::npos) << r.body;
    }
    auto runs = db->prepare("SELECT COUNT(*) FROM allocation_runs");
    runs->step();
    EXPECT_EQ(runs->getInt(0), 0) << "nothing stored";
}

TEST_F(KindsApi, APrintersCheckAndAnAccessoryAttachedThenDetached) {
    auto tom = api.as("tom");
    auto printer = tom.post("/api/units", R"({"donation":1,"kind":"printer","make":"HP","model":"LaserJet P2035","serial":"PR-1"})");
    ASSERT_EQ(printer.status, 201) << printer.body;
    std::string printerTag = printer.json()->getValue<std::string>("tag");
    auto both = tom.post("/api/units/" + printerTag + "/check", R"({"test_page":true,"works":true})");
    EXPECT_EQ(both.status, 422) << both.body;
    auto checked = tom.post("/api/units/" + printerTag + "/check", R"({"test_page":true})");
    ASSERT_EQ(checked.status, 200) << checked.body;
    EXPECT_EQ(checked.json()->getValue<std::string>("status"), "diagnosed");

    auto laptop = readyUnit(*db, api.donation, UnitKind::Laptop, "L1");
    auto charger = tom.post("/api/units", R"({"donation":1,"kind":"charger","make":"Dell","model":"65W","serial":"CH-1"})");
    ASSERT_EQ(charger.status, 201) << charger.body;
    std::string chargerTag = charger.json()->getValue<std::string>("tag");
    auto works = tom.post("/api/units/" + chargerTag + "/check", R"({"works":false})");
    ASSERT_EQ(works.status, 200) << works.body;
    EXPECT_EQ(works.json()->getValue<std::string>("status"), "to_repair");

    auto notAnAccessory = tom.post("/api/units/" + chargerTag + "/accessories", R"({"accessory":")" + laptop + "\"}");
    EXPECT_EQ(notAnAccessory.status, 409) << notAnAccessory.body;
    EXPECT_EQ(notAnAccessory.json()->getObject("error")->getValue<std::string>("field"), "accessory");
    auto attached = tom.post("/api/units/" + laptop + "/accessories", R"({"accessory":")" + chargerTag + "\"}");
    ASSERT_EQ(attached.status, 201) << attached.body;
    auto unit = tom.get("/api/units/" + laptop);
    ASSERT_EQ(unit.status, 200) << unit.body;
    auto accessories = unit.json()->getArray("accessories");
    ASSERT_EQ(accessories->size(), 1u);
    EXPECT_EQ(accessories->getObject(0)->getValue<std::string>("tag"), chargerTag);
    EXPECT_EQ(tom.get("/api/units/" + chargerTag).json()->getValue<std::string>("attached_to"), laptop);
    auto elsewhere = tom.post("/api/units/" + printerTag + "/accessories", R"({"accessory":")" + chargerTag + "\"}");
    EXPECT_EQ(elsewhere.status, 409) << elsewhere.body;
    EXPECT_NE(elsewhere.body.find(laptop), std::string::npos) << elsewhere.body;
    auto wrongUnit = tom.send("DELETE", "/api/units/" + printerTag + "/accessories/" + chargerTag);
    EXPECT_EQ(wrongUnit.status, 409) << wrongUnit.body;
    auto detached = tom.send("DELETE", "/api/units/" + laptop + "/accessories/" + chargerTag);
    ASSERT_EQ(detached.status, 200) << detached.body;
    EXPECT_EQ(tom.get("/api/units/" + laptop).json()->getArray("accessories")->size(), 0u);
}

}  // namespace
}  // namespace reemploi::test
