// End to end through the real `reemploi` binary: a programme with its rules allocated with
// --programme, loans, kits, sites and their pick-up lists (CSV with a BOM and ';', PDF), and bad
// input (bad IMEI, unknown programme, bad date) refused with exit code 2, naming the field,
// nothing changed.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "app/RunReemploi.hpp"
#include "support/Tools.hpp"

namespace reemploi::test {
namespace {

class ProgrammesCli : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(run({"init"}).exitCode, 0);
        ASSERT_EQ(run({"donor", "add", "--name", "Acme"}).exitCode, 0);
        ASSERT_EQ(run({"donation", "add", "--donor", "1", "--received", "2026-11-20"}).exitCode, 0);
        auto schools = run({"school", "import", file("ecoles.csv", "UAI;Nom;Commune\n0750655E;Jean Jaurès;Paris\n")});
        ASSERT_EQ(schools.exitCode, 0) << schools.err;
    }

    RunResult run(const std::vector<std::string> &args) { return runReemploi(db.path, args); }

    std::string file(const std::string &name, const std::string &content) {
        std::string path = db.dir + "/" + name;
        std::ofstream(path, std::ios::binary) << content;
        return path;
    }

    std::string read(const std::string &path) {
        std::ifstream in(path, std::ios::binary);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

    void readyUnit(const std::vector<std::string> &spec, const std::string &tag) {
        std::vector<std::string> args = {"unit", "add", "--donation", "1", "--grade", "B"};
        args.insert(args.end(), spec.begin(), spec.end());
        auto added = run(args);
        ASSERT_EQ(added.exitCode, 0) << added.err;
        ASSERT_EQ(run({"unit", "declare-storage", tag, "--absent", "--reason", "test unit, no storage"}).exitCode, 0);
        ASSERT_EQ(run({"unit", "set-status", tag, "diagnosed", "--reason", "checked"}).exitCode, 0);
        auto ready = run({"unit", "set-status", tag, "ready", "--reason", "checked"});
        ASSERT_EQ(ready.exitCode, 0) << ready.err;
    }

    TempDb db;
};

TEST_F(ProgrammesCli, AProgrammeAllocatesWithItsOwnRules) {
    auto added = run({"programme", "add", "BTS", "--levels", "post-bac", "--from", "2026-09-01", "--to", "2027-06-30",
                      "--rules", file("bts.conf", "kinds = laptop\nmin_laptop_ram_mib = 4096\n")});
    ASSERT_EQ(added.exitCode, 0) << added.err;
    EXPECT_EQ(added.out, "programme BTS saved (post-bac, given)\n");
    readyUnit({"--kind", "tablet", "--make", "Samsung", "--serial", "T1", "--ram-mib", "4096"}, "RE-000001");
    readyUnit({"--kind", "laptop", "--make", "Dell", "--serial", "L1", "--ram-mib", "8192", "--keyboard", "fr-azerty"},
              "RE-000002");
    auto needs = run({"need", "import", "--programme", "BTS",
                      file("etudiants.csv", "uai;famille;niveaux;équipements\n0750655E;E-1;;0\n0750655E;E-2;;0\n")});
    ASSERT_EQ(needs.exitCode, 0) << needs.err;
    auto proposal = run({"allocate", "--programme", "BTS"});
    ASSERT_EQ(proposal.exitCode, 0) << proposal.err;
    EXPECT_NE(proposal.out.find("RE-000002 -> 0750655E/E-1"), std::string::npos) << proposal.out;
    EXPECT_NE(proposal.out.find("RE-000001  tablet: this programme hands out only laptop"), std::string::npos) << proposal.out;
    // The default programme has no proposal; the BTS one is confirmed by name.
    EXPECT_EQ(run({"allocate", "confirm"}).exitCode, 2);
    auto confirmed = run({"allocate", "confirm", "--programme", "BTS"});
    ASSERT_EQ(confirmed.exitCode, 0) << confirmed.err;
    EXPECT_EQ(confirmed.out.rfind("Proposal 1 confirmed: 1 units allocated\n", 0), 0u) << confirmed.out;
}

TEST_F(ProgrammesCli, BadInputNamesTheFieldExitsWith2AndChangesNothing) {
    auto imei = run({"kit", "add", "--kind", "4g-key", "--imei", "490154203237519"});
    EXPECT_EQ(imei.exitCode, 2);
    EXPECT_EQ(imei.err, "reemploi: imei: '490154203237519' fails its check digit (Luhn)\n");
    EXPECT_EQ(run({"kit", "list"}).out, "");
    auto programme = run({"allocate", "--programme", "Nope"});
    EXPECT_EQ(programme.exitCode, 2);
    EXPECT_EQ(programme.err, "reemploi: programme: no programme named 'Nope' (known: default)\n");
    auto date = run({"programme", "add", "X", "--levels", "adults", "--to", "2027-02-30"});
    EXPECT_EQ(date.exitCode, 2);
    EXPECT_EQ(date.err.rfind("reemploi: to: '2027-02-30' is not a date YYYY-MM-DD", 0), 0u) << date.err;
    EXPECT_EQ(run({"programme", "list"}).out, "default  cp-cm2  given\n");
    auto plan = run({"kit", "add", "--kind", "4g-key", "--imei", "490154203237518", "--plan-end", "soon"});
    EXPECT_EQ(plan.exitCode, 2);
    EXPECT_EQ(plan.err.rfind("reemploi: plan_end: 'soon' is not a date", 0), 0u) << plan.err;
    auto due = run({"loan", "out", "RE-000001", "--need", "0750655E/F-1", "--due", "31/12/2026"});
    EXPECT_EQ(due.exitCode, 2);
    EXPECT_EQ(due.err.rfind("reemploi: due: '31/12/2026' is not a date", 0), 0u) << due.err;
    EXPECT_EQ(run({"loan", "list", "--all"}).out, "");
}

TEST_F(ProgrammesCli, LoansThroughTheCommandLine) {
    ASSERT_EQ(run({"programme", "add", "Prêt", "--levels", "cp-cm2", "--lent"}).exitCode, 0);
    readyUnit({"--kind", "tablet", "--make", "Samsung", "--serial", "T1"}, "RE-000001");
    ASSERT_EQ(run({"need", "import", "--programme", "Prêt",
                   file("prets.csv", "uai;famille;niveaux;équipements\n0750655E;F-1;CP;0\n")})
                  .exitCode,
              0);
    auto out = run({"loan", "out", "RE-000001", "--need", "0750655E/F-1", "--due", "2099-06-30"});
    ASSERT_EQ(out.exitCode, 0) << out.err;
    EXPECT_EQ(out.out, "RE-000001 lent (0750655E/F-1, due 2099-06-30)\n");
    EXPECT_EQ(run({"loan", "list"}).out, "RE-000001  0750655E/F-1  due 2099-06-30\n");
    auto overdue = run({"loan", "list", "--overdue", "--on", "2099-07-01"});
    EXPECT_EQ(overdue.out, "RE-000001  0750655E/F-1  due 2099-06-30  overdue by 1 day(s)\n");
    ASSERT_EQ(run({"loan", "extend", "RE-000001", "--due", "2099-09-30"}).exitCode, 0);
    auto back = run({"loan", "return", "RE-000001"});
    ASSERT_EQ(back.exitCode, 0) << back.err;
    auto shown = run({"unit", "show", "RE-000001", "--json"});
    EXPECT_NE(shown.out.find("\"status\":\"returned\""), std::string::npos) << shown.out;
}

TEST_F(ProgrammesCli, ASitesPickUpListAsCsvAndPdf) {
    auto sites = run({"site", "import", file("sites.csv", "code;nom;adresse;horaires\nM19;Mairie du 19e;5 place Armand Carrel;mardi 16h-18h\n")});
    ASSERT_EQ(sites.exitCode, 0) << sites.err;
    ASSERT_EQ(run({"structure", "set-site", "0750655E", "M19"}).exitCode, 0);
    readyUnit({"--kind", "laptop", "--make", "Dell", "--model", "Latitude 5490", "--serial", "L1", "--keyboard", "fr-azerty"},
              "RE-000001");
    ASSERT_EQ(run({"kit", "add", "--kind", "4g-key", "--imei", "490154203237518", "--operator", "Orange"}).exitCode, 0);
    ASSERT_EQ(run({"need", "import", file("b.csv", "uai;famille;niveaux;équipements;connexion\n0750655E;F-1;CM2;0;aucune\n")})
                  .exitCode,
              0);
    auto proposal = run({"allocate"});
    ASSERT_EQ(proposal.exitCode, 0);
    EXPECT_NE(proposal.out.find("K-000001 -> 0750655E/F-1  no internet at home: a 4g-key with RE-000001"), std::string::npos)
        << proposal.out;
    ASSERT_EQ(run({"allocate", "confirm"}).exitCode, 0);
    std::string csv = db.dir + "/m19.csv";
    auto r = run({"site", "pickup-list", "M19", "--format", "csv", "-o", csv});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(read(csv), "\xEF\xBB\xBFtag;kind;model;need;with\r\n"
                         "RE-000001;laptop;Dell Latitude 5490;0750655E/F-1;\r\n"
                         "K-000001;4g-key;Orange;0750655E/F-1;\r\n");
    std::string pdf = db.dir + "/m19.pdf";
    ASSERT_EQ(run({"site", "pickup-list", "M19", "--format", "pdf", "-o", pdf}).exitCode, 0);
    auto bytes = read(pdf);
    EXPECT_EQ(bytes.rfind("%PDF-", 0), 0u);
    EXPECT_EQ(run({"site", "pickup-list", "M19", "--format", "docx", "-o", pdf}).exitCode, 2);
    auto handed = run({"site", "handover", "M19", "RE-000001"});
    ASSERT_EQ(handed.exitCode, 0) << handed.err;
    EXPECT_EQ(handed.out, "RE-000001 handed over to 0750655E/F-1 at M19\n");
    REQUIRE_TOOL("pdftotext", "poppler-utils");
    auto text = testsupport::run("pdftotext '" + pdf + "' - 2>&1");
    EXPECT_NE(text.find("RE-000001"), std::string::npos) << text;
    EXPECT_NE(text.find("K-000001"), std::string::npos) << text;
    EXPECT_NE(text.find("0750655E/F-1"), std::string::npos) << text;
    EXPECT_NE(text.find("Mairie du 19e"), std::string::npos) << text;
}

}  // namespace
}  // namespace reemploi::test
