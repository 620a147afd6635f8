// A donor's page, opened by the link the workshop sent: one donation, what became of each unit
// and how its data was erased. Never a family, never another donation.
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/JsonViews.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Units.hpp>

#include "http/JsonBody.hpp"
#include "http/Router.hpp"
#include "http/routes/CertificateResponse.hpp"
#include "services/DonorLinks.hpp"

namespace reemploi::app::http {

using namespace reemploi::inventory;

// For the server's dispatch (Server.cpp): the donation a link's token opens.
Result<std::int64_t> resolveDonorLinkForRequest(Database &db, const std::string &token) {
    return donorlinks::resolveLink(db, token);
}

namespace {

// What a donor is told of a status: reuse, in the works, parts or recycling; not where it went.
std::string_view donorOutcome(UnitStatus s) {
    switch (s) {
    case UnitStatus::Allocated:
    case UnitStatus::Delivered:
    case UnitStatus::Lent: return "reused";
    case UnitStatus::ForParts: return "parts";
    case UnitStatus::Recycled: return "recycled";
    default: return "in_progress";
    }
}

Response donationPage(Call &call) {
    auto donation = getDonation(call.db, *call.donationId);
    if (!donation) return errorResponse(donation.error());
    auto donor = getDonor(call.db, donation->donorId);
    if (!donor) return errorResponse(donor.error());
    UnitFilter filter;
    filter.donationId = donation->id;
    auto units = listUnits(call.db, filter);
    if (!units) return errorResponse(units.error());
    json::Array list;
    for (const auto &u : *units) {
        auto records = listSanitization(call.db, u.tag);
        if (!records) return errorResponse(records.error());
        json::Array media;
        for (const auto &m : u.storage) {
            json::Object o;
            o.set("type", toString(m.type)).set("model", m.model).set("serial", m.serial).set("capacity_bytes", m.capacityBytes);
            o.set("destroyed", m.destroyed);
            json::Array erasures;
            for (const auto &r : *records) {
                if (r.mediumId != m.id || r.result != SanitizationResult::Passed) continue;
                erasures.add(json::Object()
                                 .set("method", r.method)
                                 .set("level", toString(r.level))
                                 .set("verification", r.verification)
                                 .set("ended_at", r.endedAt)
                                 .set("certificate_id", r.certificateId));
            }
            o.raw("erasures", erasures.str());
            media.add(o);
        }
        list.add(json::Object()
                     .set("tag", u.tag)
                     .set("kind", toString(u.kind))
                     .set("make", u.make)
                     .set("model", u.model)
                     .set("serial", u.serial)
                     .set("donor_tag", u.donorTag)
                     .set("outcome", donorOutcome(u.status))
                     .raw("storage", media.str()));
    }
    return jsonResponse(json::Object()
                            .set("donor", donor->name)
                            .set("donation", json::Object()
                                                 .set("id", donation->id)
                                                 .set("received", donation->received)
                                                 .set("site", donation->site))
                            .raw("units", list.str()));
}

// A certificate of this donation's units, as it was issued (signed canonical JSON), or its PDF.
Response donationCertificate(Call &call) { return certificateResponse(call, *call.donationId, false); }
Response donationCertificatePdf(Call &call) { return certificateResponse(call, *call.donationId, true); }

}  // namespace

void addDonorRoutes(Router &r) {
    r.add({"GET", "/api/donor/{token}", Access::DonorLink, donationPage, "a donor's page: the donation's units"});
    r.add({"GET", "/api/donor/{token}/certificates/{id}", Access::DonorLink, donationCertificate,
           "a certificate of the donation, as issued"});
    r.add({"GET", "/api/donor/{token}/certificates/{id}/pdf", Access::DonorLink, donationCertificatePdf,
           "a certificate of the donation, as a PDF"});
}

}  // namespace reemploi::app::http
