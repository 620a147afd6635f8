// A network of workshops through the API: a bench account lists its own workshop's units, a
// coordinator every site or the one asked for.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Units.hpp>

#include "app/http/ApiServer.hpp"
#include "services/Accounts.hpp"

namespace reemploi::test {
namespace {

std::vector<std::string> tagsAt(const ApiReply &r) {
    std::vector<std::string> out;
    auto array = Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Array::Ptr>();
    for (std::size_t i = 0; i < array->size(); ++i) {
        auto unit = array->getObject(static_cast<unsigned>(i));
        out.push_back(unit->getValue<std::string>("tag") + "@" + unit->getValue<std::string>("site"));
    }
    return out;
}

TEST(SiteApi, ABenchAccountListsItsWorkshopACoordinatorEverySite) {
    ApiServer api;
    {
        auto db = api.db();
        inventory::Actor cli{"setup", inventory::Role::Admin, ""};
        ASSERT_TRUE(app::accounts::addUser(*db, {"lea", inventory::Role::Trainee, kApiPassword, "Marseille"}, cli));
        auto donor = inventory::addDonor(*db, {"Ville", inventory::DonorKind::Administration, ""}, cli).value();
        auto marseille = inventory::addDonation(*db, {donor.id, "2026-11-21", "Marseille", ""}, cli).value().id;
        inventory::NewUnit lyonUnit, marseilleUnit;
        lyonUnit.donationId = api.donation;  // received at Lyon
        lyonUnit.kind = inventory::UnitKind::Laptop;
        lyonUnit.serial = "SITE-1";
        marseilleUnit = lyonUnit;
        marseilleUnit.donationId = marseille;
        marseilleUnit.serial = "SITE-2";
        ASSERT_TRUE(inventory::addUnits(*db, {lyonUnit, marseilleUnit}, cli));
    }
    auto lea = api.as("lea");
    auto own = lea.get("/api/units");
    ASSERT_EQ(own.status, 200) << own.body;
    EXPECT_EQ(tagsAt(own), (std::vector<std::string>{"RE-000002@Marseille"}));
    auto stock = lea.get("/api/stock");
    ASSERT_EQ(stock.status, 200) << stock.body;
    EXPECT_EQ(stock.json()->getValue<int>("units"), 1) << "lea's workshop's stock only";
    auto other = lea.get("/api/units?site=Lyon");
    EXPECT_EQ(other.status, 403) << other.body;
    EXPECT_EQ(other.json()->getObject("error")->getValue<std::string>("field"), "site");

    auto cora = api.as("cora");
    auto all = cora.get("/api/units");
    ASSERT_EQ(all.status, 200) << all.body;
    EXPECT_EQ(tagsAt(all), (std::vector<std::string>{"RE-000001@Lyon", "RE-000002@Marseille"}));
    auto lyon = cora.get("/api/units?site=Lyon");
    ASSERT_EQ(lyon.status, 200) << lyon.body;
    EXPECT_EQ(tagsAt(lyon), (std::vector<std::string>{"RE-000001@Lyon"}));

    // Moving a unit between workshops is a coordinator's act.
    auto refused = lea.send("PATCH", "/api/units/RE-000002", R"({"site":"Lyon"})");
    EXPECT_EQ(refused.status, 403) << refused.body;
    auto moved = cora.send("PATCH", "/api/units/RE-000002", R"({"site":"Lyon"})");
    ASSERT_EQ(moved.status, 200) << moved.body;
    EXPECT_EQ(moved.json()->getValue<std::string>("site"), "Lyon");
    EXPECT_TRUE(lea.get("/api/units").body == "[]") << "lea's workshop holds nothing now";
}

}  // namespace
}  // namespace reemploi::test
