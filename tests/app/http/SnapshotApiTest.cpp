// POST /api/snapshots against the real server in-process, and `reemploi probe --server` signing in
// as a script does (POST /api/login, then the session cookie and X-CSRF-Token): the same import
// service as `probe import`, its refusals with the unit named, and no change without a session.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <reemploi/diagnostics/probe/InPlaceWipe.hpp>
#include <reemploi/diagnostics/probe/Probe.hpp>
#include <reemploi/diagnostics/storage/Certificate.hpp>
#include <reemploi/inventory/Sanitization.hpp>
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

// The stick's own wipes through the API: the server's key verifies what a stick holding it
// signed, signs the rest at import, and a forged signature is refused with nothing imported.
TEST(SnapshotApi, AWipeRecordIsSignedAtImportOrVerifiedAndAForgedOneIsRefused) {
    ApiServer api;
    auto tag = registerLaptop(api, "5CDWIPE01");
    auto tom = api.as("tom");
    diagnostics::probe::ProbeOptions options;
    options.root = std::filesystem::path(REEMPLOI_TEST_FIXTURES) / "probe" / "hp-pavilion-power-15-cb0xx";
    auto s = diagnostics::probe::probeMachine(options).value();
    s.machine.serial = "5CDWIPE01";
    diagnostics::probe::Disk *disk = nullptr;
    for (auto &d : s.disks)
        if (!d.removable && d.transport != "usb" && !disk) disk = &d;
    ASSERT_TRUE(disk);
    disk->serial = "WD-WIPE-API";
    diagnostics::probe::InPlaceWipe w;
    w.disk = disk->name;
    w.serial = disk->serial;
    w.model = disk->model;
    w.sizeBytes = disk->sizeBytes;
    w.mediaType = disk->rotational ? "hdd" : "ssd";
    w.method = "clear-zero";
    w.level = "clear";
    w.passes = {"zero"};
    w.verification = "full";
    w.verificationResult = "passed";
    w.result = "passed";
    w.startedAt = "2026-12-01T08:00:00.000Z";
    w.endedAt = "2026-12-01T09:00:00.000Z";
    w.bytesWritten = w.bytesVerified = disk->sizeBytes;
    w.operatorName = "tom";

    // Signed on a stick holding the server's key, then forged.
    auto key = diagnostics::storage::WorkshopKey::loadOrCreate(diagnostics::storage::defaultKeyPath(api.dir.path)).value();
    auto signedOne = w;
    ASSERT_TRUE(diagnostics::probe::signOnMachine(signedOne, key, {}));
    auto forged = signedOne;
    forged.certificate.replace(forged.certificate.find("\"full\""), 6, "\"fu11\"");
    s.wipes = {forged};
    auto refused = tom.post("/api/snapshots", diagnostics::probe::snapshotJson(s));
    EXPECT_EQ(refused.status, 422) << refused.body;
    EXPECT_NE(refused.body.find("wipes[0].signature"), std::string::npos) << refused.body;
    EXPECT_TRUE(inventory::getUnit(*api.db(), tag)->storage.empty());

    s.wipes = {signedOne};
    auto verified = tom.post("/api/snapshots", diagnostics::probe::snapshotJson(s));
    ASSERT_EQ(verified.status, 200) << verified.body;
    auto wipes = verified.json()->getArray("wipes");
    ASSERT_EQ(wipes->size(), 1u);
    EXPECT_EQ(wipes->getObject(0)->getValue<std::string>("signed"), "on the machine");

    // A later wipe of the same disk, from a stick without the key: the server signs it.
    w.startedAt = "2026-12-01T09:30:00.000Z";
    w.endedAt = "2026-12-01T10:30:00.000Z";
    s.wipes = {signedOne, w};
    auto atImport = tom.post("/api/snapshots", diagnostics::probe::snapshotJson(s));
    ASSERT_EQ(atImport.status, 200) << atImport.body;
    wipes = atImport.json()->getArray("wipes");
    ASSERT_EQ(wipes->size(), 2u);
    EXPECT_TRUE(wipes->getObject(0)->getValue<bool>("already_recorded"));
    EXPECT_EQ(wipes->getObject(1)->getValue<std::string>("signed"), "at import by the bench after checking");
    EXPECT_EQ(inventory::listSanitization(*api.db(), tag)->size(), 2u);

    // Like a dock wipe's: each certificate as a PDF, and in the donor's report.
    auto cora = api.as("cora");
    auto report = cora.get("/api/donations/" + std::to_string(api.donation) + "/report?format=json");
    ASSERT_EQ(report.status, 200) << report.body;
    for (unsigned i = 0; i < 2; ++i) {
        auto id = wipes->getObject(i)->getValue<std::string>("certificate_id");
        auto pdf = tom.get("/api/certificates/" + id + "/pdf");
        EXPECT_EQ(pdf.status, 200) << pdf.body;
        EXPECT_EQ(pdf.body.rfind("%PDF", 0), 0u);
    }
    // The report shows a medium's latest passed certificate: the one signed at import.
    EXPECT_NE(report.body.find(wipes->getObject(1)->getValue<std::string>("certificate_id")), std::string::npos) << report.body;
}
