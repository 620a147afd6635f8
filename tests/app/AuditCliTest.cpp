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
