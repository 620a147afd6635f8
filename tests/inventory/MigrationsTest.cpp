#include <filesystem>

#include <gtest/gtest.h>

#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Migrations.hpp>

using namespace reemploi;
using namespace reemploi::inventory;

namespace {

std::string tempDbPath(const char *name) {
    auto p = std::filesystem::temp_directory_path() / (std::string("reemploi-") + name + "-" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(p);
    return p.string();
}

}  // namespace

TEST(Migrations, FromEmptyReachesLatestAndRerunIsANoOp) {
    auto path = tempDbPath("migrate");
    {
        auto db = Database::open(path);
        ASSERT_TRUE(db);
        auto first = migrate(**db);
        ASSERT_TRUE(first) << first.error().message;
        EXPECT_EQ(first->from, 0);
        EXPECT_EQ(first->to, latestSchemaVersion());
    }
    {
        auto db = Database::open(path);
        ASSERT_TRUE(db);
        auto again = migrate(**db);
        ASSERT_TRUE(again);
        EXPECT_EQ(again->from, latestSchemaVersion());
        EXPECT_EQ(again->to, latestSchemaVersion());
        // One row per migration applied, once (numbers may have gaps while branches merge).
        auto st = (*db)->prepare("SELECT COUNT(*), COUNT(DISTINCT version), MAX(version) FROM schema_migrations");
        ASSERT_TRUE(st->step());
        EXPECT_EQ(st->getInt(0), st->getInt(1));
        EXPECT_EQ(st->getInt(2), latestSchemaVersion());
    }
    std::filesystem::remove(path);
}

TEST(Migrations, FileDatabaseUsesWalAndForeignKeys) {
    auto path = tempDbPath("wal");
    auto db = Database::open(path);
    ASSERT_TRUE(db);
    auto mode = (*db)->prepare("PRAGMA journal_mode");
    ASSERT_TRUE(mode->step());
    EXPECT_EQ(mode->getText(0), "wal");
    auto fk = (*db)->prepare("PRAGMA foreign_keys");
    ASSERT_TRUE(fk->step());
    EXPECT_EQ(fk->getInt(0), 1);
    db->reset();
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
}

TEST(Migrations, OpenMigratedRefusesAnUninitialisedDatabase) {
    auto path = tempDbPath("uninit");
    auto db = openMigrated(path);
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().code, Errc::Refused);
    EXPECT_NE(db.error().message.find("reemploi init"), std::string::npos);
    std::filesystem::remove(path);
}

TEST(Migrations, RefusesADatabaseFromANewerProgram) {
    auto db = Database::open(":memory:");
    ASSERT_TRUE(db);
    ASSERT_TRUE(migrate(**db));
    (*db)->exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')");
    auto again = migrate(**db);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::Refused);
    EXPECT_NE(again.error().message.find("999"), std::string::npos);
}

TEST(Database, NestedTransactionRollsBackOnlyTheInnerPart) {
    auto db = Database::open(":memory:");
    ASSERT_TRUE(db);
    auto &d = **db;
    d.exec("CREATE TABLE t (x INTEGER)");
    {
        Transaction outer(d);
        d.exec("INSERT INTO t VALUES (1)");
        {
            Transaction inner(d);
            d.exec("INSERT INTO t VALUES (2)");
        }  // rolled back
        outer.commit();
    }
    auto st = d.prepare("SELECT COUNT(*), SUM(x) FROM t");
    ASSERT_TRUE(st->step());
    EXPECT_EQ(st->getInt(0), 1);
    EXPECT_EQ(st->getInt(1), 1);
    EXPECT_EQ(d.transactionDepth(), 0);
}
