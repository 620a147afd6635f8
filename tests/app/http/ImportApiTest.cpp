// Imports over HTTP: the file as the body, the same report as `intake import --json`, dry runs
// that write nothing, errors with their line and column, and the schools' and needs' imports.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <reemploi/inventory/Units.hpp>

#include "app/http/ApiServer.hpp"

using namespace reemploi;
using namespace reemploi::test;

namespace {

std::string fixture(const std::string &name) {
    std::ifstream in(std::string(REEMPLOI_TEST_FIXTURES) + "/intake/" + name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::size_t unitCount(ApiServer &api) { return inventory::listUnits(*api.db(), {}).value().size(); }

const std::string kList = "serial,make,model,kind,RAM\nIMP-0001,HP,EliteBook 840,laptop,8 Go\nIMP-0002,Dell,Latitude 5480,portable,16\n";

}  // namespace

TEST(ImportApi, ADryRunReportsRowsAndColumnsAndWritesNothing) {
    ApiServer api;
    auto c = api.as("tom");
    auto r = c.upload("/api/imports/donor-list?donation=" + std::to_string(api.donation) + "&dry_run=1", kList);
    ASSERT_EQ(r.status, 200) << r.body;
    auto report = r.json();
    EXPECT_EQ(report->getValue<int>("rows"), 2);
    EXPECT_EQ(report->getValue<int>("valid"), 2);
    EXPECT_EQ(report->getValue<int>("created"), 0);
    EXPECT_TRUE(report->getValue<bool>("dry_run"));
    EXPECT_EQ(report->getArray("columns")->size(), 5u);
    EXPECT_EQ(report->getArray("errors")->size(), 0u);
    EXPECT_EQ(unitCount(api), 0u);
}

TEST(ImportApi, AnImportCreatesTheUnits) {
    ApiServer api;
    auto c = api.as("tom");
    auto r = c.upload("/api/imports/donor-list?donation=" + std::to_string(api.donation), kList, "application/octet-stream");
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()->getValue<int>("created"), 2);
    ASSERT_EQ(r.json()->getArray("tags")->size(), 2u);
    auto tag = r.json()->getArray("tags")->getElement<std::string>(0);
    auto unit = c.get("/api/units/" + tag);
    ASSERT_EQ(unit.status, 200);
    EXPECT_EQ(unit.json()->getValue<std::string>("serial"), "IMP-0001");
    EXPECT_EQ(unitCount(api), 2u);
}

TEST(ImportApi, ABadFileIs422WithEveryLineAndColumnAndWritesNothing) {
    ApiServer api;
    auto c = api.as("tom");
    auto r = c.upload("/api/imports/donor-list?donation=" + std::to_string(api.donation), fixture("every_error.csv"));
    ASSERT_EQ(r.status, 422) << r.body;
    auto report = r.json();
    EXPECT_EQ(report->getObject("error")->getValue<std::string>("code"), "invalid_input");
    auto errors = report->getArray("errors");
    ASSERT_GT(errors->size(), 0u);
    auto first = errors->getObject(0);
    EXPECT_EQ(first->getValue<int>("line"), 3) << r.body;
    EXPECT_FALSE(first->getValue<std::string>("column").empty());
    EXPECT_EQ(unitCount(api), 0u);

    // Skipping the invalid rows imports the valid ones.
    auto skipped = c.upload("/api/imports/donor-list?donation=" + std::to_string(api.donation) + "&skip_invalid=1",
                            fixture("every_error.csv"));
    ASSERT_EQ(skipped.status, 201) << skipped.body;
    EXPECT_EQ(unitCount(api), static_cast<std::size_t>(skipped.json()->getValue<int>("created")));

    auto noSerial = c.upload("/api/imports/donor-list?donation=" + std::to_string(api.donation), fixture("no_serial_column.csv"));
    EXPECT_EQ(noSerial.status, 422) << noSerial.body;
    auto badDonation = c.upload("/api/imports/donor-list?donation=abc", kList);
    EXPECT_EQ(badDonation.status, 422);
    EXPECT_EQ(badDonation.json()->getObject("error")->getValue<std::string>("field"), "donation");
    EXPECT_EQ(c.upload("/api/imports/donor-list?donation=999", kList).status, 404);
    EXPECT_EQ(c.upload("/api/imports/donor-list?donation=1", "").status, 422);
    EXPECT_EQ(c.upload("/api/imports/donor-list?donation=1", kList, "multipart/form-data; boundary=x").status, 415);
}

TEST(ImportApi, SchoolsThenNeedsAreImportedByACoordinator) {
    ApiServer api;
    auto tom = api.as("tom");
    const std::string schools = "uai,nom,commune,qpv\n0690001B,École Jean Macé,Lyon,oui\n";
    EXPECT_EQ(tom.upload("/api/imports/schools", schools).status, 403);
    auto c = api.as("cora");
    auto dry = c.upload("/api/imports/schools?dry_run=1", schools);
    ASSERT_EQ(dry.status, 200) << dry.body;
    EXPECT_EQ(dry.json()->getValue<int>("rows"), 1);
    EXPECT_EQ(c.get("/api/audit/verify").status, 200);
    auto real = c.upload("/api/imports/schools", schools);
    ASSERT_EQ(real.status, 201) << real.body;
    EXPECT_EQ(real.json()->getValue<int>("created"), 1);
    auto badNeeds = c.upload("/api/imports/needs", "uai,famille,niveaux,equipements\n9999999Z,F-1,CM1,aucun\n");
    EXPECT_EQ(badNeeds.status, 422) << badNeeds.body;
    ASSERT_TRUE(badNeeds.json()->getArray("errors")) << badNeeds.body;
    EXPECT_GT(badNeeds.json()->getArray("errors")->size(), 0u);
}

// A donor's corrected list, and a donor's own words for kinds, as on the command line.
TEST(ImportApi, UpdateAndKindMapAreTheCommandsOptions) {
    ApiServer api;
    auto c = api.as("tom");
    const std::string donor = "/api/imports/donor-list?donation=" + std::to_string(api.donation);
    ASSERT_EQ(c.upload(donor, kList).status, 201);
    const std::string corrected =
        "serial,make,model,kind,RAM\nIMP-0001,HP,EliteBook 850 G5,laptop,8 Go\nIMP-0003,Fujitsu,Esprimo,EINBAU,8\n";
    auto refused = c.upload(donor + "&update=1", corrected);
    EXPECT_EQ(refused.status, 422) << refused.body;  // EINBAU is no kind we know
    auto badMap = c.upload(donor + "&update=1&kind_map=EINBAU", corrected);
    EXPECT_EQ(badMap.status, 422) << badMap.body;
    EXPECT_EQ(badMap.json()->getObject("error")->getValue<std::string>("field"), "kind_map");
    auto r = c.upload(donor + "&update=1&kind_map=EINBAU%3Ddesktop", corrected);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()->getValue<int>("created"), 1);
    EXPECT_EQ(r.json()->getValue<int>("updated"), 1);
    auto units = inventory::listUnits(*api.db(), {}).value();
    ASSERT_EQ(units.size(), 3u);
    for (const auto &u : units) {
        if (u.serial == "IMP-0001") {
            EXPECT_EQ(u.model, "EliteBook 850 G5");
        }
        if (u.serial == "IMP-0003") {
            EXPECT_EQ(u.kind, inventory::UnitKind::Desktop);
        }
    }
}

// keep_column (the command line's --keep-column): a column that looks personal is dropped unless
// named; an empty name is refused naming the parameter, and nothing is written.
TEST(ImportApi, KeepColumnKeepsAPersonalLookingColumn) {
    ApiServer api;
    auto c = api.as("tom");
    const std::string list = "serial,make,model,kind,Affecté à\nKEEP-1,HP,EliteBook 840,laptop,Service RH\n";
    const std::string base = "/api/imports/donor-list?donation=" + std::to_string(api.donation) + "&dry_run=1";
    auto dropped = c.upload(base, list);
    ASSERT_EQ(dropped.status, 200) << dropped.body;
    EXPECT_EQ(dropped.json()->getArray("dropped_columns")->size(), 1u) << dropped.body;
    auto kept = c.upload(base + "&keep_column=Affect%C3%A9%20%C3%A0", list);
    ASSERT_EQ(kept.status, 200) << kept.body;
    EXPECT_EQ(kept.json()->getArray("dropped_columns")->size(), 0u) << kept.body;
    auto empty = c.upload("/api/imports/donor-list?donation=" + std::to_string(api.donation) + "&keep_column=Notes,,x", list);
    EXPECT_EQ(empty.status, 422);
    EXPECT_EQ(empty.json()->getObject("error")->getValue<std::string>("field"), "keep_column");
    EXPECT_EQ(unitCount(api), 0u);
}
