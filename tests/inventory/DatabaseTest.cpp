// The Database seam on SQLite: a failed commit leaves the connection usable, a writer waits for
// another writer within its BusyPolicy (then reports Busy), the audit chain's lock.
#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Migrations.hpp>

#include "app/RunReemploi.hpp"

using namespace reemploi;
using namespace reemploi::inventory;
using namespace std::chrono_literals;

namespace {

std::int64_t count(Database &db, const std::string &table) {
    auto st = db.prepare("SELECT COUNT(*) FROM " + table);
    return st->step() ? st->getInt(0) : -1;
}

std::unique_ptr<Database> openOrFail(const std::string &location, BusyPolicy busy = {}) {
    auto db = Database::open(location, std::move(busy));
    EXPECT_TRUE(db) << db.error().message;
    return db ? std::move(db.value()) : nullptr;
}

// A parent/child pair whose foreign key a transaction can break until its COMMIT.
void makeParentChild(Database &db) {
    db.exec("CREATE TABLE parent (id INTEGER PRIMARY KEY);"
            "CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES parent (id))");
}

// Inside a transaction: a child without its parent, which defer_foreign_keys lets through until
// the COMMIT, where it fails with SQLITE_CONSTRAINT_FOREIGNKEY.
void insertOrphan(Database &db) {
    db.exec("PRAGMA defer_foreign_keys = ON");
    db.exec("INSERT INTO child (id, parent) VALUES (1, 42)");
}

const Actor kActor{"trainee-1"};

}  // namespace

TEST(DatabaseCommit, AFailedCommitRollsBackAndTheConnectionTakesTheNextTransaction) {
    auto db = openOrFail(":memory:");
    ASSERT_TRUE(db);
    makeParentChild(*db);
    db->begin();
    insertOrphan(*db);
    try {
        db->commit();
        FAIL() << "the commit of an orphan row succeeded";
    } catch (const DbError &e) {
        EXPECT_EQ(e.kind, DbError::Kind::Constraint) << e.what();
    }
    EXPECT_EQ(db->transactionDepth(), 0);
    EXPECT_EQ(count(*db, "child"), 0);  // rolled back, not left pending

    db->begin();
    db->exec("INSERT INTO parent (id) VALUES (42); INSERT INTO child (id, parent) VALUES (2, 42)");
    db->commit();
    EXPECT_EQ(db->transactionDepth(), 0);
    EXPECT_EQ(count(*db, "child"), 1);
}

TEST(DatabaseCommit, InTransactionReportsAFailedCommitAsAConflictAndTheNextOneCommits) {
    reemploi::test::TempDb dir;
    auto db = openOrFail(dir.path);
    ASSERT_TRUE(db);
    makeParentChild(*db);
    auto failed = inTransaction(*db, "adding a child", [&]() -> Status {
        insertOrphan(*db);
        return {};
    });
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code, Errc::Conflict);
    EXPECT_NE(failed.error().message.find("adding a child: database: FOREIGN KEY"), std::string::npos)
        << failed.error().message;
    EXPECT_EQ(db->transactionDepth(), 0);

    auto next = inTransaction(*db, "adding a parent", [&]() -> Status {
        db->exec("INSERT INTO parent (id) VALUES (7)");
        return {};
    });
    ASSERT_TRUE(next) << next.error().message;
    // Committed for everyone, and the write lock released: another connection writes.
    auto other = openOrFail(dir.path);
    ASSERT_TRUE(other);
    EXPECT_EQ(count(*other, "parent"), 1);
    EXPECT_EQ(count(*other, "child"), 0);
    other->exec("BEGIN IMMEDIATE; INSERT INTO parent (id) VALUES (8); COMMIT");
}

TEST(DatabaseCommit, AFailedOuterCommitEndsEveryLevelOnce) {
    auto db = openOrFail(":memory:");
    ASSERT_TRUE(db);
    makeParentChild(*db);
    {
        Transaction outer(*db);
        auto inner = inTransaction(*db, "inner", [&]() -> Status {
            insertOrphan(*db);  // a savepoint's RELEASE does not check deferred keys
            return {};
        });
        ASSERT_TRUE(inner) << inner.error().message;
        EXPECT_EQ(db->transactionDepth(), 1);
        EXPECT_THROW(outer.commit(), DbError);
        EXPECT_EQ(db->transactionDepth(), 0);
    }  // the Transaction knows its level ended: no second rollback
    EXPECT_EQ(db->transactionDepth(), 0);
    EXPECT_EQ(count(*db, "child"), 0);
    auto again = inTransaction(*db, "again", [&]() -> Status {
        db->exec("INSERT INTO parent (id) VALUES (1)");
        return {};
    });
    EXPECT_TRUE(again);
    EXPECT_EQ(count(*db, "parent"), 1);
}

TEST(DatabaseCommit, CommitOrRollbackWithoutATransactionIsAProgrammingError) {
    auto db = openOrFail(":memory:");
    ASSERT_TRUE(db);
    EXPECT_THROW(db->commit(), std::logic_error);
    EXPECT_THROW(db->rollback(), std::logic_error);
    EXPECT_EQ(db->transactionDepth(), 0);
    db->begin();
    db->rollback();
    EXPECT_EQ(db->transactionDepth(), 0);
}

TEST(DatabaseAuditLock, IsTakenOnlyInsideATransaction) {
    auto db = openOrFail(":memory:");
    ASSERT_TRUE(db);
    EXPECT_THROW(db->lockAuditChain(), std::logic_error);
    Transaction tx(*db);
    EXPECT_NO_THROW(db->lockAuditChain());
}

class DatabaseBusy : public ::testing::Test {
protected:
    void SetUp() override {
        holder = openOrFail(dir.path);
        ASSERT_TRUE(holder);
        auto migrated = migrate(*holder);
        ASSERT_TRUE(migrated) << migrated.error().message;
        eventsBefore = count(*holder, "events");
    }

    reemploi::test::TempDb dir;
    std::unique_ptr<Database> holder;  // plays the long import: holds the write lock
    std::int64_t eventsBefore = 0;
};

// A long import holds the write lock; a registration on another connection waits for it, says so
// once, and succeeds when the import commits.
TEST_F(DatabaseBusy, AWriterWaitsForTheOtherWriterAndSucceedsWhenItCommits) {
    std::promise<void> waitingSaid;
    std::atomic<int> calls{0};
    BusyPolicy policy;
    policy.notifyAfter = 20ms;
    policy.onWaiting = [&] {
        if (calls++ == 0) waitingSaid.set_value();
    };
    auto waiter = openOrFail(dir.path, policy);
    ASSERT_TRUE(waiter);

    holder->begin();
    ASSERT_TRUE(recordEvent(*holder, kActor, {"donation", "1", "import_started", "{}"}));  // nested: still held
    std::optional<Result<Event>> registered;
    std::thread bench([&] { registered.emplace(recordEvent(*waiter, kActor, {"unit", "RE-000001", "label_printed", "{}"})); });
    // The holder commits once the waiter has said it waits: the waiter was blocked by it.
    bool waited = waitingSaid.get_future().wait_for(60s) == std::future_status::ready;
    holder->commit();
    bench.join();
    ASSERT_TRUE(waited) << "the second writer never reported waiting";
    ASSERT_TRUE(registered && *registered) << (registered ? registered->error().message : "no result");
    EXPECT_EQ(calls.load(), 1);
    EXPECT_EQ((*registered)->id, eventsBefore + 2);  // after the import's event

    auto chain = verifyChain(*holder);
    ASSERT_TRUE(chain);
    EXPECT_FALSE(chain->firstBrokenId) << chain->problem;
    EXPECT_EQ(chain->checked, eventsBefore + 2);
}

TEST_F(DatabaseBusy, PastItsLimitAWriteReportsTheDatabaseBusyNotAnIoError) {
    BusyPolicy policy;
    policy.limit = 100ms;
    policy.notifyAfter = std::chrono::hours(1);
    auto waiter = openOrFail(dir.path, policy);
    ASSERT_TRUE(waiter);

    holder->begin();
    auto refused = recordEvent(*waiter, kActor, {"unit", "RE-000001", "label_printed", "{}"});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::Busy);
    EXPECT_EQ(exitCodeFor(refused.error()), 1);
    EXPECT_NE(refused.error().message.find("recording event label_printed: the database is busy, try again"),
              std::string::npos)
        << refused.error().message;
    EXPECT_NE(refused.error().message.find("for more than 100 ms"), std::string::npos) << refused.error().message;
    EXPECT_EQ(waiter->transactionDepth(), 0);

    holder->rollback();
    auto later = recordEvent(*waiter, kActor, {"unit", "RE-000001", "label_printed", "{}"});
    ASSERT_TRUE(later) << later.error().message;
    EXPECT_EQ(count(*holder, "events"), eventsBefore + 1);
}

TEST(DatabaseErrors, BusyIsItsOwnErrorCodeWithExitCode1) {
    auto busy = databaseError("registering unit", DbError(DbError::Kind::Busy, "database is locked"));
    EXPECT_EQ(busy.code, Errc::Busy);
    EXPECT_EQ(busy.message, "registering unit: the database is busy, try again (database is locked)");
    EXPECT_EQ(exitCodeFor(busy), 1);
    EXPECT_EQ(databaseError("x", DbError(DbError::Kind::Constraint, "UNIQUE")).code, Errc::Conflict);
    EXPECT_EQ(databaseError("x", DbError(DbError::Kind::Other, "disk I/O error")).code, Errc::Io);
}
