// DatabasePool: threads lease connections to one database; concurrent writers serialise on the
// audit chain and never break it.
#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/DatabasePool.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Migrations.hpp>
#include <reemploi/inventory/Units.hpp>

#include "app/RunReemploi.hpp"

using namespace reemploi;
using namespace reemploi::inventory;
using namespace std::chrono_literals;

namespace {

std::int64_t count(Database &db, const std::string &sql) {
    auto st = db.prepare(sql);
    return st->step() ? st->getInt(0) : -1;
}

const Actor kActor{"trainee-1"};

// kThreads threads each make kPerThread writes, half unit registrations and half events, each on
// a connection leased for that one write (as the HTTP server leases one per request).
constexpr int kThreads = 8;
constexpr int kPerThread = 200;

void concurrentWriters(DatabasePool &pool) {
    std::int64_t donation = 0;
    std::int64_t eventsBefore = 0;
    {
        auto lease = pool.acquire();
        ASSERT_TRUE(lease) << lease.error().message;
        Database &db = **lease;
        auto migrated = migrate(db);
        ASSERT_TRUE(migrated) << migrated.error().message;
        auto donor = addDonor(db, {"Acme SA", DonorKind::Company, ""}, kActor);
        ASSERT_TRUE(donor) << donor.error().message;
        auto added = addDonation(db, {donor->id, "2026-11-20", "Lyon", ""}, kActor);
        ASSERT_TRUE(added) << added.error().message;
        donation = added->id;
        eventsBefore = count(db, "SELECT COUNT(*) FROM events");
    }

    std::atomic<int> failures{0};
    std::string firstFailure;
    std::mutex failureMutex;
    auto fail = [&](const std::string &message) {
        std::lock_guard lock(failureMutex);
        if (failures++ == 0) firstFailure = message;
    };
    std::promise<void> go;
    std::shared_future<void> start = go.get_future().share();
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            start.wait();
            for (int i = 0; i < kPerThread; ++i) {
                auto lease = pool.acquire();
                if (!lease) {
                    fail(lease.error().message);
                    continue;
                }
                if (i % 2 == 0) {
                    NewUnit u;
                    u.donationId = donation;
                    u.kind = UnitKind::Laptop;
                    u.make = "Dell";
                    u.serial = "T" + std::to_string(t) + "-" + std::to_string(i);
                    auto unit = addUnit(**lease, u, kActor);
                    if (!unit) fail(unit.error().message);
                } else {
                    auto event = recordEvent(**lease, Actor{"thread-" + std::to_string(t)},
                                             {"unit", "RE-000001", "label_printed", "{\"n\":" + std::to_string(i) + "}"});
                    if (!event) fail(event.error().message);
                }
            }
        });
    }
    go.set_value();
    for (auto &thread : threads) thread.join();
    ASSERT_EQ(failures.load(), 0) << firstFailure;

    auto lease = pool.acquire();
    ASSERT_TRUE(lease) << lease.error().message;
    Database &db = **lease;
    auto chain = verifyChain(db);
    ASSERT_TRUE(chain) << chain.error().message;
    EXPECT_FALSE(chain->firstBrokenId) << "event " << *chain->firstBrokenId << ": " << chain->problem;
    EXPECT_EQ(chain->checked, eventsBefore + kThreads * kPerThread);
    EXPECT_EQ(count(db, "SELECT COUNT(*) FROM units"), kThreads * kPerThread / 2);
    EXPECT_EQ(count(db, "SELECT COUNT(DISTINCT tag) FROM units"), kThreads * kPerThread / 2);
    EXPECT_EQ(count(db, "SELECT COUNT(*) FROM events WHERE action = 'unit_created'"), kThreads * kPerThread / 2);
    EXPECT_LE(pool.openConnections(), pool.capacity());
}

}  // namespace

TEST(DatabasePool, ThreadsWritingToAFileSerialiseOnTheAuditChain) {
    reemploi::test::TempDb dir;
    auto pool = DatabasePool::open(dir.path);
    ASSERT_TRUE(pool) << pool.error().message;
    EXPECT_EQ((*pool)->capacity(), 8u);
    concurrentWriters(**pool);
}

TEST(DatabasePool, InMemoryTheThreadsTakeTurnsOnItsOneConnection) {
    PoolOptions options;
    options.maxConnections = 4;
    auto pool = DatabasePool::open(":memory:", options);
    ASSERT_TRUE(pool) << pool.error().message;
    EXPECT_EQ((*pool)->capacity(), 1u);
    concurrentWriters(**pool);
    EXPECT_EQ((*pool)->openConnections(), 1u);
}

TEST(DatabasePool, ALeaseEndedInsideATransactionHandsBackACleanConnection) {
    auto pool = DatabasePool::open(":memory:");
    ASSERT_TRUE(pool) << pool.error().message;
    {
        auto lease = (*pool)->acquire();
        ASSERT_TRUE(lease);
        (*lease)->exec("CREATE TABLE t (x INTEGER)");
        (*lease)->begin();
        (*lease)->exec("INSERT INTO t VALUES (1)");
    }
    auto lease = (*pool)->acquire();
    ASSERT_TRUE(lease);
    EXPECT_EQ((*lease)->transactionDepth(), 0);
    EXPECT_EQ(count(**lease, "SELECT COUNT(*) FROM t"), 0);
}

TEST(DatabasePool, AcquireWaitsForALeaseToEndAndSaysSo) {
    std::promise<void> waitingSaid;
    PoolOptions options;
    options.busy.notifyAfter = 0ms;
    options.busy.onWaiting = [&] { waitingSaid.set_value(); };
    auto pool = DatabasePool::open(":memory:", options);
    ASSERT_TRUE(pool) << pool.error().message;
    std::optional<DatabasePool::Lease> first;
    {
        auto lease = (*pool)->acquire();
        ASSERT_TRUE(lease);
        first.emplace(std::move(lease.value()));
    }
    (*first)->exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)");
    std::optional<Result<DatabasePool::Lease>> second;
    std::thread other([&] { second.emplace((*pool)->acquire()); });
    bool waited = waitingSaid.get_future().wait_for(60s) == std::future_status::ready;
    first.reset();  // gives the connection back
    other.join();
    ASSERT_TRUE(waited);
    ASSERT_TRUE(second && *second) << (second ? second->error().message : "no result");
    EXPECT_EQ(count(***second, "SELECT COUNT(*) FROM t"), 1);  // the same database
}

TEST(DatabasePool, AllConnectionsLeasedPastTheLimitIsBusy) {
    PoolOptions options;
    options.busy.limit = 50ms;
    auto pool = DatabasePool::open(":memory:", options);
    ASSERT_TRUE(pool) << pool.error().message;
    auto held = (*pool)->acquire();
    ASSERT_TRUE(held);
    auto refused = (*pool)->acquire();
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::Busy);
    EXPECT_NE(refused.error().message.find("the database is busy, try again"), std::string::npos)
        << refused.error().message;
}

TEST(DatabasePool, ALocationThatCannotBeOpenedIsAnErrorAtOnce) {
    auto pool = DatabasePool::open("/nonexistent-directory/reemploi.db");
    ASSERT_FALSE(pool);
    EXPECT_EQ(pool.error().code, Errc::Io);
    EXPECT_NE(pool.error().message.find("/nonexistent-directory/reemploi.db"), std::string::npos);
}
