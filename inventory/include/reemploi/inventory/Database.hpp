// The one seam between the domain and a SQL engine: a connection, prepared statements,
// nested transactions, and the few places where SQL dialects differ.
//
// Why the SQLite C API behind this small class rather than Poco::Data: the intake import has to
// stay within 2x of the sqlite3 shell's bare `.import`, which needs reused prepared statements
// with zero-copy binding; Poco::Data's binding layer costs several times that per row. A
// PostgreSQL backend (libpq) implements the same two interfaces; callers never see which.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <reemploi/common/Result.hpp>

namespace reemploi::inventory {

// Thrown by Statement and Database on an engine error; services catch it at their boundary
// and return an Error (see guard() below). Never escapes a public service function.
class DbError : public std::runtime_error {
public:
    enum class Kind { Constraint, Busy, Other };
    DbError(Kind kind, const std::string &what) : std::runtime_error(what), kind(kind) {}
    Kind kind;
};

enum class Dialect { Sqlite, Postgres };

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

    // Opens (creating if needed) the database at `location`: a file path for SQLite,
    // ":memory:" for a private in-memory one.
    static Result<std::unique_ptr<Database>> open(const std::string &location);

    virtual Dialect dialect() const = 0;
    virtual const std::string &location() const = 0;

    // A new prepared statement; throws DbError on a syntax error (a programming error).
    virtual std::unique_ptr<Statement> prepare(std::string_view sql) = 0;
    // A prepared statement kept by the connection for reuse (reset before it is returned).
    virtual Statement &cached(std::string_view sql) = 0;
    // Runs one or more statements without results.
    virtual void exec(std::string_view sql) = 0;

    // Transactions nest: the outermost takes the write lock, inner ones are savepoints.
    // Use Transaction below rather than these.
    virtual void begin() = 0;
    virtual void commit() = 0;
    virtual void rollback() = 0;
    virtual int transactionDepth() const = 0;

    // The first of `count` fresh ids for `table`'s primary key, for rows the current transaction
    // inserts with explicit ids (bulk inserts name their ids rather than asking for each one).
    virtual std::int64_t reserveIds(std::string_view table, std::int64_t count) = 0;
    // Engine tuning for a transaction about to write about `rows` rows, undone by endBulk (use
    // BulkScope), best opened before the transaction begins (some tuning applies to its commit).
    // SQLite: a page cache that holds every dirtied page until the commit; outside a transaction,
    // also a commit that syncs the WAL and leaves its checkpoint to the next commit or close.
    virtual void beginBulk(std::size_t rows) = 0;
    virtual void endBulk() = 0;
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

// Scoped transaction: rolls back unless commit() was called.
class Transaction {
public:
    explicit Transaction(Database &db) : _db(db) { _db.begin(); }
    ~Transaction() {
        if (!_done) {
            try { _db.rollback(); } catch (...) {}
        }
    }
    void commit() { _db.commit(); _done = true; }
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

private:
    Database &_db;
    bool _done = false;
};

// Runs `body` (returning Result<T>) inside a transaction: commits on success, rolls back on an
// error or a DbError, which becomes an Error{Io} naming `what`.
template <class F>
auto inTransaction(Database &db, const std::string &what, F &&body) -> decltype(body()) {
    try {
        Transaction tx(db);
        auto result = body();
        if (result) tx.commit();
        return result;
    } catch (const DbError &e) {
        return makeError(e.kind == DbError::Kind::Constraint ? Errc::Conflict : Errc::Io,
                         what + ": database: " + e.what());
    }
}

// Same as inTransaction, without a transaction (reads).
template <class F>
auto guard(const std::string &what, F &&body) -> decltype(body()) {
    try {
        return body();
    } catch (const DbError &e) {
        return makeError(Errc::Io, what + ": database: " + e.what());
    }
}

}  // namespace reemploi::inventory
