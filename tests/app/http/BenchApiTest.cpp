// The bench's and the coordinators' routes (BenchRoutes.cpp, CoordinationRoutes.cpp) against the
// real server in-process: the stock, a unit's page, field edits, storage, scan in a row, schools,
// needs, pins, donors' links. Refusals name what is wrong and change nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Migrations.hpp>
#include <reemploi/inventory/Schools.hpp>

#include "app/RunReemploi.hpp"
#include "app/http/ApiClient.hpp"
#include "http/Server.hpp"
#include "services/Accounts.hpp"

using namespace reemploi;
using namespace reemploi::test;
using inventory::Role;

namespace {

const std::string kPassword = "correct horse battery";

class BenchApi : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir = new TempDb;
        auto db = inventory::Database::open(dir->path).value();
        ASSERT_TRUE(inventory::migrate(*db));
        inventory::Actor cli{"setup", Role::Admin, ""};
        for (auto [name, role] : {std::pair{"cora", Role::Coordinator}, std::pair{"tom", Role::Trainee}})
            ASSERT_TRUE(app::accounts::addUser(*db, {name, role, kPassword, ""}, cli));
        auto donor = inventory::addDonor(*db, {"Acme SA", inventory::DonorKind::Company, ""}, cli).value();
        inventory::addDonation(*db, {donor.id, "2026-11-20", "Lyon", ""}, cli).value();
        ASSERT_TRUE(inventory::saveSchools(*db, {{"0750655E", "Jean Jaurès", "Paris", "", false, ""}}, cli));
        inventory::NewNeed need;
        need.uai = "0750655E";
        need.family = "F-1";
        need.grades = {inventory::allocation::SchoolGrade::CM2};
        ASSERT_TRUE(inventory::addNeeds(*db, {need}, cli));
        app::http::ServerConfig config;
        config.database = dir->path;
        config.port = 0;
        config.baseUrl = "https://atelier.example";
        server = new app::http::Server(config);
        ASSERT_TRUE(server->start());
    }
    static void TearDownTestSuite() {
        delete server;
        delete dir;
    }
    ApiClient as(const std::string &name) {
        ApiClient c(server->port());
        EXPECT_EQ(c.login(name, kPassword).status, 200);
        return c;
    }
    // A new unit's tag.
    std::string addUnit(ApiClient &c, const std::string &fields) {
        auto r = c.post("/api/units", R"({"donation":1,)" + fields + "}");
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? r.json()->getValue<std::string>("tag") : "";
    }
    static std::string errorField(const ApiReply &r) {
        return r.json()->getObject("error")->getValue<std::string>("field");
    }

    static TempDb *dir;
    static app::http::Server *server;
};
TempDb *BenchApi::dir = nullptr;
app::http::Server *BenchApi::server = nullptr;

}  // namespace

TEST_F(BenchApi, TheStockCountsUnitsByStatusAndKind) {
    auto c = as("tom");
    auto before = c.get("/api/stock");
    ASSERT_EQ(before.status, 200) << before.body;
    auto laptops = [](const ApiReply &r) {
        auto byKind = r.json()->getObject("by_kind");
        return byKind->has("laptop") ? byKind->getValue<int>("laptop") : 0;
    };
    int units = before.json()->getValue<int>("units");
    addUnit(c, R"("kind":"laptop","make":"Dell","serial":"STOCK-1")");
    addUnit(c, R"("kind":"tablet","make":"Apple","serial":"STOCK-2")");
    auto after = c.get("/api/stock");
    EXPECT_EQ(after.json()->getValue<int>("units"), units + 2);
    EXPECT_EQ(laptops(after), laptops(before) + 1);
    EXPECT_GE(after.json()->getObject("by_status")->getValue<int>("received"), 2);
}

TEST_F(BenchApi, AUnitsPageHoldsItsHistoryAndNextStatuses) {
    auto c = as("tom");
    std::string tag = addUnit(c, R"("kind":"laptop","make":"Dell","serial":"DETAIL-1","storage":["ssd:256G"])");
    auto detail = c.get("/api/units/" + tag + "/detail");
    ASSERT_EQ(detail.status, 200) << detail.body;
    auto json = detail.json();
    EXPECT_EQ(json->getValue<std::string>("tag"), tag);
    EXPECT_EQ(json->getArray("history")->getObject(0)->getValue<std::string>("action"), "unit_created");
    EXPECT_EQ(json->getArray("storage")->size(), 1u);
    EXPECT_FALSE(json->getObject("sanitization_state")->getValue<bool>("all_sanitized"));
    auto next = json->getArray("next_statuses");
    EXPECT_EQ(next->getElement<std::string>(0), "diagnosed");
    EXPECT_EQ(c.get("/api/units/RE-999999/detail").status, 404);
}

// A ready unit may be allocated only by the allocation: the arrows a scan offers are those a
// person may take by hand (the same list as the unit's page).
TEST_F(BenchApi, AScannedReadyUnitOffersOnlyTheArrowsAPersonMayTake) {
    auto c = as("tom");
    std::string tag = addUnit(c, R"("kind":"monitor","make":"Dell","serial":"NEXT-1")");
    ASSERT_EQ(c.send("POST", "/api/units/" + tag + "/status", R"({"status":"diagnosed","reason":"prints"})").status, 200);
    ASSERT_EQ(c.send("PATCH", "/api/units/" + tag, R"({"grade":"A"})").status, 200);
    auto ready = c.send("POST", "/api/units/" + tag + "/status", R"({"status":"ready","reason":"checked"})");
    ASSERT_EQ(ready.status, 200) << ready.body;
    auto unit = c.get("/api/units/" + tag);
    ASSERT_EQ(unit.status, 200) << unit.body;
    std::vector<std::string> next;
    auto offered = unit.json()->getArray("next_statuses");
    for (const auto &v : *offered) next.push_back(v.extract<std::string>());
    EXPECT_EQ(next, (std::vector<std::string>{"to_repair", "for_parts", "recycled"}));
    auto detail = c.get("/api/units/" + tag + "/detail");
    EXPECT_EQ(detail.json()->getArray("next_statuses")->size(), next.size());
}

TEST_F(BenchApi, APatchChangesOnlyTheFieldsGivenAndABadGradeChangesNothing) {
    auto c = as("tom");
    std::string tag = addUnit(c, R"("kind":"laptop","make":"Dell","model":"Latitude","serial":"PATCH-1")");
    auto bad = c.send("PATCH", "/api/units/" + tag, R"({"grade":"E","location":"B2"})");
    EXPECT_EQ(bad.status, 422) << bad.body;
    EXPECT_EQ(errorField(bad), "grade");
    EXPECT_EQ(c.get("/api/units/" + tag).json()->getValue<std::string>("location"), "");
    auto ok = c.send("PATCH", "/api/units/" + tag, R"({"grade":"B","location":"Étagère 3"})");
    ASSERT_EQ(ok.status, 200) << ok.body;
    auto unit = c.get("/api/units/" + tag).json();
    EXPECT_EQ(unit->getValue<std::string>("grade"), "B");
    EXPECT_EQ(unit->getValue<std::string>("location"), "Étagère 3");
    EXPECT_EQ(unit->getValue<std::string>("model"), "Latitude");
}

TEST_F(BenchApi, StorageIsAddedDestroyedDeclaredAndFactoryResetByItsRules) {
    auto c = as("tom");
    std::string tag = addUnit(c, R"("kind":"laptop","make":"Dell","serial":"DISK-1")");
    auto badSpec = c.post("/api/units/" + tag + "/storage", R"({"spec":"floppy:1G"})");
    EXPECT_EQ(badSpec.status, 422) << badSpec.body;
    EXPECT_EQ(errorField(badSpec), "spec");
    auto added = c.post("/api/units/" + tag + "/storage", R"({"spec":"hdd:500G"})");
    ASSERT_EQ(added.status, 201) << added.body;
    auto mediumId = added.json()->getValue<std::int64_t>("id");
    // Media recorded: "no storage" cannot be declared.
    auto declared = c.post("/api/units/" + tag + "/declare-storage", R"({"kind":"absent","reason":"none seen"})");
    EXPECT_EQ(declared.status, 409) << declared.body;
    EXPECT_EQ(c.post("/api/media/abc/destroy", R"({"how":"shredded"})").status, 422);
    auto destroyed = c.post("/api/media/" + std::to_string(mediumId) + "/destroy", R"({"how":"shredded"})");
    ASSERT_EQ(destroyed.status, 200) << destroyed.body;
    EXPECT_TRUE(destroyed.json()->getValue<bool>("destroyed"));

    std::string bare = addUnit(c, R"("kind":"desktop","make":"HP","serial":"BARE-1")");
    auto noKind = c.post("/api/units/" + bare + "/declare-storage", R"({"kind":"lost","reason":"x"})");
    EXPECT_EQ(noKind.status, 422);
    auto absent = c.post("/api/units/" + bare + "/declare-storage", R"({"kind":"removed","reason":"drive kept by the donor"})");
    ASSERT_EQ(absent.status, 201) << absent.body;
    EXPECT_EQ(absent.json()->getValue<std::string>("kind"), "removed");

    // A laptop is wiped, not factory reset; a tablet needs the setup screen seen.
    EXPECT_EQ(c.post("/api/units/" + tag + "/factory-reset", R"({"checked_setup_screen":true})").status, 409);
    std::string tablet = addUnit(c, R"("kind":"tablet","make":"Apple","serial":"TAB-1")");
    EXPECT_EQ(c.post("/api/units/" + tablet + "/factory-reset", R"({"checked_setup_screen":false})").status, 422);
    auto reset = c.post("/api/units/" + tablet + "/factory-reset", R"({"checked_setup_screen":true})");
    ASSERT_EQ(reset.status, 201) << reset.body;
    EXPECT_EQ(reset.json()->getValue<std::string>("result"), "passed");
}

TEST_F(BenchApi, ScanActionsFindTheUnitByTagOrSerialAndSayWhyTheyRefuse) {
    auto c = as("tom");
    std::string tag = addUnit(c, R"("kind":"laptop","make":"Lenovo","serial":"SCAN-1")");
    // By serial, as a scanner types it (with a symbology prefix).
    auto received = c.post("/api/scan-actions", R"({"action":"receive","code":"]C1SCAN-1"})");
    ASSERT_EQ(received.status, 200) << received.body;
    EXPECT_EQ(received.json()->getValue<std::string>("result"), "ok");
    EXPECT_EQ(received.json()->getObject("unit")->getValue<std::string>("tag"), tag);

    std::string lower = tag;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    auto shelved = c.post("/api/scan-actions", R"({"action":"shelf","code":")" + lower + R"(","shelf":"A-3"})");
    EXPECT_EQ(shelved.json()->getValue<std::string>("result"), "ok") << shelved.body;
    EXPECT_EQ(c.get("/api/units/" + tag).json()->getValue<std::string>("location"), "A-3");
    auto noShelf = c.post("/api/scan-actions", R"({"action":"shelf","code":")" + tag + R"("})");
    EXPECT_EQ(noShelf.json()->getValue<std::string>("reason"), "invalid");
    EXPECT_NE(noShelf.json()->getValue<std::string>("message").find("shelf"), std::string::npos);

    auto labelled = c.post("/api/scan-actions", R"({"action":"labelled","code":")" + tag + R"("})");
    EXPECT_EQ(labelled.json()->getValue<std::string>("result"), "ok");
    auto history = c.get("/api/units/" + tag + "/history").body;
    EXPECT_NE(history.find("arrival_checked"), std::string::npos);
    EXPECT_NE(history.find("label_attached"), std::string::npos);

    auto unknown = c.post("/api/scan-actions", R"({"action":"receive","code":"NOPE-404"})");
    ASSERT_EQ(unknown.status, 200);
    EXPECT_EQ(unknown.json()->getValue<std::string>("result"), "error");
    EXPECT_EQ(unknown.json()->getValue<std::string>("reason"), "not_found");
    EXPECT_NE(unknown.json()->getValue<std::string>("message").find("NOPE-404"), std::string::npos);

    ASSERT_EQ(c.post("/api/units/" + tag + "/status", R"({"status":"diagnosed","reason":"ok"})").status, 200);
    auto late = c.post("/api/scan-actions", R"({"action":"receive","code":")" + tag + R"("})");
    EXPECT_EQ(late.json()->getValue<std::string>("reason"), "refused");
    EXPECT_NE(late.json()->getValue<std::string>("message").find("diagnosed"), std::string::npos);
    auto handover = c.post("/api/scan-actions", R"({"action":"handover","code":")" + tag + R"(","need":"0750655E/F-1"})");
    EXPECT_EQ(handover.json()->getValue<std::string>("result"), "error") << handover.body;
    EXPECT_EQ(c.get("/api/units/" + tag).json()->getValue<std::string>("status"), "diagnosed");

    auto badAction = c.post("/api/scan-actions", R"({"action":"dance","code":"SCAN-1"})");
    EXPECT_EQ(badAction.status, 422);
    EXPECT_EQ(errorField(badAction), "action");
    EXPECT_EQ(c.post("/api/scan-actions", R"({"action":"receive"})").status, 422);
}

TEST_F(BenchApi, TwoMakesWithOneSerialAskForTheTag) {
    auto c = as("tom");
    addUnit(c, R"("kind":"laptop","make":"Dell","serial":"TWIN-1")");
    addUnit(c, R"("kind":"laptop","make":"HP","serial":"TWIN-1")");
    auto r = c.post("/api/scan-actions", R"({"action":"labelled","code":"TWIN-1"})");
    EXPECT_EQ(r.json()->getValue<std::string>("reason"), "conflict");
    EXPECT_NE(r.json()->getValue<std::string>("message").find("scan the tag"), std::string::npos);
}

TEST_F(BenchApi, FamiliesReferencesAreForCoordinatorsOnly) {
    auto trainee = as("tom");
    EXPECT_EQ(trainee.get("/api/needs").status, 403);
    EXPECT_EQ(trainee.get("/api/pins").status, 403);
    auto schools = trainee.get("/api/schools");
    ASSERT_EQ(schools.status, 200);
    EXPECT_EQ(schools.body.find("F-1"), std::string::npos);
    auto coordinator = as("cora");
    auto needs = coordinator.get("/api/needs?status=open");
    ASSERT_EQ(needs.status, 200) << needs.body;
    EXPECT_NE(needs.body.find("0750655E/F-1"), std::string::npos);
    EXPECT_EQ(coordinator.get("/api/needs?status=lost").status, 422);
}

TEST_F(BenchApi, PinsTakeExactlyOneOfNeedExcludeOrClear) {
    auto c = as("cora");
    EXPECT_EQ(c.post("/api/pins", R"({"unit":"RE-000001"})").status, 422);
    EXPECT_EQ(c.post("/api/pins", R"({"unit":"RE-000001","need":"0750655E/F-1","exclude":true})").status, 422);
    // Only a ready unit is pinned: the refusal names the rule, and nothing is listed.
    auto notReady = c.post("/api/pins", R"({"unit":"RE-000001","need":"0750655E/F-1"})");
    EXPECT_GE(notReady.status, 400);
    EXPECT_LT(notReady.status, 500);
    EXPECT_EQ(c.get("/api/pins").body, "[]");
}

TEST_F(BenchApi, ADonorLinkIsCreatedAndRevokedByACoordinator) {
    auto trainee = as("tom");
    EXPECT_EQ(trainee.post("/api/donor-links", R"({"donation":1})").status, 403);
    auto c = as("cora");
    EXPECT_EQ(c.post("/api/donor-links", R"({"donation":1,"days":0})").status, 422);
    EXPECT_EQ(c.post("/api/donor-links", R"({"donation":999})").status, 404);
    auto link = c.post("/api/donor-links", R"({"donation":1,"days":7})");
    ASSERT_EQ(link.status, 201) << link.body;
    std::string url = link.json()->getValue<std::string>("url");
    const std::string prefix = "https://atelier.example/donateur.html#";
    ASSERT_EQ(url.rfind(prefix, 0), 0u) << url;
    std::string token = url.substr(prefix.size());
    EXPECT_EQ(ApiClient(server->port()).get("/api/donor/" + token).status, 200);
    auto revoked = c.post("/api/donor-links/revoke", R"({"donation":1})");
    ASSERT_EQ(revoked.status, 200);
    EXPECT_GE(revoked.json()->getValue<int>("revoked"), 1);
    EXPECT_EQ(ApiClient(server->port()).get("/api/donor/" + token).status, 404);
}
