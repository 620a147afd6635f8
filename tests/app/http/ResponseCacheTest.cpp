// The read-only answers' cache: on its own (versions, bounds), and in the server, where an answer
// is kept only while the database is unchanged, whoever changes it (the API, the command line in
// another process), is kept per role and site, and never spares the access checks.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Units.hpp>

#include "app/http/ApiServer.hpp"
#include "http/ResponseCache.hpp"
#include "services/Accounts.hpp"

namespace reemploi::test {
namespace {

using app::http::Response;
using app::http::ResponseCache;

Response answer(std::string body) {
    Response r;
    r.body = std::move(body);
    return r;
}

TEST(ResponseCache, GivesAnAnswerBackOnlyAtTheVersionItWasComputedAt) {
    ResponseCache cache;
    EXPECT_EQ(cache.find("/api/units/RE-000001", 1), nullptr);
    cache.store("/api/units/RE-000001", 1, answer("one"));
    auto kept = cache.find("/api/units/RE-000001", 1);
    ASSERT_NE(kept, nullptr);
    EXPECT_EQ(kept->body, "one");
    EXPECT_EQ(cache.find("/api/units/RE-000001", 2), nullptr) << "the database moved on";
    EXPECT_EQ(cache.find("/api/units/RE-000002", 1), nullptr);

    cache.store("/api/units/RE-000001", 3, answer("three"));
    cache.store("/api/units/RE-000001", 2, answer("two, computed before three but stored after"));
    ASSERT_NE(cache.find("/api/units/RE-000001", 3), nullptr);
    EXPECT_EQ(cache.find("/api/units/RE-000001", 3)->body, "three") << "the newest answer stays";
    EXPECT_EQ(cache.find("/api/units/RE-000001", 2), nullptr);
    auto counts = cache.counts();
    EXPECT_EQ(counts.hits, 3u);
    EXPECT_EQ(counts.misses, 4u);
    EXPECT_EQ(counts.entries, 1u);
}

TEST(ResponseCache, StaysWithinItsSize) {
    ResponseCache cache(64 * 1024);
    const std::string body(1000, 'x');
    for (int i = 0; i < 200; ++i) cache.store("/api/units/RE-" + std::to_string(i), 7, answer(body));
    auto counts = cache.counts();
    EXPECT_LE(counts.bytes, 64u * 1024);
    EXPECT_GT(counts.entries, 0u);
    EXPECT_NE(cache.find("/api/units/RE-199", 7), nullptr) << "the last answer stored is kept";

    cache.store("/api/large", 7, answer(std::string(20 * 1024, 'y')));  // over a quarter of the cache
    EXPECT_EQ(cache.find("/api/large", 7), nullptr);

    // Answers of an older version go first when space is needed.
    cache.store("/api/units/RE-new", 8, answer(body));
    for (int i = 0; i < 60; ++i) cache.store("/api/units/RE-8-" + std::to_string(i), 8, answer(body));
    EXPECT_NE(cache.find("/api/units/RE-8-59", 8), nullptr);
    EXPECT_LE(cache.counts().bytes, 64u * 1024);
}

std::string locationOf(const ApiReply &r) {
    auto unit = Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>();
    return unit->optValue<std::string>("location", "");
}

class CachedApi : public ::testing::Test {
protected:
    void SetUp() override {
        auto db = api.db();
        inventory::NewUnit unit;
        unit.donationId = api.donation;
        unit.kind = inventory::UnitKind::Laptop;
        unit.serial = "CACHE-1";
        ASSERT_TRUE(inventory::addUnits(*db, {unit}, cli));
    }

    std::uint64_t hits() { return api.server->cacheCounts().hits; }

    inventory::Actor cli{"setup", inventory::Role::Admin, ""};
    ApiServer api;
};

TEST_F(CachedApi, AnUnchangedUnitIsAnsweredFromTheCacheAChangedOneIsNot) {
    auto tom = api.as("tom");
    auto first = tom.get("/api/units/RE-000001");
    ASSERT_EQ(first.status, 200) << first.body;
    const auto before = hits();
    auto again = tom.get("/api/units/RE-000001");
    EXPECT_EQ(again.body, first.body);
    EXPECT_EQ(hits(), before + 1) << "nothing changed: the second answer came from the cache";

    // Changed through the API…
    auto moved = tom.send("PATCH", "/api/units/RE-000001", R"({"location":"Étagère B3"})");
    ASSERT_EQ(moved.status, 200) << moved.body;
    EXPECT_EQ(locationOf(tom.get("/api/units/RE-000001")), "Étagère B3");

    // …and by the command line, another process writing to the same file.
    tom.get("/api/units/RE-000001");  // cached again
    auto set = runReemploi(api.dir.path, {"unit", "set", "RE-000001", "--location", "Carton 12"});
    ASSERT_EQ(set.exitCode, 0) << set.err;
    EXPECT_EQ(locationOf(tom.get("/api/units/RE-000001")), "Carton 12");

    // The page with history sees the same changes.
    auto detail = tom.get("/api/units/RE-000001/detail");
    ASSERT_EQ(detail.status, 200) << detail.body;
    EXPECT_EQ(locationOf(detail), "Carton 12");
}

TEST_F(CachedApi, AccessIsCheckedBeforeTheCacheIsAsked) {
    auto tom = api.as("tom");
    ASSERT_EQ(tom.get("/api/units/RE-000001").status, 200);
    ASSERT_EQ(tom.get("/api/units/RE-000001").status, 200);  // now kept
    ApiClient stranger(api.server->port());
    auto refused = stranger.get("/api/units/RE-000001");
    EXPECT_EQ(refused.status, 401) << refused.body;
    ASSERT_EQ(tom.post("/api/logout", "").status, 200);
    EXPECT_EQ(tom.get("/api/units/RE-000001").status, 401);
}

TEST_F(CachedApi, AnswersAreKeptPerRoleAndSite) {
    {
        auto db = api.db();
        ASSERT_TRUE(app::accounts::addUser(*db, {"lea", inventory::Role::Trainee, kApiPassword, "Marseille"}, cli));
        auto donor = inventory::addDonor(*db, {"Ville", inventory::DonorKind::Administration, ""}, cli).value();
        inventory::NewUnit unit;
        unit.donationId = inventory::addDonation(*db, {donor.id, "2026-11-21", "Marseille", ""}, cli).value().id;
        unit.kind = inventory::UnitKind::Laptop;
        unit.serial = "CACHE-2";
        ASSERT_TRUE(inventory::addUnits(*db, {unit}, cli));
    }
    auto units = [](const ApiReply &r) {
        return Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>()->getValue<int>("units");
    };
    auto cora = api.as("cora");
    auto lea = api.as("lea");
    auto everySite = cora.get("/api/stock");
    ASSERT_EQ(everySite.status, 200) << everySite.body;
    EXPECT_EQ(units(everySite), 2);
    EXPECT_EQ(units(cora.get("/api/stock")), 2);  // kept for a coordinator
    auto marseille = lea.get("/api/stock");
    ASSERT_EQ(marseille.status, 200) << marseille.body;
    EXPECT_EQ(units(marseille), 1) << "a bench account of Marseille is never given the coordinator's answer";
}

TEST(CachedApiOff, NothingIsKeptWithNoRoomForIt) {
    ApiServer api([](app::http::ServerConfig &c) { c.cacheBytes = 0; });
    auto tom = api.as("tom");
    EXPECT_EQ(tom.get("/api/stock").status, 200);
    EXPECT_EQ(tom.get("/api/stock").status, 200);
    auto counts = api.server->cacheCounts();
    EXPECT_EQ(counts.hits, 0u);
    EXPECT_EQ(counts.entries, 0u);
}

}  // namespace
}  // namespace reemploi::test
