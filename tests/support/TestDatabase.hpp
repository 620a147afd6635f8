// The database a test runs on. ctest runs the suites registered with BOTH_BACKENDS twice: as they
// are, on SQLite (in memory), and prefixed `pg:` with REEMPLOI_TEST_BACKEND=postgres, on the
// PostgreSQL server named by REEMPLOI_TEST_PG (scripts/test starts a throw-away one). There each
// test gets a database of its own, copied from a migrated template (made once per test binary
// and schema), and dropped when the test ends. Without REEMPLOI_TEST_PG a `pg:` test is skipped,
// or fails under CI (REQUIRE_POSTGRES).
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <optional>
#include <string>

#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Migrations.hpp>

#include "support/Tools.hpp"

namespace reemploi::testsupport {

inline bool onPostgres() {
    const char *backend = std::getenv("REEMPLOI_TEST_BACKEND");
    return backend && std::string_view(backend) == "postgres";
}

// The server's URL, or why there is none.
inline std::optional<std::string> missingPostgres() {
    const char *url = std::getenv("REEMPLOI_TEST_PG");
    if (url && *url) return std::nullopt;
    return std::string("REEMPLOI_TEST_PG is not set: no PostgreSQL server to test on (scripts/test starts one)");
}

// `url` with its database name replaced by `name`.
inline std::string withDatabase(const std::string &url, const std::string &name) {
    auto hostStart = url.find("://") + 3;
    auto slash = url.find('/', hostStart);
    auto query = url.find('?', hostStart);
    std::string base = url.substr(0, std::min(slash, query));
    std::string tail = query == std::string::npos ? "" : url.substr(query);
    return base + "/" + name + tail;
}

// A fresh, empty, migrated database for one test; dropped by the destructor (every connection to
// it must be closed by then: declare it before the members holding them).
class TestDatabase {
public:
    // `postgres`: where to make it (by default, the backend this run of the suite is on).
    explicit TestDatabase(bool postgres = onPostgres()) : _postgres(postgres) {}
    TestDatabase(const TestDatabase &) = delete;
    TestDatabase &operator=(const TestDatabase &) = delete;
    ~TestDatabase() { drop(); }

    // ":memory:" on SQLite (or `sqliteFile` when given); a new database's URL on PostgreSQL.
    // Called again (a test that starts over), it drops the previous one (WITH FORCE: a
    // connection still open to it is closed by the server).
    Result<std::string> create(const std::string &sqliteFile = ":memory:") {
        if (!_postgres) return sqliteFile;
        drop();
        if (auto why = missingPostgres()) return makeError(Errc::NotFound, *why);
        _server = std::getenv("REEMPLOI_TEST_PG");
        auto admin = inventory::Database::open(_server);
        if (!admin) return admin.error();
        auto made = inventory::guard("making the test database", [&]() -> Status {
            std::string tpl = ensureTemplate(**admin);
            static std::atomic<int> counter{0};
            _name = "reemploi_t" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
            (*admin)->exec("CREATE DATABASE " + _name + " TEMPLATE " + tpl + " STRATEGY FILE_COPY");
            return {};
        });
        if (!made) return made.error();
        return withDatabase(_server, _name);
    }

    void drop() {
        if (_name.empty()) return;
        if (auto admin = inventory::Database::open(_server)) {
            try {
                (*admin)->exec("DROP DATABASE IF EXISTS " + _name + " WITH (FORCE)");
            } catch (const inventory::DbError &) {
            }
        }
        _name.clear();
    }

private:
    // The migrated template of this test binary (its build time in the name: a rebuilt binary
    // with other migrations gets its own), made once under an advisory lock.
    std::string ensureTemplate(inventory::Database &admin) {
        struct stat exe {};
        ::stat("/proc/self/exe", &exe);
        std::string tpl = "reemploi_tpl_" + std::to_string(inventory::latestSchemaVersion()) + "_" +
                          std::to_string(static_cast<long long>(exe.st_mtime));
        admin.exec("SELECT pg_advisory_lock(4242)");
        try {
            auto found = admin.prepare("SELECT 1 FROM pg_database WHERE datname = ?");
            found->bind(1, tpl);
            if (!found->step()) {
                std::string partial = tpl + "_partial";
                admin.exec("DROP DATABASE IF EXISTS " + partial);
                admin.exec("CREATE DATABASE " + partial);
                {
                    auto db = inventory::Database::open(withDatabase(_server, partial));
                    if (!db) throw inventory::DbError(inventory::DbError::Kind::Other, db.error().message);
                    auto migrated = inventory::migrate(**db);
                    if (!migrated) throw inventory::DbError(inventory::DbError::Kind::Other, migrated.error().message);
                }
                admin.exec("ALTER DATABASE " + partial + " RENAME TO " + tpl);
            }
        } catch (...) {
            admin.exec("SELECT pg_advisory_unlock(4242)");
            throw;
        }
        admin.exec("SELECT pg_advisory_unlock(4242)");
        return tpl;
    }

    bool _postgres;
    std::string _server;
    std::string _name;
};

}  // namespace reemploi::testsupport

// At the start of SetUp or a test: `location` (a std::string) gets a fresh database's location,
// or the test is skipped (fails under CI) when it runs on PostgreSQL and no server is given.
#define REEMPLOI_FRESH_DATABASE(testDatabase, location, ...)                                      \
    do {                                                                                          \
        auto reemploiCreated_ = (testDatabase).create(__VA_ARGS__);                               \
        if (!reemploiCreated_) {                                                                  \
            if (reemploiCreated_.error().code == ::reemploi::Errc::NotFound) {                    \
                REEMPLOI_SKIP_OR_FAIL_(std::optional<std::string>(reemploiCreated_.error().message)); \
            }                                                                                     \
            FAIL() << reemploiCreated_.error().message;                                           \
        }                                                                                         \
        (location) = *reemploiCreated_;                                                           \
    } while (0)
