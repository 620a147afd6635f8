// What SQLite never had to face, against a real PostgreSQL server (REEMPLOI_TEST_PG): processes
// of the `reemploi` binary registering units at the same moment get distinct tags and leave one
// unbroken audit chain; coordinators confirming allocations at once never give a unit twice.
#include <fstream>
#include <future>
#include <latch>
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Units.hpp>

#include "app/RunReemploi.hpp"
#include "support/TestDatabase.hpp"

using namespace reemploi;
using namespace reemploi::inventory;

namespace {

class PostgresConcurrency : public ::testing::Test {
protected:
    void SetUp() override {
        REEMPLOI_SKIP_OR_FAIL_(testsupport::missingPostgres());
        REEMPLOI_FRESH_DATABASE(testDatabase, url);
        auto opened = Database::open(url);
        ASSERT_TRUE(opened) << opened.error().message;
        db = std::move(opened.value());
        ASSERT_EQ(run({"init"}).exitCode, 0);
        ASSERT_EQ(run({"donor", "add", "--name", "Acme"}).exitCode, 0);
        ASSERT_EQ(run({"donation", "add", "--donor", "1", "--received", "2026-11-20", "--site", "Lyon"}).exitCode, 0);
    }

    // The binary on the test's database; `name` keeps the outputs of parallel runs apart.
    test::RunResult run(const std::vector<std::string> &args, const std::string &name = "run") {
        std::string out = dir.dir + "/" + name + ".out", err = dir.dir + "/" + name + ".err";
        std::string cmd = "REEMPLOI_ACTOR=tester " + test::shellQuote(REEMPLOI_BINARY) + " --db " + test::shellQuote(url);
        for (const auto &a : args) cmd += " " + test::shellQuote(a);
        cmd += " </dev/null >" + test::shellQuote(out) + " 2>" + test::shellQuote(err);
        int status = std::system(cmd.c_str());
        test::RunResult r;
        r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        r.out = read(out);
        r.err = read(err);
        return r;
    }
    static std::string read(const std::string &path) {
        std::ifstream in(path, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    std::string file(const std::string &name, const std::string &content) {
        std::string path = dir.dir + "/" + name;
        std::ofstream(path, std::ios::binary) << content;
        return path;
    }
    std::int64_t scalar(const std::string &sql) {
        auto st = db->prepare(sql);
        return st->step() ? st->getInt(0) : -1;
    }

    // Runs `job(i)` for i in [0, n) on n threads released together.
    template <class Job>
    auto atOnce(int n, Job job) {
        std::latch start(n);
        std::vector<std::future<test::RunResult>> runs;
        for (int i = 0; i < n; ++i)
            runs.push_back(std::async(std::launch::async, [&, i] {
                start.arrive_and_wait();
                return job(i);
            }));
        std::vector<test::RunResult> results;
        for (auto &r : runs) results.push_back(r.get());
        return results;
    }

    testsupport::TestDatabase testDatabase{true};  // PostgreSQL only: before db, dropped after it
    test::TempDb dir;
    std::string url;
    std::unique_ptr<Database> db;
};

}  // namespace

// Eight benches import a list of 1,000 units each at the same moment.
TEST_F(PostgresConcurrency, EightProcessesRegisteringAThousandUnitsEachGetDistinctTagsAndOneChain) {
    constexpr int kProcesses = 8, kUnits = 1000;
    std::vector<std::string> lists;
    for (int p = 0; p < kProcesses; ++p) {
        std::string csv = "serial;make;model;type\n";
        for (int u = 0; u < kUnits; ++u) csv += "P" + std::to_string(p) + "-" + std::to_string(u) + ";Dell;Latitude 5490;portable\n";
        lists.push_back(file("list" + std::to_string(p) + ".csv", csv));
    }
    auto results = atOnce(kProcesses, [&](int p) {
        return run({"intake", "import", "--donation", "1", lists[static_cast<std::size_t>(p)]}, "import" + std::to_string(p));
    });
    for (const auto &r : results) EXPECT_EQ(r.exitCode, 0) << r.err;

    EXPECT_EQ(scalar("SELECT count(*) FROM units"), kProcesses * kUnits);
    EXPECT_EQ(scalar("SELECT count(DISTINCT tag) FROM units"), kProcesses * kUnits);
    EXPECT_EQ(scalar("SELECT count(*) FROM events WHERE action = 'unit_created'"), kProcesses * kUnits);
    // Each import's tags are one consecutive block.
    for (int p = 0; p < kProcesses; ++p) {
        std::string like = "'P" + std::to_string(p) + "-%'";
        auto low = scalar("SELECT min(id) FROM units WHERE serial LIKE " + like);
        auto high = scalar("SELECT max(id) FROM units WHERE serial LIKE " + like);
        EXPECT_EQ(high - low, kUnits - 1) << "import " << p;
    }
    auto verified = run({"audit", "verify"});
    EXPECT_EQ(verified.exitCode, 0) << verified.out << verified.err;
    auto chain = verifyChain(*db);
    ASSERT_TRUE(chain) << chain.error().message;
    EXPECT_FALSE(chain->firstBrokenId);
}

// Eight connections of one process registering units one by one, interleaved as closely as the
// server allows: every registration is its own transaction.
TEST_F(PostgresConcurrency, EightConnectionsRegisteringOneUnitAtATimeGetDistinctTags) {
    constexpr int kThreads = 8, kUnits = 60;
    std::latch start(kThreads);
    std::vector<std::future<std::vector<std::string>>> runs;
    for (int t = 0; t < kThreads; ++t)
        runs.push_back(std::async(std::launch::async, [&, t] {
            std::vector<std::string> tags;
            auto conn = Database::open(url);
            start.arrive_and_wait();
            if (!conn) return tags;
            for (int u = 0; u < kUnits; ++u) {
                NewUnit unit;
                unit.donationId = 1;
                unit.kind = UnitKind::Laptop;
                unit.make = "HP";
                unit.serial = "T" + std::to_string(t) + "-" + std::to_string(u);
                unit.storage.push_back({MediumType::Ssd, "", "", 256'000'000'000});
                auto added = addUnit(**conn, unit, Actor{"bench-" + std::to_string(t)});
                EXPECT_TRUE(added) << added.error().message;
                if (added) tags.push_back(added->tag);
            }
            return tags;
        }));
    std::set<std::string> all;
    for (auto &r : runs)
        for (auto &tag : r.get()) EXPECT_TRUE(all.insert(tag).second) << tag << " given twice";
    EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kUnits));
    EXPECT_EQ(scalar("SELECT count(*) FROM storage_media"), kThreads * kUnits);
    auto chain = verifyChain(*db);
    ASSERT_TRUE(chain) << chain.error().message;
    EXPECT_FALSE(chain->firstBrokenId);
}

// Four coordinators confirm the same proposal at the same moment: one confirmation allocates its
// units, the others are refused (the proposal is no longer proposed) and allocate nothing.
TEST_F(PostgresConcurrency, FourConfirmationsOverTheSameUnitsNeverAllocateAUnitTwice) {
    constexpr int kUnits = 16, kCoordinators = 4, kRounds = 3;
    auto schools = run({"school", "import", file("ecoles.csv", "UAI;Nom;Commune;QPV\n0750655E;Jean Jaurès;Paris;non\n")});
    ASSERT_EQ(schools.exitCode, 0) << schools.err;
    std::string needs = "famille,uai,niveaux,équipements,préférence\n";
    for (int n = 0; n < kUnits + 4; ++n) needs += "F-" + std::to_string(n) + ",0750655E,CM2," + std::to_string(n % 2) + ",portable\n";
    auto imported = run({"need", "import", file("besoins.csv", needs)});
    ASSERT_EQ(imported.exitCode, 0) << imported.err;
    for (int u = 1; u <= kUnits; ++u) {
        std::string tag = formatTag(u);
        auto added = run({"unit", "add", "--donation", "1", "--grade", "B", "--kind", "laptop", "--serial",
                          "L" + std::to_string(u), "--ram-mib", "8192", "--keyboard", "fr-azerty"});
        ASSERT_EQ(added.exitCode, 0) << added.err;
        ASSERT_EQ(run({"unit", "declare-storage", tag, "--absent", "--reason", "test unit"}).exitCode, 0);
        ASSERT_EQ(run({"unit", "set-status", tag, "diagnosed", "--reason", "checked"}).exitCode, 0);
        auto ready = run({"unit", "set-status", tag, "ready", "--reason", "checked"});
        ASSERT_EQ(ready.exitCode, 0) << ready.err;
    }

    for (int round = 0; round < kRounds; ++round) {
        if (round > 0) {  // give the stock back: cancel every allocation
            for (int u = 1; u <= kUnits; ++u) ASSERT_EQ(run({"allocate", "cancel", formatTag(u)}).exitCode, 0);
        }
        auto proposed = run({"--actor", "coord-0", "allocate"});
        ASSERT_EQ(proposed.exitCode, 0) << proposed.err;
        auto results = atOnce(kCoordinators, [&](int c) {
            return run({"--actor", "coord-" + std::to_string(c), "allocate", "confirm"},
                       "c" + std::to_string(round) + "-" + std::to_string(c));
        });
        int confirmed = 0;
        for (const auto &r : results) {
            EXPECT_TRUE(r.exitCode == 0 || r.exitCode == 2) << r.exitCode << ": " << r.err;
            confirmed += r.exitCode == 0;
        }
        EXPECT_EQ(confirmed, 1) << "round " << round;
        EXPECT_EQ(scalar("SELECT count(*) FROM units WHERE status = 'allocated'"), kUnits) << "round " << round;
        EXPECT_EQ(scalar("SELECT count(*) FROM needs WHERE status = 'served'"), kUnits) << "round " << round;
        EXPECT_EQ(scalar("SELECT count(DISTINCT unit_id) FROM needs WHERE status = 'served'"), kUnits);
    }
    // Never two allocations of a unit without a cancellation between them.
    auto events = db->prepare("SELECT entity_id, payload FROM events WHERE action = 'status_changed' ORDER BY id");
    std::map<std::string, bool> allocated;
    while (events->step()) {
        auto tag = events->getText(0), payload = events->getText(1);
        if (payload.find(R"("to":"allocated")") != std::string::npos) {
            EXPECT_FALSE(allocated[tag]) << tag << " allocated twice";
            allocated[tag] = true;
        } else if (payload.find(R"("from":"allocated")") != std::string::npos) {
            allocated[tag] = false;
        }
    }
    auto verified = run({"audit", "verify"});
    EXPECT_EQ(verified.exitCode, 0) << verified.out << verified.err;
}
