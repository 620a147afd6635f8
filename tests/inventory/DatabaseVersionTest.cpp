// Database::version, on both backends. On SQLite it moves on at every commit of any connection
// of this process to the file, once the commit has ended (an autocommit statement, a transaction,
// a statement reset before its last row), and a read moves nothing: an answer computed at one
// version is known stale at the next. (Another process's commits: tests/app/http/ResponseCacheTest,
// with the command line.) On PostgreSQL, where other servers write, it is unknown.
#include <stdexcept>

#include <gtest/gtest.h>

#include <reemploi/inventory/Database.hpp>

#include "app/RunReemploi.hpp"
#include "support/TestDatabase.hpp"

namespace reemploi::test {
namespace {

class DatabaseVersionTest : public ::testing::Test {
protected:
    void SetUp() override {
        REEMPLOI_FRESH_DATABASE(testDatabase, location, file.path);  // a file: connections share it
        a = inventory::Database::open(location).value();
        a->exec("CREATE TABLE version_rows (v INTEGER NOT NULL)");
        b = inventory::Database::open(location).value();  // after a's last commit: neither has one to see
    }

    TempDb file;
    testsupport::TestDatabase testDatabase;  // before the connections: dropped after they close
    std::string location;
    std::unique_ptr<inventory::Database> a, b;
};

TEST_F(DatabaseVersionTest, MovesOnAtEveryCommitOfAnyConnection) {
    auto start = a->version();
    if (testsupport::onPostgres()) {
        EXPECT_FALSE(start) << "PostgreSQL cannot tell its version cheaply: answers are never kept there";
        inventory::Transaction tx(*a);  // and it does not mind being asked in a transaction
        EXPECT_FALSE(a->version());
        return;
    }
    ASSERT_TRUE(start);
    EXPECT_EQ(b->version(), start) << "nothing was committed since both opened: the version stays";
    {   // a read moves nothing
        inventory::ReadSnapshot read(*a);
        auto st = a->prepare("SELECT COUNT(*) FROM version_rows");
        st->step();
    }
    EXPECT_EQ(a->version(), start);
    EXPECT_EQ(b->version(), start);
    const auto settled = *start;

    a->exec("INSERT INTO version_rows (v) VALUES (1)");  // an autocommit statement of a
    const auto afterA = a->version();
    ASSERT_TRUE(afterA);
    EXPECT_GT(*afterA, settled);
    // Another connection sees it at once (and may step on once more when its look at
    // `data_version` sees the same commit: never less).
    EXPECT_GE(b->version(), afterA);

    {   // b, in a transaction: moves on at the commit, not before
        inventory::Transaction tx(*b);
        b->exec("INSERT INTO version_rows (v) VALUES (2)");
        EXPECT_THROW(b->version(), std::logic_error) << "asked outside transactions only";
        tx.commit();
    }
    const auto afterB = a->version();
    ASSERT_TRUE(afterB);
    EXPECT_GT(*afterB, *afterA);
    const auto beforeReset = b->version();

    {   // a statement with rows left, committed by its reset
        auto &returning = a->cached("INSERT INTO version_rows (v) VALUES (3), (4) RETURNING v");
        ASSERT_TRUE(returning.step());
        returning.reset();
    }
    const auto afterReset = b->version();
    ASSERT_TRUE(afterReset);
    EXPECT_GT(afterReset, beforeReset);
    auto count = b->prepare("SELECT COUNT(*) FROM version_rows");
    ASSERT_TRUE(count->step());
    EXPECT_EQ(count->getInt(0), 4);

    {   // a rolled-back transaction changed nothing: the version may stay
        inventory::Transaction tx(*a);
        a->exec("INSERT INTO version_rows (v) VALUES (5)");
    }
    EXPECT_GE(a->version(), afterReset);

    {
        inventory::ReadSnapshot read(*a);
        EXPECT_THROW(a->version(), std::logic_error);
    }
}

TEST_F(DatabaseVersionTest, APrivateDatabaseHasAVersionOfItsOwn) {
    if (testsupport::onPostgres()) {
        EXPECT_FALSE(a->version());
        return;
    }
    auto memory = inventory::Database::open(":memory:").value();
    auto before = memory->version();
    ASSERT_TRUE(before);
    const auto fileBefore = a->version();
    memory->exec("CREATE TABLE t (v INTEGER)");
    EXPECT_GT(memory->version(), before);
    EXPECT_EQ(a->version(), fileBefore) << "a commit to another database moves nothing here";
}

}  // namespace
}  // namespace reemploi::test
