// Donors have no account: a link per donation opens that donation's page and nothing else. The
// link's token is 256 random bits; only its SHA-256 is stored, with an expiry, and revoking the
// links of a donation is one call.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <reemploi/common/Result.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::app::donorlinks {

struct DonorLink {
    std::string token;  // shown once, to be sent to the donor
    std::int64_t donationId = 0;
    std::string expiresAt;  // UTC ISO 8601
};

// Coordinators only. A `donor_link_created` event records the donation and expiry, never the token.
Result<DonorLink> createLink(inventory::Database &db, std::int64_t donationId, std::chrono::seconds lifetime,
                             const inventory::Actor &actor);
// The donation a token opens; NotFound when unknown, expired or revoked (one message for all).
Result<std::int64_t> resolveLink(inventory::Database &db, const std::string &token);
// Revokes every live link of the donation; returns how many.
Result<std::int64_t> revokeLinks(inventory::Database &db, std::int64_t donationId, const inventory::Actor &actor);

}  // namespace reemploi::app::donorlinks
