// The inventory's vocabulary: donors, donations, units, storage media, sanitization records.
// Plain values; the services in Donors.hpp, Units.hpp, Lifecycle.hpp read and write them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <reemploi/common/Result.hpp>

namespace reemploi::inventory {

// What a workshop member may do, in order: a trainee registers, edits, tests and wipes units; a
// coordinator also manages donors, schools, needs, allocations, deliveries and returns; an admin
// may do everything. Services check it themselves (requireRole), whatever front end calls them.
// A school mediator comes before them all: limited to one school or structure (Actor::structure),
// it may only enter and update that structure's needs (MediatorNeeds.hpp); requireRole refuses it
// everything else.
enum class Role { Mediator, Trainee, Coordinator, Admin };

// Who did it: a workshop member's login or name (never a family's), their role and site. The
// command line acts as admin: a local operator who holds the database file.
struct Actor {
    std::string name;
    Role role = Role::Admin;
    std::string site = {};
    std::string structure = {};  // a mediator's school or structure (UAI or S-NNNNNN)
};

// Forbidden (Errc::Forbidden: exit 2, HTTP 403) unless `actor` has at least `minimum`, naming the role needed:
// requireRole(a, Role::Coordinator, "confirm an allocation") →
// "a trainee cannot confirm an allocation: a coordinator must".
Status requireRole(const Actor &actor, Role minimum, std::string_view what);

enum class DonorKind { Company, Administration, Association, Individual };

// Printers and accessories (chargers, mice, keyboards, cables) are donated with the computers:
// one kind each, so that stock counts, labels and programme rules name them as a workshop does.
enum class UnitKind { Laptop, Desktop, Tablet, Phone, Monitor, Other, Printer, Charger, Mouse, Keyboard, Cable };

enum class UnitStatus {
    Received, Diagnosed, Wiped, Ready, Allocated, Delivered, Returned,
    ToRepair, ForParts, Recycled,
    Lent,  // lent to a need's recipient (Loans.hpp); comes back as `returned`
};

// Laptops, desktops, tablets and phones always hold data somewhere: they reach `wiped` or `ready`
// only once every medium is sanitized, or once their storage is declared removed or absent.
bool alwaysHoldsData(UnitKind kind);
// Chargers, mice, keyboards, cables: no storage, a "works" check instead of diagnostics, and
// they may be attached to a unit (Units.hpp: attachAccessory) so that a family gets a working set.
bool isAccessory(UnitKind kind);
// What a unit's own check records ("test page printed" for a printer, "works" for an accessory);
// empty for the kinds diagnosed at the bench.
std::string_view checkOf(UnitKind kind);

enum class Grade { A, B, C, D };

enum class MediumType { Hdd, Ssd, Nvme, Emmc, Flash, Other };

// NIST SP 800-88 sanitization categories.
enum class SanitizationLevel { Clear, Purge, Destroy };
enum class SanitizationResult { Passed, Failed, Interrupted };

// Text forms ("laptop", "to_repair", …) used in the database, the CLI and JSON. The parsers
// accept exactly these (case-insensitive); friendlier synonyms belong to intake's mapping.
std::string_view toString(Role);
std::string_view toString(DonorKind);
std::string_view toString(UnitKind);
std::string_view toString(UnitStatus);
std::string_view toString(Grade);
std::string_view toString(MediumType);
std::string_view toString(SanitizationLevel);
std::string_view toString(SanitizationResult);
Result<Role> parseRole(std::string_view);
Result<DonorKind> parseDonorKind(std::string_view);
Result<UnitKind> parseUnitKind(std::string_view);
Result<UnitStatus> parseUnitStatus(std::string_view);
Result<Grade> parseGrade(std::string_view);
Result<MediumType> parseMediumType(std::string_view);
Result<SanitizationLevel> parseSanitizationLevel(std::string_view);
Result<SanitizationResult> parseSanitizationResult(std::string_view);

struct Donor {
    std::int64_t id = 0;
    std::string name;
    DonorKind kind = DonorKind::Company;
    std::string email;
    std::string createdAt;  // UTC, ISO 8601
};

struct Donation {
    std::int64_t id = 0;
    std::int64_t donorId = 0;
    std::string received;  // YYYY-MM-DD
    std::string site;
    std::string notes;
};

struct StorageMedium {
    std::int64_t id = 0;
    std::int64_t unitId = 0;
    MediumType type = MediumType::Other;
    std::string model;
    std::string serial;
    std::optional<std::int64_t> capacityBytes;
    bool destroyed = false;  // physically destroyed (shredded, drilled): counts as sanitized
};

struct UnitSpecs {
    std::string cpu;
    std::optional<std::int64_t> ramMib;
    std::optional<double> screenInches;
    std::string keyboardLayout;  // "fr-azerty", "us-qwerty", … ; empty if none or unknown
    std::optional<std::int64_t> batteryHealthPercent;
    std::string os;
};

struct Unit {
    std::int64_t id = 0;
    std::string tag;  // RE-000001, never reused
    std::int64_t donationId = 0;
    UnitKind kind = UnitKind::Other;
    std::string make;
    std::string model;
    std::string serial;
    std::string donorTag;  // the donor's own asset tag
    UnitSpecs specs;
    std::optional<Grade> grade;
    UnitStatus status = UnitStatus::Received;
    std::string location;
    std::string notes;
    std::string createdAt;
    std::string site;  // the workshop that holds it: its donation's site, moved by a coordinator
    std::vector<StorageMedium> storage;
    std::optional<std::string> attachedTo;  // an accessory's unit (its tag), if attached to one
};

// What registering a unit needs; the tag and status are given by the inventory.
struct NewMedium {
    MediumType type = MediumType::Other;
    std::string model;
    std::string serial;
    std::optional<std::int64_t> capacityBytes;
};

struct NewUnit {
    std::int64_t donationId = 0;
    UnitKind kind = UnitKind::Other;
    std::string make;
    std::string model;
    std::string serial;
    std::string donorTag;
    UnitSpecs specs;
    std::optional<Grade> grade;
    std::string location;
    std::string notes;
    std::vector<NewMedium> storage;
    // Columns of a donor's list with no field of their own ("Header", value): stored outside the
    // audit trail (unit_donor_fields, purged after their retention period); the unit_created
    // event carries only "donor_fields_sha256", a salted hash of them.
    std::vector<std::pair<std::string, std::string>> donorFields = {};
};

// One erasure (or destruction) of one medium. Written by the wipe engine; the certificate is
// stored as the signed canonical JSON it was issued as.
struct SanitizationRecord {
    std::int64_t id = 0;
    std::int64_t mediumId = 0;
    std::string method;  // an id of the wipe methods table: "clear-zero", "purge-sanitize", "destroy-shred", …
    SanitizationLevel level = SanitizationLevel::Clear;
    SanitizationResult result = SanitizationResult::Failed;
    std::string verification;  // "full", "sample", "none"
    std::string startedAt;
    std::string endedAt;
    std::int64_t bytesWritten = 0;
    std::optional<std::int64_t> lastLba;  // reached before an interruption or failure
    std::string errors;                   // JSON array of {lba, message}
    std::string certificateId;
    std::string certificateJson;
    // How the erased drive was known to be this medium: "serial", "capacity+operator choice",
    // "new medium" (empty for records made before it was recorded).
    std::string identityEvidence;
    std::string notes;  // what else the record must say, e.g. "certificate not issued: …"
};

// Current time, UTC, ISO 8601 with milliseconds ("2026-11-23T12:50:16.123Z").
std::string nowUtc();

// Storage capacities as people write them: "256G", "256 GB", "500Go", "1T", "1,5 To", "512MiB",
// "120000000000" (bytes). Decimal units (GB = 10^9) as drive makers use them, binary for GiB/MiB.
Result<std::int64_t> parseCapacity(std::string_view text);
// 256060514304 → "256 GB".
std::string formatCapacity(std::int64_t bytes);

// Validates a calendar date written YYYY-MM-DD.
Status checkDate(std::string_view date, std::string_view field);

}  // namespace reemploi::inventory
