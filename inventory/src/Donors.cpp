// Donors and donations: registration with an audit event, and reads.
#include <reemploi/inventory/Donors.hpp>

#include <reemploi/common/Json.hpp>
#include <reemploi/common/Text.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Validation.hpp>

namespace reemploi::inventory {

namespace {

bool plausibleEmail(std::string_view e) {
    auto at = e.find('@');
    return at != std::string_view::npos && at > 0 && e.find('.', at) != std::string_view::npos &&
           e.find(' ') == std::string_view::npos && e.back() != '.';
}

Donor readDonor(const Statement &st) {
    Donor d;
    d.id = st.getInt(0);
    d.name = st.getText(1);
    d.kind = parseDonorKind(st.getText(2)).value();
    d.email = st.getText(3);
    d.createdAt = st.getText(4);
    return d;
}

Donation readDonation(const Statement &st) {
    Donation d;
    d.id = st.getInt(0);
    d.donorId = st.getInt(1);
    d.received = st.getText(2);
    d.site = st.getText(3);
    d.notes = st.getText(4);
    return d;
}

}  // namespace

Result<Donor> addDonor(Database &db, const NewDonor &input, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "register a donor"));
    if (text::trimView(input.name).empty()) return makeError(Errc::InvalidInput, "donor name: empty");
    REEMPLOI_TRY(checkDonorText(input.name, input.email));
    std::string email = text::trim(input.email);
    if (!email.empty() && !plausibleEmail(email))
        return makeError(Errc::InvalidInput, "donor e-mail: '" + email + "' is not an e-mail address");
    return inTransaction(db, "adding donor", [&]() -> Result<Donor> {
        Donor d;
        d.name = text::trim(input.name);
        d.kind = input.kind;
        d.email = email;
        d.createdAt = nowUtc();
        auto &st = db.cached("INSERT INTO donors (name, kind, email, created_at) VALUES (?, ?, ?, ?) RETURNING id");
        st.bind(1, d.name).bind(2, toString(d.kind)).bind(3, d.email).bind(4, d.createdAt);
        st.step();
        d.id = st.getInt(0);
        st.reset();
        appendEvent(db, actor,
                    {"donor", std::to_string(d.id), "donor_created",
                     json::Object().set("name", d.name).set("kind", toString(d.kind)).set("email", d.email).str()});
        return d;
    });
}

Result<Donor> getDonor(Database &db, std::int64_t id) {
    return guard("reading donor", [&]() -> Result<Donor> {
        auto &st = db.cached("SELECT id, name, kind, email, created_at FROM donors WHERE id = ?");
        st.bind(1, id);
        if (!st.step()) return makeError(Errc::NotFound, "no donor " + std::to_string(id));
        Donor d = readDonor(st);
        st.reset();
        return d;
    });
}

Result<std::vector<Donor>> listDonors(Database &db) {
    return guard("listing donors", [&]() -> Result<std::vector<Donor>> {
        std::vector<Donor> out;
        auto st = db.prepare("SELECT id, name, kind, email, created_at FROM donors ORDER BY id");
        while (st->step()) out.push_back(readDonor(*st));
        return out;
    });
}

Result<Donation> addDonation(Database &db, const NewDonation &input, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "register a donation"));
    REEMPLOI_TRY(checkDate(input.received, "received"));
    REEMPLOI_TRY(checkDonationText(input.site, input.notes));
    return inTransaction(db, "adding donation", [&]() -> Result<Donation> {
        auto donor = getDonor(db, input.donorId);
        if (!donor) return donor.error();
        Donation d;
        d.donorId = input.donorId;
        d.received = input.received;
        d.site = text::trim(input.site);
        d.notes = input.notes;
        auto &st = db.cached(
            "INSERT INTO donations (donor_id, received, site, notes, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id");
        st.bind(1, d.donorId).bind(2, d.received).bind(3, d.site).bind(4, d.notes).bind(5, nowUtc());
        st.step();
        d.id = st.getInt(0);
        st.reset();
        appendEvent(db, actor,
                    {"donation", std::to_string(d.id), "donation_created",
                     json::Object()
                         .set("donor", d.donorId)
                         .set("received", d.received)
                         .set("site", d.site)
                         .set("notes", d.notes)
                         .str()});
        return d;
    });
}

Result<Donation> getDonation(Database &db, std::int64_t id) {
    return guard("reading donation", [&]() -> Result<Donation> {
        auto &st = db.cached("SELECT id, donor_id, received, site, notes FROM donations WHERE id = ?");
        st.bind(1, id);
        if (!st.step()) return makeError(Errc::NotFound, "no donation " + std::to_string(id));
        Donation d = readDonation(st);
        st.reset();
        return d;
    });
}

Result<std::vector<Donation>> listDonations(Database &db, std::optional<std::int64_t> donorId) {
    return guard("listing donations", [&]() -> Result<std::vector<Donation>> {
        std::vector<Donation> out;
        auto st = db.prepare(donorId ? "SELECT id, donor_id, received, site, notes FROM donations WHERE donor_id = ? ORDER BY id"
                                     : "SELECT id, donor_id, received, site, notes FROM donations ORDER BY id");
        if (donorId) st->bind(1, *donorId);
        while (st->step()) out.push_back(readDonation(*st));
        return out;
    });
}

}  // namespace reemploi::inventory
