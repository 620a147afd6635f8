// The intake commands end to end: the real `reemploi` binary on a temporary database, and the
// kill-mid-import test (kill -9 during the import's transaction: all or none, chain intact).
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <thread>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "app/RunReemploi.hpp"
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Units.hpp>

extern char **environ;

using namespace reemploi;
using test::runReemploi;

namespace {

std::string fixture(const std::string &name) { return std::string(REEMPLOI_TEST_FIXTURES) + "/intake/" + name; }

Poco::JSON::Object::Ptr parseJson(const std::string &text) {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

class IntakeCli : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(run({"init"}).exitCode, 0);
        ASSERT_EQ(run({"donor", "add", "--name", "Acme SA", "--kind", "company"}).exitCode, 0);
        auto donation = run({"--json", "donation", "add", "--donor", "1", "--received", "2026-11-20"});
        ASSERT_EQ(donation.exitCode, 0) << donation.err;
        donationId = std::to_string(parseJson(donation.out)->getValue<int>("id"));
    }

    test::RunResult run(const std::vector<std::string> &args) { return runReemploi(db.path, args); }

    std::size_t unitCount() {
        auto r = run({"--json", "unit", "list"});
        EXPECT_EQ(r.exitCode, 0) << r.err;
        Poco::JSON::Parser parser;
        auto parsed = parser.parse(r.out);
        if (parsed.type() == typeid(Poco::JSON::Array::Ptr)) return parsed.extract<Poco::JSON::Array::Ptr>()->size();
        auto o = parsed.extract<Poco::JSON::Object::Ptr>();
        return o->getArray("units")->size();
    }

    test::TempDb db;
    std::string donationId;
};

}  // namespace

TEST_F(IntakeCli, AllOrNothingExitsTwoAndWritesNothing) {
    auto r = run({"intake", "import", "--donation", donationId, fixture("mixed.csv")});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.out.find("line 3, column E \"RAM\": RAM \"huit\" is not a number"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("line 5, column A \"serial\": serial is empty"), std::string::npos);
    EXPECT_NE(r.out.find("created 0, skipped 0, invalid 2"), std::string::npos);
    EXPECT_NE(r.err.find("reemploi: nothing written: 2 invalid rows (fix them, or --skip-invalid to import the 3 "
                         "valid ones)"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(unitCount(), 0u);
}

TEST_F(IntakeCli, SkipInvalidWritesTheRestAndListsTheNewTags) {
    auto r = run({"intake", "import", "--donation", donationId, "--skip-invalid", fixture("mixed.csv")});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("created 3, skipped 2, invalid 2"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("new tags: RE-000001..RE-000003"), std::string::npos) << r.out;
    EXPECT_EQ(unitCount(), 3u);
    auto verify = run({"audit", "verify"});
    EXPECT_EQ(verify.exitCode, 0) << verify.out;
}

TEST_F(IntakeCli, SkipInvalidWithNoValidRowExitsTwo) {
    auto r = run({"intake", "import", "--donation", donationId, "--skip-invalid", fixture("many_errors_one_row.csv")});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("nothing written: no valid row (1 invalid)"), std::string::npos) << r.err;
    EXPECT_EQ(unitCount(), 0u);
}

TEST_F(IntakeCli, DryRunReportsAndWritesNothing) {
    auto r = run({"intake", "import", "--dry-run", "--donation", donationId, fixture("glpi_export_fr.csv")});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("dry run: would create 4, skip 0, invalid 0; nothing written"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"Numéro de série\" -> serial"), std::string::npos);
    EXPECT_NE(r.out.find("\"Entité\" -> kept as a donor field"), std::string::npos);
    EXPECT_EQ(unitCount(), 0u);

    auto bad = run({"intake", "import", "--dry-run", "--donation", donationId, fixture("mixed.csv")});
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_EQ(unitCount(), 0u);
}

TEST_F(IntakeCli, JsonOutputHasCountsTagsAndErrors) {
    auto r = run({"--json", "intake", "import", "--donation", donationId, "--skip-invalid",
                  fixture("cp1252_semicolon_crlf.csv")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto o = parseJson(r.out);
    EXPECT_EQ(o->getValue<int>("created"), 3);
    EXPECT_EQ(o->getValue<int>("skipped"), 0);
    EXPECT_EQ(o->getValue<int>("invalid"), 0);
    EXPECT_EQ(o->getValue<std::string>("encoding"), "windows-1252");
    auto tags = o->getArray("tags");
    ASSERT_EQ(tags->size(), 3u);
    EXPECT_EQ(tags->getElement<std::string>(2), "RE-000003");

    auto again = run({"--json", "intake", "import", "--donation", donationId, fixture("cp1252_semicolon_crlf.csv")});
    EXPECT_EQ(again.exitCode, 2);
    auto refused = parseJson(again.out);
    EXPECT_EQ(refused->getValue<int>("created"), 0);
    EXPECT_EQ(refused->getValue<int>("invalid"), 3);
    auto first = refused->getArray("errors")->getObject(0);
    EXPECT_EQ(first->getValue<int>("line"), 2);
    EXPECT_EQ(first->getValue<std::string>("column"), "Numéro de série");
    EXPECT_EQ(first->getValue<std::string>("message"),
              "serial \"5CG1234XYZ\" (HP) is already registered as unit RE-000001");
}

TEST_F(IntakeCli, DuplicateOfAUnitAddedAtTheBenchNamesIt) {
    auto added = run({"unit", "add", "--donation", donationId, "--kind", "laptop", "--make", "Dell", "--serial",
                      "7H2KQ42\r\n"});
    ASSERT_EQ(added.exitCode, 0) << added.err;
    ASSERT_EQ(run({"donation", "add", "--donor", "1", "--received", "2026-11-22"}).exitCode, 0);
    auto r = run({"intake", "import", "--donation", "2", fixture("glpi_export_fr.csv")});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.out.find("line 3, column E \"Numéro de série\": serial \"7H2KQ42\" (Dell) is already registered as "
                         "unit RE-000001 (donation 1)"),
              std::string::npos)
        << r.out;
}

TEST_F(IntakeCli, BadInvocationsAndFilesExitTwoNamingTheProblem) {
    auto noDonation = run({"intake", "import", fixture("mixed.csv")});
    EXPECT_EQ(noDonation.exitCode, 2);
    EXPECT_NE(noDonation.err.find("missing --donation"), std::string::npos);
    auto unknownDonation = run({"intake", "import", "--donation", "42", fixture("mixed.csv")});
    EXPECT_EQ(unknownDonation.exitCode, 2);
    EXPECT_NE(unknownDonation.err.find("no donation 42"), std::string::npos) << unknownDonation.err;
    auto noFile = run({"intake", "import", "--donation", donationId, "/nonexistent/list.csv"});
    EXPECT_EQ(noFile.exitCode, 2);
    EXPECT_NE(noFile.err.find("/nonexistent/list.csv: cannot open"), std::string::npos) << noFile.err;
    auto malformed = run({"intake", "import", "--donation", donationId, fixture("unterminated_quote.csv")});
    EXPECT_EQ(malformed.exitCode, 2);
    EXPECT_NE(malformed.err.find("line 3: unterminated quoted field"), std::string::npos);
    auto noSerial = run({"intake", "import", "--donation", donationId, fixture("no_serial_column.csv")});
    EXPECT_EQ(noSerial.exitCode, 2);
    EXPECT_NE(noSerial.err.find("no column gives the serial"), std::string::npos);
}

TEST_F(IntakeCli, ScanSerialPrintsTheSerialAloneAndTheOthersApart) {
    auto r = run({"intake", "scan-serial", fixture("images/sticker_photo.png")});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out, "5CG7431JKL\n");
    EXPECT_NE(r.err.find("also on the sticker: 1EM12EA#ABF (Code128)"), std::string::npos) << r.err;

    auto j = run({"--json", "intake", "scan-serial", fixture("images/datamatrix_gs1.png")});
    ASSERT_EQ(j.exitCode, 0) << j.err;
    auto o = parseJson(j.out);
    EXPECT_EQ(o->getValue<std::string>("serial"), "SER12345");
    auto c = o->getArray("candidates")->getObject(0);
    EXPECT_EQ(c->getValue<std::string>("format"), "DataMatrix");
    EXPECT_TRUE(c->getValue<bool>("labelled"));
}

TEST_F(IntakeCli, ScanSerialWithNothingReadableExitsTwo) {
    auto blank = run({"intake", "scan-serial", fixture("images/blank.png")});
    EXPECT_EQ(blank.exitCode, 2);
    EXPECT_NE(blank.err.find("no serial barcode found"), std::string::npos) << blank.err;
    auto json = run({"--json", "intake", "scan-serial", fixture("images/blank.png")});
    EXPECT_EQ(json.exitCode, 2);
    EXPECT_TRUE(parseJson(json.out)->isNull("serial"));
    auto garbage = run({"intake", "scan-serial", fixture("images/not_an_image.png")});
    EXPECT_NE(garbage.exitCode, 0);
    EXPECT_NE(garbage.err.find("not_an_image.png"), std::string::npos);
}

// kill -9 while the import's transaction is open: the database holds all the units or none,
// and the audit chain still verifies.
TEST_F(IntakeCli, KilledMidImportLeavesAllOrNoneAndAnIntactChain) {
    constexpr int kRows = 30000;
    std::string file = db.dir + "/big.csv";
    {
        std::ofstream out(file, std::ios::binary);
        out << "Numéro de série;Marque;Modèle;Catégorie;RAM;Disque\r\n";
        for (int i = 0; i < kRows; ++i)
            out << "KILL" << i << ";Dell;Latitude 5490;Portable;8 Go;SSD 256 Go\r\n";
    }
    std::string binary = REEMPLOI_BINARY;
    std::vector<std::string> args = {binary, "--db", db.path, "intake", "import", "--donation", donationId, file};
    std::vector<char *> argv;
    for (auto &a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);

    // The import holds SQLite's write lock from the start of its transaction to the commit: a
    // probe that cannot take it knows the import is writing.
    sqlite3 *probe = nullptr;
    ASSERT_EQ(sqlite3_open(db.path.c_str(), &probe), SQLITE_OK);
    sqlite3_busy_timeout(probe, 0);
    bool writing = false;
    int status = 0;
    bool exited = false;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!writing && std::chrono::steady_clock::now() < deadline) {
        if (waitpid(pid, &status, WNOHANG) == pid) {
            exited = true;
            break;
        }
        int rc = sqlite3_exec(probe, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
        if (rc == SQLITE_OK) sqlite3_exec(probe, "ROLLBACK", nullptr, nullptr, nullptr);
        else writing = (rc & 0xff) == SQLITE_BUSY;
        if (!writing) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    sqlite3_close(probe);
    ASSERT_FALSE(exited) << "the import ended before it could be killed";
    ASSERT_TRUE(writing) << "the import never started writing";
    // Killed the moment its transaction is seen open (no delay that a fast machine could outrun).
    kill(pid, SIGKILL);
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the import finished before the kill (exit " << WEXITSTATUS(status) << ")";

    auto opened = inventory::Database::open(db.path);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    auto units = inventory::listUnits(**opened);
    ASSERT_TRUE(units.ok()) << units.error().message;
    EXPECT_TRUE(units->empty() || units->size() == static_cast<std::size_t>(kRows)) << units->size() << " units";
    opened->reset();

    auto verify = run({"audit", "verify"});
    EXPECT_EQ(verify.exitCode, 0) << verify.out << verify.err;
    EXPECT_NE(verify.out.find("audit chain intact"), std::string::npos);
    // And the database takes the next import.
    auto next = run({"intake", "import", "--donation", donationId, fixture("mixed.csv"), "--skip-invalid"});
    EXPECT_EQ(next.exitCode, 0) << next.err;
}

// --json prints a JSON document for every outcome, a file refused at its header too.
TEST_F(IntakeCli, JsonRefusalAtTheHeaderIsAJsonDocument) {
    auto r = run({"--json", "intake", "import", "--donation", donationId, fixture("no_serial_column.csv")});
    EXPECT_EQ(r.exitCode, 2);
    auto o = parseJson(r.out);
    EXPECT_NE(o->getValue<std::string>("error").find("line 1 (header): no column gives the serial"), std::string::npos)
        << r.out;
    auto errors = o->getArray("errors");
    ASSERT_EQ(errors->size(), 1u);
    EXPECT_EQ(errors->getObject(0)->getValue<int>("line"), 1);
    EXPECT_NE(r.err.find("no column gives the serial"), std::string::npos);

    auto bad = run({"--json", "intake", "import", "--donation", donationId, "--kind-map", "EINBAU", fixture("mixed.csv")});
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_NE(parseJson(bad.out)->getValue<std::string>("error").find("--kind-map: \"EINBAU\" has no '='"),
              std::string::npos)
        << bad.out;

    auto school = run({"--json", "school", "import", fixture("no_serial_column.csv")});
    EXPECT_EQ(school.exitCode, 2);
    EXPECT_TRUE(parseJson(school.out)->has("error")) << school.out;
    EXPECT_EQ(unitCount(), 0u);
}

TEST_F(IntakeCli, UpdateReportsCreatedUpdatedAndUnchanged) {
    ASSERT_EQ(run({"intake", "import", "--donation", donationId, fixture("lists/corrected_first.csv")}).exitCode, 0);
    auto dry = run({"intake", "import", "--donation", donationId, fixture("lists/corrected_second.csv"), "--update",
                    "--dry-run"});
    EXPECT_EQ(dry.exitCode, 0) << dry.err;
    EXPECT_NE(dry.out.find("dry run: would create 1, update 2 (1 unchanged), skip 0, invalid 0"), std::string::npos)
        << dry.out;
    auto r = run({"intake", "import", "--donation", donationId, fixture("lists/corrected_second.csv"), "--update"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("created 1, updated 2, unchanged 1, skipped 0, invalid 0"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("updated: RE-000001, RE-000002"), std::string::npos) << r.out;
    EXPECT_EQ(unitCount(), 4u);
}
