// Workshop accounts: who may log in to the web app and with which role. Passwords are kept as
// Argon2id hashes (libsodium crypto_pwhash_str); nothing else about a person is stored.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::app::accounts {

struct User {
    std::int64_t id = 0;
    std::string name;
    inventory::Role role = inventory::Role::Trainee;
    std::string site;
    bool disabled = false;
    std::string createdAt;
    std::string structure = {};  // a mediator's school or structure
};

struct NewUser {
    std::string name;  // a login: letters, digits, . _ -, at most 64
    inventory::Role role = inventory::Role::Trainee;
    std::string password;
    std::string site;
    // A mediator's school or structure (UAI or S-NNNNNN, registered): required for a mediator,
    // refused for the other roles.
    std::string structure = {};
};

// At least 10 characters, at most 1,024 (Argon2 takes any length; the limit bounds the work).
Status checkPassword(std::string_view password);

// Creates an account (admins only; the first account of an empty database may be created by
// anyone who can write the database file, which is how the first admin comes to exist).
Result<User> addUser(inventory::Database &db, const NewUser &user, const inventory::Actor &actor);
Result<std::vector<User>> listUsers(inventory::Database &db, const inventory::Actor &actor);
Result<User> findUser(inventory::Database &db, std::string_view name);
// Whether any account exists (the first admin is created from the command line).
Result<bool> hasAccounts(inventory::Database &db);
Result<User> setPassword(inventory::Database &db, std::string_view name, std::string_view password,
                         const inventory::Actor &actor);
Result<User> setDisabled(inventory::Database &db, std::string_view name, bool disabled, const inventory::Actor &actor);

// The account whose name and password these are; Refused ("wrong name or password", the same
// for both cases and taking the same time) otherwise, or for a disabled account.
Result<User> authenticate(inventory::Database &db, std::string_view name, std::string_view password);

// Argon2id, libsodium's interactive limits (64 MiB, about 0.1 s here).
Result<std::string> hashPassword(std::string_view password);
bool verifyPassword(const std::string &hash, std::string_view password);

// 32 random bytes, hex: session tokens, CSRF tokens, donor links.
std::string randomToken();

// Failed logins, per account and per address, over a sliding window: after `maxPerAccount`
// failures an account is held for `hold`, after `maxPerAddress` so is the address. Held logins
// are refused before the password is even checked. In memory: a restart forgets it.
class LoginThrottle {
public:
    using Clock = std::chrono::steady_clock;
    struct Limits {
        int maxPerAccount = 5;
        int maxPerAddress = 20;
        std::chrono::seconds window{15 * 60};
        std::chrono::seconds hold{15 * 60};
    };
    LoginThrottle() = default;
    explicit LoginThrottle(Limits limits) : _limits(limits) {}

    // Seconds to wait before trying again, or nothing when a try is allowed now.
    std::optional<std::chrono::seconds> heldFor(const std::string &account, const std::string &address,
                                                Clock::time_point now = Clock::now());
    void failed(const std::string &account, const std::string &address, Clock::time_point now = Clock::now());
    void succeeded(const std::string &account);

private:
    struct Window {
        std::vector<Clock::time_point> failures;
        std::optional<Clock::time_point> heldUntil;
    };
    static void prune(Window &w, Clock::time_point now, std::chrono::seconds window);
    Limits _limits;
    std::mutex _m;
    std::map<std::string, Window> _accounts, _addresses;
};

}  // namespace reemploi::app::accounts
