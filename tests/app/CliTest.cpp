// End-to-end: the real binary on a temporary database, as a script or a trainee would use it.
#include <gtest/gtest.h>

#include <fstream>

#include <Poco/JSON/Parser.h>

#include "app/RunReemploi.hpp"
#include "support/Tools.hpp"

using namespace reemploi::test;

namespace {

Poco::JSON::Object::Ptr parse(const std::string &text) {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

class Cli : public ::testing::Test {
protected:
    void SetUp() override {
        auto init = run({"init"});
        ASSERT_EQ(init.exitCode, 0) << init.err;
    }
    RunResult run(const std::vector<std::string> &args) { return runReemploi(db.path, args); }

    // donor 1, donation 1, unit RE-000001 with an SSD.
    void seed() {
        ASSERT_EQ(run({"donor", "add", "--name", "Acme SA", "--kind", "company", "--email", "it@acme.example"}).exitCode, 0);
        ASSERT_EQ(run({"donation", "add", "--donor", "1", "--received", "2026-11-20", "--site", "Lyon"}).exitCode, 0);
        auto unit = run({"unit", "add", "--donation", "1", "--kind", "laptop", "--make", "Dell", "--model", "Latitude 5490",
                         "--serial", "ABC123", "--storage", "ssd:256G", "--json"});
        ASSERT_EQ(unit.exitCode, 0) << unit.err;
    }

    int countRows(const std::string &what) {
        auto r = run({what, "list", "--json"});
        Poco::JSON::Parser parser;
        return static_cast<int>(parser.parse(r.out).extract<Poco::JSON::Array::Ptr>()->size());
    }

    TempDb db;
};

}  // namespace

TEST_F(Cli, InitIsIdempotent) {
    auto again = run({"init", "--json"});
    ASSERT_EQ(again.exitCode, 0);
    auto o = parse(again.out);
    EXPECT_EQ(o->getValue<int>("from"), o->getValue<int>("to"));
}

TEST_F(Cli, VersionAndHelp) {
    auto v = run({"--version"});
    EXPECT_EQ(v.exitCode, 0);
    EXPECT_NE(v.out.find("reemploi "), std::string::npos);
    auto h = run({"--help"});
    EXPECT_EQ(h.exitCode, 0);
    for (const char *cmd : {"donor add", "donation add", "unit add", "unit show", "unit list", "unit set-status", "audit verify"})
        EXPECT_NE(h.out.find(cmd), std::string::npos) << cmd;
    auto unknown = run({"frobnicate"});
    EXPECT_EQ(unknown.exitCode, 2);
    EXPECT_NE(unknown.err.find("unknown command 'frobnicate'"), std::string::npos);
}

TEST_F(Cli, DonorAddPrintsIdAndName) {
    auto r = run({"donor", "add", "--name", "Métropole", "--kind", "administration", "--email", "dsi@metropole.example", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto o = parse(r.out);
    EXPECT_EQ(o->getValue<int>("id"), 1);
    EXPECT_EQ(o->getValue<std::string>("name"), "Métropole");
}

TEST_F(Cli, UnitAddPrintsTagAndReceived) {
    seed();
    auto r = run({"unit", "add", "--donation", "1", "--kind", "tablet", "--make", "Samsung", "--model", "Tab A",
                  "--serial", "]C1R52N\r\n", "--battery", "88", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto o = parse(r.out);
    EXPECT_EQ(o->getValue<std::string>("tag"), "RE-000002");
    EXPECT_EQ(o->getValue<std::string>("status"), "received");
    EXPECT_EQ(o->getValue<std::string>("serial"), "R52N");  // scanner artefacts removed
}

TEST_F(Cli, BadInputExitsTwoAndWritesNothing) {
    seed();
    struct Case {
        std::vector<std::string> args;
        std::string message;
    };
    std::vector<Case> cases = {
        {{"donation", "add", "--donor", "42", "--received", "2026-11-20"}, "no donor 42"},
        {{"donation", "add", "--donor", "1", "--received", "20/11/2026"}, "not a date"},
        {{"unit", "add", "--donation", "1", "--kind", "laptop", "--make", "DELL", "--serial", "ABC123"}, "already registered as unit RE-000001"},
        {{"unit", "add", "--donation", "1", "--kind", "spaceship", "--serial", "X"}, "unknown unit kind 'spaceship'"},
        {{"unit", "add", "--donation", "1", "--kind", "laptop", "--serial", "X", "--ram-mib", "lots"}, "not a whole number"},
        {{"unit", "set-status", "RE-000001", "shipped", "--reason", "x"}, "unknown status 'shipped'"},
        {{"unit", "set-status", "RE-000001", "allocated", "--reason", "x"}, "only ready units can be allocated"},
        {{"donor", "add", "--name", "X", "--kind", "pirate"}, "unknown donor kind"},
    };
    for (const auto &c : cases) {
        auto r = run(c.args);
        EXPECT_EQ(r.exitCode, 2) << c.args[0] << " " << c.args[1];
        EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one-line error: " << r.err;
    }
    EXPECT_EQ(countRows("donation"), 1);
    EXPECT_EQ(countRows("unit"), 1);
    EXPECT_EQ(countRows("donor"), 1);
    auto verify = run({"audit", "verify", "--json"});
    EXPECT_EQ(parse(verify.out)->getValue<int>("checked"), 3);
}

TEST_F(Cli, WipedIsRefusedWithoutSanitizationNamingTheRule) {
    seed();
    ASSERT_EQ(run({"unit", "set-status", "RE-000001", "diagnosed", "--reason", "boots"}).exitCode, 0);
    auto r = run({"unit", "set-status", "RE-000001", "wiped", "--reason", "done"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("passed sanitization record"), std::string::npos) << r.err;
    auto show = parse(run({"unit", "show", "RE-000001", "--json"}).out);
    EXPECT_EQ(show->getValue<std::string>("status"), "diagnosed");
}

TEST_F(Cli, StatusAndShowPrintTheViews) {
    seed();
    ASSERT_EQ(run({"unit", "add", "--donation", "1", "--kind", "tablet", "--make", "Samsung", "--serial", "R52N"}).exitCode, 0);
    ASSERT_EQ(run({"unit", "set-status", "RE-000002", "diagnosed", "--reason", "boots"}).exitCode, 0);
    auto status = run({"status", "--json"});
    ASSERT_EQ(status.exitCode, 0) << status.err;
    auto s = parse(status.out);
    EXPECT_EQ(s->getValue<int>("donors"), 1);
    EXPECT_EQ(s->getValue<int>("units"), 2);
    EXPECT_EQ(s->getObject("by_status")->getValue<int>("received"), 1);
    EXPECT_EQ(s->getObject("by_kind")->getValue<int>("tablet"), 1);
    EXPECT_EQ(s->getObject("by_status_kind")->getObject("diagnosed")->getValue<int>("tablet"), 1);
    EXPECT_EQ(s->getValue<std::string>("database"), db.path);
    auto text = run({"status"});
    EXPECT_NE(text.out.find("1 donors, 2 units\n"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("diagnosed  1    (1 tablet)\n"), std::string::npos) << text.out;

    auto show = run({"unit", "show", "RE-000001", "--json"});
    ASSERT_EQ(show.exitCode, 0) << show.err;
    auto u = parse(show.out);
    EXPECT_EQ(u->getArray("history")->size(), 1u);
    EXPECT_EQ(u->getArray("sanitization")->size(), 0u);
    EXPECT_FALSE(u->getObject("sanitization_state")->getValue<bool>("all_sanitized"));
    EXPECT_EQ(u->getArray("next_statuses")->getElement<std::string>(0), "diagnosed");
    auto page = run({"unit", "show", "RE-000001"});
    EXPECT_NE(page.out.find("  wipe          storage #1 to wipe\n"), std::string::npos) << page.out;
    EXPECT_NE(page.out.find("unit_created  tester\n"), std::string::npos) << page.out;
}

TEST_F(Cli, ListFiltersAndShowNamesMissingUnit) {
    seed();
    ASSERT_EQ(run({"unit", "set-status", "RE-000001", "to_repair", "--reason", "screen"}).exitCode, 0);
    auto repair = run({"unit", "list", "--status", "to_repair", "--json"});
    EXPECT_NE(repair.out.find("RE-000001"), std::string::npos);
    auto received = run({"unit", "list", "--status", "received", "--json"});
    EXPECT_EQ(received.out, "[]\n");
    auto missing = run({"unit", "show", "RE-000404"});
    EXPECT_EQ(missing.exitCode, 2);
    EXPECT_NE(missing.err.find("no unit RE-000404"), std::string::npos);
}

TEST_F(Cli, AuditVerifyNamesATamperedEvent) {
    seed();
    auto ok = run({"audit", "verify"});
    EXPECT_EQ(ok.exitCode, 0);
    EXPECT_NE(ok.out.find("intact"), std::string::npos);
    REQUIRE_TOOL("sqlite3", "sqlite3");
    std::string sql = "sqlite3 " + shellQuote(db.path) + " \"UPDATE events SET payload = replace(payload, 'Acme', 'Evil') WHERE id = 1\"";
    ASSERT_EQ(std::system(sql.c_str()), 0);
    auto broken = run({"audit", "verify", "--json"});
    EXPECT_EQ(broken.exitCode, 1);
    auto o = parse(broken.out);
    EXPECT_FALSE(o->getValue<bool>("ok"));
    EXPECT_EQ(o->getValue<int>("first_broken_id"), 1);
}

TEST_F(Cli, CommandsRefuseAnUninitialisedDatabase) {
    TempDb other;
    auto r = runReemploi(other.path, {"unit", "list"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("reemploi init"), std::string::npos);
}

TEST_F(Cli, ConcurrentWritersKeepTheAuditChainIntact) {
    seed();
    // Four processes registering units at once: the write lock serialises their appends.
    std::string script;
    for (int p = 0; p < 4; ++p) {
        script += "(for i in $(seq 1 10); do REEMPLOI_ACTOR=p" + std::to_string(p) + " " + shellQuote(REEMPLOI_BINARY) +
                  " --db " + shellQuote(db.path) + " unit add --donation 1 --kind laptop --make HP --serial P" +
                  std::to_string(p) + "-$i >/dev/null || exit 1; done) & ";
    }
    script += "wait";
    ASSERT_EQ(std::system(("bash -c " + shellQuote(script)).c_str()), 0);
    EXPECT_EQ(countRows("unit"), 41);
    auto verify = run({"audit", "verify", "--json"});
    EXPECT_EQ(verify.exitCode, 0) << verify.out;
    EXPECT_EQ(parse(verify.out)->getValue<int>("checked"), 43);
}

TEST_F(Cli, BenchAndImportSpellingsOfAMakeAreOneMake) {
    seed();  // Dell ABC123
    auto r = run({"unit", "add", "--donation", "1", "--kind", "laptop", "--make", "Dell Inc.", "--serial", "ABC123"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("already registered as unit RE-000001"), std::string::npos) << r.err;
}

// A unit reaches allocated only through `reemploi allocate confirm`: set-status refuses, names it,
// and exits 2 with the unit unchanged.
TEST_F(Cli, SetStatusAllocatedIsRefusedNamingTheCommand) {
    seed();
    ASSERT_EQ(run({"unit", "add", "--donation", "1", "--kind", "laptop", "--serial", "NODISK", "--grade", "B"}).exitCode, 0);
    auto declared = run({"unit", "declare-storage", "RE-000002", "--removed", "--reason", "drive kept in cabinet B"});
    ASSERT_EQ(declared.exitCode, 0) << declared.err;
    EXPECT_EQ(declared.out, "RE-000002: storage declared removed\n");
    ASSERT_EQ(run({"unit", "set-status", "RE-000002", "diagnosed", "--reason", "boots"}).exitCode, 0);
    auto ready = run({"unit", "set-status", "RE-000002", "ready", "--reason", "checked"});
    ASSERT_EQ(ready.exitCode, 0) << ready.err;
    for (const char *status : {"allocated", "delivered"}) {
        auto r = run({"unit", "set-status", "RE-000002", status, "--reason", "by hand"});
        EXPECT_EQ(r.exitCode, 2) << status;
        EXPECT_NE(r.err.find("RE-000002 cannot become " + std::string(status) + " by hand"), std::string::npos) << r.err;
    }
    auto allocated = run({"unit", "set-status", "RE-000002", "allocated", "--reason", "by hand"});
    EXPECT_NE(allocated.err.find("reemploi allocate confirm"), std::string::npos) << allocated.err;
    auto delivered = run({"unit", "set-status", "RE-000002", "delivered", "--reason", "by hand"});
    EXPECT_NE(delivered.err.find("reemploi delivery record RE-000002 --need REF"), std::string::npos) << delivered.err;
    EXPECT_EQ(parse(run({"unit", "show", "RE-000002", "--json"}).out)->getValue<std::string>("status"), "ready");
}

TEST_F(Cli, ALaptopWithoutStorageNeedsADeclaration) {
    seed();
    ASSERT_EQ(run({"unit", "add", "--donation", "1", "--kind", "laptop", "--serial", "NODISK"}).exitCode, 0);
    ASSERT_EQ(run({"unit", "set-status", "RE-000002", "diagnosed", "--reason", "boots"}).exitCode, 0);
    auto wiped = run({"unit", "set-status", "RE-000002", "wiped", "--reason", "nothing to wipe"});
    EXPECT_EQ(wiped.exitCode, 2);
    EXPECT_NE(wiped.err.find("RE-000002 cannot become wiped: a laptop always holds data: record its storage "
                             "(reemploi unit add-storage RE-000002"),
              std::string::npos)
        << wiped.err;
    EXPECT_NE(wiped.err.find("reemploi unit declare-storage RE-000002 --removed|--absent --reason R"), std::string::npos);
    // The declaration says which, and why.
    for (const std::vector<std::string> &bad :
         {std::vector<std::string>{"unit", "declare-storage", "RE-000002", "--reason", "x"},
          std::vector<std::string>{"unit", "declare-storage", "RE-000002", "--removed", "--absent", "--reason", "x"},
          std::vector<std::string>{"unit", "declare-storage", "RE-000002", "--absent"},
          std::vector<std::string>{"unit", "declare-storage", "RE-000001", "--absent", "--reason", "x"}}) {
        auto r = run(bad);
        EXPECT_EQ(r.exitCode, 2) << r.err;
    }
    auto ok = run({"unit", "declare-storage", "RE-000002", "--absent", "--reason", "no slot", "--json"});
    ASSERT_EQ(ok.exitCode, 0) << ok.err;
    EXPECT_EQ(parse(ok.out)->getValue<std::string>("storage"), "absent");
    EXPECT_EQ(run({"unit", "set-status", "RE-000002", "wiped", "--reason", "nothing to wipe"}).exitCode, 0);
}

TEST_F(Cli, AFactoryResetClearsATabletsFlash) {
    seed();
    ASSERT_EQ(run({"unit", "add", "--donation", "1", "--kind", "tablet", "--serial", "TAB1"}).exitCode, 0);
    auto unchecked = run({"unit", "factory-reset", "RE-000002"});
    EXPECT_EQ(unchecked.exitCode, 2);
    EXPECT_NE(unchecked.err.find("--checked-setup-screen"), std::string::npos) << unchecked.err;
    auto laptop = run({"unit", "factory-reset", "RE-000001", "--checked-setup-screen"});
    EXPECT_EQ(laptop.exitCode, 2);
    EXPECT_NE(laptop.err.find("is a laptop"), std::string::npos) << laptop.err;
    auto r = run({"unit", "factory-reset", "RE-000002", "--checked-setup-screen", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto record = parse(r.out);
    EXPECT_EQ(record->getValue<std::string>("method"), "manual-factory-reset");
    EXPECT_EQ(record->getValue<std::string>("level"), "clear");
    EXPECT_EQ(record->getValue<std::string>("result"), "passed");
    ASSERT_EQ(run({"unit", "set-status", "RE-000002", "diagnosed", "--reason", "boots"}).exitCode, 0);
    EXPECT_EQ(run({"unit", "set-status", "RE-000002", "wiped", "--reason", "reset"}).exitCode, 0);
}

TEST_F(Cli, TextFieldsAreCheckedAndExitTwo) {
    seed();
    struct Case {
        std::vector<std::string> args;
        std::string message;
    };
    std::vector<Case> cases = {
        {{"unit", "add", "--donation", "1", "--kind", "laptop", "--serial", "X1", "--make", "De\xE9ll"},
         "make: invalid UTF-8 (byte 0xE9) at byte offset 2"},
        {{"unit", "add", "--donation", "1", "--kind", "laptop", "--serial", "X1", "--model", std::string(40'000, 'm')},
         "model: 40000 characters long, at most 200"},
        {{"unit", "add", "--donation", "1", "--kind", "laptop", "--serial", "AB\x01" "CD"},
         "serial: control character U+0001 at byte offset 2"},
        {{"unit", "set", "RE-000001", "--location", std::string(201, 'L')}, "location: 201 characters long"},
        {{"donor", "add", "--name", std::string(201, 'A')}, "donor name: 201 characters long, at most 200"},
        {{"donation", "add", "--donor", "1", "--received", "2026-11-20", "--site", "Lyon\x1b"},
         "site: control character U+001B"},
    };
    for (const auto &c : cases) {
        auto r = run(c.args);
        EXPECT_EQ(r.exitCode, 2) << c.message;
        EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    }
    EXPECT_EQ(countRows("unit"), 1);
    EXPECT_EQ(countRows("donor"), 1);
    EXPECT_EQ(countRows("donation"), 1);
}

// One identity rule for every path: the import and `unit add` refuse the same duplicates, however
// the serial was scanned and the make spelled.
TEST_F(Cli, TheImportAndUnitAddRefuseTheSameDuplicates) {
    ASSERT_EQ(run({"donor", "add", "--name", "Acme SA"}).exitCode, 0);
    ASSERT_EQ(run({"donation", "add", "--donor", "1", "--received", "2026-11-20"}).exitCode, 0);
    auto bench = run({"unit", "add", "--donation", "1", "--kind", "laptop", "--make", "Dell Inc.", "--serial",
                      "]C1ABC123", "--json"});
    ASSERT_EQ(bench.exitCode, 0) << bench.err;
    EXPECT_EQ(parse(bench.out)->getValue<std::string>("serial"), "ABC123");
    EXPECT_EQ(parse(bench.out)->getValue<std::string>("make"), "Dell");

    std::string csv = db.dir + "/liste.csv";
    std::ofstream(csv) << "Numéro de série;Marque;Type\nS/N: ABC123;DELL;portable\nXYZ9;hewlett-packard;portable\n";
    auto refused = run({"intake", "import", "--donation", "1", csv});
    EXPECT_EQ(refused.exitCode, 2);
    EXPECT_NE(refused.out.find("line 2, column A \"Numéro de série\": serial \"ABC123\" (Dell) is already registered "
                               "as unit RE-000001"),
              std::string::npos)
        << refused.out;

    ASSERT_EQ(run({"intake", "import", "--donation", "1", "--skip-invalid", csv}).exitCode, 0);
    for (const auto &[make, serial] : {std::pair{"HP Inc.", "S/N: XYZ9"}, std::pair{"HP", "]C1XYZ9\r\n"}}) {
        auto r = run({"unit", "add", "--donation", "1", "--kind", "laptop", "--make", make, "--serial", serial});
        EXPECT_EQ(r.exitCode, 2) << make;
        EXPECT_NE(r.err.find("serial XYZ9 (HP) is already registered as unit RE-000002"), std::string::npos) << r.err;
    }
    EXPECT_EQ(countRows("unit"), 2);
}

// Configuration files named on the command line are read with the same limits as imports: a
// directory or a device is refused at once with exit 2, naming it.
TEST_F(Cli, ConfigurationFilesThatAreNotFilesAreRefused) {
    auto alloc = run({"allocate", "--dry-run", "--config", db.dir});
    EXPECT_EQ(alloc.exitCode, 2) << alloc.err;
    EXPECT_EQ(alloc.err, "reemploi: allocation config: " + db.dir + " is a directory, not a file\n");
    auto zero = runReemploi(db.path, {"allocate", "--dry-run", "--config", "/dev/zero"}, {}, 20);
    EXPECT_EQ(zero.exitCode, 2) << zero.err;
    EXPECT_EQ(zero.err, "reemploi: allocation config: /dev/zero is not a regular file\n");
    auto serve = runReemploi(db.path, {"serve", "--port", "0", "--config", "/dev/zero", "--allow-root"}, {}, 20);
    EXPECT_EQ(serve.exitCode, 2) << serve.err;
    EXPECT_NE(serve.err.find("configuration file: /dev/zero is not a regular file"), std::string::npos) << serve.err;
}

// A printer's test page, an accessory's check, a charger attached to its laptop: exit 0; what is
// refused exits 2 naming the rule, and changes nothing.
TEST_F(Cli, UnitCheckAttachAndDetach) {
    seed();
    ASSERT_EQ(run({"unit", "add", "--donation", "1", "--kind", "printer", "--make", "HP", "--serial", "PR-1"}).exitCode, 0);
    ASSERT_EQ(run({"unit", "add", "--donation", "1", "--kind", "charger", "--make", "Dell", "--serial", "CH-1"}).exitCode, 0);
    auto wrongOption = run({"unit", "check", "RE-000002", "--works", "yes"});
    EXPECT_EQ(wrongOption.exitCode, 2);
    EXPECT_NE(wrongOption.err.find("--test-page"), std::string::npos) << wrongOption.err;
    auto notYesNo = run({"unit", "check", "RE-000002", "--test-page", "maybe"});
    EXPECT_EQ(notYesNo.exitCode, 2);
    EXPECT_NE(notYesNo.err.find("'maybe' is not yes or no"), std::string::npos) << notYesNo.err;
    auto page = run({"unit", "check", "RE-000002", "--test-page", "oui"});
    ASSERT_EQ(page.exitCode, 0) << page.err;
    EXPECT_EQ(page.out, "RE-000002: test page printed: yes → diagnosed\n");
    auto laptopCheck = run({"unit", "check", "RE-000001", "--works", "yes"});
    EXPECT_EQ(laptopCheck.exitCode, 2);
    auto byHand = run({"unit", "set-status", "RE-000003", "diagnosed", "--reason", "ok"});
    EXPECT_EQ(byHand.exitCode, 2);
    EXPECT_NE(byHand.err.find("reemploi unit check RE-000003 --works yes|no"), std::string::npos) << byHand.err;

    auto attached = run({"unit", "attach", "RE-000003", "--to", "RE-000001"});
    ASSERT_EQ(attached.exitCode, 0) << attached.err;
    EXPECT_EQ(attached.out, "RE-000003 (charger) attached to RE-000001\n");
    auto again = run({"unit", "attach", "RE-000003", "--to", "RE-000002"});
    EXPECT_EQ(again.exitCode, 2);
    EXPECT_NE(again.err.find("already attached to RE-000001"), std::string::npos) << again.err;
    EXPECT_EQ(run({"unit", "attach", "RE-000001", "--to", "RE-000002"}).exitCode, 2);
    EXPECT_EQ(run({"unit", "attach", "RE-000003"}).exitCode, 2);
    auto shown = run({"unit", "show", "RE-000001"});
    ASSERT_EQ(shown.exitCode, 0) << shown.err;
    EXPECT_NE(shown.out.find("accessory     RE-000003  charger  Dell  [received]"), std::string::npos) << shown.out;
    auto json = run({"unit", "show", "RE-000003", "--json"});
    EXPECT_NE(json.out.find("\"attached_to\":\"RE-000001\""), std::string::npos) << json.out;
    auto detached = run({"unit", "detach", "RE-000003"});
    ASSERT_EQ(detached.exitCode, 0) << detached.err;
    EXPECT_EQ(detached.out, "RE-000003 detached from RE-000001\n");
    EXPECT_EQ(run({"unit", "detach", "RE-000003"}).exitCode, 2);
    auto verify = run({"audit", "verify"});
    EXPECT_EQ(verify.exitCode, 0) << verify.out << verify.err;
}
