// The Database seam's read snapshot, on both backends: the reads inside one see one state while
// another connection writes, a snapshot never becomes a writer, and inside a transaction it is
// that transaction.
#include <stdexcept>

#include <gtest/gtest.h>

#include <reemploi/inventory/Database.hpp>

#include "app/RunReemploi.hpp"
#include "support/TestDatabase.hpp"

namespace reemploi::test {
namespace {

class ReadSnapshotTest : public ::testing::Test {
protected:
    void SetUp() override {
        REEMPLOI_FRESH_DATABASE(testDatabase, location, file.path);  // a file: two connections share it
        reader = inventory::Database::open(location).value();
        writer = inventory::Database::open(location).value();
        writer->exec("CREATE TABLE snapshot_rows (v INTEGER NOT NULL)");
        writer->exec("INSERT INTO snapshot_rows (v) VALUES (1)");
    }

    static std::int64_t rows(inventory::Database &db) {
        auto &st = db.cached("SELECT COUNT(*) FROM snapshot_rows");
        st.step();
        auto n = st.getInt(0);
        st.reset();
        return n;
    }

    TempDb file;
    testsupport::TestDatabase testDatabase;  // before the connections: dropped after they close
    std::string location;
    std::unique_ptr<inventory::Database> reader;
    std::unique_ptr<inventory::Database> writer;
};

TEST_F(ReadSnapshotTest, ReadsInsideOneSeeOneStateWhileAnotherConnectionWrites) {
    {
        inventory::ReadSnapshot snapshot(*reader);
        EXPECT_EQ(rows(*reader), 1);
        writer->exec("INSERT INTO snapshot_rows (v) VALUES (2)");  // not blocked by the reader
        EXPECT_EQ(rows(*writer), 2);
        EXPECT_EQ(rows(*reader), 1);  // still the state the snapshot began with
    }
    EXPECT_EQ(rows(*reader), 2);
}

TEST_F(ReadSnapshotTest, NeverBecomesAWriter) {
    {
        inventory::ReadSnapshot snapshot(*reader);
        EXPECT_EQ(rows(*reader), 1);
        EXPECT_THROW(reader->begin(), std::logic_error);
        EXPECT_EQ(reader->transactionDepth(), 0);
    }
    inventory::Transaction tx(*reader);  // once it ended, the connection writes as before
    reader->exec("INSERT INTO snapshot_rows (v) VALUES (3)");
    tx.commit();
    EXPECT_EQ(rows(*writer), 2);
}

TEST_F(ReadSnapshotTest, InsideATransactionItIsThatTransaction) {
    inventory::Transaction tx(*reader);
    reader->exec("INSERT INTO snapshot_rows (v) VALUES (4)");
    {
        inventory::ReadSnapshot snapshot(*reader);
        inventory::ReadSnapshot nested(*reader);
        EXPECT_EQ(rows(*reader), 2);  // sees its own transaction's row
    }
    EXPECT_EQ(reader->transactionDepth(), 1);  // ending the snapshots ended nothing
    tx.commit();
    EXPECT_EQ(rows(*writer), 2);
}

TEST_F(ReadSnapshotTest, EndingOneThatWasNeverBegunIsAProgrammingError) {
    EXPECT_THROW(reader->endRead(), std::logic_error);
}

}  // namespace
}  // namespace reemploi::test
