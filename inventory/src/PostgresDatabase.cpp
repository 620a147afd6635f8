// The PostgreSQL backend of Database, on libpq: one server connection, statements prepared once
// and kept by the connection, nested transactions as savepoints, the audit chain serialised by an
// advisory lock, ids and tags from sequences, and the server's lock waits bounded like SQLite's.
//
// Why libpq rather than Poco::Data's PostgreSQL connector: the reasons of Database.hpp hold here
// too. A cached statement is prepared once on the server (PQprepare) and described once
// (PQdescribePrepared), so each run sends only its parameters; text parameters of text columns go
// in binary format (the bytes themselves, no terminating NUL, no copy for bindStable: the rows of
// a bulk insert are sent from the caller's strings), numbers as text; results come back as text
// and are read in place. Poco::Data copies every value into its own Any-based binders and
// extractors and hides the server's SQLSTATE, which we need to tell a serialization failure or a
// deadlock (retry) from a constraint (Conflict). libpq is also what every PostgreSQL tool links.
//
// Waiting. Statements are sent asynchronously and their socket polled, so that a statement
// waiting for another transaction's lock calls BusyPolicy::onWaiting after notifyAfter, like
// SQLite's busy handler; the server's lock_timeout (BusyPolicy::limit) ends the wait with
// lock_not_available, which is DbError::Kind::Busy.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <vector>
#include <poll.h>

#include <libpq-fe.h>

#include <reemploi/inventory/Database.hpp>

#include "Backends.hpp"

namespace reemploi::inventory {

namespace {

// The advisory lock key of the audit chain: "reemploi" in ASCII.
constexpr const char *kAuditChainLock = "SELECT pg_advisory_xact_lock(8243124871180134249)";

// Type OIDs (pg_type.h) of parameters that may be sent as raw bytes.
constexpr Oid kTextOid = 25, kVarcharOid = 1043, kBpcharOid = 1042;
constexpr int kMaxDescribedParameters = 7000;

std::string describe(std::chrono::milliseconds d) {
    auto ms = d.count();
    if (ms >= 60'000 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + " min";
    if (ms >= 1'000 && ms % 1'000 == 0) return std::to_string(ms / 1'000) + " s";
    return std::to_string(ms) + " ms";
}

std::string trimmed(const char *message) {
    std::string s = message ? message : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

// Results are freed when they go out of scope.
struct ResultDeleter {
    void operator()(PGresult *r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

class PostgresDatabase;

class PostgresStatement final : public Statement {
public:
    // `name` empty: run with PQexecParams (nothing kept on the server); otherwise prepared once.
    PostgresStatement(PostgresDatabase &db, std::string_view sql, std::string name);

    Statement &bind(int index, std::int64_t value) override {
        char buf[24];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
        (void)ec;
        return setText(index, std::string_view(buf, static_cast<std::size_t>(end - buf)));
    }
    Statement &bind(int index, double value) override {
        char buf[32];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
        (void)ec;
        return setText(index, std::string_view(buf, static_cast<std::size_t>(end - buf)));
    }
    Statement &bind(int index, std::string_view value) override { return setText(index, value); }
    Statement &bindStable(int index, std::string_view value) override {
        auto i = slot(index);
        if (!_raw[i]) return setText(index, value);
        _values[i] = value.data() ? value.data() : "";
        _lengths[i] = static_cast<int>(value.size());
        return *this;
    }
    Statement &bindNull(int index) override {
        auto i = slot(index);
        _values[i] = nullptr;
        _lengths[i] = 0;
        return *this;
    }

    bool step() override;
    void reset() override {
        _result.reset();
        _row = -1;
        std::fill(_values.begin(), _values.end(), nullptr);
    }

    int columnCount() const override { return _result ? PQnfields(_result.get()) : 0; }
    std::string columnName(int column) const override {
        const char *name = _result ? PQfname(_result.get(), column) : nullptr;
        return name ? name : "";
    }
    bool isNull(int column) const override { return PQgetisnull(_result.get(), _row, column) != 0; }
    std::int64_t getInt(int column) const override {
        const char *v = PQgetvalue(_result.get(), _row, column);
        if (v[0] == 't' && v[1] == 0) return 1;  // a boolean expression, as SQLite gives it
        if (v[0] == 'f' && v[1] == 0) return 0;
        std::int64_t out = 0;
        std::from_chars(v, v + std::strlen(v), out);
        return out;
    }
    double getDouble(int column) const override { return std::strtod(PQgetvalue(_result.get(), _row, column), nullptr); }
    std::string getText(int column) const override {
        return std::string(PQgetvalue(_result.get(), _row, column),
                           static_cast<std::size_t>(PQgetlength(_result.get(), _row, column)));
    }

private:
    std::size_t slot(int index) {
        if (index < 1 || index > static_cast<int>(_values.size()))
            throw DbError(DbError::Kind::Other, "parameter " + std::to_string(index) + " out of range (in: " + _sql.substr(0, 80) + ")");
        return static_cast<std::size_t>(index - 1);
    }
    Statement &setText(int index, std::string_view value) {
        auto i = slot(index);
        _buffers[i].assign(value);
        _values[i] = _buffers[i].c_str();
        _lengths[i] = static_cast<int>(value.size());
        return *this;
    }

    PostgresDatabase &_db;
    std::string _sql;
    std::string _name;
    std::vector<std::string> _buffers;
    std::vector<const char *> _values;
    std::vector<int> _lengths;
    std::vector<int> _raw;  // 1: a text parameter sent as its bytes (binary format)
    ResultPtr _result;
    int _row = -1;
};

class PostgresDatabase final : public Database {
public:
    PostgresDatabase(PGconn *conn, std::string location, BusyPolicy busy)
        : _conn(conn), _location(std::move(location)), _busy(std::move(busy)) {
        PQsetNoticeProcessor(_conn, [](void *, const char *) {}, nullptr);  // NOTICEs are not ours to print
    }
    ~PostgresDatabase() override {
        _cache.clear();
        PQfinish(_conn);
    }

    Dialect dialect() const override { return Dialect::Postgres; }
    const std::string &location() const override { return _location; }

    std::unique_ptr<Statement> prepare(std::string_view sql) override {
        return std::make_unique<PostgresStatement>(*this, sql, std::string());
    }
    Statement &cached(std::string_view sql) override {
        auto it = _cache.find(sql);
        if (it == _cache.end()) {
            std::string name = "s" + std::to_string(_cache.size() + 1);
            it = _cache.emplace(std::string(sql), std::make_unique<PostgresStatement>(*this, sql, name)).first;
        }
        it->second->reset();
        return *it->second;
    }
    void exec(std::string_view sql) override {
        std::string s(sql);
        run([&] { return PQsendQuery(_conn, s.c_str()); }, s);
    }

    void setBusyPolicy(BusyPolicy busy) override {
        _busy = std::move(busy);
        if (_depth == 0) applyLockTimeout();
        else _timeoutPending = true;  // a SET inside a transaction is undone by its rollback
    }
    void applyLockTimeout() {
        exec("SET lock_timeout = " + std::to_string(std::max<std::int64_t>(_busy.limit.count(), 1)));
        _timeoutPending = false;
    }

    void begin() override {
        if (_depth == 0 && inReadSnapshot()) throw std::logic_error("begin() inside a read snapshot");
        if (_depth == 0) {
            if (_timeoutPending) applyLockTimeout();
            _retryable = false;
            exec("BEGIN");
        } else {
            exec("SAVEPOINT sp" + std::to_string(_depth));
        }
        ++_depth;
    }
    void commit() override {
        if (_depth == 0) throw std::logic_error("commit() without an open transaction");
        if (_depth > 1) {
            try {
                exec("RELEASE SAVEPOINT sp" + std::to_string(_depth - 1));
                --_depth;
            } catch (const DbError &) {
                try { rollback(); } catch (...) {}
                throw;
            }
            return;
        }
        bool aborted = PQtransactionStatus(_conn) == PQTRANS_INERROR;
        try {
            auto result = run([&] { return PQsendQuery(_conn, "COMMIT"); }, "COMMIT");
            _depth = 0;
            // COMMIT of a transaction an error aborted answers ROLLBACK, without an error.
            if (aborted || std::strcmp(PQcmdStatus(result.get()), "ROLLBACK") == 0)
                throw DbError(_retryable ? DbError::Kind::Busy : DbError::Kind::Other,
                              "the transaction was rolled back: a statement in it failed", _retryable);
        } catch (const DbError &) {
            // The server ends the transaction when COMMIT fails (a deferred constraint, a
            // serialization failure); a lost connection ends it too.
            _depth = 0;
            if (PQtransactionStatus(_conn) != PQTRANS_IDLE && PQstatus(_conn) == CONNECTION_OK) {
                try { exec("ROLLBACK"); } catch (...) {}
            }
            throw;
        }
    }
    void rollback() override {
        if (_depth == 0) throw std::logic_error("rollback() without an open transaction");
        if (PQtransactionStatus(_conn) == PQTRANS_IDLE || PQstatus(_conn) != CONNECTION_OK) {
            _depth = 0;  // the server already ended it
            return;
        }
        if (_depth == 1) {
            _depth = 0;
            exec("ROLLBACK");
            if (_timeoutPending) applyLockTimeout();
        } else {
            std::string sp = "sp" + std::to_string(_depth - 1);
            --_depth;
            exec("ROLLBACK TO SAVEPOINT " + sp + "; RELEASE SAVEPOINT " + sp);
        }
    }
    int transactionDepth() const override { return _depth; }

    void startReadTransaction() override { exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"); }
    void finishReadTransaction() override {
        if (_depth == 0) exec("COMMIT");  // after a failed statement: the server rolls back
    }
    bool retryableAbort() const override { return _retryable; }

    // Held until the outermost transaction ends; taking it again is a no-op on the server.
    void lockAuditChain() override {
        if (_depth == 0) throw std::logic_error("the audit chain is locked only inside a transaction");
        auto &st = cached(kAuditChainLock);
        st.step();
        st.reset();
    }

    // `count` consecutive values of the identity's sequence. Every bulk reserver holds the audit
    // chain's lock, so only a single-row insert's DEFAULT can take a value in between: the block
    // is then not consecutive and another is taken (its values are lost, as sequences lose values).
    std::int64_t reserveIds(std::string_view table, std::int64_t count) override {
        lockAuditChain();
        auto seq = _sequences.find(table);
        if (seq == _sequences.end()) {
            auto &name = cached("SELECT pg_get_serial_sequence(?, 'id')");
            name.bind(1, table);
            if (!name.step() || name.isNull(0)) {
                name.reset();
                throw DbError(DbError::Kind::Other, "table " + std::string(table) + " has no identity column id");
            }
            seq = _sequences.emplace(std::string(table), name.getText(0)).first;
            name.reset();
        }
        auto &block = cached("SELECT min(v), max(v) FROM (SELECT nextval(?::regclass) AS v FROM generate_series(1, ?)) s");
        for (int attempt = 0; attempt < 100; ++attempt) {
            block.bind(1, seq->second).bind(2, count);
            block.step();
            std::int64_t first = block.getInt(0), last = block.getInt(1);
            block.reset();
            if (last - first == count - 1) return first;
        }
        throw DbError(DbError::Kind::Busy, "could not reserve " + std::to_string(count) + " consecutive ids for " +
                                               std::string(table) + ": other sessions kept taking ids in between");
    }

    // setval(nextval + count - 1) is one step for every caller: they all hold the chain's lock.
    std::int64_t reserveSequence(std::string_view name, std::int64_t count) override {
        lockAuditChain();
        auto &st = cached("SELECT setval(?::regclass, nextval(?::regclass) + ? - 1)");
        std::string seq = std::string(name) + "_seq";
        st.bind(1, seq).bind(2, seq).bind(3, count);
        st.step();
        std::int64_t last = st.getInt(0);
        st.reset();
        return last - count + 1;
    }

    std::string_view lockRows() const override { return " FOR UPDATE"; }

    // The server needs no tuning for a bulk transaction of ours.
    void beginBulk(std::size_t) override {}
    void endBulk() override {}

    PGconn *connection() const { return _conn; }

    // Sends with `send`, waits for the results (telling onWaiting once past notifyAfter), and
    // returns the last one; throws the first error.
    template <class Send>
    ResultPtr run(Send &&send, std::string_view sql) {
        if (!send()) throwConnection(sql);
        waitForResult(sql);
        ResultPtr last;
        std::optional<DbError> error;
        while (PGresult *r = PQgetResult(_conn)) {
            ResultPtr result(r);
            auto status = PQresultStatus(r);
            if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
                if (!error) error = errorOf(r, sql);
            } else {
                last = std::move(result);
            }
        }
        if (error) throw *error;
        if (!last) throwConnection(sql);
        return last;
    }

private:
    void waitForResult(std::string_view sql) {
        auto start = std::chrono::steady_clock::now();
        bool notified = !_busy.onWaiting;
        if (PQflush(_conn) < 0) throwConnection(sql);
        while (PQisBusy(_conn)) {
            int timeout = -1;
            if (!notified) {
                auto left = _busy.notifyAfter - std::chrono::duration_cast<std::chrono::milliseconds>(
                                                    std::chrono::steady_clock::now() - start);
                timeout = static_cast<int>(std::max<std::int64_t>(left.count(), 0));
            }
            pollfd fd{PQsocket(_conn), POLLIN, 0};
            if (PQflush(_conn) == 1) fd.events |= POLLOUT;
            int ready = ::poll(&fd, 1, timeout);
            if (ready < 0 && errno != EINTR) throwConnection(sql);
            if (ready > 0) {
                if ((fd.revents & POLLOUT) && PQflush(_conn) < 0) throwConnection(sql);
                if (!PQconsumeInput(_conn)) throwConnection(sql);
            }
            if (!notified && std::chrono::steady_clock::now() - start >= _busy.notifyAfter && PQisBusy(_conn)) {
                notified = true;
                try { _busy.onWaiting(); } catch (...) {}
            }
        }
    }

    DbError errorOf(PGresult *r, std::string_view sql) {
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        std::string code = state ? state : "";
        std::string message = trimmed(PQresultErrorMessage(r));
        if (message.starts_with("ERROR:  ")) message.erase(0, 8);
        std::string context = sql.empty() ? "" : " (in: " + std::string(sql.substr(0, 80)) + ")";
        // Class 23: integrity constraint violation (unique, foreign key, check, not null).
        if (code.starts_with("23")) return DbError(DbError::Kind::Constraint, message + context);
        // 40001 serialization_failure, 40P01 deadlock_detected: the transaction is lost; again.
        if (code == "40001" || code == "40P01") {
            _retryable = true;
            return DbError(DbError::Kind::Busy, message + context, true);
        }
        // 55P03 lock_not_available: lock_timeout (BusyPolicy::limit) passed.
        if (code == "55P03")
            return DbError(DbError::Kind::Busy,
                           "another writer kept the rows or the audit chain locked for more than " + describe(_busy.limit));
        if (code == "57014") return DbError(DbError::Kind::Busy, message + context);  // query_canceled
        return DbError(DbError::Kind::Other, message + context);
    }

    [[noreturn]] void throwConnection(std::string_view sql) {
        std::string message = trimmed(PQerrorMessage(_conn));
        throw DbError(DbError::Kind::Other,
                      "database server: " + (message.empty() ? std::string("connection lost") : message) +
                          (sql.empty() ? "" : " (in: " + std::string(sql.substr(0, 80)) + ")"));
    }

    PGconn *_conn;
    std::string _location;
    BusyPolicy _busy;
    int _depth = 0;
    bool _retryable = false;
    bool _timeoutPending = false;
    std::map<std::string, std::unique_ptr<PostgresStatement>, std::less<>> _cache;
    std::map<std::string, std::string, std::less<>> _sequences;
};

PostgresStatement::PostgresStatement(PostgresDatabase &db, std::string_view sql, std::string name)
    : _db(db), _name(std::move(name)) {
    int count = 0;
    _sql = numberPlaceholders(sql, &count);
    auto n = static_cast<std::size_t>(count);
    _buffers.resize(n);
    _values.assign(n, nullptr);
    _lengths.assign(n, 0);
    _raw.assign(n, 0);
    if (_name.empty()) return;
    PGconn *conn = db.connection();
    db.run([&] { return PQsendPrepare(conn, _name.c_str(), _sql.c_str(), 0, nullptr); }, _sql);
    // libpq (15) takes a parameter description longer than 30,000 bytes for a lost connection:
    // a statement of more parameters sends them all as text.
    if (count > kMaxDescribedParameters) return;
    auto described = db.run([&] { return PQsendDescribePrepared(conn, _name.c_str()); }, _sql);
    for (int i = 0; i < count && i < PQnparams(described.get()); ++i) {
        Oid type = PQparamtype(described.get(), i);
        _raw[static_cast<std::size_t>(i)] = type == kTextOid || type == kVarcharOid || type == kBpcharOid;
    }
}

bool PostgresStatement::step() {
    if (_result) return ++_row < PQntuples(_result.get());
    PGconn *conn = _db.connection();
    int n = static_cast<int>(_values.size());
    if (_name.empty()) {
        _result = _db.run([&] {
            return PQsendQueryParams(conn, _sql.c_str(), n, nullptr, _values.data(), _lengths.data(), nullptr, 0);
        }, _sql);
    } else {
        _result = _db.run([&] {
            return PQsendQueryPrepared(conn, _name.c_str(), n, _values.data(), _lengths.data(), _raw.data(), 0);
        }, _sql);
    }
    _row = 0;
    return PQntuples(_result.get()) > 0;
}

}  // namespace

Result<std::unique_ptr<Database>> openPostgres(const std::string &url, BusyPolicy busy) {
    PGconn *conn = PQconnectdb(url.c_str());
    if (!conn || PQstatus(conn) != CONNECTION_OK) {
        std::string message = conn ? trimmed(PQerrorMessage(conn)) : "out of memory";
        PQfinish(conn);
        return makeError(Errc::Io, "cannot open database " + redactLocation(url) + ": " + message);
    }
    if (PQsetClientEncoding(conn, "UTF8") != 0) {
        PQfinish(conn);
        return makeError(Errc::Io, "cannot open database " + redactLocation(url) + ": the server cannot speak UTF-8");
    }
    auto database = std::make_unique<PostgresDatabase>(conn, url, std::move(busy));
    try {
        database->applyLockTimeout();
    } catch (const DbError &e) {
        return makeError(Errc::Io, "cannot open database " + redactLocation(url) + ": " + e.what());
    }
    return std::unique_ptr<Database>(std::move(database));
}

}  // namespace reemploi::inventory
