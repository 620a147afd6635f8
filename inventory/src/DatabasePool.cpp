// Connections to one database leased to one thread at a time: opened on demand up to a bound,
// kept open, handed back clean (no transaction left open).
#include <reemploi/inventory/DatabasePool.hpp>

#include <cassert>
#include <chrono>

namespace reemploi::inventory {

namespace {

// ":memory:" (and "", a temporary database) is private to its connection.
bool isPrivate(const std::string &location) { return location == ":memory:" || location.empty(); }

}  // namespace

DatabasePool::Lease::Lease(Lease &&other) noexcept : _pool(other._pool), _db(std::move(other._db)) {}

DatabasePool::Lease &DatabasePool::Lease::operator=(Lease &&other) noexcept {
    if (this != &other) {
        end();
        _pool = other._pool;
        _db = std::move(other._db);
    }
    return *this;
}

DatabasePool::Lease::~Lease() { end(); }

void DatabasePool::Lease::end() noexcept {
    if (_db) _pool->giveBack(std::move(_db));
}

DatabasePool::DatabasePool(std::string location, PoolOptions options)
    : _location(std::move(location)),
      _options(std::move(options)),
      _capacity(isPrivate(_location) ? 1 : std::max<std::size_t>(_options.maxConnections, 1)) {}

Result<std::unique_ptr<DatabasePool>> DatabasePool::open(const std::string &location, PoolOptions options) {
    std::unique_ptr<DatabasePool> pool(new DatabasePool(location, std::move(options)));
    auto first = Database::open(location, pool->_options.busy);
    if (!first) return first.error();
    pool->_idle.push_back(std::move(first.value()));
    pool->_open = 1;
    return pool;
}

DatabasePool::~DatabasePool() {
    std::lock_guard lock(_mutex);
    assert(_idle.size() == _open && "a lease outlived its pool");
}

std::size_t DatabasePool::openConnections() const {
    std::lock_guard lock(_mutex);
    return _open;
}

Result<DatabasePool::Lease> DatabasePool::acquire() {
    using Clock = std::chrono::steady_clock;
    const auto &busy = _options.busy;
    std::unique_lock lock(_mutex);
    const auto start = Clock::now();
    bool notified = false;
    for (;;) {
        if (!_idle.empty()) {
            // The most recently used: its page cache and statements are the warmest.
            auto db = std::move(_idle.back());
            _idle.pop_back();
            return Lease(*this, std::move(db));
        }
        if (_open < _capacity) {
            ++_open;
            lock.unlock();  // opening touches the file: other threads may give back or take meanwhile
            auto opened = Database::open(_location, busy);
            if (!opened) {
                lock.lock();
                --_open;
                _returned.notify_one();
                return opened.error();
            }
            return Lease(*this, std::move(opened.value()));
        }
        auto waited = Clock::now() - start;
        if (waited >= busy.limit)
            return makeError(Errc::Busy, "the database is busy, try again (its " + std::to_string(_capacity) +
                                             " connections stayed in use for more than " +
                                             std::to_string(busy.limit.count()) + " ms)");
        if (!notified && waited >= busy.notifyAfter) {
            notified = true;
            if (busy.onWaiting) {
                lock.unlock();
                try { busy.onWaiting(); } catch (...) {}
                lock.lock();
            }
            continue;
        }
        _returned.wait_until(lock, start + (notified ? busy.limit : std::min(busy.limit, busy.notifyAfter)));
    }
}

void DatabasePool::giveBack(std::unique_ptr<Database> db) noexcept {
    // A lease that ends inside a transaction (an exception past a raw begin()) must not hand the
    // next thread a transaction it did not open.
    bool clean = true;
    try {
        while (db->transactionDepth() > 0) db->rollback();
    } catch (...) {
        clean = false;
    }
    std::lock_guard lock(_mutex);
    if (clean || isPrivate(_location)) {  // a private database lives only in its one connection
        _idle.push_back(std::move(db));
    } else {
        db.reset();
        --_open;
    }
    _returned.notify_one();
}

}  // namespace reemploi::inventory
