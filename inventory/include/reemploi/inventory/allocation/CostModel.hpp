// How the objective of Allocation.hpp becomes one min-cost flow, shared by the solver, the
// tests and the benchmark (which rebuild the full unaggregated graph with the same costs).
//
// Classes. A unit's class is what suitability depends on: laptop or tablet, keyboard (yes, no,
// not checked), and whether RAM, storage and battery were measured (measured values below the
// minimum exclude the unit). A need's class is its level (rank and priority weight), whether it
// requires a laptop (a child in CM1–CM2) and its preferred kind. Units of one class are
// interchangeable for needs of one class, so the flow between classes decides everything but
// which concrete unit and need; those are taken in id order.
//
// Costs (all integers, exact). Levels 1–2 of the objective are a weight per served need; since
// the served needs of a matching form a matroid (a transversal matroid), any weights ordered
// like (rank ascending, priority weight descending) have the same optimal sets, so the need's
// weight is its level: 1..L, best = L. Then, with B = the most units that can flow,
//   arc unit→need      cost  -level·W2 + suitability·W3
//   school beyond share cost  1 per unit
//   W3 = B + 1   (all fairness together weigh less than one suitability point)
//   W2 = 6·B·W3 + B + 1   (all suitability and fairness together weigh less than one level)
// so minimising the total cost optimises levels 1, 2, 3, 4 lexicographically.
//
// Graph: source → unit class (capacity: its units) → need class (cost above) → school (capacity:
// that class's needs in that school) → sink, with two school→sink arcs: its free share at cost 0
// and the rest at cost 1. The full graph (tests, bench) has one node per unit and per need.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <reemploi/inventory/allocation/Allocation.hpp>

namespace reemploi::inventory::allocation {

// Unit class key bits.
inline constexpr std::uint8_t kClassTablet = 1;          // else laptop
inline constexpr std::uint8_t kClassKeyboardShift = 1;   // 2 bits: 0 none, 1 yes, 2 not checked
inline constexpr std::uint8_t kClassRamUnknown = 8;
inline constexpr std::uint8_t kClassStorageUnknown = 16;
inline constexpr std::uint8_t kClassBatteryUnknown = 32;
// A kind other than laptop and tablet that a programme's rules name (a printer, an accessory):
// keyboard value 3, which no laptop has; no spec minimum applies.
inline constexpr std::uint8_t kClassOtherKind = 3 << kClassKeyboardShift;
inline constexpr int kUnitClassCount = 64;
inline constexpr int kMaxSuitability = 6;

class CostModel {
public:
    // The problem must have passed validation (solve() does it): ids unique, schools in range.
    explicit CostModel(const Problem &problem);

    // Unit classes: nullopt when the unit can serve no need (kind, a measured value below its
    // minimum); unusableWhy() says which.
    std::optional<std::uint8_t> unitClass(const AllocUnit &unit) const;
    ReasonPart unusableWhy(const AllocUnit &unit) const;  // an empty code when it is usable

    // Needs.
    std::uint32_t effectiveFlags(const AllocNeed &need) const;  // + "qpv" from the school
    std::int64_t priorityWeight(const AllocNeed &need) const;
    int level(const AllocNeed &need) const;  // 1..levels(), higher is better
    int levels() const { return _levelCount; }
    static bool requiresLaptop(const AllocNeed &need);  // a child in CM1 or CM2, or a laptop-only level
    int needClass(const AllocNeed &need) const;          // 0..needClassCount()-1
    int needClassCount() const { return _levelCount * 6; }

    // Suitability points (0..kMaxSuitability) of a unit class for a need; nullopt: unsuitable.
    std::optional<int> suitability(std::uint8_t unitClass, const AllocNeed &need) const;
    std::optional<int> suitability(std::uint8_t unitClass, int needClass) const;
    std::optional<int> suitability(const AllocUnit &unit, const AllocNeed &need) const;

    Cost arcCost(int level, int suitability) const { return -Cost(level) * _w2 + Cost(suitability) * _w3; }
    // Cost of the arc unit→need in the full graph; nullopt when unsuitable.
    std::optional<Cost> pairCost(const AllocUnit &unit, const AllocNeed &need) const;
    static constexpr Cost kOverShareCost = 1;

    // Pins and exclusions, resolved: the flow only sees units and needs that are neither.
    bool unitInFlow(std::size_t unit) const { return _unitInFlow[unit]; }
    bool needInFlow(std::size_t need) const { return _needInFlow[need]; }
    struct ResolvedPin {
        std::size_t unit = 0;
        std::size_t need = 0;
    };
    const std::vector<ResolvedPin> &pins() const { return _pins; }
    const std::vector<std::string> &pinNotes() const { return _pinNotes; }

    // Fairness: each school's share of the supply, and what is left of it after its pins.
    std::int64_t share(std::uint32_t school) const { return _share[school]; }
    std::int64_t freeShare(std::uint32_t school) const { return _freeShare[school]; }
    std::int64_t flowBound() const { return _flowBound; }

private:
    const Problem &_problem;
    std::optional<std::uint32_t> _qpv;
    std::vector<std::pair<int, std::int64_t>> _levelKeys;  // (rank, weight), best last
    int _levelCount = 1;
    std::vector<char> _unitInFlow, _needInFlow;
    std::vector<ResolvedPin> _pins;
    std::vector<std::string> _pinNotes;
    std::vector<std::int64_t> _share, _freeShare;
    std::int64_t _flowBound = 0;
    Cost _w2 = 1, _w3 = 1;
};

// Largest-remainder apportionment of `seats` among parties with these weights: shares sum to
// `seats` (when some weight is positive), ties in remainder go to the lower index.
std::vector<std::int64_t> largestRemainder(std::int64_t seats, const std::vector<std::int64_t> &weights);

}  // namespace reemploi::inventory::allocation
