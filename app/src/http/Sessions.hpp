// Signed-in browsers: a session per login, found by its cookie's token, with its CSRF token and
// an idle timeout. Kept in memory (a restart signs everyone out); only token hashes are kept, so
// a memory dump does not hand out sessions either.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <reemploi/inventory/Domain.hpp>

namespace reemploi::app::http {

struct Session {
    std::string user;
    inventory::Role role = inventory::Role::Trainee;
    std::string site;
    std::string csrf;
    std::chrono::steady_clock::time_point lastSeen;
    std::string structure = {};  // a mediator's school or structure
};

struct NewSession {
    std::string token;  // goes into the cookie, never stored
    Session session;
};

class SessionStore {
public:
    explicit SessionStore(std::chrono::seconds idleTimeout = std::chrono::hours(2)) : _idle(idleTimeout) {}

    NewSession create(const std::string &user, inventory::Role role, const std::string &site,
                      const std::string &structure = {});
    // The session of this token, if it exists and was used within the idle timeout (the use
    // renews it).
    std::optional<Session> find(const std::string &token);
    void remove(const std::string &token);
    // Ends every session of `user` (account disabled, password changed).
    void removeUser(const std::string &user);
    std::size_t size();

private:
    std::chrono::seconds _idle;
    std::mutex _m;
    std::map<std::string, Session> _byTokenHash;
};

}  // namespace reemploi::app::http
