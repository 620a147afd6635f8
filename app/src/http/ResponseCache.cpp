#include "http/ResponseCache.hpp"

#include <mutex>

namespace reemploi::app::http {

namespace {

std::size_t sizeOf(const std::string &key, const Response &r) {
    std::size_t n = key.size() + r.body.size() + r.contentType.size() + sizeof(Response);
    for (const auto &[name, value] : r.headers) n += name.size() + value.size();
    return n;
}

}  // namespace

std::shared_ptr<const Response> ResponseCache::find(const std::string &key, std::uint64_t version) const {
    {
        std::shared_lock lock(_m);
        auto it = _entries.find(key);
        if (it != _entries.end() && it->second.version == version) {
            _hits.fetch_add(1, std::memory_order_relaxed);
            return it->second.answer;
        }
    }
    _misses.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
}

void ResponseCache::store(const std::string &key, std::uint64_t version, Response answer) {
    const std::size_t bytes = sizeOf(key, answer);
    if (bytes > _maxBytes / 4) return;  // one large answer would push out every other
    auto kept = std::make_shared<const Response>(std::move(answer));
    std::unique_lock lock(_m);
    auto it = _entries.find(key);
    if (it != _entries.end()) {
        // Two requests computed it at once, or an older version is replaced: the newest stays.
        if (it->second.version > version) return;
        _bytes -= it->second.bytes;
        _entries.erase(it);
    }
    if (_bytes + bytes > _maxBytes) {
        std::erase_if(_entries, [&](const auto &kv) {
            if (kv.second.version >= version) return false;
            _bytes -= kv.second.bytes;
            return true;
        });
        if (_bytes + bytes > _maxBytes) {
            _entries.clear();
            _bytes = 0;
        }
    }
    _entries.emplace(key, Entry{version, std::move(kept), bytes});
    _bytes += bytes;
}

ResponseCache::Counts ResponseCache::counts() const {
    std::shared_lock lock(_m);
    return Counts{_hits.load(), _misses.load(), _entries.size(), _bytes};
}

}  // namespace reemploi::app::http
