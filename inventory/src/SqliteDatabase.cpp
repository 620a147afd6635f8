// The SQLite backend of Database: WAL, foreign keys, a busy handler that waits for another
// writer within a bound, cached statements, and savepoints for nested transactions.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <limits>
#include <map>
#include <mutex>
#include <sqlite3.h>
#include <thread>

#include <reemploi/inventory/Database.hpp>

#include "Backends.hpp"

namespace reemploi::inventory {

namespace {

DbError::Kind kindOf(int rc) {
    int primary = rc & 0xff;
    return primary == SQLITE_CONSTRAINT                          ? DbError::Kind::Constraint
           : (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) ? DbError::Kind::Busy
                                                                 : DbError::Kind::Other;
}

[[noreturn]] void throwSqlite(sqlite3 *db, int rc, std::string_view context) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    throw DbError(kindOf(rc), message + (context.empty() ? "" : " (in: " + std::string(context.substr(0, 80)) + ")"));
}

std::string describe(std::chrono::milliseconds d) {
    auto ms = d.count();
    if (ms >= 60'000 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + " min";
    if (ms >= 1'000 && ms % 1'000 == 0) return std::to_string(ms / 1'000) + " s";
    return std::to_string(ms) + " ms";
}

// One database file's version in this process (Database::version): moved on by every commit
// of a connection of this process, and when a look at `data_version` sees another process's.
struct FileVersion {
    std::atomic<std::uint64_t> number{1};
    std::atomic<std::int64_t> lastLookNs{std::numeric_limits<std::int64_t>::min() / 2};
};

// Every connection to a file shares its FileVersion (by the file's canonical path); a private
// database (":memory:", "": a database per connection) has one of its own.
std::shared_ptr<FileVersion> fileVersionOf(const std::string &location) {
    if (location.empty() || location == ":memory:") return std::make_shared<FileVersion>();
    std::error_code ec;
    auto canonical = std::filesystem::weakly_canonical(location, ec);
    const std::string key = ec ? location : canonical.string();
    static std::mutex m;
    static std::map<std::string, std::weak_ptr<FileVersion>> files;
    std::lock_guard lock(m);
    std::erase_if(files, [](const auto &kv) { return kv.second.expired(); });
    auto &slot = files[key];
    auto shared = slot.lock();
    if (!shared) slot = shared = std::make_shared<FileVersion>();
    return shared;
}

// A connection's commits: the commit hook marks one while it runs, and the call that ran it
// (a statement's step or reset, an exec) settles it once SQLite returns: the commit has ended.
struct Commits {
    bool pending = false;
    std::shared_ptr<FileVersion> file;
    void settle() {
        if (!pending) return;
        pending = false;
        file->number.fetch_add(1, std::memory_order_acq_rel);
    }
};

class SqliteStatement final : public Statement {
public:
    SqliteStatement(sqlite3 *db, std::string_view sql, Commits &commits) : _db(db), _commits(commits) {
        int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                    &_stmt, nullptr);
        if (rc != SQLITE_OK) throwSqlite(db, rc, sql);
    }
    ~SqliteStatement() override { sqlite3_finalize(_stmt); }

    Statement &bind(int index, std::int64_t value) override {
        check(sqlite3_bind_int64(_stmt, index, value));
        return *this;
    }
    Statement &bind(int index, double value) override {
        check(sqlite3_bind_double(_stmt, index, value));
        return *this;
    }
    Statement &bind(int index, std::string_view value) override {
        // SQLITE_TRANSIENT: callers may bind temporaries.
        check(sqlite3_bind_text(_stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT));
        return *this;
    }
    Statement &bindStable(int index, std::string_view value) override {
        // SQLITE_STATIC: the text outlives the binding, which reset() clears (see Statement).
        check(sqlite3_bind_text(_stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC));
        return *this;
    }
    Statement &bindNull(int index) override {
        check(sqlite3_bind_null(_stmt, index));
        return *this;
    }
    bool step() override {
        int rc = sqlite3_step(_stmt);
        _commits.settle();
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        sqlite3_reset(_stmt);
        throwSqlite(_db, rc, sqlite3_sql(_stmt));
    }
    void reset() override {
        sqlite3_reset(_stmt);  // may end an autocommit statement that had rows left, and commit it
        _commits.settle();
        sqlite3_clear_bindings(_stmt);
    }
    int columnCount() const override { return sqlite3_column_count(_stmt); }
    std::string columnName(int column) const override {
        const char *name = sqlite3_column_name(_stmt, column);
        return name ? name : "";
    }
    bool isNull(int column) const override { return sqlite3_column_type(_stmt, column) == SQLITE_NULL; }
    std::int64_t getInt(int column) const override { return sqlite3_column_int64(_stmt, column); }
    double getDouble(int column) const override { return sqlite3_column_double(_stmt, column); }
    std::string getText(int column) const override {
        auto *p = reinterpret_cast<const char *>(sqlite3_column_text(_stmt, column));
        return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(_stmt, column))) : std::string();
    }

private:
    void check(int rc) {
        if (rc != SQLITE_OK) throwSqlite(_db, rc, sqlite3_sql(_stmt));
    }
    sqlite3 *_db;
    Commits &_commits;
    sqlite3_stmt *_stmt = nullptr;
};

class SqliteDatabase final : public Database {
public:
    SqliteDatabase(sqlite3 *db, std::string location, BusyPolicy busy)
        : _db(db), _location(std::move(location)), _busy(std::move(busy)), _commits{false, fileVersionOf(_location)} {
        sqlite3_busy_handler(_db, &SqliteDatabase::busyHandler, this);
        sqlite3_commit_hook(_db, &SqliteDatabase::commitHook, &_commits);
    }
    ~SqliteDatabase() override {
        _cache.clear();
        sqlite3_close_v2(_db);
    }

    Dialect dialect() const override { return Dialect::Sqlite; }
    const std::string &location() const override { return _location; }

    std::unique_ptr<Statement> prepare(std::string_view sql) override {
        return std::make_unique<SqliteStatement>(_db, sql, _commits);
    }
    Statement &cached(std::string_view sql) override {
        auto it = _cache.find(sql);
        if (it == _cache.end())
            it = _cache.emplace(std::string(sql), std::make_unique<SqliteStatement>(_db, sql, _commits)).first;
        it->second->reset();
        return *it->second;
    }
    void exec(std::string_view sql) override {
        std::string s(sql);
        char *message = nullptr;
        int rc = sqlite3_exec(_db, s.c_str(), nullptr, nullptr, &message);
        _commits.settle();
        if (rc != SQLITE_OK) {
            std::string text = message ? message : sqlite3_errstr(rc);
            sqlite3_free(message);
            throw DbError(kindOf(rc), text);
        }
    }

    void setBusyPolicy(BusyPolicy busy) override { _busy = std::move(busy); }

    // IMMEDIATE: take the write lock at the start, so that two processes appending to the audit
    // chain serialise instead of failing at commit.
    void begin() override {
        if (_depth == 0 && inReadSnapshot()) throw std::logic_error("begin() inside a read snapshot");
        if (_depth == 0) {
            try {
                exec("BEGIN IMMEDIATE");
            } catch (const DbError &e) {
                if (e.kind != DbError::Kind::Busy) throw;
                // SQLite's own text ("database is locked") says less than this.
                throw DbError(DbError::Kind::Busy,
                              "another writer kept the database locked for more than " + describe(_busy.limit));
            }
        } else {
            exec("SAVEPOINT sp" + std::to_string(_depth));
        }
        ++_depth;
    }

    // Savepoint sp<N> opens level N + 1; level 1 is the BEGIN.
    void commit() override {
        if (_depth == 0) throw std::logic_error("commit() without an open transaction");
        try {
            if (_depth == 1) exec("COMMIT");
            else exec("RELEASE sp" + std::to_string(_depth - 1));
            --_depth;
        } catch (const DbError &) {
            // COMMIT failed (a deferred foreign key, a full disk): SQLite may have rolled back the
            // whole transaction or kept it open; either way this level ends rolled back.
            try { rollback(); } catch (...) {}
            throw;
        }
    }
    void rollback() override {
        if (_depth == 0) throw std::logic_error("rollback() without an open transaction");
        if (sqlite3_get_autocommit(_db)) {
            // SQLite already rolled the whole transaction back (after SQLITE_FULL, SQLITE_IOERR,
            // SQLITE_NOMEM…): every level is gone.
            _depth = 0;
            return;
        }
        if (_depth == 1) {
            exec("ROLLBACK");
        } else {
            std::string sp = "sp" + std::to_string(_depth - 1);
            exec("ROLLBACK TO " + sp + "; RELEASE " + sp);
        }
        --_depth;
    }
    int transactionDepth() const override { return _depth; }

    // A deferred BEGIN takes no lock: the first SELECT opens the read transaction, COMMIT ends it.
    void startReadTransaction() override { cached("BEGIN").step(); }
    void finishReadTransaction() override {
        if (!sqlite3_get_autocommit(_db)) cached("COMMIT").step();
    }

    // The baseline of this connection's looks at `data_version`, taken when it opens. Opening
    // counts as a change: a commit of another process before it may not have been seen yet.
    void watchVersion() {
        _dataVersion = dataVersion();
        _commits.file->number.fetch_add(1, std::memory_order_acq_rel);
    }
    std::int64_t dataVersion() {
        auto &st = cached("PRAGMA data_version");
        const std::int64_t seen = st.step() ? st.getInt(0) : -1;
        st.reset();
        return seen;
    }

    std::optional<std::uint64_t> version() override {
        if (_depth > 0 || inReadSnapshot()) throw std::logic_error("version() inside a transaction");
        // Another process's commits: one look for the whole process at most every millisecond.
        constexpr std::int64_t kLookEveryNs = 1'000'000;
        const std::int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::steady_clock::now().time_since_epoch())
                                     .count();
        std::int64_t last = _commits.file->lastLookNs.load(std::memory_order_relaxed);
        if (now - last >= kLookEveryNs && _commits.file->lastLookNs.compare_exchange_strong(last, now)) {
            // Changes when another connection commits (this process's too, already counted: a
            // needless step on, never a missed one).
            if (const std::int64_t seen = dataVersion(); seen != _dataVersion) {
                _dataVersion = seen;
                _commits.file->number.fetch_add(1, std::memory_order_acq_rel);
            }
        }
        return _commits.file->number.load(std::memory_order_acquire);
    }
    // Runs inside the commit: the version moves on once the statement that commits has ended
    // (Commits::settle), when a reader can no longer see the state before it.
    static int commitHook(void *commits) {
        static_cast<Commits *>(commits)->pending = true;
        return 0;  // 0: the commit goes on
    }

    // BEGIN IMMEDIATE holds SQLite's one write lock for the whole transaction.
    void lockAuditChain() override {
        if (_depth == 0) throw std::logic_error("the audit chain is locked only inside a transaction");
    }

    // Past every id the table ever used (AUTOINCREMENT's sqlite_sequence) and every id it holds.
    // Safe because our transactions hold the write lock from their start.
    std::int64_t reserveIds(std::string_view table, std::int64_t) override {
        std::int64_t next = 1;
        auto &seq = cached("SELECT seq FROM sqlite_sequence WHERE name = ?");
        seq.bind(1, table);
        if (seq.step()) next = seq.getInt(0) + 1;
        seq.reset();
        auto max = prepare("SELECT COALESCE(MAX(id), 0) FROM " + std::string(table));
        if (max->step()) next = std::max(next, max->getInt(0) + 1);
        return next;
    }

    // A row of `counters` (migration 1): the write lock held since BEGIN IMMEDIATE makes the
    // read-modify-write atomic; rolled back with its transaction.
    std::int64_t reserveSequence(std::string_view name, std::int64_t count) override {
        auto &st = cached("UPDATE counters SET value = value + ? WHERE name = ? RETURNING value");
        st.bind(1, count).bind(2, name);
        if (!st.step()) {
            st.reset();
            throw DbError(DbError::Kind::Other, "no counter " + std::string(name));
        }
        std::int64_t last = st.getInt(0);
        st.reset();
        return last - count + 1;
    }

    std::string_view lockRows() const override { return {}; }

    // SQLite's default page cache (2 MiB) would spill a large transaction's pages to the WAL again
    // and again; about 2 KiB per row (row, indexes, event), at most 512 MiB.
    //
    // Opened outside a transaction (BulkScope around the whole registration), the bulk transaction
    // also commits with synchronous=FULL and leaves the WAL not checkpointed: FULL syncs the WAL at
    // the commit, so the import is durable when it returns (under NORMAL only a checkpoint syncs the
    // WAL), and copying its pages into the database file waits for the next commit of any
    // connection (its WAL is then past the auto-checkpoint threshold) or the last close. The WAL
    // thus never holds more than one bulk transaction beyond the usual threshold.
    void beginBulk(std::size_t rows) override {
        if (rows < 1000 || _bulkDepth++ > 0) return;
        auto current = prepare("PRAGMA cache_size");
        _previousCache = current->step() ? current->getInt(0) : -2000;
        std::int64_t kib = std::min<std::int64_t>(static_cast<std::int64_t>(rows) * 2, 512 * 1024);
        exec("PRAGMA cache_size = -" + std::to_string(kib));
        _bulkTuned = true;
        if (_depth == 0 && _location != ":memory:") {  // the safety level cannot change inside a transaction
            exec("PRAGMA synchronous=FULL");
            _deferCheckpoint = true;
        }
    }
    void endBulk() override {
        if (_bulkDepth > 0) --_bulkDepth;
        if (_bulkDepth > 0 || !_bulkTuned) return;
        _bulkTuned = false;
        exec("PRAGMA cache_size = " + std::to_string(_previousCache));
        if (_deferCheckpoint) {
            _deferCheckpoint = false;
            exec("PRAGMA synchronous=NORMAL");
        }
    }

    // SQLite's own auto-checkpoint (sqlite3WalDefaultHook: a passive checkpoint once the WAL
    // holds 1000 frames), except at the commit of a bulk transaction (see beginBulk).
    static int walHook(void *self, sqlite3 *db, const char *name, int frames) {
        constexpr int kAutoCheckpointFrames = 1000;
        if (!static_cast<SqliteDatabase *>(self)->_deferCheckpoint && frames >= kAutoCheckpointFrames)
            sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        return SQLITE_OK;
    }

    // Called by SQLite while another connection holds a lock we need (`count`: calls so far for
    // this lock). Sleeps 1, 2, 4… ms, at most 50 ms (a waiter tries again within 50 ms of the
    // lock's release), tells onWaiting once past notifyAfter, and gives up (SQLITE_BUSY) past the limit.
    static int busyHandler(void *self, int count) {
        auto &d = *static_cast<SqliteDatabase *>(self);
        auto now = std::chrono::steady_clock::now();
        if (count == 0) {
            d._waitStart = now;
            d._waitNotified = false;
        }
        auto waited = now - d._waitStart;
        if (waited >= d._busy.limit) return 0;
        if (!d._waitNotified && waited >= d._busy.notifyAfter) {
            d._waitNotified = true;
            if (d._busy.onWaiting) {
                try { d._busy.onWaiting(); } catch (...) {}
            }
        }
        std::chrono::steady_clock::duration delay = std::chrono::milliseconds(std::min(50, 1 << std::min(count, 6)));
        delay = std::min(delay, d._busy.limit - waited);
        if (!d._waitNotified) delay = std::min(delay, std::max<std::chrono::steady_clock::duration>(
                                                          d._busy.notifyAfter - waited, std::chrono::milliseconds(1)));
        std::this_thread::sleep_for(delay);
        return 1;
    }

private:
    sqlite3 *_db;
    std::string _location;
    BusyPolicy _busy;
    std::chrono::steady_clock::time_point _waitStart;
    bool _waitNotified = false;
    int _depth = 0;
    int _bulkDepth = 0;
    bool _bulkTuned = false;
    bool _deferCheckpoint = false;
    std::int64_t _previousCache = 0;
    Commits _commits;
    std::int64_t _dataVersion = -1;  // `data_version` at this connection's last look
    std::map<std::string, std::unique_ptr<SqliteStatement>, std::less<>> _cache;
};

}  // namespace

Result<std::unique_ptr<Database>> openSqlite(const std::string &location, BusyPolicy busy) {
    // SQLite's memory statistics take one process-wide mutex on every allocation: the web server's
    // threads, each on its own connection, would queue on it. Nothing here reads the statistics.
    // (Only possible before SQLite's first use; if another part of the process came first, the
    // call is refused and nothing changes.)
    static std::once_flag configured;
    std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
    sqlite3 *db = nullptr;
    int rc = sqlite3_open_v2(location.c_str(), &db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        sqlite3_close_v2(db);
        return makeError(Errc::Io, "cannot open database " + location + ": " + message);
    }
    sqlite3_extended_result_codes(db, 1);
    auto database = std::make_unique<SqliteDatabase>(db, location, std::move(busy));
    try {
        if (location != ":memory:") database->exec("PRAGMA journal_mode=WAL");
        // NORMAL is durable at every checkpoint and never corrupts in WAL mode; a power cut loses
        // at most the last commits, never half of one.
        database->exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON");
        sqlite3_wal_hook(db, &SqliteDatabase::walHook, database.get());
        database->watchVersion();
    } catch (const DbError &e) {
        if (e.kind == DbError::Kind::Busy) return databaseError("cannot open database " + location, e);
        return makeError(Errc::Io, "cannot open database " + location + ": " + e.what());
    }
    return std::unique_ptr<Database>(std::move(database));
}

}  // namespace reemploi::inventory
