// Accounts: Argon2id hashes, the users table, failed-login windows.
#include "services/Accounts.hpp"

#include <sodium.h>

#include <reemploi/common/Json.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Programmes.hpp>
#include <reemploi/inventory/Schools.hpp>

namespace reemploi::app::accounts {

using inventory::Database;
using inventory::Role;

namespace {

void initSodium() {
    static const int ok = sodium_init();  // thread-safe, idempotent
    (void)ok;
}

Status checkName(std::string_view name) {
    if (name.empty() || name.size() > 64)
        return makeFieldError(Errc::InvalidInput, "name", "name: an account name has 1 to 64 characters");
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
            return makeFieldError(Errc::InvalidInput, "name",
                                  "name: '" + std::string(name) + "' may only hold letters, digits, '.', '_' and '-'");
    return {};
}

Status requireAdmin(const inventory::Actor &actor, std::string_view what) {
    if (actor.role == Role::Admin) return {};
    return makeError(Errc::Forbidden, "only an admin may " + std::string(what));
}

User readUser(const inventory::Statement &st) {
    User u;
    u.id = st.getInt(0);
    u.name = st.getText(1);
    u.role = inventory::parseRole(st.getText(2)).value();
    u.site = st.getText(3);
    u.disabled = st.getInt(4) != 0;
    u.createdAt = st.getText(5);
    u.structure = st.getText(6);
    return u;
}

constexpr const char *kColumns = "id, name, role, site, disabled, created_at, structure";

std::int64_t countUsers(Database &db) {
    auto &st = db.cached("SELECT COUNT(*) FROM users");
    std::int64_t n = st.step() ? st.getInt(0) : 0;
    st.reset();
    return n;
}

}  // namespace

Status checkPassword(std::string_view password) {
    if (password.size() < 10) return makeFieldError(Errc::InvalidInput, "password", "password: at least 10 characters");
    if (password.size() > 1024) return makeFieldError(Errc::InvalidInput, "password", "password: at most 1,024 characters");
    return {};
}

Result<std::string> hashPassword(std::string_view password) {
    initSodium();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return makeError(Errc::Internal, "cannot hash the password: out of memory");
    return std::string(out);
}

bool verifyPassword(const std::string &hash, std::string_view password) {
    initSodium();
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string randomToken() {
    initSodium();
    unsigned char bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    char hex[sizeof bytes * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
    return hex;
}

Result<User> addUser(Database &db, const NewUser &input, const inventory::Actor &actor) {
    REEMPLOI_TRY(checkName(input.name));
    REEMPLOI_TRY(checkPassword(input.password));
    auto hash = hashPassword(input.password);  // before the transaction: it takes a tenth of a second
    if (!hash) return hash.error();
    return inventory::inTransaction(db, "adding account " + input.name, [&]() -> Result<User> {
        if (countUsers(db) > 0) REEMPLOI_TRY(requireAdmin(actor, "create accounts"));
        auto &exists = db.cached("SELECT 1 FROM users WHERE name = ?");
        exists.bind(1, input.name);
        bool taken = exists.step();
        exists.reset();
        if (taken) return makeError(Errc::Conflict, "an account named " + input.name + " already exists");
        // A mediator is limited to one registered school or structure; the other roles to none.
        std::string structure;
        if (input.role == Role::Mediator) {
            auto id = inventory::checkStructureId(input.structure);
            if (!id) return makeFieldError(Errc::InvalidInput, "structure", "structure: " + id.error().message);
            auto school = inventory::getSchool(db, *id);
            if (!school) return makeFieldError(Errc::NotFound, "structure", "structure: " + school.error().message);
            structure = *id;
        } else if (!input.structure.empty()) {
            return makeFieldError(Errc::InvalidInput, "structure", "structure: only a mediator is limited to a structure");
        }
        std::string now = inventory::nowUtc();
        auto &st = db.cached(
            "INSERT INTO users (name, role, password_hash, site, disabled, created_at, updated_at, structure)"
            " VALUES (?, ?, ?, ?, 0, ?, ?, ?) RETURNING id");
        st.bind(1, input.name).bind(2, inventory::toString(input.role)).bind(3, *hash).bind(4, input.site);
        st.bind(5, now).bind(6, now).bind(7, structure);
        st.step();
        User u{st.getInt(0), input.name, input.role, input.site, false, now, structure};
        st.reset();
        auto payload = json::Object().set("role", inventory::toString(u.role)).set("site", u.site);
        if (!structure.empty()) payload.set("structure", structure);
        inventory::appendEvent(db, actor, {"user", u.name, "user_created", payload.str()});
        return u;
    });
}

Result<std::vector<User>> listUsers(Database &db, const inventory::Actor &actor) {
    REEMPLOI_TRY(requireAdmin(actor, "list accounts"));
    return inventory::guard("listing accounts", [&]() -> Result<std::vector<User>> {
        auto st = db.prepare(std::string("SELECT ") + kColumns + " FROM users ORDER BY name");
        std::vector<User> out;
        while (st->step()) out.push_back(readUser(*st));
        return out;
    });
}

Result<bool> hasAccounts(Database &db) {
    return inventory::guard("reading accounts", [&]() -> Result<bool> { return countUsers(db) > 0; });
}

Result<User> findUser(Database &db, std::string_view name) {
    return inventory::guard("reading account", [&]() -> Result<User> {
        auto &st = db.cached(std::string("SELECT ") + kColumns + " FROM users WHERE name = ?");
        st.bind(1, name);
        if (!st.step()) {
            st.reset();
            return makeError(Errc::NotFound, "no account named " + std::string(name));
        }
        User u = readUser(st);
        st.reset();
        return u;
    });
}

Result<User> setPassword(Database &db, std::string_view name, std::string_view password, const inventory::Actor &actor) {
    if (actor.name != name) REEMPLOI_TRY(requireAdmin(actor, "change another account's password"));
    REEMPLOI_TRY(checkPassword(password));
    auto hash = hashPassword(password);
    if (!hash) return hash.error();
    return inventory::inTransaction(db, "changing password of " + std::string(name), [&]() -> Result<User> {
        auto user = findUser(db, name);
        if (!user) return user.error();
        auto &st = db.cached("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?");
        st.bind(1, *hash).bind(2, inventory::nowUtc()).bind(3, user->id);
        st.step();
        st.reset();
        inventory::appendEvent(db, actor, {"user", user->name, "password_changed", "{}"});
        return user;
    });
}

Result<User> setDisabled(Database &db, std::string_view name, bool disabled, const inventory::Actor &actor) {
    REEMPLOI_TRY(requireAdmin(actor, disabled ? "disable accounts" : "enable accounts"));
    return inventory::inTransaction(db, "changing account " + std::string(name), [&]() -> Result<User> {
        auto user = findUser(db, name);
        if (!user) return user.error();
        if (user->disabled == disabled) return user;
        auto &st = db.cached("UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?");
        st.bind(1, disabled ? 1 : 0).bind(2, inventory::nowUtc()).bind(3, user->id);
        st.step();
        st.reset();
        user->disabled = disabled;
        inventory::appendEvent(db, actor, {"user", user->name, disabled ? "user_disabled" : "user_enabled", "{}"});
        return user;
    });
}

Result<User> authenticate(Database &db, std::string_view name, std::string_view password) {
    // A hash of a random password, verified when the account does not exist, so that an unknown
    // name takes as long as a wrong password (no account enumeration by timing).
    static const std::string decoy = hashPassword(randomToken()).value();
    auto wrong = makeError(Errc::Refused, "wrong name or password");
    if (password.size() > 1024) return wrong;
    auto found = inventory::guard("reading account", [&]() -> Result<std::pair<User, std::string>> {
        auto &st = db.cached(std::string("SELECT ") + kColumns + ", password_hash FROM users WHERE name = ?");
        st.bind(1, name);
        if (!st.step()) {
            st.reset();
            return makeError(Errc::NotFound, "no account");
        }
        auto pair = std::make_pair(readUser(st), st.getText(7));
        st.reset();
        return pair;
    });
    if (!found) {
        if (found.error().code != Errc::NotFound) return found.error();
        verifyPassword(decoy, password);
        return wrong;
    }
    if (!verifyPassword(found->second, password)) return wrong;
    if (found->first.disabled) return makeError(Errc::Refused, "this account is disabled: ask an admin");
    return found->first;
}

void LoginThrottle::prune(Window &w, Clock::time_point now, std::chrono::seconds window) {
    std::erase_if(w.failures, [&](auto t) { return now - t > window; });
    if (w.heldUntil && *w.heldUntil <= now) w.heldUntil.reset();
}

std::optional<std::chrono::seconds> LoginThrottle::heldFor(const std::string &account, const std::string &address,
                                                           Clock::time_point now) {
    std::lock_guard lock(_m);
    std::optional<Clock::time_point> until;
    for (auto *map : {&_accounts, &_addresses}) {
        const std::string &key = map == &_accounts ? account : address;
        auto it = map->find(key);
        if (it == map->end()) continue;
        prune(it->second, now, _limits.window);
        if (it->second.heldUntil && (!until || *it->second.heldUntil > *until)) until = it->second.heldUntil;
    }
    if (!until) return std::nullopt;
    return std::chrono::ceil<std::chrono::seconds>(*until - now);
}

void LoginThrottle::failed(const std::string &account, const std::string &address, Clock::time_point now) {
    std::lock_guard lock(_m);
    auto note = [&](Window &w, int max) {
        prune(w, now, _limits.window);
        w.failures.push_back(now);
        if (static_cast<int>(w.failures.size()) >= max) w.heldUntil = now + _limits.hold;
    };
    note(_accounts[account], _limits.maxPerAccount);
    note(_addresses[address], _limits.maxPerAddress);
    // Bounded memory under a spray of made-up names: forget windows that hold nothing.
    for (auto *map : {&_accounts, &_addresses}) {
        if (map->size() <= 10000) continue;
        for (auto it = map->begin(); it != map->end();) {
            prune(it->second, now, _limits.window);
            it = it->second.failures.empty() && !it->second.heldUntil ? map->erase(it) : std::next(it);
        }
    }
}

void LoginThrottle::succeeded(const std::string &account) {
    std::lock_guard lock(_m);
    _accounts.erase(account);
}

}  // namespace reemploi::app::accounts
