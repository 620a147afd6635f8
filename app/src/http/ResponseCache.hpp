// Answers of read-only routes kept while the database has not changed.
//
// A unit's page is asked for again and again (a bench page after each scan, a coordinator's list)
// while nothing about it changes. A route marked `cacheable` (a GET whose answer depends only on
// the database, the path, the query and the caller's role and site) is answered from here as long
// as the database's version (DatabasePool::version: any commit of any connection or process moves
// it on) is the one the answer was computed at. Access is still checked at every request, before
// the cache is asked. Nothing is kept when the engine cannot tell its version (PostgreSQL, where
// other servers write).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "http/Http.hpp"

namespace reemploi::app::http {

class ResponseCache {
public:
    explicit ResponseCache(std::size_t maxBytes = 16u << 20) : _maxBytes(maxBytes) {}

    // The answer kept under `key` if it was computed at `version`.
    std::shared_ptr<const Response> find(const std::string &key, std::uint64_t version) const;
    // Keeps `answer`, computed at `version`. Past maxBytes, answers of older versions go first,
    // then everything (a cache is refilled by the next requests).
    void store(const std::string &key, std::uint64_t version, Response answer);

    struct Counts {
        std::uint64_t hits = 0, misses = 0;
        std::size_t entries = 0, bytes = 0;
    };
    Counts counts() const;

private:
    struct Entry {
        std::uint64_t version;
        std::shared_ptr<const Response> answer;
        std::size_t bytes;
    };
    const std::size_t _maxBytes;
    mutable std::shared_mutex _m;
    std::unordered_map<std::string, Entry> _entries;
    std::size_t _bytes = 0;
    mutable std::atomic<std::uint64_t> _hits{0}, _misses{0};
};

}  // namespace reemploi::app::http
