// Sessions in memory, keyed by the SHA-256 of their token.
#include "http/Sessions.hpp"

#include <reemploi/inventory/AuditLog.hpp>

#include "services/Accounts.hpp"

namespace reemploi::app::http {

NewSession SessionStore::create(const std::string &user, inventory::Role role, const std::string &site,
                                const std::string &structure) {
    NewSession out;
    out.token = accounts::randomToken();
    out.session = Session{user, role, site, accounts::randomToken(), std::chrono::steady_clock::now(), structure};
    std::lock_guard lock(_m);
    // Forget sessions idle for long: the store stays as large as the people really signed in.
    auto now = std::chrono::steady_clock::now();
    std::erase_if(_byTokenHash, [&](const auto &kv) { return now - kv.second.lastSeen > _idle; });
    _byTokenHash[inventory::sha256Hex(out.token)] = out.session;
    return out;
}

std::optional<Session> SessionStore::find(const std::string &token) {
    if (token.size() != 64) return std::nullopt;
    auto key = inventory::sha256Hex(token);
    std::lock_guard lock(_m);
    auto it = _byTokenHash.find(key);
    if (it == _byTokenHash.end()) return std::nullopt;
    auto now = std::chrono::steady_clock::now();
    if (now - it->second.lastSeen > _idle) {
        _byTokenHash.erase(it);
        return std::nullopt;
    }
    it->second.lastSeen = now;
    return it->second;
}

void SessionStore::remove(const std::string &token) {
    std::lock_guard lock(_m);
    _byTokenHash.erase(inventory::sha256Hex(token));
}

void SessionStore::removeUser(const std::string &user) {
    std::lock_guard lock(_m);
    std::erase_if(_byTokenHash, [&](const auto &kv) { return kv.second.user == user; });
}

std::size_t SessionStore::size() {
    std::lock_guard lock(_m);
    return _byTokenHash.size();
}

}  // namespace reemploi::app::http
