// POST /api/snapshots against the real server in-process, and `reemploi probe --server` signing in
// as a script does (POST /api/login, then the session cookie and X-CSRF-Token): the same import
// service as `probe import`, its refusals with the unit named, and no change without a session.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <reemploi/diagnostics/probe/Probe.hpp>
#include <reemploi/inventory/Units.hpp>

#include "app/http/ApiServer.hpp"

using namespace reemploi;
using namespace reemploi::test;

namespace {

std::string snapshotOf(const std::string &machine, const std::string &serial) {
    diagnostics::probe::ProbeOptions options;
    options.root = std::filesystem::path(REEMPLOI_TEST_FIXTURES) / "probe" / machine;
    auto s = diagnostics::probe::probeMachine(options).value();
    s.machine.serial = serial;  // masked in the public collection: the test's unit gives one
    return diagnostics::probe::snapshotJson(s);
}

std::string registerLaptop(ApiServer &api, const std::string &serial) {
    inventory::NewUnit u;
    u.donationId = api.donation;
    u.kind = inventory::UnitKind::Laptop;
    u.make = "HP";
    u.serial = serial;
    return inventory::addUnit(*api.db(), u, {"setup", inventory::Role::Admin, ""}).value().tag;
}

}  // namespace

TEST(SnapshotApi, ATraineeImportsASnapshotAndTheSameTwiceChangesNothing) {
    ApiServer api;
    auto tag = registerLaptop(api, "5CD7321XYZ");
    auto tom = api.as("tom");
    auto json = snapshotOf("hp-pavilion-power-15-cb0xx", "5CD7321XYZ");
    auto r = tom.post("/api/snapshots", json);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("tag"), tag);
    EXPECT_EQ(r.json()->getValue<std::string>("matched_by"), "serial");
    EXPECT_EQ(r.json()->getArray("media_added")->size(), 1u);
    auto unit = inventory::getUnit(*api.db(), tag).value();
    EXPECT_EQ(unit.specs.ramMib, 16384);
    EXPECT_EQ(unit.specs.batteryHealthPercent, 100);
    EXPECT_EQ(unit.specs.screenInches, 15.6);
    auto again = tom.post("/api/snapshots", json);
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json()->getArray("changed")->size(), 0u);
}

TEST(SnapshotApi, RefusalsNameTheUnitAndChangeNothing) {
    ApiServer api;
    auto first = registerLaptop(api, "5CD0000001");
    auto second = registerLaptop(api, "5CD0000002");
    auto tom = api.as("tom");
    auto conflict = tom.post("/api/snapshots?unit=" + first, snapshotOf("hp-pavilion-power-15-cb0xx", "5CD0000002"));
    EXPECT_EQ(conflict.status, 409) << conflict.body;
    EXPECT_NE(conflict.body.find(second), std::string::npos) << conflict.body;
    EXPECT_FALSE(inventory::getUnit(*api.db(), first)->specs.ramMib);
    auto notJson = tom.post("/api/snapshots", "{\"schema_version\": 7}");
    EXPECT_EQ(notJson.status, 422) << notJson.body;
    tom.csrf.clear();
    EXPECT_EQ(tom.post("/api/snapshots", snapshotOf("hp-pavilion-power-15-cb0xx", "5CD0000001")).status, 403);
    ApiClient nobody(api.server->port());
    EXPECT_EQ(nobody.post("/api/snapshots", snapshotOf("hp-pavilion-power-15-cb0xx", "5CD0000001")).status, 401);
    EXPECT_FALSE(inventory::getUnit(*api.db(), first)->specs.ramMib);
}

TEST(SnapshotApi, ProbeServerSignsInAsAScriptAndPosts) {
    ApiServer api;
    auto tag = registerLaptop(api, "CND-LIST-7");
    // The recorded HP has no serial (masked in the collection): the stick names the unit.
    auto url = "http://127.0.0.1:" + std::to_string(api.server->port());
    auto root = std::string(REEMPLOI_TEST_FIXTURES) + "/probe/hp-pavilion-power-15-cb0xx";
    TempDb scratch;
    auto sent = runReemploi(scratch.path, {"probe", "--root", root, "--server", url, "--user", "tom", "--unit", tag},
                            kApiPassword + "\n", 60);
    ASSERT_EQ(sent.exitCode, 0) << sent.err;
    EXPECT_NE(sent.out.find(tag), std::string::npos) << sent.out;
    EXPECT_EQ(inventory::getUnit(*api.db(), tag)->specs.ramMib, 16384);
    auto wrong = runReemploi(scratch.path, {"probe", "--root", root, "--server", url, "--user", "tom", "--unit", tag},
                             "not the password\n", 60);
    EXPECT_EQ(wrong.exitCode, 2) << wrong.err;
}
