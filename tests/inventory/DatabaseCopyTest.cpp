// `reemploi db copy --from sqlite:FILE --to postgresql://…` through the binary: every row moves,
// counts and the audit chain are checked, the server's sequences continue after the copied ids
// and tags, and a target that already holds rows is refused.
#include <fstream>

#include <gtest/gtest.h>

#include <reemploi/inventory/Database.hpp>

#include "app/RunReemploi.hpp"
#include "support/TestDatabase.hpp"

using namespace reemploi;

namespace {

class DatabaseCopy : public ::testing::Test {
protected:
    void SetUp() override {
        REEMPLOI_SKIP_OR_FAIL_(testsupport::missingPostgres());
        REEMPLOI_FRESH_DATABASE(testDatabase, url);
    }
    test::RunResult onFile(const std::vector<std::string> &args) { return test::runReemploi(file.path, args); }
    // The binary on the server.
    test::RunResult onServer(const std::vector<std::string> &args) {
        std::string out = file.dir + "/server.out", err = file.dir + "/server.err";
        std::string cmd = "REEMPLOI_ACTOR=tester " + test::shellQuote(REEMPLOI_BINARY) + " --db " + test::shellQuote(url);
        for (const auto &a : args) cmd += " " + test::shellQuote(a);
        int status = std::system((cmd + " </dev/null >" + test::shellQuote(out) + " 2>" + test::shellQuote(err)).c_str());
        test::RunResult r;
        r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        auto read = [](const std::string &path) {
            std::ifstream in(path, std::ios::binary);
            return std::string(std::istreambuf_iterator<char>(in), {});
        };
        r.out = read(out);
        r.err = read(err);
        return r;
    }

    testsupport::TestDatabase testDatabase{true};
    test::TempDb file;
    std::string url;
};

}  // namespace

TEST_F(DatabaseCopy, AWorkshopsFileMovesOntoTheServerVerified) {
    ASSERT_EQ(onFile({"init"}).exitCode, 0);
    ASSERT_EQ(onFile({"donor", "add", "--name", "Acme"}).exitCode, 0);
    ASSERT_EQ(onFile({"donation", "add", "--donor", "1", "--received", "2026-11-20", "--site", "Lyon"}).exitCode, 0);
    for (const char *serial : {"A1", "A2", "A3"})
        ASSERT_EQ(onFile({"unit", "add", "--donation", "1", "--kind", "laptop", "--serial", serial, "--storage", "ssd:256G",
                          "--screen-inches", "15.6"})
                      .exitCode,
                  0);
    ASSERT_EQ(onFile({"unit", "set-status", "RE-000002", "diagnosed", "--reason", "checked"}).exitCode, 0);

    auto copied = test::runReemploi(file.path + ".x", {"db", "copy", "--from", "sqlite:" + file.path, "--to", url});
    ASSERT_EQ(copied.exitCode, 0) << copied.err;
    EXPECT_NE(copied.out.find("units: 3 rows copied, 3 in the target\n"), std::string::npos) << copied.out;
    EXPECT_NE(copied.out.find("storage_media: 3 rows copied, 3 in the target\n"), std::string::npos) << copied.out;
    EXPECT_NE(copied.out.find("events: 6 rows copied, 6 in the target\n"), std::string::npos) << copied.out;
    EXPECT_NE(copied.out.find("audit chain intact on the target: 6 events verified"), std::string::npos) << copied.out;

    // The same units on the server, and the next ones continue the tags and ids.
    auto shown = onServer({"unit", "show", "RE-000002"});
    ASSERT_EQ(shown.exitCode, 0) << shown.err;
    EXPECT_NE(shown.out.find("diagnosed"), std::string::npos) << shown.out;
    EXPECT_NE(shown.out.find("15.6"), std::string::npos) << shown.out;
    auto next = onServer({"unit", "add", "--donation", "1", "--kind", "tablet", "--serial", "T1", "--storage", "emmc:64G"});
    ASSERT_EQ(next.exitCode, 0) << next.err;
    EXPECT_NE(next.out.find("RE-000004"), std::string::npos) << next.out;
    ASSERT_EQ(onServer({"donor", "add", "--name", "Ville"}).exitCode, 0);
    auto verified = onServer({"audit", "verify"});
    EXPECT_EQ(verified.exitCode, 0) << verified.out << verified.err;

    // A target that holds rows is refused, and keeps them.
    auto again = test::runReemploi(file.path + ".x", {"db", "copy", "--from", "sqlite:" + file.path, "--to", url});
    EXPECT_EQ(again.exitCode, 2);
    EXPECT_NE(again.err.find("already holds rows"), std::string::npos) << again.err;
    EXPECT_NE(onServer({"unit", "show", "RE-000004"}).exitCode, 2);

    // And back to a file: its counter continues after the server's sequence.
    auto back = file.dir + "/back.db";
    auto returned = test::runReemploi(file.path + ".x", {"db", "copy", "--from", url, "--to", back});
    ASSERT_EQ(returned.exitCode, 0) << returned.err;
    auto after = test::runReemploi(back, {"unit", "add", "--donation", "1", "--kind", "monitor", "--serial", "M1"});
    ASSERT_EQ(after.exitCode, 0) << after.err;
    EXPECT_NE(after.out.find("RE-000005"), std::string::npos) << after.out;
    EXPECT_EQ(test::runReemploi(back, {"audit", "verify"}).exitCode, 0);
}

TEST_F(DatabaseCopy, AMissingSourceFileIsRefusedAndNotCreated) {
    auto missing = file.dir + "/nothing.db";
    auto r = test::runReemploi(file.path, {"db", "copy", "--from", "sqlite:" + missing, "--to", url});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("no database file " + missing), std::string::npos) << r.err;
    EXPECT_FALSE(std::ifstream(missing).good());
}
