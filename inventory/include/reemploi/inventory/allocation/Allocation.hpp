// The allocation engine: which ready unit goes to which family's need, and why. A pure library
// (no database): the services in AllocationService.hpp feed it and store what it proposes.
//
// The objective, in order of importance (each level only breaks ties of the ones before):
//   1. serve as many families with no device at home as possible (rank 1), then as many with
//      fewer devices than school-age children (rank 2), then the others (rank 3);
//   2. the sum of the served families' priority-flag weights (Config::flags);
//   3. suitability: the sum over assignments of suitabilityCost() (kind against preference,
//      values never measured); hard rules (a laptop with a keyboard for CM1–CM2, minimum specs)
//      are not costs but exclusions;
//   4. fairness: the number of units a school receives beyond its largest-remainder share of the
//      supply (share proportional to its open needs); never at the price of an unused unit;
//   5. ties: stable ids (lower unit and need ids first).
// It is solved exactly as one min-cost flow on an aggregated graph (see CostModel.hpp), then the
// flow between classes is turned into concrete unit–need pairs.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::inventory::allocation {

// Elementary-school grades, CP (age 6) to CM2 (age 10).
enum class SchoolGrade : std::uint8_t { CP, CE1, CE2, CM1, CM2 };
enum class Internet : std::uint8_t { None, Phone, Box };
enum class KindPreference : std::uint8_t { Laptop, Tablet, Either };

// Canonical text forms: "CP".."CM2"; "none", "phone", "box"; "laptop", "tablet", "either".
// The parsers also accept the French words (aucune, telephone, portable, tablette, indifferent),
// case- and accent-insensitively.
std::string_view toString(SchoolGrade);
std::string_view toString(Internet);
std::string_view toString(KindPreference);
Result<SchoolGrade> parseSchoolGrade(std::string_view);
Result<Internet> parseInternet(std::string_view);
Result<KindPreference> parseKindPreference(std::string_view);

// A unit as the allocation sees it. Optional values are "never measured".
struct AllocUnit {
    std::int64_t id = 0;  // stable id (database id): ties are broken by it
    std::string tag;
    UnitKind kind = UnitKind::Other;
    bool ready = true;  // non-ready units are never allocated (reported as unused)
    std::optional<bool> keyboard;
    std::optional<std::int64_t> ramMib;
    std::optional<std::int64_t> storageGb;
    std::optional<std::int64_t> batteryPercent;
};

struct AllocNeed {
    std::int64_t id = 0;  // stable id
    std::uint32_t school = 0;                // index into Problem::schools
    std::string family;                      // the school's pseudonymous reference
    std::array<std::uint8_t, 5> children{};  // number of children per grade (CP..CM2)
    std::int32_t devicesAtHome = 0;
    Internet internet = Internet::None;
    std::uint32_t flags = 0;  // bit i set: Config::flags[i] applies
    KindPreference preference = KindPreference::Either;
    // Its level's rules allow laptops only (Config::kindsByLevel): as for a child in CM1–CM2,
    // a laptop with a keyboard.
    bool laptopOnly = false;
    // Gets a connectivity kit with its device (no internet at home, a kit in stock): see Kits.
    bool wantsKit = false;
};

struct AllocSchool {
    std::string uai;
    bool priorityArea = false;  // its needs get the flag named "qpv" when the config has one
};

// A connectivity kit as the allocation sees it (in stock).
struct AllocKit {
    std::int64_t id = 0;
    std::string tag;
    std::string kind;  // "4g-key", "sim", "hotspot"
};

struct PriorityFlag {
    std::string name;
    std::int64_t weight = 1;  // >= 0
};

// Minimum specs and priority weights. A value below its minimum excludes the unit; a value
// never measured does not (the assignment's reason says so).
struct Config {
    std::int64_t minLaptopRamMib = 4096;
    std::int64_t minTabletRamMib = 2048;
    std::int64_t minLaptopStorageGb = 64;
    std::int64_t minTabletStorageGb = 16;
    std::int64_t minBatteryPercent = 70;  // laptops and tablets
    // At most 32. Defaults: "qpv" (priority neighbourhood) 2, "referral" (social worker) 3.
    std::vector<PriorityFlag> flags = {{"qpv", 2}, {"referral", 3}};
    // Which kinds a programme hands out ("kinds = laptop"): empty means laptops and tablets;
    // a printer or an accessory only when named here.
    std::vector<UnitKind> kinds;
    // Which kinds fit a level ("kinds.post-bac = laptop"), by level code.
    std::vector<std::pair<std::string, std::vector<UnitKind>>> kindsByLevel;

    // Whether this configuration hands out `kind` at all; whether it gives a need of `level` only laptops.
    bool allowsKind(UnitKind kind) const;
    bool laptopOnlyFor(std::string_view level) const;

    // The index of a flag by name (case-insensitive), if configured.
    std::optional<std::uint32_t> flagIndex(std::string_view name) const;
};

// A coordinator's decision taken before the run: this unit goes to this need.
struct Pin {
    std::int64_t unitId = 0;
    std::int64_t needId = 0;
};

struct Problem {
    Config config;
    std::vector<AllocSchool> schools;
    std::vector<AllocUnit> units;
    std::vector<AllocNeed> needs;  // open needs only
    std::vector<Pin> pins;
    std::vector<std::int64_t> excludedUnits;  // unit ids the coordinator keeps out of this run
    std::vector<AllocKit> kits;               // kits in stock, in id order
};

// One reason, as a code and its values, so that a page can say it in its reader's language:
// {"rank.some", {"1", "2"}} is "1 device at home for 2 children" (see Reasons.cpp for every code).
struct ReasonPart {
    std::string code;
    std::vector<std::string> values;
};
// The reason in English, as the command line prints it and the run is stored.
std::string englishReason(const std::vector<ReasonPart> &parts);

// A second assignment of the same proposal: a kit for a need that receives a device.
struct KitAssignment {
    std::size_t kit = 0;   // index into Problem::kits
    std::size_t need = 0;  // index into Problem::needs
    std::string reason;
    std::vector<ReasonPart> parts;
};

struct Assignment {
    std::size_t unit = 0;  // index into Problem::units
    std::size_t need = 0;  // index into Problem::needs
    bool pinned = false;
    std::string reason;  // "no device at home, CM2, laptop fits": englishReason(parts)
    std::vector<ReasonPart> parts;
};

struct UnmetNeed {
    std::size_t need = 0;
    std::string why;
    std::vector<ReasonPart> parts;
};

struct UnusedUnit {
    std::size_t unit = 0;
    std::string why;
    std::vector<ReasonPart> parts;
};

struct RankFigures {
    std::int64_t open = 0;
    std::int64_t served = 0;
};

struct SchoolFigures {
    std::int64_t open = 0;
    std::int64_t share = 0;  // largest-remainder share of the supply
    std::int64_t served = 0;
    std::array<std::int64_t, 3> openByRank{};
    std::array<std::int64_t, 3> servedByRank{};
};

struct SolveStats {
    std::int64_t unitClasses = 0;
    std::int64_t needClasses = 0;
    std::int64_t nodes = 0;
    std::int64_t arcs = 0;
    std::int64_t phases = 0;         // shortest-path computations
    std::int64_t augmentations = 0;  // augmenting paths
};

using Cost = __int128;

struct Solution {
    std::vector<Assignment> assignments;  // pins first, then by unit id
    // Kits, after the devices: the served needs that want one (AllocNeed::wantsKit), best rank
    // first, then need id, while kits last (in id order).
    std::vector<KitAssignment> kitAssignments;
    std::vector<UnmetNeed> unmet;         // by need id
    std::vector<UnusedUnit> unused;       // by unit id
    std::array<RankFigures, 3> byRank{};  // rank 1, 2, 3
    std::vector<SchoolFigures> bySchool;  // index = school
    std::int64_t priorityWeight = 0;      // level 2: sum over served needs
    std::int64_t suitabilityCost = 0;     // level 3: sum over non-pinned assignments
    std::int64_t overShare = 0;           // level 4: sum over schools of max(0, served - share)
    Cost flowCost = 0;                    // the scalarised objective of the flow (CostModel)
    std::vector<std::string> notes;       // pins that could not be honoured, with why
    SolveStats stats;
};

// Rank of a need: 1 no device at home, 2 fewer devices than children, 3 otherwise.
int rankOf(const AllocNeed &need);

// Solves the problem. InvalidInput when ids repeat or a need names an unknown school.
Result<Solution> solve(const Problem &problem);

}  // namespace reemploi::inventory::allocation
