// End-to-end: the audit commands of the real binary (head, verify with anchors and an export,
// export), and the README's independent check of the chain run with python3 on a real database.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <sqlite3.h>

#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Database.hpp>

#include "app/RunReemploi.hpp"
#include "support/Tools.hpp"

using namespace reemploi::test;

namespace {

class AuditCli : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_EQ(run({"init"}).exitCode, 0); }
    RunResult run(const std::vector<std::string> &args) { return runReemploi(db.path, args); }

    void seed() {
        ASSERT_EQ(run({"donor", "add", "--name", "Acme SA", "--kind", "company"}).exitCode, 0);
        ASSERT_EQ(run({"donation", "add", "--donor", "1", "--received", "2026-11-20"}).exitCode, 0);
        for (const char *serial : {"ABC1", "ABC2", "ABC3"})
            ASSERT_EQ(run({"unit", "add", "--donation", "1", "--kind", "monitor", "--serial", serial, "--grade", "B"}).exitCode, 0);
    }
    // Runs SQL on the database behind the program's back, as an insider would.
    void sql(const std::string &statement) {
        sqlite3 *h = nullptr;
        ASSERT_EQ(sqlite3_open(db.path.c_str(), &h), SQLITE_OK);
        char *error = nullptr;
        EXPECT_EQ(sqlite3_exec(h, statement.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
        sqlite3_free(error);
        sqlite3_close(h);
    }
    // "ID:HASH" of the chain's head, as `audit head` prints it.
    std::string head() {
        auto r = run({"audit", "head"});
        EXPECT_EQ(r.exitCode, 0) << r.err;
        return r.out.substr(0, r.out.find(' '));
    }

    TempDb db;
};

}  // namespace

TEST_F(AuditCli, HeadPrintsTheLastEvent) {
    seed();
    auto text = run({"audit", "head"});
    ASSERT_EQ(text.exitCode, 0);
    EXPECT_EQ(text.out.rfind("5:", 0), 0u) << text.out;  // donor, donation, 3 units
    auto json = run({"--json", "audit", "head"});
    EXPECT_NE(json.out.find("\"id\":5"), std::string::npos) << json.out;
    EXPECT_NE(json.out.find("\"hash\":\"" + head().substr(2) + "\""), std::string::npos);
}

TEST_F(AuditCli, VerifyReplaysAndNamesAStatusChangedInTheTable) {
    seed();
    ASSERT_EQ(run({"unit", "set-status", "RE-000002", "diagnosed", "--reason", "ok"}).exitCode, 0);
    ASSERT_EQ(run({"unit", "set-status", "RE-000002", "ready", "--reason", "ok"}).exitCode, 0);
    auto ok = run({"audit", "verify"});
    EXPECT_EQ(ok.exitCode, 0) << ok.out;
    sql("UPDATE units SET status = 'delivered' WHERE tag = 'RE-000002'");
    auto bad = run({"audit", "verify"});
    EXPECT_EQ(bad.exitCode, 1);
    EXPECT_NE(bad.out.find("RE-000002: status is delivered, events say ready (last event 7)"), std::string::npos) << bad.out;
}

TEST_F(AuditCli, AnAnchorCatchesTheLastEventsDeleted) {
    seed();
    std::string anchor = head();
    sql("DELETE FROM units WHERE tag = 'RE-000003'; DELETE FROM events WHERE id = 5");
    EXPECT_EQ(run({"audit", "verify"}).exitCode, 0) << "the shorter chain is intact by itself";
    auto caught = run({"audit", "verify", "--anchor", anchor});
    EXPECT_EQ(caught.exitCode, 1);
    EXPECT_NE(caught.out.find("the chain ends at event 4: events were removed from its end"), std::string::npos)
        << caught.out;
    std::ofstream(db.dir + "/anchors.txt") << "# from the certificate of RE-000001\n" << anchor << "\n";
    EXPECT_EQ(run({"audit", "verify", "--anchors", db.dir + "/anchors.txt"}).exitCode, 1);
    auto malformed = run({"audit", "verify", "--anchor", "5:nothex"});
    EXPECT_EQ(malformed.exitCode, 2);
    EXPECT_NE(malformed.err.find("--anchor"), std::string::npos) << malformed.err;
}

TEST_F(AuditCli, AnExportKeptElsewhereCatchesARewrite) {
    seed();
    auto exported = run({"audit", "export"});
    ASSERT_EQ(exported.exitCode, 0);
    std::ofstream(db.dir + "/copy.jsonl") << exported.out;
    EXPECT_EQ(std::count(exported.out.begin(), exported.out.end(), '\n'), 5);
    EXPECT_EQ(run({"audit", "verify", "--against", db.dir + "/copy.jsonl"}).exitCode, 0);
    auto since = run({"audit", "export", "--since", "3"});
    EXPECT_EQ(std::count(since.out.begin(), since.out.end(), '\n'), 2);
    EXPECT_EQ(since.out.rfind("{\"action\":\"unit_created\"", 0), 0u) << since.out;
    // The insider rewrites the actor of event 2 and every hash after it: the chain verifies, the
    // copy held elsewhere does not agree.
    sql("UPDATE events SET actor = 'someone-else' WHERE id = 2");
    {
        auto opened = reemploi::inventory::Database::open(db.path);
        ASSERT_TRUE(opened);
        auto &h = **opened;
        std::string prev(64, '0');
        auto events = reemploi::inventory::listEvents(h);
        ASSERT_TRUE(events);
        for (auto e : *events) {
            e.prevHash = prev;
            e.hash = reemploi::inventory::eventHash(e);
            auto st = h.prepare("UPDATE events SET prev_hash = ?, hash = ? WHERE id = ?");
            st->bind(1, e.prevHash).bind(2, e.hash).bind(3, e.id);
            st->step();
            prev = e.hash;
        }
    }
    EXPECT_EQ(run({"audit", "verify"}).exitCode, 0) << "a whole rewrite is consistent by itself";
    auto caught = run({"audit", "verify", "--against", db.dir + "/copy.jsonl"});
    EXPECT_EQ(caught.exitCode, 1);
    EXPECT_NE(caught.out.find("event 2 has hash"), std::string::npos) << caught.out;
    std::ofstream(db.dir + "/bad.jsonl") << "{\"id\":1}\n";
    auto bad = run({"audit", "verify", "--against", db.dir + "/bad.jsonl"});
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_NE(bad.err.find("line 1"), std::string::npos) << bad.err;
}

namespace {

// The README's independent check, as printed there, pointed at `dbPath`.
std::string readmeCheck(const std::string &dbPath) {
    std::ifstream in(std::string(REEMPLOI_SOURCE_DIR) + "/README.md");
    std::stringstream all;
    all << in.rdbuf();
    std::string text = all.str();
    auto start = text.find("```python\nimport sqlite3, hashlib, json");
    EXPECT_NE(start, std::string::npos) << "the README's Python check is gone";
    if (start == std::string::npos) return {};
    start = text.find('\n', start) + 1;
    std::string code = text.substr(start, text.find("```", start) - start);
    auto at = code.find("\"var/reemploi.db\"");
    EXPECT_NE(at, std::string::npos);
    if (at != std::string::npos) code.replace(at, std::string("\"var/reemploi.db\"").size(), "\"" + dbPath + "\"");
    return code;
}

}  // namespace

TEST_F(AuditCli, TheReadmesPythonCheckAgreesOnARealDatabase) {
    REQUIRE_TOOL("python3", "python3");
    seed();
    ASSERT_EQ(run({"unit", "set-status", "RE-000001", "diagnosed", "--reason", "ok"}).exitCode, 0);
    std::string script = db.dir + "/check.py";
    std::ofstream(script) << readmeCheck(db.path);
    auto python = [&]() {
        RunResult r;
        std::string cmd = "python3 " + shellQuote(script) + " 2>&1";
        FILE *p = popen(cmd.c_str(), "r");
        char buf[4096];
        while (std::size_t n = fread(buf, 1, sizeof buf, p)) r.out.append(buf, n);
        int status = pclose(p);
        r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return r;
    };
    auto intact = python();
    EXPECT_EQ(intact.exitCode, 0) << intact.out;
    EXPECT_EQ(intact.out, "chain intact, 0 redacted\n");
    sql("UPDATE events SET payload = replace(payload, 'ABC2', 'XYZ2') WHERE id = 4");
    auto edited = python();
    EXPECT_NE(edited.exitCode, 0);
    EXPECT_NE(edited.out.find("event 4: payload changed"), std::string::npos) << edited.out;
    // Our own verify agrees.
    auto ours = run({"audit", "verify"});
    EXPECT_EQ(ours.exitCode, 1);
    EXPECT_NE(ours.out.find("BROKEN at event 4"), std::string::npos) << ours.out;
}
