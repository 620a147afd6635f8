// End to end through the real `reemploi` binary: import schools and needs, allocate (dry, stored,
// JSON), confirm, refusals with exit code 2, delivery and return.
#include <gtest/gtest.h>

#include <fstream>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "app/RunReemploi.hpp"

namespace reemploi::test {
namespace {

class AllocationCli : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(run({"init"}).exitCode, 0);
        ASSERT_EQ(run({"donor", "add", "--name", "Acme"}).exitCode, 0);
        ASSERT_EQ(run({"donation", "add", "--donor", "1", "--received", "2026-11-20"}).exitCode, 0);
    }

    RunResult run(const std::vector<std::string> &args) { return runReemploi(db.path, args); }

    std::string file(const std::string &name, const std::string &content) {
        std::string path = db.dir + "/" + name;
        std::ofstream(path, std::ios::binary) << content;
        return path;
    }

    void readyUnit(const std::vector<std::string> &spec, const std::string &tag) {
        std::vector<std::string> args = {"unit", "add", "--donation", "1", "--grade", "B"};
        args.insert(args.end(), spec.begin(), spec.end());
        auto added = run(args);
        ASSERT_EQ(added.exitCode, 0) << added.err;
        // No medium recorded: a laptop or tablet reaches ready only once that is declared.
        auto declared = run({"unit", "declare-storage", tag, "--absent", "--reason", "test unit, no storage"});
        ASSERT_EQ(declared.exitCode, 0) << declared.err;
        ASSERT_EQ(run({"unit", "set-status", tag, "diagnosed", "--reason", "checked"}).exitCode, 0);
        auto ready = run({"unit", "set-status", tag, "ready", "--reason", "checked"});
        ASSERT_EQ(ready.exitCode, 0) << ready.err;
    }

    void importBoth() {
        auto schools = run({"school", "import",
                            file("ecoles.csv", "UAI;Nom;Commune;QPV\n0750655E;Jean Jaurès;Paris;non\n0130040Y;Le Port;Marseille;non\n")});
        ASSERT_EQ(schools.exitCode, 0) << schools.err;
        EXPECT_EQ(schools.out, "2 schools created\n");
        auto needs = run({"need", "import",
                          file("besoins.csv", "famille,uai,niveaux,équipements,préférence\n"
                                              "F-1,0750655E,CM2,0,portable\n"
                                              "F-2,0750655E,CP CE1,1,tablette\n"
                                              "F-3,0130040Y,CP,0,\n")});
        ASSERT_EQ(needs.exitCode, 0) << needs.err;
        EXPECT_EQ(needs.out, "3 needs created\n");
    }

    TempDb db;
};

TEST_F(AllocationCli, ImportErrorsNameLineAndColumnAndExitWith2) {
    auto r = run({"school", "import", file("bad.csv", "uai,nom\n0750655A,École\n")});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("reemploi: line 2, column A \"uai\": UAI '0750655A': wrong check letter, expected 'E'"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(run({"school", "list"}).out, "");
}

TEST_F(AllocationCli, NeedAndSchoolListsPrintTheViews) {
    importBoth();
    auto text = run({"need", "list"});
    ASSERT_EQ(text.exitCode, 0) << text.err;
    EXPECT_NE(text.out.find("0750655E/F-2  [open]  rank 2  2 child(ren), 1 device(s), internet none, prefers tablet\n"),
              std::string::npos)
        << text.out;
    auto json = run({"need", "list", "--json"});
    ASSERT_EQ(json.exitCode, 0) << json.err;
    auto needs = Poco::JSON::Parser().parse(json.out).extract<Poco::JSON::Array::Ptr>();
    ASSERT_EQ(needs->size(), 3u);
    for (std::size_t i = 0; i < needs->size(); ++i) {
        auto n = needs->getObject(static_cast<unsigned>(i));
        EXPECT_EQ(n->getValue<int>("rank"), n->getValue<std::string>("family") == "F-2" ? 2 : 1) << json.out;
    }
    auto schools = run({"school", "list", "--json"});
    auto list = Poco::JSON::Parser().parse(schools.out).extract<Poco::JSON::Array::Ptr>();
    ASSERT_EQ(list->size(), 2u);
    EXPECT_FALSE(list->getObject(0)->getValue<bool>("priority_area"));
    auto withdrawn = run({"need", "withdraw", "0750655E/F-2", "--json"});
    ASSERT_EQ(withdrawn.exitCode, 0) << withdrawn.err;
    EXPECT_NE(withdrawn.out.find(R"("status":"withdrawn")"), std::string::npos) << withdrawn.out;
    EXPECT_EQ(run({"need", "withdraw", "0750655E/F-2"}).exitCode, 2);
}

TEST_F(AllocationCli, ProposeConfirmDeliverReturn) {
    importBoth();
    readyUnit({"--kind", "laptop", "--serial", "L1", "--ram-mib", "8192", "--keyboard", "fr-azerty", "--battery", "80"},
              "RE-000001");
    readyUnit({"--kind", "tablet", "--serial", "T1", "--ram-mib", "3072"}, "RE-000002");

    auto dry = run({"allocate", "--dry-run"});
    ASSERT_EQ(dry.exitCode, 0) << dry.err;
    EXPECT_NE(dry.out.find("Dry run: nothing stored."), std::string::npos);
    EXPECT_NE(dry.out.find("RE-000001 -> 0750655E/F-1  no device at home, CM2, laptop fits, storage not measured"),
              std::string::npos)
        << dry.out;
    EXPECT_NE(dry.out.find("0750655E/F-2  rank 2:"), std::string::npos) << dry.out;
    EXPECT_EQ(run({"allocate", "confirm"}).exitCode, 2);  // a dry run stores nothing

    auto stored = run({"allocate", "--json"});
    ASSERT_EQ(stored.exitCode, 0) << stored.err;
    Poco::JSON::Parser parser;
    auto json = parser.parse(stored.out).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(json->getValue<int>("run"), 1);
    EXPECT_FALSE(json->getValue<bool>("dry_run"));
    auto assignments = json->getArray("assignments");
    ASSERT_EQ(assignments->size(), 2u);
    EXPECT_EQ(assignments->getObject(0)->getValue<std::string>("need"), "0750655E/F-1");
    auto byRank = json->getObject("figures")->getArray("by_rank");
    EXPECT_EQ(byRank->getObject(0)->getValue<int>("served"), 2);
    EXPECT_EQ(json->getArray("unmet")->getObject(0)->getValue<std::string>("need"), "0750655E/F-2");

    auto confirmed = run({"allocate", "confirm"});
    ASSERT_EQ(confirmed.exitCode, 0) << confirmed.err;
    EXPECT_EQ(confirmed.out.rfind("Proposal 1 confirmed: 2 units allocated\naudit head ", 0), 0u) << confirmed.out;
    // The head printed is the trail's head right after the confirmation: a witness to keep.
    auto head = run({"audit", "head"}).out;
    EXPECT_NE(confirmed.out.find(head.substr(0, head.find(' '))), std::string::npos) << confirmed.out;
    EXPECT_NE(run({"unit", "show", "RE-000001"}).out.find("[allocated]"), std::string::npos);

    auto wrongNeed = run({"delivery", "record", "RE-000001", "--need", "0750655E/F-2"});
    EXPECT_EQ(wrongNeed.exitCode, 2);
    EXPECT_EQ(wrongNeed.err, "reemploi: unit RE-000001 was not allocated to need 0750655E/F-2\n");
    auto delivered = run({"delivery", "record", "RE-000001", "--need", "F-1"});
    EXPECT_EQ(delivered.exitCode, 0) << delivered.err;
    auto returned = run({"unit", "return", "RE-000001"});
    EXPECT_EQ(returned.exitCode, 0) << returned.err;
    EXPECT_NE(run({"unit", "show", "RE-000001"}).out.find("[returned]"), std::string::npos);
}

TEST_F(AllocationCli, ConfirmRefusedWhenTheStockChangedAndPinsApply) {
    importBoth();
    readyUnit({"--kind", "laptop", "--serial", "L1", "--keyboard", "fr-azerty"}, "RE-000001");
    ASSERT_EQ(run({"allocate"}).exitCode, 0);
    readyUnit({"--kind", "laptop", "--serial", "L2", "--keyboard", "fr-azerty"}, "RE-000002");
    auto refused = run({"allocate", "confirm"});
    EXPECT_EQ(refused.exitCode, 2);
    EXPECT_EQ(refused.err,
              "reemploi: the ready units changed since proposal 1 was made: run 'reemploi allocate' again, then confirm\n");

    ASSERT_EQ(run({"allocate", "pin", "RE-000002", "--need", "0750655E/F-2"}).exitCode, 0);
    ASSERT_EQ(run({"allocate", "exclude", "RE-000001"}).exitCode, 0);
    EXPECT_EQ(run({"allocate", "pins"}).out, "RE-000001  exclude\nRE-000002  pin  0750655E/F-2\n");
    auto pinned = run({"allocate", "--dry-run"});
    EXPECT_NE(pinned.out.find("RE-000002 -> 0750655E/F-2  pinned by coordinator"), std::string::npos) << pinned.out;
    EXPECT_NE(pinned.out.find("RE-000001  excluded by a coordinator"), std::string::npos) << pinned.out;
    auto badConfig = run({"allocate", "--config", file("alloc.conf", "min_ram = 3\n")});
    EXPECT_EQ(badConfig.exitCode, 2);
    EXPECT_NE(badConfig.err.find("line 1: unknown key 'min_ram'"), std::string::npos) << badConfig.err;
}

}  // namespace
}  // namespace reemploi::test
