// Builds a donor's report from the tables, in one transaction with the audit head: units, their
// outcome (a school by name and town, never a family), each medium's sanitization, totals, impact.
#include <reemploi/inventory/reports/DonorReport.hpp>

#include <algorithm>

#include <reemploi/common/Json.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Storage.hpp>
#include <reemploi/inventory/Units.hpp>

#include "JsonReader.hpp"

namespace reemploi::inventory::reports {

std::string_view toString(Lang l) { return l == Lang::Fr ? "fr" : "en"; }

Result<Lang> parseLang(std::string_view s) {
    if (s == "fr") return Lang::Fr;
    if (s == "en") return Lang::En;
    return makeError(Errc::InvalidInput, "language: '" + std::string(s) + "' is not fr or en");
}

std::string_view toString(Outcome o) {
    switch (o) {
    case Outcome::Reused: return "reused";
    case Outcome::Allocated: return "allocated";
    case Outcome::InStock: return "in_stock";
    case Outcome::InProcess: return "in_process";
    case Outcome::Repair: return "repair";
    case Outcome::Parts: return "parts";
    case Outcome::Recycled: return "recycled";
    case Outcome::Returned: return "returned";
    }
    return "in_process";
}

std::string_view toString(MediumState s) {
    switch (s) {
    case MediumState::Sanitized: return "sanitized";
    case MediumState::Destroyed: return "destroyed";
    case MediumState::Pending: return "pending";
    case MediumState::Failed: return "failed";
    }
    return "pending";
}

std::string_view toString(NoMedia n) {
    switch (n) {
    case NoMedia::None: return "none";
    case NoMedia::HoldsNoData: return "holds_no_data";
    case NoMedia::DeclaredRemoved: return "declared_removed";
    case NoMedia::DeclaredAbsent: return "declared_absent";
    case NoMedia::NotRecorded: return "not_recorded";
    }
    return "none";
}

namespace {

Outcome outcomeOf(UnitStatus s) {
    switch (s) {
    case UnitStatus::Delivered: return Outcome::Reused;
    case UnitStatus::Allocated: return Outcome::Allocated;
    case UnitStatus::Ready: return Outcome::InStock;
    case UnitStatus::ToRepair: return Outcome::Repair;
    case UnitStatus::ForParts: return Outcome::Parts;
    case UnitStatus::Recycled: return Outcome::Recycled;
    case UnitStatus::Returned: return Outcome::Returned;
    default: return Outcome::InProcess;
    }
}

// Who wiped, as the certificate says: the workshop role, and the name only when configured.
std::string performedBy(const std::string &certificateJson, bool names) {
    if (certificateJson.empty()) return {};
    auto doc = jsonr::parse(certificateJson);
    if (!doc) return {};
    const jsonr::Value *san = doc->get("sanitization");
    const jsonr::Value *who = san ? san->get("performed_by") : nullptr;
    if (!who) return {};
    auto field = [&](const char *key) {
        const jsonr::Value *v = who->get(key);
        return v && v->scalar() ? *v->scalar() : std::string();
    };
    std::string position = field("position"), name = field("name");
    if (!names || name.empty()) return position;
    return position.empty() ? name : name + ", " + position;
}

struct UnitRow {
    std::string statusSince;
    std::optional<std::string> receipt;
    std::int64_t floor = 0;
};

// Everything about one donation's units, appended to `report`.
Status addDonation(Database &db, const Donation &donation, const ReportSettings &settings, DonorReport &report) {
    report.donations.push_back({donation.id, donation.received, donation.site});
    UnitFilter filter;
    filter.donationId = donation.id;
    auto units = listUnits(db, filter);
    if (!units) return units.error();
    std::map<std::string, UnitRow> rows;
    {
        auto &st = db.cached("SELECT tag, status_since, recycler_receipt, sanitization_floor FROM units WHERE donation_id = ?");
        st.bind(1, donation.id);
        while (st.step()) {
            UnitRow r;
            r.statusSince = st.isNull(1) ? "" : st.getText(1);
            if (!st.isNull(2)) r.receipt = st.getText(2);
            r.floor = st.isNull(3) ? 0 : st.getInt(3);
            rows[st.getText(0)] = std::move(r);
        }
        st.reset();
    }
    for (const auto &u : *units) {
        ReportUnit out;
        out.tag = u.tag;
        out.donationId = u.donationId;
        out.donorTag = u.donorTag;
        out.serial = u.serial;
        out.make = u.make;
        out.model = u.model;
        out.kind = u.kind;
        out.outcome = outcomeOf(u.status);
        const UnitRow &row = rows[u.tag];
        out.outcomeSince = row.statusSince;
        if (u.status == UnitStatus::Recycled) out.recyclerReceipt = row.receipt;
        if (u.status == UnitStatus::Delivered || u.status == UnitStatus::Allocated) {
            // The school only: the need's family reference is never read.
            auto &st = db.cached(
                "SELECT s.name, s.town FROM needs n JOIN schools s ON s.id = n.school_id"
                " WHERE n.unit_id = ? AND n.status = 'served'");
            st.bind(1, u.id);
            if (st.step()) out.placement = Placement{st.getText(0), st.getText(1)};
            st.reset();
        }
        auto records = listSanitization(db, u.tag);
        if (!records) return records.error();
        for (const auto &m : u.storage) {
            ReportMedium medium;
            medium.type = std::string(toString(m.type));
            medium.model = m.model;
            medium.serial = m.serial;
            medium.capacityBytes = m.capacityBytes;
            // The latest passed record made since the unit's last return counts; else the latest one.
            const SanitizationRecord *passed = nullptr, *latest = nullptr;
            for (const auto &r : *records) {
                if (r.mediumId != m.id || r.id <= row.floor) continue;
                if (!latest || r.id > latest->id) latest = &r;
                if (r.result == SanitizationResult::Passed && (!passed || r.id > passed->id)) passed = &r;
            }
            const SanitizationRecord *shown = passed ? passed : latest;
            if (m.destroyed) medium.state = MediumState::Destroyed;
            else if (passed) medium.state = MediumState::Sanitized;
            else if (latest && latest->result == SanitizationResult::Failed) medium.state = MediumState::Failed;
            else medium.state = MediumState::Pending;
            if (shown) {
                medium.method = shown->method;
                medium.level = std::string(toString(shown->level));
                medium.verification = shown->verification;
                medium.date = shown->endedAt;
                medium.certificateId = shown->certificateId;
                if (!shown->certificateJson.empty()) medium.certificateSha256 = sha256Hex(shown->certificateJson);
                medium.performedBy = performedBy(shown->certificateJson, settings.operatorNames);
            }
            if (m.destroyed && medium.method.empty()) medium.method = "destroyed";
            if (passed && !passed->certificateId.empty())
                report.certificates.push_back({passed->certificateId, u.tag, m.serial, passed->method,
                                               std::string(toString(passed->level)),
                                               std::string(toString(passed->result)), passed->verification,
                                               passed->endedAt, medium.certificateSha256, medium.performedBy});
            out.media.push_back(std::move(medium));
        }
        if (u.storage.empty()) {
            auto state = mediaSanitization(db, u);
            if (!state) return state.error();
            if (state->declaration) {
                out.noMedia = state->declaration->kind == StorageAbsence::Removed ? NoMedia::DeclaredRemoved
                                                                                  : NoMedia::DeclaredAbsent;
                out.noMediaReason = state->declaration->reason;
            } else if (state->storageUnknown) {
                out.noMedia = NoMedia::NotRecorded;
            } else {
                out.noMedia = NoMedia::HoldsNoData;
            }
        }
        report.units.push_back(std::move(out));
    }
    return {};
}

void addTotals(DonorReport &report, const ReportSettings &settings) {
    Totals &t = report.totals;
    Impact &impact = report.impact;
    impact.factors = settings.impact;
    for (const auto &u : report.units) {
        ++t.received;
        ++t.byOutcome[u.outcome];
        if (u.outcome != Outcome::Reused && u.outcome != Outcome::Parts && u.outcome != Outcome::Recycled) ++t.pending;
        for (const auto &m : u.media) {
            ++t.media;
            if (m.state == MediumState::Sanitized) ++t.mediaSanitized;
            else if (m.state == MediumState::Destroyed) ++t.mediaDestroyed;
            else ++t.mediaPending;
            if (m.state == MediumState::Sanitized || m.state == MediumState::Destroyed)
                ++t.mediaByMethod[m.method + (m.level.empty() ? "" : " (" + m.level + ")")];
        }
        if (u.outcome == Outcome::Reused) {
            ++impact.devicesReused;
            auto f = settings.impact.perKind.find(u.kind);
            if (f != settings.impact.perKind.end()) {
                impact.kgEwasteAvoided += f->second.kgEwaste;
                impact.kgCo2eAvoided += f->second.kgCo2e;
            }
        }
    }
    // Sums of decimal factors are written rounded to 0.1, so that the JSON reads cleanly.
    impact.kgEwasteAvoided = static_cast<double>(static_cast<std::int64_t>(impact.kgEwasteAvoided * 10 + 0.5)) / 10;
    impact.kgCo2eAvoided = static_cast<double>(static_cast<std::int64_t>(impact.kgCo2eAvoided * 10 + 0.5)) / 10;
}

void start(DonorReport &report, Database &db, const Donor &donor, const ReportSettings &settings) {
    report.auditHead = currentHead(db);
    report.asOf = report.auditHead.at;
    report.workshopName = settings.workshopName;
    report.workshopAddress = settings.workshopAddress;
    report.workshopContact = settings.workshopContact;
    report.donorId = donor.id;
    report.donorKind = donor.kind;
    // A signed document never names a person: an individual donor is known by number.
    report.donorName = donor.kind == DonorKind::Individual ? "individual donor #" + std::to_string(donor.id) : donor.name;
}

}  // namespace

Result<DonorReport> donationReport(Database &db, std::int64_t donationId, const ReportSettings &settings) {
    return inTransaction(db, "building the report of donation " + std::to_string(donationId), [&]() -> Result<DonorReport> {
        auto donation = getDonation(db, donationId);
        if (!donation) return donation.error();
        auto donor = getDonor(db, donation->donorId);
        if (!donor) return donor.error();
        DonorReport report;
        report.scope = "donation";
        start(report, db, *donor, settings);
        REEMPLOI_TRY(addDonation(db, *donation, settings, report));
        addTotals(report, settings);
        return report;
    });
}

Result<DonorReport> donorReport(Database &db, std::int64_t donorId, std::string_view from, std::string_view to,
                                const ReportSettings &settings) {
    REEMPLOI_TRY(checkDate(from, "from"));
    REEMPLOI_TRY(checkDate(to, "to"));
    if (from > to)
        return makeError(Errc::InvalidInput, "from: " + std::string(from) + " is after to (" + std::string(to) + ")");
    return inTransaction(db, "building the report of donor " + std::to_string(donorId), [&]() -> Result<DonorReport> {
        auto donor = getDonor(db, donorId);
        if (!donor) return donor.error();
        auto donations = listDonations(db, donorId);
        if (!donations) return donations.error();
        DonorReport report;
        report.scope = "donor";
        report.periodFrom = std::string(from);
        report.periodTo = std::string(to);
        start(report, db, *donor, settings);
        std::sort(donations->begin(), donations->end(),
                  [](const Donation &a, const Donation &b) { return a.received != b.received ? a.received < b.received : a.id < b.id; });
        for (const auto &d : *donations)
            if (d.received >= from && d.received <= to) REEMPLOI_TRY(addDonation(db, d, settings, report));
        addTotals(report, settings);
        return report;
    });
}

Result<Event> recordReportSent(Database &db, std::int64_t donationId, std::string_view reportSha256,
                               std::string_view recipientDomain, const std::vector<std::string> &attachments,
                               const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "send a donor's report"));
    auto donation = getDonation(db, donationId);
    if (!donation) return donation.error();
    json::Array files;
    for (const auto &a : attachments) files.add(a);
    auto payload = json::Object()
                       .set("report_sha256", reportSha256)
                       .set("recipient_domain", recipientDomain)
                       .raw("attachments", files.str());
    return recordEvent(db, actor, {"donation", std::to_string(donationId), "report_sent", payload.str()});
}

}  // namespace reemploi::inventory::reports
