// Personal data that must be forgotten: retention periods, and the purge that redacts what is past
// its period in the tables and in the audit trail, records that it did, and leaves every chain,
// replay and certificate verifiable.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <reemploi/common/Json.hpp>
#include <reemploi/common/Result.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::inventory {

// How long each kind of personal data is kept, in days.
struct RetentionPolicy {
    // An individual donor's name and e-mail, after their last donation (or their registration).
    std::int64_t individualDonorsDays = 3 * 365;
    // A school's contact person, after the school's last update.
    std::int64_t contactsDays = 3 * 365;
    // The free-text columns kept from a donor's list (a unit's donor fields), after the import.
    std::int64_t donorListFieldsDays = 365;
    // A distribution site's contact (a person's name, e-mail or phone), after the site's last update.
    std::int64_t siteContactsDays = 3 * 365;
};

// `key = value` lines (days): individual_donors, contacts, donor_list_fields, site_contacts; '#' comments. An
// unknown key or a value that is not a whole number of days is refused, naming its line.
Result<RetentionPolicy> parseRetentionPolicy(std::string_view text);
json::Object toJson(const RetentionPolicy &policy);

struct PurgeReport {
    bool dryRun = false;
    std::int64_t donors = 0;           // individual donors whose name and e-mail were removed
    std::int64_t contacts = 0;         // schools whose contact person was removed
    std::int64_t donorFieldRows = 0;   // units whose donor-list fields were removed
    std::int64_t siteContacts = 0;     // distribution sites whose contact was removed (the sites stay)
    std::int64_t eventsRedacted = 0;   // event payloads redacted in the trail
    std::optional<std::int64_t> eventId;  // the `privacy_purged` event that records it (none when nothing was due)
    std::vector<std::int64_t> donorIds;   // which donors, which schools (what a dry run lists)
    std::vector<std::int64_t> schoolIds;
    std::vector<std::string> siteCodes;
};
json::Object toJson(const PurgeReport &report);

// Redacts what is past its period at `now`, all or nothing: individual donors become "individual
// donor #ID" without e-mail, schools' and sites' contacts become empty, donor-list fields are deleted; the events that
// held them get their payload redacted (the fields removed, "_redacted" naming them, the
// payload's hash kept), and one `privacy_purged` event names every event redacted with the
// SHA-256 of its new payload and the values written into the tables (what the replay needs).
// A dry run counts and writes nothing. Admin only.
Result<PurgeReport> purgePersonalData(Database &db, const RetentionPolicy &policy,
                                      std::chrono::system_clock::time_point now, bool dryRun, const Actor &actor);

}  // namespace reemploi::inventory
