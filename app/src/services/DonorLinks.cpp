// Donor links: hashed tokens with an expiry.
#include "services/DonorLinks.hpp"

#include <reemploi/common/Json.hpp>
#include <reemploi/common/Time.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Donors.hpp>

#include "services/Accounts.hpp"

namespace reemploi::app::donorlinks {

using inventory::Database;

Result<DonorLink> createLink(Database &db, std::int64_t donationId, std::chrono::seconds lifetime,
                             const inventory::Actor &actor) {
    if (actor.role < inventory::Role::Coordinator)
        return makeError(Errc::Forbidden, "only a coordinator may create a donor's link");
    return inventory::inTransaction(db, "creating a donor link", [&]() -> Result<DonorLink> {
        auto donation = inventory::getDonation(db, donationId);
        if (!donation) return donation.error();
        DonorLink link;
        link.token = accounts::randomToken();
        link.donationId = donationId;
        link.expiresAt = utcTimestamp(std::chrono::system_clock::now() + lifetime);
        auto &st = db.cached("INSERT INTO donor_links (donation_id, token_sha256, created_at, expires_at) VALUES (?, ?, ?, ?)");
        st.bind(1, donationId).bind(2, inventory::sha256Hex(link.token)).bind(3, inventory::nowUtc()).bind(4, link.expiresAt);
        st.step();
        st.reset();
        inventory::appendEvent(db, actor,
                               {"donation", std::to_string(donationId), "donor_link_created",
                                json::Object().set("expires_at", link.expiresAt).str()});
        return link;
    });
}

Result<std::int64_t> resolveLink(Database &db, const std::string &token) {
    auto unknown = makeError(Errc::NotFound, "unknown, expired or revoked link");
    if (token.size() != 64) return unknown;
    return inventory::guard("reading a donor link", [&]() -> Result<std::int64_t> {
        auto &st = db.cached(
            "SELECT donation_id FROM donor_links WHERE token_sha256 = ? AND revoked_at IS NULL AND expires_at > ?");
        st.bind(1, inventory::sha256Hex(token)).bind(2, inventory::nowUtc());
        if (!st.step()) {
            st.reset();
            return unknown;
        }
        auto id = st.getInt(0);
        st.reset();
        return id;
    });
}

Result<std::int64_t> revokeLinks(Database &db, std::int64_t donationId, const inventory::Actor &actor) {
    if (actor.role < inventory::Role::Coordinator)
        return makeError(Errc::Forbidden, "only a coordinator may revoke a donor's link");
    return inventory::inTransaction(db, "revoking donor links", [&]() -> Result<std::int64_t> {
        auto donation = inventory::getDonation(db, donationId);
        if (!donation) return donation.error();
        auto &st = db.cached("UPDATE donor_links SET revoked_at = ? WHERE donation_id = ? AND revoked_at IS NULL RETURNING id");
        st.bind(1, inventory::nowUtc()).bind(2, donationId);
        std::int64_t n = 0;
        while (st.step()) ++n;
        st.reset();
        inventory::appendEvent(db, actor,
                               {"donation", std::to_string(donationId), "donor_links_revoked",
                                json::Object().set("count", n).str()});
        return n;
    });
}

}  // namespace reemploi::app::donorlinks
