// Which of a unit's recorded storage media a wipe target is, and on what evidence. A wipe is
// credited to a recorded medium only when their identities agree: the same serial, or — when one
// side has no serial (a donor's list says "SSD 256 Go") — a capacity that agrees AND the operator
// naming the medium. Anything else is a new medium of the unit, and the recorded one stays to wipe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/diagnostics/storage/BlockTarget.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::diagnostics::storage {

enum class IdentityEvidence { Serial, CapacityAndOperatorChoice, NewMedium };
// "serial", "capacity+operator choice", "new medium": stored in the record and the certificate.
std::string_view toString(IdentityEvidence evidence);

// Whether a drive of `targetBytes` can be the medium recorded with `recordedBytes`: from 5 %
// below to 10 % above it. Donors' lists write a maker's rounded decimal size ("256 Go" for
// 256,060,514,304 bytes, "250 Go" for 250,059,350,016) or what Windows shows in binary units
// ("238 Go" for that same 256 GB drive, "931 Go" for a 1 TB one: 7 to 10 % under its bytes).
bool capacityMatches(std::uint64_t targetBytes, std::int64_t recordedBytes);

// What the operator said about the target's medium.
struct MediumChoice {
    std::optional<std::int64_t> mediumId;  // --medium ID: this recorded medium
    bool newMedium = false;                // --medium new: none of the recorded ones
};

struct MediumMatch {
    std::optional<inventory::StorageMedium> medium;  // the recorded medium; none: a new one is added
    IdentityEvidence evidence = IdentityEvidence::NewMedium;
    // Recorded media without a serial to compare whose capacity agrees, when the operator named
    // none: the target may be one of them, but is credited to none (a hint to give --medium).
    std::vector<inventory::StorageMedium> candidates;
};

// Applies the rule to `target` and the unit's media. Errors (nothing is written): NotFound for a
// medium that is not the unit's; Refused, naming both sides, when the named medium's serial or
// capacity disagrees with the target's, it was destroyed, or the target's serial belongs to
// another of the unit's media.
Result<MediumMatch> matchMedium(const inventory::Unit &unit, const TargetInfo &target, const MediumChoice &choice);

// "#3 (ssd, 256 GB, serial S3YH…)" / "#3 (ssd, 256 GB, no serial)": a medium as messages name it.
std::string describeMedium(const inventory::StorageMedium &medium);

}  // namespace reemploi::diagnostics::storage
