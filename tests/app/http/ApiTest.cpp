// The web API against the real server, in-process on a free port, on a temporary database:
// sign-in, sessions, CSRF, roles (a matrix generated from the route table), errors, limits,
// donors' links, the pages' security headers.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Migrations.hpp>
#include <reemploi/inventory/Schools.hpp>
#include <reemploi/inventory/Units.hpp>

#include "app/RunReemploi.hpp"
#include "app/http/ApiClient.hpp"
#include "http/Server.hpp"
#include "services/Accounts.hpp"
#include "services/DonorLinks.hpp"

using namespace reemploi;
using namespace reemploi::test;
using inventory::Role;

namespace {

const std::string kPassword = "correct horse battery";

class Api : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir = new TempDb;
        auto db = inventory::Database::open(dir->path).value();
        ASSERT_TRUE(inventory::migrate(*db));
        inventory::Actor cli{"setup", Role::Admin, ""};
        for (auto [name, role] : {std::pair{"ada", Role::Admin}, std::pair{"cora", Role::Coordinator}, std::pair{"tom", Role::Trainee}})
            ASSERT_TRUE(app::accounts::addUser(*db, {name, role, kPassword, ""}, cli));
        // Two schools; a mediator limited to the first.
        ASSERT_TRUE(inventory::saveSchools(*db,
                                           {{"0750655E", "École Jean Jaurès", "Paris", "", false, ""},
                                            {"0130040Y", "École du Port", "Marseille", "", false, ""}},
                                           cli));
        ASSERT_TRUE(app::accounts::addUser(*db, {"mia", Role::Mediator, kPassword, "", "0750655E"}, cli));
        auto donor = inventory::addDonor(*db, {"Acme SA", inventory::DonorKind::Company, "it@acme.example"}, cli).value();
        inventory::addDonation(*db, {donor.id, "2026-11-20", "Lyon", ""}, cli).value();
        inventory::addDonation(*db, {donor.id, "2026-11-21", "Lyon", ""}, cli).value();
        app::http::ServerConfig config;
        config.database = dir->path;
        config.port = 0;
        server = new app::http::Server(config);
        ASSERT_TRUE(server->start());
    }
    static void TearDownTestSuite() {
        delete server;
        delete dir;
    }
    ApiClient client() { return ApiClient(server->port()); }
    ApiClient as(const std::string &name) {
        auto c = client();
        EXPECT_EQ(c.login(name, kPassword).status, 200);
        return c;
    }

    static TempDb *dir;
    static app::http::Server *server;
};
TempDb *Api::dir = nullptr;
app::http::Server *Api::server = nullptr;

std::string concrete(std::string pattern) {
    const std::vector<std::pair<std::string, std::string>> values = {
        {"{tag}", "RE-999999"}, {"{token}", std::string(64, 'a')}, {"{id}", "RC-00000000-00000000"},
        {"{uai}", "0750655E"},  {"{family}", "F-404"},              {"{code}", "NOSITE"},
        {"{accessory}", "RE-999998"}};
    for (const auto &[param, value] : values) {
        auto at = pattern.find(param);
        if (at != std::string::npos) pattern.replace(at, param.size(), value);
    }
    return pattern;
}

// Who the matrix expects to pass a route's access check, written out rather than computed: a
// mediator reaches only its structure's needs (and who it is); the other roles are ordered.
bool expectedToPass(app::http::Access a, Role role) {
    using app::http::Access;
    switch (a) {
    case Access::SignedIn: return true;
    case Access::Mediator: return role == Role::Mediator || role == Role::Coordinator || role == Role::Admin;
    case Access::Trainee: return role != Role::Mediator;
    case Access::Coordinator: return role == Role::Coordinator || role == Role::Admin;
    case Access::Admin: return role == Role::Admin;
    default: return false;
    }
}

}  // namespace

TEST_F(Api, SignInGivesASessionCookieAndACsrfToken) {
    auto c = client();
    auto r = c.login("cora", kPassword);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("role"), "coordinator");
    EXPECT_EQ(r.json()->getValue<std::string>("csrf").size(), 64u);
    const auto &cookie = r.headers["Set-Cookie"];
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
    auto me = c.get("/api/me");
    ASSERT_EQ(me.status, 200);
    EXPECT_EQ(me.json()->getValue<std::string>("name"), "cora");
    EXPECT_EQ(c.post("/api/logout", "").status, 200);
    EXPECT_EQ(c.get("/api/me").status, 401);
}

TEST_F(Api, AWrongPasswordAndAnUnknownNameGetTheSameAnswer) {
    auto c = client();
    auto wrong = c.login("tom", "not the password");
    auto unknown = c.login("nobody", "not the password");
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(unknown.status, 401);
    EXPECT_EQ(wrong.body, unknown.body);
}

TEST_F(Api, RepeatedFailedSignInsAreHeldThenTheRightPasswordStillWaits) {
    auto c = client();
    for (int i = 0; i < 5; ++i) EXPECT_EQ(c.login("ada-throttled", "wrong password").status, 401);
    auto held = c.login("ada-throttled", "wrong password");
    EXPECT_EQ(held.status, 429);
    EXPECT_FALSE(held.headers["Retry-After"].empty());
    EXPECT_EQ(held.errorCode(), "too_many_attempts");
}

TEST_F(Api, StateChangesNeedTheCsrfToken) {
    auto c = as("cora");
    auto without = c.send("POST", "/api/donors", R"({"name":"Beta"})", {}, false);
    EXPECT_EQ(without.status, 403);
    EXPECT_EQ(without.errorCode(), "csrf");
    auto forged = c.send("POST", "/api/donors", R"({"name":"Beta"})", {{"X-CSRF-Token", std::string(64, '0')}}, false);
    EXPECT_EQ(forged.status, 403);
    auto with = c.post("/api/donors", R"({"name":"Beta"})");
    EXPECT_EQ(with.status, 201) << with.body;
}

// Every route refuses the callers that must not reach it: no session → 401, a role below the
// route's → 403, at or above → neither. Generated from the route table, so a new route is covered.
TEST_F(Api, EveryRouteRefusesTheRolesThatMustNotReachIt) {
    struct Caller {
        std::string name;  // empty: not signed in
        Role role;
    };
    std::vector<Caller> callers = {{"", Role::Trainee},        {"mia", Role::Mediator}, {"tom", Role::Trainee},
                                   {"cora", Role::Coordinator}, {"ada", Role::Admin}};
    std::vector<ApiClient> clients;
    for (const auto &caller : callers) clients.push_back(caller.name.empty() ? client() : as(caller.name));
    ASSERT_FALSE(server->router().routes().empty());
    // Signing out ends the session the other calls use: it goes last.
    auto routes = server->router().routes();
    std::stable_partition(routes.begin(), routes.end(), [](const auto &r) { return r.pattern != "/api/logout"; });
    for (const auto &route : routes) {
        for (std::size_t i = 0; i < callers.size(); ++i) {
            auto r = clients[i].send(route.method, concrete(route.pattern), route.method == "GET" ? "" : "{}");
            std::string what = route.method + " " + route.pattern + " as " + (callers[i].name.empty() ? "nobody" : callers[i].name);
            using app::http::Access;
            if (route.access == Access::Public) {
                EXPECT_NE(r.status, 401) << what;
                EXPECT_NE(r.status, 403) << what;
            } else if (route.access == Access::DonorLink) {
                EXPECT_EQ(r.status, 404) << what << ": a made-up link opens nothing";
            } else if (callers[i].name.empty()) {
                EXPECT_EQ(r.status, 401) << what;
            } else if (!expectedToPass(route.access, callers[i].role)) {
                EXPECT_EQ(r.status, 403) << what << ": " << r.body;
            } else {
                EXPECT_NE(r.status, 401) << what;
                EXPECT_NE(r.status, 403) << what << ": " << r.body;
                EXPECT_LT(r.status, 500) << what << ": " << r.body;
            }
        }
    }
}

// A mediator enters and updates its own school's needs, and can neither read nor change another
// school's (the services refuse, not only the routes), nor see any unit.
TEST_F(Api, AMediatorReachesItsOwnSchoolsNeedsOnly) {
    auto cora = as("cora");
    auto other = cora.post("/api/structures/0130040Y/needs", R"({"family":"P-1","grades":"CP","devices_at_home":0})");
    ASSERT_EQ(other.status, 201) << other.body;
    auto mia = as("mia");
    auto me = mia.get("/api/me");
    ASSERT_EQ(me.status, 200);
    EXPECT_EQ(me.json()->getValue<std::string>("structure"), "0750655E");
    auto added = mia.post("/api/structures/0750655E/needs",
                          R"({"family":"M-1","grades":"CP CM1","devices_at_home":0,"internet":"aucune"})");
    ASSERT_EQ(added.status, 201) << added.body;
    EXPECT_EQ(added.json()->getValue<std::string>("ref"), "0750655E/M-1");
    auto updated = mia.send("PATCH", "/api/structures/0750655E/needs/M-1", R"({"devices_at_home":1})");
    ASSERT_EQ(updated.status, 200) << updated.body;
    EXPECT_EQ(updated.json()->getValue<int>("devices_at_home"), 1);
    auto own = mia.get("/api/structures/0750655E/needs");
    ASSERT_EQ(own.status, 200);
    EXPECT_NE(own.body.find("M-1"), std::string::npos);
    EXPECT_EQ(own.body.find("P-1"), std::string::npos);
    // Another school: refused to read, to add, to change; nothing changed.
    for (auto r : {mia.get("/api/structures/0130040Y/needs"),
                   mia.post("/api/structures/0130040Y/needs", R"({"family":"M-2","grades":"CP","devices_at_home":0})"),
                   mia.send("PATCH", "/api/structures/0130040Y/needs/P-1", R"({"devices_at_home":5})")}) {
        EXPECT_EQ(r.status, 403) << r.body;
        EXPECT_EQ(r.body.find("P-1"), std::string::npos) << r.body;
    }
    auto theirs = cora.get("/api/structures/0130040Y/needs");
    ASSERT_EQ(theirs.status, 200);
    EXPECT_NE(theirs.body.find("\"devices_at_home\":0"), std::string::npos) << theirs.body;
    EXPECT_EQ(theirs.body.find("M-2"), std::string::npos) << theirs.body;
    // No unit history, no other list.
    for (const char *path : {"/api/needs", "/api/units", "/api/units/RE-000001", "/api/loans", "/api/schools"})
        EXPECT_EQ(mia.get(path).status, 403) << path;
    // A trainee reaches no school's needs.
    EXPECT_EQ(as("tom").get("/api/structures/0750655E/needs").status, 403);
}

TEST_F(Api, ErrorsNameTheFieldWithTheRightStatus) {
    auto c = as("tom");
    auto r = c.post("/api/units", R"({"donation":1,"kind":"spaceship","serial":"X1"})");
    EXPECT_EQ(r.status, 422);
    auto e = r.json()->getObject("error");
    EXPECT_EQ(e->getValue<std::string>("field"), "kind");
    EXPECT_NE(e->getValue<std::string>("message").find("spaceship"), std::string::npos);
    auto malformed = c.post("/api/units", "{not json");
    EXPECT_EQ(malformed.status, 400);
    EXPECT_EQ(malformed.errorCode(), "bad_request");
    auto missing = c.get("/api/units/RE-424242");
    EXPECT_EQ(missing.status, 404);
    auto wrongMethod = c.send("DELETE", "/api/units");
    EXPECT_EQ(wrongMethod.status, 405);
}

TEST_F(Api, ARegisteredUnitIsReadBackAndAConflictIs409) {
    auto c = as("tom");
    auto created = c.post("/api/units", R"({"donation":1,"kind":"laptop","make":"Dell","model":"Latitude 5490",
        "serial":"API-0001","storage":["ssd:256G"],"ram_mib":8192})");
    ASSERT_EQ(created.status, 201) << created.body;
    std::string tag = created.json()->getValue<std::string>("tag");
    auto read = c.get("/api/units/" + tag);
    ASSERT_EQ(read.status, 200);
    EXPECT_EQ(read.json()->getValue<std::string>("serial"), "API-0001");
    EXPECT_EQ(read.json()->getArray("storage")->size(), 1u);
    auto again = c.post("/api/units", R"({"donation":1,"kind":"laptop","make":"Dell","serial":"API-0001"})");
    EXPECT_EQ(again.status, 409);
    EXPECT_NE(again.body.find(tag), std::string::npos) << again.body;
}

TEST_F(Api, BodiesAreBoundedBeforeTheyAreRead) {
    auto c = as("tom");
    std::string huge(2u << 20, ' ');
    auto r = c.post("/api/units", huge);
    EXPECT_EQ(r.status, 413);
}

TEST_F(Api, PagesCarryTheSecurityHeadersAndNoPathEscapesTheirFolder) {
    auto c = client();
    auto page = c.get("/");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.headers["Content-Type"].find("text/html"), std::string::npos);
    EXPECT_NE(page.headers["Content-Security-Policy"].find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_EQ(page.headers["Content-Security-Policy"].find("unsafe-inline"), std::string::npos);
    EXPECT_EQ(page.headers["X-Content-Type-Options"], "nosniff");
    auto js = c.get("/js/app.js");
    ASSERT_EQ(js.status, 200);
    EXPECT_NE(js.headers["Content-Type"].find("text/javascript"), std::string::npos);
    for (std::string path : {"/../CMakeLists.txt", "/%2e%2e/CMakeLists.txt", "/..%2fCMakeLists.txt", "/etc/passwd.js"})
        EXPECT_EQ(c.get(path).status, 404) << path;
    auto again = c.send("GET", "/js/app.js", "", {{"If-None-Match", js.headers["ETag"]}});
    EXPECT_EQ(again.status, 304);
}

TEST_F(Api, ADonorLinkOpensItsDonationAndNothingElse) {
    auto db = inventory::Database::open(dir->path).value();
    inventory::Actor coordinator{"cora", Role::Coordinator, ""};
    inventory::NewUnit u;
    u.donationId = 2;
    u.kind = inventory::UnitKind::Desktop;
    u.serial = "LINK-2";
    inventory::addUnit(*db, u, coordinator).value();
    auto link = app::donorlinks::createLink(*db, 2, std::chrono::hours(24), coordinator).value();
    auto c = client();
    auto page = c.get("/api/donor/" + link.token);
    ASSERT_EQ(page.status, 200) << page.body;
    auto o = page.json();
    EXPECT_EQ(o->getObject("donation")->getValue<int>("id"), 2);
    EXPECT_EQ(o->getValue<std::string>("donor"), "Acme SA");
    ASSERT_EQ(o->getArray("units")->size(), 1u);
    EXPECT_EQ(page.body.find("family"), std::string::npos);
    // The link is no session: it opens no other route.
    EXPECT_EQ(c.get("/api/units").status, 401);
    EXPECT_EQ(c.get("/api/donor/" + link.token + "/certificates/RC-00000000-00000000").status, 404);
    ASSERT_EQ(app::donorlinks::revokeLinks(*db, 2, coordinator).value(), 1);
    EXPECT_EQ(c.get("/api/donor/" + link.token).status, 404);
    auto expired = app::donorlinks::createLink(*db, 2, std::chrono::seconds(-1), coordinator).value();
    EXPECT_EQ(c.get("/api/donor/" + expired.token).status, 404);
}

TEST_F(Api, OnlyAnAdminCreatesAccounts) {
    auto coordinator = as("cora");
    EXPECT_EQ(coordinator.post("/api/users", R"({"name":"eve","role":"admin","password":"0123456789ab"})").status, 403);
    auto admin = as("ada");
    auto created = admin.post("/api/users", R"({"name":"tina","role":"trainee","password":"0123456789ab"})");
    EXPECT_EQ(created.status, 201) << created.body;
    auto tina = client();
    EXPECT_EQ(tina.login("tina", "0123456789ab").status, 200);
    auto weak = admin.post("/api/users", R"({"name":"weak","role":"trainee","password":"short"})");
    EXPECT_EQ(weak.status, 422);
    EXPECT_EQ(weak.json()->getObject("error")->getValue<std::string>("field"), "password");
}
