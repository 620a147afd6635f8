// `reemploi probe` and `probe import` end to end (the real binary): the snapshot printed as JSON
// and written to a file from a recorded machine, an import by serial, the same again, and a
// serial of another unit refused with exit 2 and the unit named.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include <reemploi/diagnostics/probe/Snapshot.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Migrations.hpp>
#include <reemploi/inventory/Units.hpp>

#include "app/RunReemploi.hpp"

using namespace reemploi;
using namespace reemploi::test;

namespace {

std::string root(const std::string &machine) { return std::string(REEMPLOI_TEST_FIXTURES) + "/probe/" + machine; }

std::string read(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A database with two units; returns their tags.
std::pair<std::string, std::string> twoUnits(const std::string &path) {
    auto db = inventory::Database::open(path).value();
    EXPECT_TRUE(inventory::migrate(*db));
    inventory::Actor admin{"setup", inventory::Role::Admin, ""};
    auto donor = inventory::addDonor(*db, {"Acme SA", inventory::DonorKind::Company, ""}, admin).value();
    auto donation = inventory::addDonation(*db, {donor.id, "2026-11-20", "Lyon", ""}, admin).value();
    std::vector<std::string> tags;
    for (const char *serial : {"OPTI-A", "OPTI-B"}) {
        inventory::NewUnit u;
        u.donationId = donation.id;
        u.kind = inventory::UnitKind::Desktop;
        u.make = "Dell";
        u.serial = serial;
        tags.push_back(inventory::addUnit(*db, u, admin).value().tag);
    }
    return {tags[0], tags[1]};
}

}  // namespace

TEST(ProbeCli, JsonAndOutFileFromARecordedMachine) {
    TempDb tmp;
    auto printed = runReemploi(tmp.path, {"probe", "--root", root("lenovo-thinkpad-x1-extreme"), "--json"});
    ASSERT_EQ(printed.exitCode, 0) << printed.err;
    auto snapshot = diagnostics::probe::parseSnapshotJson(printed.out);
    ASSERT_TRUE(snapshot) << snapshot.error().message;
    EXPECT_EQ(snapshot->machine.model, "ThinkPad X1 Extreme");
    EXPECT_EQ(snapshot->batteries.at(0).healthPercent, 86);

    auto file = tmp.dir + "/x1.json";
    auto written = runReemploi(tmp.path, {"probe", "--root", root("lenovo-thinkpad-x1-extreme"), "--out", file});
    ASSERT_EQ(written.exitCode, 0) << written.err;
    EXPECT_NE(read(file).find("\"schema_version\":2"), std::string::npos);

    auto human = runReemploi(tmp.path, {"probe", "--root", root("dell-latitude-e7450")});
    ASSERT_EQ(human.exitCode, 0) << human.err;
    EXPECT_NE(human.out.find("not measured"), std::string::npos) << human.out;

    auto notASystem = runReemploi(tmp.path, {"probe", "--root", tmp.dir});
    EXPECT_EQ(notASystem.exitCode, 2);
    EXPECT_NE(notASystem.err.find("not the root of a Linux system"), std::string::npos) << notASystem.err;
}

TEST(ProbeCli, ImportBySerialTwiceAndAnotherUnitsSerialRefused) {
    TempDb tmp;
    auto [first, second] = twoUnits(tmp.path);
    // The recorded OptiPlex's serial is masked in its collection: the snapshot is given the unit's.
    auto snapshot = diagnostics::probe::parseSnapshotJson(
                        runReemploi(tmp.path, {"probe", "--root", root("dell-optiplex-7010"), "--json"}).out)
                        .value();
    snapshot.machine.serial = "OPTI-A";
    auto file = tmp.dir + "/optiplex.json";
    std::ofstream(file) << diagnostics::probe::snapshotJson(snapshot);

    auto imported = runReemploi(tmp.path, {"probe", "import", file});
    ASSERT_EQ(imported.exitCode, 0) << imported.err;
    EXPECT_NE(imported.out.find(first + " (found by serial)"), std::string::npos) << imported.out;
    EXPECT_NE(imported.out.find("ram_mib"), std::string::npos) << imported.out;
    auto again = runReemploi(tmp.path, {"probe", "import", file});
    ASSERT_EQ(again.exitCode, 0) << again.err;
    EXPECT_NE(again.out.find("nothing new"), std::string::npos) << again.out;

    auto refused = runReemploi(tmp.path, {"probe", "import", file, "--unit", second});
    EXPECT_EQ(refused.exitCode, 2);
    EXPECT_NE(refused.err.find(first), std::string::npos) << refused.err;

    auto missing = runReemploi(tmp.path, {"probe", "import", tmp.dir + "/none.json"});
    EXPECT_EQ(missing.exitCode, 2);
}
