// Connections to one database shared by threads (the HTTP server's requests, wipe sessions): each
// thread leases a connection for the duration of its work and gives it back.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/inventory/Database.hpp>

namespace reemploi::inventory {

struct PoolOptions {
    // Connections opened at most (on demand, kept open once opened). Forced to 1 for ":memory:",
    // where every SQLite connection is a database of its own: the pool's leases then take turns
    // on its one connection.
    std::size_t maxConnections = 8;
    // Given to every connection; its limit, notifyAfter and onWaiting also apply to waiting for
    // a free connection when all are leased.
    BusyPolicy busy;
};

class DatabasePool {
public:
    // One connection, held by one thread until the lease ends (destroyed or moved from). A lease
    // must end before its pool; one that ends inside a transaction rolls it back.
    class Lease {
    public:
        Lease(Lease &&other) noexcept;
        Lease &operator=(Lease &&other) noexcept;
        ~Lease();
        Lease(const Lease &) = delete;
        Lease &operator=(const Lease &) = delete;

        Database &operator*() const { return *_db; }
        Database *operator->() const { return _db.get(); }

    private:
        friend class DatabasePool;
        Lease(DatabasePool &pool, std::unique_ptr<Database> db) : _pool(&pool), _db(std::move(db)) {}
        void end() noexcept;
        DatabasePool *_pool;
        std::unique_ptr<Database> _db;
    };

    // Opens the first connection at once, so that a location that cannot be opened is an error
    // here rather than at the first request.
    static Result<std::unique_ptr<DatabasePool>> open(const std::string &location, PoolOptions options = {});
    ~DatabasePool();
    DatabasePool(const DatabasePool &) = delete;
    DatabasePool &operator=(const DatabasePool &) = delete;

    // An idle connection, a new one while fewer than maxConnections are open, or the next one
    // given back; Errc::Busy when none is given back within options.busy.limit.
    Result<Lease> acquire();

    const std::string &location() const { return _location; }
    std::size_t capacity() const { return _capacity; }
    std::size_t openConnections() const;

private:
    DatabasePool(std::string location, PoolOptions options);
    void giveBack(std::unique_ptr<Database> db) noexcept;

    std::string _location;
    PoolOptions _options;
    std::size_t _capacity;
    mutable std::mutex _mutex;
    std::condition_variable _returned;
    std::vector<std::unique_ptr<Database>> _idle;
    std::size_t _open = 0;  // leased + idle (+ being opened)
};

}  // namespace reemploi::inventory
