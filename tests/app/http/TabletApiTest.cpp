// Tablets over HTTP, against the emulated tablet on TCP (a network tablet of the server's
// configuration): listed with its state, diagnosed and stored on a unit, reset with the honest
// outcome (recorded; refused while a Google account is signed in; restarted into recovery for a
// reset by hand when Android refuses), and the methods table naming the reset.
#include <gtest/gtest.h>

#include <reemploi/inventory/DeviceLocks.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Units.hpp>

#include "app/http/ApiServer.hpp"
#include "support/android/TabletServer.hpp"

using namespace reemploi;
using namespace reemploi::test;
using namespace reemploi::testing::android;

namespace {

TabletOptions noAccount() {
    TabletOptions o;
    o.googleAccounts = 0;
    return o;
}

struct Bench {
    explicit Bench(TabletOptions options = noAccount())
        : state(TabletProfile::load("xiaomi-pad-6").value(), options), tablet(TabletServer::start(state).value()),
          api([this](app::http::ServerConfig &c) {
              c.adbTcp = {tablet->address()};
              c.adbKeyPath = keyDir.dir + "/adb.pem";
              c.adbRebootSeconds = 5;
          }) {}

    std::string target() const { return "adb:" + tablet->address(); }
    std::string tabletUnit() {
        auto db = api.db();
        inventory::Actor a{"setup", inventory::Role::Admin, ""};
        inventory::NewUnit u;
        u.donationId = api.donation;
        u.kind = inventory::UnitKind::Tablet;
        u.serial = state.profile().prop("ro.serialno");  // the device's own: a reset checks it
        return inventory::addUnit(*db, u, a).value().tag;
    }
    std::size_t records(const std::string &tag) {
        auto db = api.db();
        return inventory::listSanitization(*db, tag).value().size();
    }

    TempDb keyDir;
    TabletState state;
    std::unique_ptr<TabletServer> tablet;
    ApiServer api;
};

}  // namespace

TEST(TabletApi, ANetworkTabletIsListedWithItsState) {
    Bench bench;
    auto tom = bench.api.as("tom");
    // On first contact the tablet asks its person to allow the bench's key: listing does not wait.
    auto first = tom.get("/api/tablets");
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(first.json()->getArray("devices")->getObject(0)->getValue<std::string>("state"), "unauthorized") << first.body;
    // A diagnosis waits for the prompt (the emulated tablet's person taps Allow); then it is ready.
    ASSERT_EQ(tom.post("/api/tablets/diagnose", R"({"target":")" + bench.target() + R"("})").status, 200);
    auto r = tom.get("/api/tablets");
    ASSERT_EQ(r.status, 200) << r.body;
    auto devices = r.json()->getArray("devices");
    ASSERT_EQ(devices->size(), 1u) << r.body;
    auto d = devices->getObject(0);
    EXPECT_EQ(d->getValue<std::string>("target"), bench.target());
    EXPECT_EQ(d->getValue<std::string>("platform"), "android");
    EXPECT_EQ(d->getValue<std::string>("state"), "ready") << r.body;
    EXPECT_EQ(d->getValue<std::string>("name"), "Xiaomi Pad 6");  // its market name, not "23043RP34G"
}

TEST(TabletApi, AnUntrustedKeyIsListedAsUnauthorizedWithoutWaiting) {
    TabletOptions options;
    options.denyNewKeys = true;
    Bench bench(options);
    auto r = bench.api.as("tom").get("/api/tablets");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getArray("devices")->getObject(0)->getValue<std::string>("state"), "unauthorized") << r.body;
}

TEST(TabletApi, ADiagnosisReadsBatteryStorageAndLockAndIsStoredOnTheUnit) {
    Bench bench;
    auto tag = bench.tabletUnit();
    auto tom = bench.api.as("tom");
    auto r = tom.post("/api/tablets/diagnose", R"({"target":")" + bench.target() + R"(","unit":")" + tag + R"("})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto f = r.json();
    EXPECT_EQ(f->getValue<std::string>("name"), "Xiaomi Pad 6");
    EXPECT_TRUE(f->getObject("battery")->has("level_percent")) << r.body;
    EXPECT_GT(f->getValue<std::int64_t>("data_total_bytes"), 0);
    EXPECT_EQ(f->getValue<std::string>("encryption"), "file-based");
    EXPECT_FALSE(f->getValue<bool>("account_lock_risk"));
    EXPECT_EQ(f->getObject("unit")->getValue<std::string>("make"), "Xiaomi");
    auto unit = inventory::getUnit(*bench.api.db(), tag).value();
    EXPECT_EQ(unit.model, "23043RP34G");
}

TEST(TabletApi, AnotherDevicesFactsAreRefusedAndNothingIsStored) {
    Bench bench;
    auto db = bench.api.db();
    inventory::Actor a{"setup", inventory::Role::Admin, ""};
    inventory::NewUnit u;
    u.donationId = bench.api.donation;
    u.kind = inventory::UnitKind::Tablet;
    u.serial = "OTHER-TABLET";
    auto tag = inventory::addUnit(*db, u, a).value().tag;
    auto r = bench.api.as("tom").post("/api/tablets/diagnose", R"({"target":")" + bench.target() + R"(","unit":")" + tag + R"("})");
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_NE(r.json()->getObject("error")->getValue<std::string>("message").find("check the tag"), std::string::npos);
    auto unit = inventory::getUnit(*bench.api.db(), tag).value();
    EXPECT_TRUE(unit.make.empty());
    EXPECT_TRUE(unit.model.empty());
}

TEST(TabletApi, ATargetThatIsNoTabletIsRefusedNamingTheField) {
    Bench bench;
    auto tom = bench.api.as("tom");
    for (const char *body : {R"({"target":"/dev/sdb"})", R"({"target":"ios"})", R"({})"}) {
        auto r = tom.post("/api/tablets/diagnose", body);
        EXPECT_EQ(r.status, 422) << body << ": " << r.body;
        EXPECT_EQ(r.json()->getObject("error")->getValue<std::string>("field"), "target") << r.body;
    }
    auto port = tom.post("/api/tablets/diagnose", R"({"target":"adb:host:notaport"})");
    EXPECT_EQ(port.status, 422) << port.body;
    EXPECT_NE(port.json()->getObject("error")->getValue<std::string>("message").find("notaport"), std::string::npos);
    auto reset = tom.post("/api/tablets/reset", R"({"target":")" + bench.target() + R"("})");
    EXPECT_EQ(reset.status, 422);
    EXPECT_EQ(reset.json()->getObject("error")->getValue<std::string>("field"), "unit");
}

TEST(TabletApi, AResetIsRefusedWhileAGoogleAccountIsSignedIn) {
    TabletOptions options;
    options.googleAccounts = 1;
    options.resetAllowed = true;
    Bench bench(options);
    auto tag = bench.tabletUnit();
    auto r = bench.api.as("tom").post("/api/tablets/reset", R"({"target":")" + bench.target() + R"(","unit":")" + tag + R"("})");
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_NE(r.json()->getObject("error")->getValue<std::string>("message").find("Google account"), std::string::npos) << r.body;
    EXPECT_EQ(bench.state.resets(), 0);
    EXPECT_EQ(bench.records(tag), 0u);
}

TEST(TabletApi, ARefusedResetAnswersWhatToDoByHandAndRecordsNothing) {
    TabletOptions options = noAccount();
    options.resetAllowed = false;
    Bench bench(options);
    auto tag = bench.tabletUnit();
    auto r = bench.api.as("tom").post("/api/tablets/reset", R"({"target":")" + bench.target() + R"(","unit":")" + tag + R"("})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto o = r.json();
    EXPECT_FALSE(o->getValue<bool>("reset"));
    EXPECT_EQ(o->getValue<std::string>("outcome"), "recovery_by_hand");
    EXPECT_NE(o->getValue<std::string>("device_said").find("Permission Denial"), std::string::npos) << r.body;
    EXPECT_TRUE(bench.state.inRecovery());
    EXPECT_EQ(bench.records(tag), 0u);
}

TEST(TabletApi, AResetTheDeviceAcceptsIsRecordedWithItsLevel) {
    TabletOptions options = noAccount();
    options.resetAllowed = true;
    Bench bench(options);
    auto tag = bench.tabletUnit();
    auto r = bench.api.as("tom").post("/api/tablets/reset", R"({"target":")" + bench.target() + R"(","unit":")" + tag + R"("})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto o = r.json();
    EXPECT_TRUE(o->getValue<bool>("reset")) << r.body;
    EXPECT_EQ(o->getValue<std::string>("level"), "purge");  // the profile reports file-based encryption
    EXPECT_EQ(bench.state.resets(), 1);
    EXPECT_EQ(bench.records(tag), 1u);
}

TEST(TabletApi, TheMethodsTableNamesTheResetAndAWipeSessionRefusesIt) {
    ApiServer api;
    auto tom = api.as("tom");
    auto methods = tom.get("/api/wipe-methods");
    ASSERT_EQ(methods.status, 200);
    Poco::JSON::Parser p;
    auto all = p.parse(methods.body).extract<Poco::JSON::Array::Ptr>();
    bool found = false;
    for (std::size_t i = 0; i < all->size(); ++i) {
        auto m = all->getObject(static_cast<unsigned>(i));
        if (m->getValue<std::string>("id") != "android-factory-reset") {
            EXPECT_EQ(m->getValue<std::string>("targets"), "drives");
            continue;
        }
        found = true;
        EXPECT_EQ(m->getValue<std::string>("targets"), "adb");
        EXPECT_EQ(m->getValue<std::string>("level_flash"), "clear");
        EXPECT_EQ(m->getValue<std::string>("level_encrypted"), "purge");
    }
    EXPECT_TRUE(found) << methods.body;
    auto refused = tom.post("/api/wipes", R"({"targets":[{"target":"disk.img","unit":"RE-000001"}],"method":"android-factory-reset"})");
    EXPECT_EQ(refused.status, 422) << refused.body;
    EXPECT_EQ(refused.json()->getObject("error")->getValue<std::string>("field"), "method") << refused.body;
}

TEST(TabletApi, AUnitsDeviceLockIsNotCheckedUntilRead) {
    Bench bench;
    auto tag = bench.tabletUnit();
    auto r = bench.api.as("tom").get("/api/units/" + tag + "/device-lock");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("state"), "not_checked");
    EXPECT_EQ(bench.api.as("tom").get("/api/units/RE-999999/device-lock").status, 404);
    // A reading (as `diag ios --unit` records it) is what the bench page shows.
    inventory::DeviceLock lock;
    lock.state = "on";
    lock.detail = "Find My is on, tied to the donor's Apple ID";
    ASSERT_TRUE(inventory::recordDeviceLock(*bench.api.db(), tag, lock, {"setup", inventory::Role::Admin, ""}));
    auto on = bench.api.as("tom").get("/api/units/" + tag + "/device-lock");
    ASSERT_EQ(on.status, 200);
    EXPECT_EQ(on.json()->getValue<std::string>("state"), "on");
    EXPECT_EQ(on.json()->getValue<std::string>("detail"), lock.detail);
}

TEST(TabletApi, AnIpadThatIsNotThereSaysWhatToCheck) {
    ApiServer api;
    auto r = api.as("tom").post("/api/tablets/diagnose", R"({"target":"ios:"})");
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_NE(r.json()->getObject("error")->getValue<std::string>("message").find("plugged in"), std::string::npos) << r.body;
}
