// Donor traceability reports: what became of every unit of a donation (or of a donor's donations
// over a period) and of its data, as one plain value that the renderers (ReportFormats.hpp) write
// as JSON, CSV, HTML and, in the application, PDF. The value has no field that could hold a
// family's reference: a reused unit is placed by its school's name and town only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::inventory::reports {

// The JSON's "version" (docs/donor-report.schema.json): raised when a field changes meaning or
// goes away; new optional fields keep it.
inline constexpr int kReportVersion = 1;

enum class Lang { Fr, En };
std::string_view toString(Lang);
Result<Lang> parseLang(std::string_view);  // "fr" or "en"

// Impact factors per kind of device, and where they come from: configuration, never code.
struct ImpactFactor {
    double kgEwaste = 0;  // mass of the device: electronic waste avoided when it is reused
    double kgCo2e = 0;    // manufacture and distribution of a new device that a reused one replaces
};
struct ImpactFactors {
    std::map<UnitKind, ImpactFactor> perKind;  // a kind without an entry counts 0
    std::string co2eSource;                    // the published source of the CO2e figures
    std::string co2eSourceUrl;
    std::string massSource;                    // where the masses come from
    std::string method;                        // how the figures are applied
    // The same texts in English, for reports in English (the French ones when empty). The JSON
    // carries the texts above.
    std::string co2eSourceEn, massSourceEn, methodEn;
    const std::string &text(const std::string &fr, const std::string &en, bool english) const {
        return english && !en.empty() ? en : fr;
    }
};

struct SmtpSettings {
    std::string url;  // smtp://HOST:PORT
    bool startTls = false;
    std::string caFile;  // PEM of a CA to trust for STARTTLS besides the system's (a private CA)
    std::string user, password;
    std::string from;
};

// The workshop's report configuration (deploy/report.conf): `key = value` lines, '#' comments.
struct ReportSettings {
    std::string workshopName, workshopAddress, workshopContact;
    std::string logoPath;        // a PNG drawn on the PDF's title page; relative to the file
    bool operatorNames = false;  // people who wiped appear by name too, not only by workshop role
    ImpactFactors impact;
    SmtpSettings smtp;
};
// Unknown keys, malformed numbers and kinds are InvalidInput naming the line; every kind that
// can be reused needs both factors, and the sources must be stated.
Result<ReportSettings> parseReportSettings(std::string_view text, const std::string &origin);
Result<ReportSettings> loadReportSettings(const std::string &path);

// What became of a unit, as a donor is told.
enum class Outcome {
    Reused,     // delivered to a family through a school
    Allocated,  // given to a school's family, delivery pending
    InStock,    // ready, waiting for a family
    InProcess,  // being diagnosed, wiped or graded
    Repair,
    Parts,      // taken apart for spare parts
    Recycled,
    Returned,   // back from a family, being checked again
};
std::string_view toString(Outcome);

// Where a reused unit went: a school, by its name and town. Nothing else.
struct Placement {
    std::string school;
    std::string town;
};

enum class MediumState { Sanitized, Destroyed, Pending, Failed };
std::string_view toString(MediumState);

struct ReportMedium {
    std::string type, model, serial;
    std::optional<std::int64_t> capacityBytes;
    MediumState state = MediumState::Pending;
    // The sanitization that counts (Sanitized, Destroyed with a record) or the last one (Failed).
    std::string method, level, verification, date, certificateId, certificateSha256;
    std::string performedBy;  // the workshop role ("wipe operator"); with operator names, "NAME, ROLE"
};

// Why a unit lists no medium.
enum class NoMedia { None, HoldsNoData, DeclaredRemoved, DeclaredAbsent, NotRecorded };
std::string_view toString(NoMedia);

struct ReportUnit {
    std::string tag;  // ours
    std::int64_t donationId = 0;
    std::string donorTag, serial, make, model;
    UnitKind kind = UnitKind::Other;
    Outcome outcome = Outcome::InProcess;
    std::string outcomeSince;  // when the unit reached its current state (UTC)
    std::optional<Placement> placement;
    std::optional<std::string> recyclerReceipt;
    std::vector<ReportMedium> media;
    NoMedia noMedia = NoMedia::None;
    std::string noMediaReason;  // the declaration's reason
};

// A certificate of erasure, for the appendix.
struct ReportCertificate {
    std::string id, unitTag, mediumSerial, method, level, result, verification, endedAt, sha256, performedBy;
};

struct Totals {
    std::int64_t received = 0;
    std::map<Outcome, std::int64_t> byOutcome;
    std::int64_t pending = 0;  // not yet reused, parted or recycled
    std::int64_t media = 0, mediaSanitized = 0, mediaDestroyed = 0, mediaPending = 0;
    std::map<std::string, std::int64_t> mediaByMethod;  // "clear-zero (clear)" → count
    std::int64_t count(Outcome o) const {
        auto it = byOutcome.find(o);
        return it == byOutcome.end() ? 0 : it->second;
    }
};

struct Impact {
    std::int64_t devicesReused = 0;  // delivered
    double kgEwasteAvoided = 0;
    double kgCo2eAvoided = 0;
    ImpactFactors factors;
};

struct ReportDonation {
    std::int64_t id = 0;
    std::string received, site;
};

struct DonorReport {
    int version = kReportVersion;
    std::string scope;  // "donation" or "donor"
    std::string asOf;   // the time of the audit head it carries: the report is a function of the trail
    ChainHead auditHead;
    std::string workshopName, workshopAddress, workshopContact;
    std::int64_t donorId = 0;
    std::string donorName;  // an individual donor is "individual donor #ID"
    DonorKind donorKind = DonorKind::Company;
    std::optional<std::string> periodFrom, periodTo;  // scope "donor"
    std::vector<ReportDonation> donations;
    std::vector<ReportUnit> units;
    std::vector<ReportCertificate> certificates;
    Totals totals;
    Impact impact;
    // Filled by the application, which holds the key: how anyone checks the certificates and this report.
    std::string publicKeyPem, keyFingerprint;
};

// One donation. NotFound for an unknown donation. Read in one transaction with the audit head, so
// that the head witnesses exactly the state reported.
Result<DonorReport> donationReport(Database &db, std::int64_t donationId, const ReportSettings &settings);
// A donor's donations received from `from` to `to` (YYYY-MM-DD, inclusive). NotFound for an
// unknown donor; InvalidInput for malformed dates or `from` after `to`.
Result<DonorReport> donorReport(Database &db, std::int64_t donorId, std::string_view from, std::string_view to,
                                const ReportSettings &settings);

// Records that a report was e-mailed: a `report_sent` event on the donation (coordinators). The
// payload holds the report's SHA-256, the attachments and the recipient's domain only: never a
// person's address.
Result<Event> recordReportSent(Database &db, std::int64_t donationId, std::string_view reportSha256,
                               std::string_view recipientDomain, const std::vector<std::string> &attachments,
                               const Actor &actor);

}  // namespace reemploi::inventory::reports
