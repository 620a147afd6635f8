// The import limits end to end through the `reemploi` binary: a directory, /dev/zero, a FIFO and
// a file over --max-size exit 2 at once with a message naming the file; 5,000 invalid rows print
// the first 1,000 errors and count the rest, in text and JSON. Each run is bounded by `timeout`
// so that a regression fails the test instead of hanging it or filling the memory.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "app/RunReemploi.hpp"

using namespace reemploi;

namespace {

test::RunResult runBounded(const test::TempDb &db, const std::vector<std::string> &args, int seconds = 20) {
    return test::runReemploi(db.path, args, {}, seconds);
}

std::size_t countLines(const std::string &text, const std::string &prefix) {
    std::size_t n = 0, at = 0;
    while (at < text.size()) {
        std::size_t end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        if (text.compare(at, prefix.size(), prefix) == 0) ++n;
        at = end + 1;
    }
    return n;
}

class ImportLimitsCli : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(runBounded(db, {"init"}).exitCode, 0);
        ASSERT_EQ(runBounded(db, {"donor", "add", "--name", "Acme SA"}).exitCode, 0);
        auto d = runBounded(db, {"donation", "add", "--donor", "1", "--received", "2026-11-20"});
        ASSERT_EQ(d.exitCode, 0) << d.err;
    }
    std::string file(const std::string &name) { return db.dir + "/" + name; }
    std::string write(const std::string &name, const std::string &content) {
        std::ofstream(file(name), std::ios::binary) << content;
        return file(name);
    }
    test::RunResult import(const std::vector<std::string> &extra) {
        std::vector<std::string> args = {"intake", "import", "--donation", "1"};
        args.insert(args.end(), extra.begin(), extra.end());
        return runBounded(db, args);
    }
    test::TempDb db;
};

}  // namespace

TEST_F(ImportLimitsCli, ADirectoryExitsTwoNamingIt) {
    std::filesystem::create_directory(file("liste.csv"));
    auto r = import({file("liste.csv")});
    EXPECT_EQ(r.exitCode, 2) << r.err;
    EXPECT_EQ(r.err, "reemploi: " + file("liste.csv") + " is a directory, not a file\n");
    auto schools = runBounded(db, {"school", "import", file("liste.csv")});
    EXPECT_EQ(schools.exitCode, 2);
    EXPECT_NE(schools.err.find("is a directory, not a file"), std::string::npos) << schools.err;
}

TEST_F(ImportLimitsCli, DevZeroIsRefusedAtOnce) {
    auto started = std::chrono::steady_clock::now();
    auto r = import({"/dev/zero"});
    EXPECT_EQ(r.exitCode, 2) << r.err;
    EXPECT_EQ(r.err, "reemploi: /dev/zero is not a regular file\n");
    auto needs = runBounded(db, {"need", "import", "/dev/zero"});
    EXPECT_EQ(needs.exitCode, 2);
    EXPECT_NE(needs.err.find("/dev/zero is not a regular file"), std::string::npos) << needs.err;
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

TEST_F(ImportLimitsCli, AFifoIsRefusedWithoutWaitingForAWriter) {
    ASSERT_EQ(mkfifo(file("liste.csv").c_str(), 0600), 0);
    auto r = import({file("liste.csv")});
    EXPECT_EQ(r.exitCode, 2) << r.err;
    EXPECT_EQ(r.err, "reemploi: " + file("liste.csv") + " is not a regular file\n");
}

TEST_F(ImportLimitsCli, MaxSizeRefusesALargerFileBeforeReadingIt) {
    std::string csv = "serial;make;kind\n";
    for (int i = 0; csv.size() < 1'500'000; ++i) csv += "SN-" + std::to_string(i) + ";Dell;portable\n";
    auto path = write("liste.csv", csv);
    auto r = import({"--max-size", "1", path});
    EXPECT_EQ(r.exitCode, 2) << r.err;
    EXPECT_EQ(r.err, "reemploi: " + path + " is 1.5 MB, over the 1 MB limit\n");
    auto dry = import({"--max-size", "2", "--dry-run", path});
    EXPECT_EQ(dry.exitCode, 0) << dry.err;
    auto bad = import({"--max-size", "0", path});
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_NE(bad.err.find("--max-size"), std::string::npos) << bad.err;
    auto schools = runBounded(db, {"school", "import", "--max-size", "1", path});
    EXPECT_EQ(schools.exitCode, 2);
    EXPECT_NE(schools.err.find("over the 1 MB limit"), std::string::npos) << schools.err;
}

TEST_F(ImportLimitsCli, FiveThousandInvalidRowsPrintAThousandErrorsAndTheCountOfTheRest) {
    std::string csv = "serial;make;kind;RAM\n";
    for (int i = 0; i < 5000; ++i) csv += "SN-" + std::to_string(i) + ";Dell;portable;huit\n";
    auto path = write("liste.csv", csv);

    auto r = import({path});
    EXPECT_EQ(r.exitCode, 2) << r.err;
    EXPECT_EQ(countLines(r.out, "line "), 1000u);
    EXPECT_NE(r.out.find("line 1001, column D \"RAM\""), std::string::npos);
    EXPECT_EQ(r.out.find("line 1002,"), std::string::npos);
    EXPECT_NE(r.out.find("\n\u2026 and 4,000 more errors\n"), std::string::npos) << r.out.substr(r.out.size() - 300);
    EXPECT_NE(r.out.find("invalid 5000"), std::string::npos);

    auto j = import({"--json", path});
    EXPECT_EQ(j.exitCode, 2);
    Poco::JSON::Parser parser;
    auto o = parser.parse(j.out).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(o->getArray("errors")->size(), 1000u);
    EXPECT_EQ(o->getValue<int>("errors_total"), 5000);
    EXPECT_EQ(o->getValue<int>("invalid"), 5000);

    std::string schools = "uai,name\n";
    for (int i = 0; i < 5000; ++i) schools += "0750655A,School " + std::to_string(i) + "\n";
    auto s = runBounded(db, {"school", "import", write("ecoles.csv", schools)});
    EXPECT_EQ(s.exitCode, 2);
    EXPECT_EQ(countLines(s.err, "reemploi: line "), 1000u);
    EXPECT_NE(s.err.find("reemploi: \u2026 and 4,000 more errors\n"), std::string::npos);
    EXPECT_NE(s.err.find("reemploi: 5000 error(s) in 5000 rows: nothing imported"), std::string::npos);
}
