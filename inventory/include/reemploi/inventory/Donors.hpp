// Donors and their donations.
#pragma once

#include <optional>
#include <vector>

#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::inventory {

struct NewDonor {
    std::string name;
    DonorKind kind = DonorKind::Company;
    std::string email;
};

struct NewDonation {
    std::int64_t donorId = 0;
    std::string received;  // YYYY-MM-DD
    std::string site;
    std::string notes;
};

Result<Donor> addDonor(Database &db, const NewDonor &donor, const Actor &actor);
Result<Donor> getDonor(Database &db, std::int64_t id);
Result<std::vector<Donor>> listDonors(Database &db);

Result<Donation> addDonation(Database &db, const NewDonation &donation, const Actor &actor);
Result<Donation> getDonation(Database &db, std::int64_t id);
Result<std::vector<Donation>> listDonations(Database &db, std::optional<std::int64_t> donorId = {});

}  // namespace reemploi::inventory
