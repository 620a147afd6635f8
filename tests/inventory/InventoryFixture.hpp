// A fresh, migrated inventory with helpers to register donors, donations and units: in memory on
// SQLite, or a database of its own on PostgreSQL when the suite runs there (support/TestDatabase.hpp).
// Shared by the inventory tests and by other folders' tests that need records.
#pragma once

#include <gtest/gtest.h>

#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Migrations.hpp>
#include <reemploi/inventory/Units.hpp>

#include "support/TestDatabase.hpp"

namespace reemploi::test {

class InventoryFixture : public ::testing::Test {
protected:
    void SetUp() override {
        REEMPLOI_FRESH_DATABASE(testDatabase, location);
        auto opened = inventory::Database::open(location);
        ASSERT_TRUE(opened) << opened.error().message;
        db = std::move(opened.value());
        auto migrated = inventory::migrate(*db);
        ASSERT_TRUE(migrated) << migrated.error().message;
    }

    std::int64_t makeDonation(const std::string &donorName = "Acme SA") {
        auto donor = inventory::addDonor(*db, {donorName, inventory::DonorKind::Company, "it@acme.example"}, actor);
        EXPECT_TRUE(donor) << donor.error().message;
        auto donation = inventory::addDonation(*db, {donor->id, "2026-11-20", "Lyon", ""}, actor);
        EXPECT_TRUE(donation) << donation.error().message;
        return donation->id;
    }

    inventory::NewUnit laptop(std::int64_t donation, const std::string &serial, bool withDisk = true) {
        inventory::NewUnit u;
        u.donationId = donation;
        u.kind = inventory::UnitKind::Laptop;
        u.make = "Dell";
        u.model = "Latitude 5490";
        u.serial = serial;
        u.specs.ramMib = 8192;
        if (withDisk) u.storage.push_back({inventory::MediumType::Ssd, "SAMSUNG MZ7LN256", "S3Z" + serial, 256'000'000'000});
        return u;
    }

    inventory::Unit addLaptop(std::int64_t donation, const std::string &serial, bool withDisk = true) {
        auto unit = inventory::addUnit(*db, laptop(donation, serial, withDisk), actor);
        EXPECT_TRUE(unit) << unit.error().message;
        return unit.value();
    }

    testsupport::TestDatabase testDatabase;  // before db: dropped after db is closed
    std::string location;                    // what db was opened on
    std::unique_ptr<inventory::Database> db;
    inventory::Actor actor{"trainee-1"};
};

}  // namespace reemploi::test
