// Signing in and out, who am I, and accounts (admins).
#include "http/JsonBody.hpp"
#include "http/Router.hpp"
#include "http/Server.hpp"
#include "services/Accounts.hpp"

namespace reemploi::app::http {

namespace {

json::Object userJson(const accounts::User &u) {
    return json::Object()
        .set("name", u.name)
        .set("role", inventory::toString(u.role))
        .set("site", u.site)
        .set("structure", u.structure)
        .set("disabled", u.disabled)
        .set("created_at", u.createdAt);
}

std::string cookie(const ServerState &state, const std::string &value, bool expire) {
    std::string c = std::string(kSessionCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict";
    if (state.config.https()) c += "; Secure";
    if (expire) c += "; Max-Age=0";
    return c;
}

Response login(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    auto name = body->text("name");
    if (!name) return errorResponse(name.error());
    auto password = body->text("password");
    if (!password) return errorResponse(password.error());
    auto &throttle = call.state.throttle;
    if (auto wait = throttle.heldFor(*name, call.request.remoteAddress))
        return errorResponse(429, "too_many_attempts",
                             "too many failed sign-ins: try again in " + std::to_string((wait->count() + 59) / 60) +
                                 " minute(s)")
            .header("Retry-After", std::to_string(wait->count()));
    auto user = accounts::authenticate(call.db, *name, *password);
    if (!user) {
        if (user.error().code == Errc::Refused) throttle.failed(*name, call.request.remoteAddress);
        return user.error().code == Errc::Refused ? errorResponse(401, "unauthenticated", user.error().message)
                                                  : errorResponse(user.error());
    }
    throttle.succeeded(*name);
    auto created = call.state.sessions.create(user->name, user->role, user->site, user->structure);
    return jsonResponse(json::Object()
                            .set("csrf", created.session.csrf)
                            .set("role", inventory::toString(user->role))
                            .set("name", user->name)
                            .set("site", user->site)
                            .set("structure", user->structure))
        .header("Set-Cookie", cookie(call.state, created.token, false));
}

Response logout(Call &call) {
    call.state.sessions.remove(call.sessionToken);
    return jsonResponse(json::Object().set("signed_out", true)).header("Set-Cookie", cookie(call.state, "", true));
}

Response me(Call &call) {
    return jsonResponse(json::Object()
                            .set("name", call.actor.name)
                            .set("role", inventory::toString(call.actor.role))
                            .set("site", call.actor.site)
                            .set("structure", call.actor.structure)
                            .set("csrf", call.csrf.value_or("")));
}

Response addUser(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    accounts::NewUser u;
    auto name = body->text("name");
    if (!name) return errorResponse(name.error());
    u.name = *name;
    auto role = body->text("role");
    if (!role) return errorResponse(role.error());
    auto parsed = inventory::parseRole(*role);
    if (!parsed) return errorResponse(makeFieldError(Errc::InvalidInput, "role", parsed.error().message));
    u.role = *parsed;
    auto password = body->text("password");
    if (!password) return errorResponse(password.error());
    u.password = *password;
    auto site = body->optionalText("site");
    if (!site) return errorResponse(site.error());
    u.site = site->value_or("");
    auto structure = body->optionalText("structure");
    if (!structure) return errorResponse(structure.error());
    u.structure = structure->value_or("");
    auto user = accounts::addUser(call.db, u, call.actor);
    if (!user) return errorResponse(user.error());
    return jsonResponse(userJson(*user), 201);
}

Response listUsers(Call &call) {
    auto users = accounts::listUsers(call.db, call.actor);
    if (!users) return errorResponse(users.error());
    json::Array out;
    for (const auto &u : *users) out.add(userJson(u));
    return jsonResponse(out);
}

}  // namespace

void addAuthRoutes(Router &r) {
    r.add({"POST", "/api/login", Access::Public, login, "sign in: {name, password} → session cookie, {csrf, role}"});
    r.add({"POST", "/api/logout", Access::SignedIn, logout, "sign out"});
    r.add({"GET", "/api/me", Access::SignedIn, me, "the signed-in account (a mediator's structure) and its CSRF token"});
    r.add({"POST", "/api/users", Access::Admin, addUser,
           "create an account: {name, role, password, site, structure (a mediator's UAI or S-NNNNNN)}"});
    r.add({"GET", "/api/users", Access::Admin, listUsers, "list accounts"});
}

}  // namespace reemploi::app::http
