// Donors and donations (Donors.hpp): the services behind `reemploi donor …` and `donation …`,
// with the inputs of the CLI tests (tests/app/CliTest.cpp).
#include <gtest/gtest.h>

#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/JsonViews.hpp>

#include "inventory/InventoryFixture.hpp"

using namespace reemploi;
using namespace reemploi::inventory;

namespace {

class Donors : public test::InventoryFixture {};

}  // namespace

TEST_F(Donors, AddAndListDonorsWithAnEvent) {
    auto donor = addDonor(*db, {"Métropole", DonorKind::Administration, "dsi@metropole.example"}, actor);
    ASSERT_TRUE(donor) << donor.error().message;
    EXPECT_EQ(donor->id, 1);
    EXPECT_EQ(donor->name, "Métropole");
    EXPECT_FALSE(donor->createdAt.empty());
    auto json = toJson(*donor).str();
    EXPECT_NE(json.find(R"("kind":"administration")"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("name":"Métropole")"), std::string::npos) << json;

    auto second = addDonor(*db, {"Acme SA", DonorKind::Company, ""}, actor);
    ASSERT_TRUE(second);
    auto all = listDonors(*db);
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 2u);
    EXPECT_EQ((*all)[1].name, "Acme SA");
    EXPECT_EQ(getDonor(*db, 2)->name, "Acme SA");
    EXPECT_EQ(getDonor(*db, 3).error().code, Errc::NotFound);

    auto events = listEvents(*db, "donor");
    ASSERT_TRUE(events);
    ASSERT_EQ(events->size(), 2u);
    EXPECT_EQ(events->front().actor, "trainee-1");
}

TEST_F(Donors, BadDonorsAreRefusedNamingTheFieldAndChangeNothing) {
    auto noName = addDonor(*db, {"", DonorKind::Company, ""}, actor);
    ASSERT_FALSE(noName);
    EXPECT_EQ(noName.error().code, Errc::InvalidInput);
    EXPECT_NE(noName.error().message.find("name"), std::string::npos);
    auto badEmail = addDonor(*db, {"X", DonorKind::Company, "not-an-address"}, actor);
    ASSERT_FALSE(badEmail);
    EXPECT_NE(badEmail.error().message.find("e-mail"), std::string::npos);
    EXPECT_FALSE(parseDonorKind("pirate"));
    EXPECT_TRUE(listDonors(*db)->empty());
    EXPECT_TRUE(listEvents(*db)->empty());
}

TEST_F(Donors, DonationsBelongToADonorAndListByDonor) {
    auto acme = addDonor(*db, {"Acme SA", DonorKind::Company, "it@acme.example"}, actor);
    auto lyon = addDonor(*db, {"Mairie de Lyon", DonorKind::Administration, ""}, actor);
    ASSERT_TRUE(acme && lyon);
    auto d1 = addDonation(*db, {acme->id, "2026-11-20", "Lyon", ""}, actor);
    ASSERT_TRUE(d1) << d1.error().message;
    EXPECT_EQ(d1->donorId, acme->id);
    EXPECT_EQ(d1->site, "Lyon");
    ASSERT_TRUE(addDonation(*db, {lyon->id, "2026-11-21", "", "12 cartons"}, actor));
    ASSERT_TRUE(addDonation(*db, {acme->id, "2026-12-01", "Vénissieux", ""}, actor));

    EXPECT_EQ(listDonations(*db)->size(), 3u);
    auto ofAcme = listDonations(*db, acme->id);
    ASSERT_TRUE(ofAcme);
    ASSERT_EQ(ofAcme->size(), 2u);
    EXPECT_EQ((*ofAcme)[1].site, "Vénissieux");
    EXPECT_EQ(getDonation(*db, 2)->notes, "12 cartons");
    EXPECT_EQ(toJson(*d1).str(), R"({"donor":1,"id":1,"notes":"","received":"2026-11-20","site":"Lyon"})");
    EXPECT_EQ(listEvents(*db, "donation")->size(), 3u);
}

TEST_F(Donors, BadDonationsAreRefusedAndChangeNothing) {
    auto acme = addDonor(*db, {"Acme SA", DonorKind::Company, ""}, actor);
    ASSERT_TRUE(acme);
    auto noDonor = addDonation(*db, {42, "2026-11-20", "", ""}, actor);
    ASSERT_FALSE(noDonor);
    EXPECT_EQ(noDonor.error().code, Errc::NotFound);
    EXPECT_NE(noDonor.error().message.find("no donor 42"), std::string::npos);
    auto badDate = addDonation(*db, {acme->id, "20/11/2026", "", ""}, actor);
    ASSERT_FALSE(badDate);
    EXPECT_EQ(badDate.error().code, Errc::InvalidInput);
    EXPECT_NE(badDate.error().message.find("not a date"), std::string::npos) << badDate.error().message;
    EXPECT_FALSE(addDonation(*db, {acme->id, "2026-02-30", "", ""}, actor));
    EXPECT_TRUE(listDonations(*db)->empty());
    EXPECT_EQ(listEvents(*db)->size(), 1u);  // the donor's alone
}
