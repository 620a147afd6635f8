// The one seam between the domain and a SQL engine: a connection, prepared statements,
// nested transactions, and the few places where SQL dialects differ.
//
// Why the SQLite C API behind this small class rather than Poco::Data: the intake import has to
// stay within 2x of the sqlite3 shell's bare `.import`, which needs reused prepared statements
// with zero-copy binding; Poco::Data's binding layer costs several times that per row. The
// PostgreSQL backend (libpq, PostgresDatabase.cpp) implements the same two interfaces; callers
// never see which. Database::open picks it from the location: `postgresql://…` or `postgres://…`
// is a server, anything else (optionally written `sqlite:FILE`) an SQLite file.
//
// Threads. A Database is one connection, used by one thread at a time (SQLite is opened
// SQLITE_OPEN_NOMUTEX: the connection does not lock itself). Threads share a database through a
// DatabasePool (DatabasePool.hpp): each request leases a connection for its duration and gives it
// back; a pool on ":memory:" holds a single connection (each SQLite connection to ":memory:" is
// a database of its own), so its leases take turns.
//
// Writers. Every outermost transaction takes the write lock at its start (SQLite: BEGIN
// IMMEDIATE), so two writers serialise rather than fail at the commit. A writer that finds the
// lock held waits with backoff up to BusyPolicy::limit (5 minutes by default: a large import holds
// the lock for seconds, a bench registration waits for it rather than fail), calling
// BusyPolicy::onWaiting once when the wait passes notifyAfter (the CLI says it is waiting); past
// the limit the statement fails with DbError::Kind::Busy, which inTransaction and guard turn into
// Errc::Busy, "the database is busy, try again" (exit code 1, HTTP 503). Imports stay one
// transaction rather than chunked commits: a donor's list is registered whole or not at all, and
// waiting a few seconds for it is the lesser cost.
//
// Commit failure. commit() ends its level either way: when COMMIT (or RELEASE) fails, the level
// is rolled back before the DbError is thrown (SQLite keeps a transaction open after, e.g., a
// deferred foreign key violation), so transactionDepth() stays truthful and the connection takes
// the next transaction.
//
// The audit chain. Its head (the last event's id and hash) is read and the next event written
// under lockAuditChain(), inside the writer's transaction: a no-op check for SQLite (BEGIN
// IMMEDIATE already holds the only write lock), pg_advisory_xact_lock for PostgreSQL, whose
// writers do not exclude each other.
//
// PostgreSQL's writers run at READ COMMITTED and do not exclude each other: a read that decides a
// write (a unit's status before a transition, the proposal a confirmation applies) locks its rows
// (`lockRows()`, FOR UPDATE); ids and tags come from sequences reserved under the audit chain's
// lock. A serialization failure or a deadlock aborts the transaction: it is a DbError of kind
// Busy marked retryable, and inTransaction runs the whole outermost transaction again (bounded).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include <reemploi/common/Result.hpp>

namespace reemploi::inventory {

// Thrown by Statement and Database on an engine error; services catch it at their boundary
// and return an Error (see guard() below). Never escapes a public service function.
class DbError : public std::runtime_error {
public:
    enum class Kind { Constraint, Busy, Other };
    DbError(Kind kind, const std::string &what, bool retryable = false)
        : std::runtime_error(what), kind(kind), retryable(retryable) {}
    Kind kind;
    // The engine aborted the transaction and running it again may succeed (PostgreSQL's
    // serialization_failure, deadlock_detected): inTransaction retries its outermost level.
    bool retryable;
};

enum class Dialect { Sqlite, Postgres };

// True for a database server's URL (`postgresql://…`, `postgres://…`), false for an SQLite file.
bool isServerLocation(std::string_view location);
// The location with any password replaced by `***`, for messages and logs.
std::string redactLocation(std::string_view location);
// The SQL with its `?` parameters numbered `$1`, `$2`… (PostgreSQL's form), leaving string
// literals, quoted identifiers, comments and dollar-quoted text alone; `count` gets their number.
std::string numberPlaceholders(std::string_view sql, int *count = nullptr);

// How long a statement waits for another connection's lock (another writer, in this process or
// another), and what happens meanwhile. See the notes at the top of this file.
struct BusyPolicy {
    // Past this, the statement fails with DbError::Kind::Busy.
    std::chrono::milliseconds limit = std::chrono::minutes(5);
    // onWaiting is called once per wait that lasts this long (never when the lock comes sooner).
    std::chrono::milliseconds notifyAfter = std::chrono::seconds(1);
    // Runs on the waiting thread, inside the engine's call: it must not use the connection.
    std::function<void()> onWaiting;
};

class Statement {
public:
    virtual ~Statement() = default;

    // Parameters are 1-based, written `?` in the SQL (the PostgreSQL backend rewrites them).
    virtual Statement &bind(int index, std::int64_t value) = 0;
    virtual Statement &bind(int index, double value) = 0;
    virtual Statement &bind(int index, std::string_view value) = 0;
    virtual Statement &bindNull(int index) = 0;
    // Binds text that the caller keeps alive and unchanged until the statement is reset (the
    // rows of a bulk insert): a backend may then use it in place rather than copy it.
    virtual Statement &bindStable(int index, std::string_view value) { return bind(index, value); }
    Statement &bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement &bind(int index, const char *value) { return bind(index, std::string_view(value)); }
    Statement &bind(int index, const std::string &value) { return bind(index, std::string_view(value)); }
    template <class T>
    Statement &bind(int index, const std::optional<T> &value) {
        return value ? bind(index, *value) : bindNull(index);
    }

    // Runs or advances the statement: true while a row is available.
    virtual bool step() = 0;
    // Ready for new bindings and a new run (bindings are cleared).
    virtual void reset() = 0;

    // The result's columns (0-based), known once the statement was prepared (SQLite) or first
    // stepped (PostgreSQL): `SELECT *` copies (DatabaseCopy) name them.
    virtual int columnCount() const = 0;
    virtual std::string columnName(int column) const = 0;

    virtual bool isNull(int column) const = 0;  // 0-based
    virtual std::int64_t getInt(int column) const = 0;
    virtual double getDouble(int column) const = 0;
    virtual std::string getText(int column) const = 0;
    std::optional<std::int64_t> getOptInt(int column) const {
        return isNull(column) ? std::nullopt : std::optional<std::int64_t>(getInt(column));
    }
    std::optional<double> getOptDouble(int column) const {
        return isNull(column) ? std::nullopt : std::optional<double>(getDouble(column));
    }
    std::optional<std::string> getOptText(int column) const {
        return isNull(column) ? std::nullopt : std::optional<std::string>(getText(column));
    }
};

class Database {
public:
    virtual ~Database() = default;

    // Opens the database at `location`: a file path for SQLite (created if needed; `sqlite:PATH`
    // also), ":memory:" for a private in-memory one, or `postgresql://user@host:port/dbname` (libpq's
    // URL: `?sslmode=…`, a password from ~/.pgpass or PGPASSWORD) for a PostgreSQL server. One
    // connection, for one thread at a time.
    static Result<std::unique_ptr<Database>> open(const std::string &location, BusyPolicy busy = {});

    virtual Dialect dialect() const = 0;
    virtual const std::string &location() const = 0;

    // A new prepared statement; throws DbError on a syntax error (a programming error).
    virtual std::unique_ptr<Statement> prepare(std::string_view sql) = 0;
    // A prepared statement kept by the connection for reuse (reset before it is returned).
    virtual Statement &cached(std::string_view sql) = 0;
    // Runs one or more statements without results.
    virtual void exec(std::string_view sql) = 0;

    virtual void setBusyPolicy(BusyPolicy busy) = 0;

    // Transactions nest: the outermost takes the write lock, inner ones are savepoints.
    // Use Transaction below rather than these. commit() and rollback() end the innermost level
    // whether they succeed or throw (a failed commit rolls its level back); calling either with
    // no transaction open throws std::logic_error.
    virtual void begin() = 0;
    virtual void commit() = 0;
    virtual void rollback() = 0;
    virtual int transactionDepth() const = 0;
    // A read snapshot: the reads until endRead() see one state of the database, and pay for one
    // read transaction instead of one per statement (use ReadSnapshot below). Inside a transaction
    // or another snapshot it is that one. SQLite: a deferred BEGIN (no write lock, writers go on);
    // PostgreSQL: a REPEATABLE READ, READ ONLY transaction. begin() inside a snapshot that is not
    // itself inside a transaction throws std::logic_error: a snapshot never becomes a writer.
    void beginRead() {
        if (transactionDepth() == 0 && _readDepth == 0) {
            startReadTransaction();
            _readOwned = true;
        }
        ++_readDepth;
    }
    void endRead() {
        if (_readDepth == 0) throw std::logic_error("endRead() without a read snapshot");
        if (--_readDepth > 0 || !_readOwned) return;
        _readOwned = false;
        finishReadTransaction();
    }
    // The database's version as this process knows it: a number that grows whenever a commit may
    // have changed the database, so that an answer computed at version V is still right while
    // version() says V (the server's ResponseCache). Asked outside any transaction or snapshot
    // (std::logic_error otherwise). SQLite: the commits of every connection of this process to the
    // file move it on as they end; another process's are seen within a millisecond (SQLite's
    // `data_version`, looked at no more than once a millisecond by the whole process: it costs a
    // read transaction). nullopt when the engine cannot tell without reading the data
    // (PostgreSQL: other servers write to it).
    virtual std::optional<std::uint64_t> version() { return std::nullopt; }
    // True when a statement of the current (or just ended) outermost transaction failed with a
    // retryable DbError: the transaction is lost and may be run again (see inTransaction).
    virtual bool retryableAbort() const { return false; }

    // Makes the current transaction the only appender of the audit chain until it ends (see the
    // notes at the top). Throws std::logic_error outside a transaction.
    virtual void lockAuditChain() = 0;

    // The first of `count` fresh ids for `table`'s primary key, for rows the current transaction
    // inserts with explicit ids (bulk inserts name their ids rather than asking for each one).
    // SQLite: past AUTOINCREMENT's sqlite_sequence (the write lock is held); PostgreSQL: the
    // identity's sequence (identities are BY DEFAULT), consecutive values taken under the audit
    // chain's lock.
    virtual std::int64_t reserveIds(std::string_view table, std::int64_t count) = 0;
    // The first of `count` consecutive numbers of the named counter (`unit_tag`), never given
    // twice. SQLite: a row of `counters` (the write lock is held); PostgreSQL: the sequence
    // `<name>_seq`, advanced under the audit chain's lock (a rolled-back reservation leaves a gap).
    virtual std::int64_t reserveSequence(std::string_view name, std::int64_t count) = 0;
    // The clause that locks the rows a SELECT reads until the transaction ends: " FOR UPDATE" on
    // PostgreSQL, "" on SQLite (whose writer already holds the only write lock).
    virtual std::string_view lockRows() const = 0;
    // Engine tuning for a transaction about to write about `rows` rows, undone by endBulk (use
    // BulkScope), best opened before the transaction begins (some tuning applies to its commit).
    // SQLite: a page cache that holds every dirtied page until the commit; outside a transaction,
    // also a commit that syncs the WAL and leaves its checkpoint to the next commit or close.
    virtual void beginBulk(std::size_t rows) = 0;
    virtual void endBulk() = 0;

protected:
    // A snapshot of its own is open (begin() then throws: a snapshot never becomes a writer).
    bool inReadSnapshot() const { return _readOwned; }
    // The engine's read transaction for the outermost snapshot outside any write transaction.
    virtual void startReadTransaction() = 0;
    virtual void finishReadTransaction() = 0;

private:
    int _readDepth = 0;       // open snapshots
    bool _readOwned = false;  // the outermost one began a read transaction of its own
};

// Scoped beginBulk/endBulk.
class BulkScope {
public:
    BulkScope(Database &db, std::size_t rows) : _db(db) { _db.beginBulk(rows); }
    ~BulkScope() {
        try { _db.endBulk(); } catch (...) {}
    }
    BulkScope(const BulkScope &) = delete;
    BulkScope &operator=(const BulkScope &) = delete;

private:
    Database &_db;
};

// Scoped transaction: rolls back unless commit() was called. Its level is known by depth, so a
// commit that failed (and rolled back) is not rolled back twice.
class Transaction {
public:
    explicit Transaction(Database &db) : _db(db) {
        _db.begin();
        _level = _db.transactionDepth();
    }
    ~Transaction() {
        if (_db.transactionDepth() >= _level) {
            try { _db.rollback(); } catch (...) {}
        }
    }
    void commit() { _db.commit(); }
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

private:
    Database &_db;
    int _level = 0;
};

// Scoped beginRead/endRead: the reads of one answer (a unit and its media and records) from one
// state of the database.
class ReadSnapshot {
public:
    explicit ReadSnapshot(Database &db) : _db(db) { _db.beginRead(); }
    ~ReadSnapshot() {
        try { _db.endRead(); } catch (...) {}
    }
    ReadSnapshot(const ReadSnapshot &) = delete;
    ReadSnapshot &operator=(const ReadSnapshot &) = delete;

private:
    Database &_db;
};

// The Error a service returns for a DbError: Conflict for a constraint, Busy when another writer
// held the database past the BusyPolicy's limit, Io otherwise; the message names `what`.
inline Error databaseError(const std::string &what, const DbError &e) {
    switch (e.kind) {
    case DbError::Kind::Constraint:
        return makeError(Errc::Conflict, what + ": database: " + e.what());
    case DbError::Kind::Busy:
        return makeError(Errc::Busy, what + ": the database is busy, try again (" + e.what() + ")");
    default:
        return makeError(Errc::Io, what + ": database: " + e.what());
    }
}

// How often inTransaction runs an outermost transaction that the engine aborted as retryable
// (serialization failure, deadlock) before it reports Busy.
inline constexpr int kTransactionAttempts = 8;

// Runs `body` (returning Result<T>) inside a transaction: commits on success, rolls back on an
// error or a DbError, which becomes the Error databaseError gives. An outermost transaction the
// engine aborted as retryable (a DbError thrown, or an error returned by a nested inTransaction
// after one: retryableAbort()) runs again, body and all (bodies only touch the database), after a
// short growing pause, at most kTransactionAttempts times.
template <class F>
auto inTransaction(Database &db, const std::string &what, F &&body) -> decltype(body()) {
    const bool outermost = db.transactionDepth() == 0;
    for (int attempt = 1;; ++attempt) {
        const bool mayRetry = outermost && attempt < kTransactionAttempts;
        try {
            Transaction tx(db);
            auto result = body();
            if (result) {
                tx.commit();
                return result;
            }
            if (!mayRetry || !db.retryableAbort()) return result;
        } catch (const DbError &e) {
            if (!mayRetry || !e.retryable) return databaseError(what, e);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(attempt * attempt));
    }
}

// Same as inTransaction, without a transaction (reads).
template <class F>
auto guard(const std::string &what, F &&body) -> decltype(body()) {
    try {
        return body();
    } catch (const DbError &e) {
        return databaseError(what, e);
    }
}

}  // namespace reemploi::inventory
