// The allocation solver on hand-built instances whose optimum is known, on random instances
// (invariants), and against LEMON's NetworkSimplex on the full unaggregated graph.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <random>
#include <set>

#include <reemploi/inventory/allocation/Allocation.hpp>
#include <reemploi/inventory/allocation/CostModel.hpp>
#include <reemploi/inventory/allocation/MinCostFlow.hpp>

#include "FullGraphReference.hpp"
#include "RandomProblem.hpp"

namespace reemploi::inventory::allocation {
namespace {

AllocUnit laptop(std::int64_t id, std::optional<std::int64_t> battery = 90) {
    AllocUnit u;
    u.id = id;
    u.tag = "RE-" + std::to_string(id);
    u.kind = UnitKind::Laptop;
    u.keyboard = true;
    u.ramMib = 8192;
    u.storageGb = 256;
    u.batteryPercent = battery;
    return u;
}

AllocUnit tablet(std::int64_t id) {
    AllocUnit u;
    u.id = id;
    u.tag = "RE-" + std::to_string(id);
    u.kind = UnitKind::Tablet;
    u.ramMib = 4096;
    u.storageGb = 64;
    u.batteryPercent = 85;
    return u;
}

AllocNeed need(std::int64_t id, std::uint32_t school, std::vector<SchoolGrade> grades, int devices,
               KindPreference pref = KindPreference::Either, std::uint32_t flags = 0) {
    AllocNeed n;
    n.id = id;
    n.school = school;
    n.family = "F-" + std::to_string(id);
    for (auto g : grades) ++n.children[static_cast<int>(g)];
    n.devicesAtHome = devices;
    n.preference = pref;
    n.flags = flags;
    return n;
}

Problem withSchools(int count) {
    Problem p;
    for (int s = 0; s < count; ++s) {
        AllocSchool school;
        school.uai = "S";
        school.uai += std::to_string(s);
        p.schools.push_back(school);
    }
    return p;
}

// need id -> unit id of the solution
std::map<std::int64_t, std::int64_t> pairs(const Problem &p, const Solution &s) {
    std::map<std::int64_t, std::int64_t> out;
    for (const auto &a : s.assignments) out[p.needs[a.need].id] = p.units[a.unit].id;
    return out;
}

Solution solved(const Problem &p) {
    auto r = solve(p);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(r.value()) : Solution{};
}

using G = SchoolGrade;

TEST(AllocationSolver, NoDeviceFamilyBeforeOneDeviceFamily) {
    auto p = withSchools(1);
    p.units = {laptop(1)};
    p.needs = {need(1, 0, {G::CM2, G::CP}, 1), need(2, 0, {G::CM2}, 0)};
    auto s = solved(p);
    ASSERT_EQ(s.assignments.size(), 1u);
    EXPECT_EQ(p.needs[s.assignments[0].need].id, 2);
    EXPECT_EQ(s.assignments[0].reason, "no device at home, CM2, laptop fits");
    EXPECT_EQ(s.byRank[0].served, 1);
    EXPECT_EQ(s.byRank[1].served, 0);
    ASSERT_EQ(s.unmet.size(), 1u);
    EXPECT_EQ(s.unmet[0].why, "the one ready unit that fits went to a family ranked before or level with this one");
}

TEST(AllocationSolver, FewerDevicesThanChildrenBeforeEnoughDevices) {
    auto p = withSchools(1);
    p.units = {tablet(1)};
    p.needs = {need(1, 0, {G::CP}, 1), need(2, 0, {G::CP, G::CE1}, 1)};
    auto s = solved(p);
    EXPECT_EQ(pairs(p, s), (std::map<std::int64_t, std::int64_t>{{2, 1}}));
    EXPECT_EQ(s.assignments[0].reason, "1 device at home for 2 children, CP+CE1, tablet fits");
    // The same reason as codes and values, for a page to say in its reader's language.
    std::vector<std::pair<std::string, std::vector<std::string>>> parts;
    for (const auto &part : s.assignments[0].parts) parts.emplace_back(part.code, part.values);
    EXPECT_EQ(parts, (std::vector<std::pair<std::string, std::vector<std::string>>>{
                         {"rank.some", {"1", "2"}}, {"grades", {"CP+CE1"}}, {"fits", {"tablet"}}}));
    EXPECT_EQ(s.unmet[0].parts.at(0).code, "unmet.taken");
    EXPECT_EQ(s.unmet[0].why, englishReason(s.unmet[0].parts));
}

TEST(AllocationSolver, LaptopGoesToTheCm2ChildAndTabletToTheCpChild) {
    auto p = withSchools(1);
    p.units = {laptop(1), tablet(2)};
    // The CP family has the lower id: first come, first served would hand it the laptop.
    p.needs = {need(1, 0, {G::CP}, 0), need(2, 0, {G::CM1}, 0)};
    auto s = solved(p);
    EXPECT_EQ(pairs(p, s), (std::map<std::int64_t, std::int64_t>{{1, 2}, {2, 1}}));
    EXPECT_EQ(s.byRank[0].served, 2);
}

TEST(AllocationSolver, TabletNeverGoesToACm1Child) {
    auto p = withSchools(1);
    p.units = {tablet(1)};
    p.needs = {need(1, 0, {G::CM1}, 0)};
    auto s = solved(p);
    EXPECT_TRUE(s.assignments.empty());
    ASSERT_EQ(s.unmet.size(), 1u);
    EXPECT_EQ(s.unmet[0].why, "no ready unit fits: a child in CM1–CM2 needs a laptop with a keyboard");
    ASSERT_EQ(s.unused.size(), 1u);
    EXPECT_EQ(s.unused[0].why, "no open need left that it fits");
}

TEST(AllocationSolver, LaptopWithoutKeyboardDoesNotServeCm2) {
    auto p = withSchools(1);
    auto u = laptop(1);
    u.keyboard = false;
    p.units = {u};
    p.needs = {need(1, 0, {G::CM2}, 0), need(2, 0, {G::CE2}, 1)};
    auto s = solved(p);
    EXPECT_EQ(pairs(p, s), (std::map<std::int64_t, std::int64_t>{{2, 1}}));
}

TEST(AllocationSolver, MeasuredValueBelowMinimumExcludesTheUnit) {
    auto p = withSchools(1);
    auto weak = laptop(1);
    weak.ramMib = 2048;
    auto worn = laptop(2, 55);
    p.units = {weak, worn};
    p.needs = {need(1, 0, {G::CM2}, 0)};
    auto s = solved(p);
    EXPECT_TRUE(s.assignments.empty());
    ASSERT_EQ(s.unused.size(), 2u);
    EXPECT_EQ(s.unused[0].why, "RAM 2048 MiB is below the 4096 MiB minimum for a laptop");
    EXPECT_EQ(s.unused[1].why, "battery health 55% is below the 70% minimum");
    EXPECT_EQ(s.unmet[0].why, "no ready unit fits: a child in CM1–CM2 needs a laptop with a keyboard");
}

TEST(AllocationSolver, ValueNeverMeasuredDoesNotDisqualifyAndIsSaid) {
    auto p = withSchools(1);
    p.units = {laptop(1, std::nullopt)};
    p.needs = {need(1, 0, {G::CM2}, 0)};
    auto s = solved(p);
    ASSERT_EQ(s.assignments.size(), 1u);
    EXPECT_EQ(s.assignments[0].reason, "no device at home, CM2, laptop fits, battery not measured");
}

TEST(AllocationSolver, MeasuredUnitPreferredToUnmeasuredOne) {
    auto p = withSchools(1);
    p.units = {laptop(1, std::nullopt), laptop(2, 80)};
    p.needs = {need(1, 0, {G::CM2}, 0)};
    EXPECT_EQ(pairs(p, solved(p)), (std::map<std::int64_t, std::int64_t>{{1, 2}}));
}

TEST(AllocationSolver, PreferenceHonouredWhenCountsAreEqual) {
    auto p = withSchools(1);
    p.units = {laptop(1), tablet(2)};
    p.needs = {need(1, 0, {G::CP}, 0, KindPreference::Either), need(2, 0, {G::CE1}, 0, KindPreference::Tablet)};
    auto s = solved(p);
    EXPECT_EQ(pairs(p, s), (std::map<std::int64_t, std::int64_t>{{1, 1}, {2, 2}}));
    EXPECT_EQ(s.suitabilityCost, 0);
}

TEST(AllocationSolver, PriorityFlagDecidesBetweenEqualRanks) {
    auto p = withSchools(1);
    p.units = {laptop(1)};
    p.needs = {need(1, 0, {G::CM2}, 0), need(2, 0, {G::CM2}, 0, KindPreference::Either, 2u /* referral */)};
    auto s = solved(p);
    EXPECT_EQ(pairs(p, s), (std::map<std::int64_t, std::int64_t>{{2, 1}}));
    EXPECT_EQ(s.assignments[0].reason, "no device at home, priority referral, CM2, laptop fits");
    EXPECT_EQ(s.priorityWeight, 3);
}

TEST(AllocationSolver, RankOutweighsPriorityFlags) {
    auto p = withSchools(1);
    p.units = {laptop(1)};
    p.needs = {need(1, 0, {G::CM2, G::CP}, 1, KindPreference::Either, 3u), need(2, 0, {G::CM2}, 0)};
    EXPECT_EQ(pairs(p, solved(p)), (std::map<std::int64_t, std::int64_t>{{2, 1}}));
}

TEST(AllocationSolver, SchoolInPriorityAreaGivesItsFamiliesTheQpvFlag) {
    auto p = withSchools(2);
    p.schools[1].priorityArea = true;
    p.units = {tablet(1)};
    p.needs = {need(1, 0, {G::CP}, 0), need(2, 1, {G::CP}, 0)};
    auto s = solved(p);
    EXPECT_EQ(pairs(p, s), (std::map<std::int64_t, std::int64_t>{{2, 1}}));
    EXPECT_EQ(s.assignments[0].reason, "no device at home, priority qpv, CP, tablet fits");
}

TEST(AllocationSolver, FairnessSplitsEqualNeedsByShare) {
    auto p = withSchools(2);
    p.units = {tablet(1), tablet(2)};
    // School 0's families have the lower ids; without fairness they would take both tablets.
    p.needs = {need(1, 0, {G::CP}, 0), need(2, 0, {G::CP}, 0), need(3, 1, {G::CP}, 0), need(4, 1, {G::CP}, 0)};
    auto s = solved(p);
    EXPECT_EQ(s.bySchool[0].share, 1);
    EXPECT_EQ(s.bySchool[1].share, 1);
    EXPECT_EQ(s.bySchool[0].served, 1);
    EXPECT_EQ(s.bySchool[1].served, 1);
    EXPECT_EQ(pairs(p, s), (std::map<std::int64_t, std::int64_t>{{1, 1}, {3, 2}}));
    EXPECT_EQ(s.overShare, 0);
}

TEST(AllocationSolver, FairnessNeverLeavesAUnitUnused) {
    auto p = withSchools(2);
    p.units = {laptop(1), laptop(2)};
    // Shares are 1 and 1, but school 0's families have no device and school 1's have enough:
    // rank comes first, so school 0 takes both laptops, one beyond its share.
    p.needs = {need(1, 0, {G::CM2}, 0), need(2, 0, {G::CM1}, 0), need(3, 1, {G::CP}, 2), need(4, 1, {G::CP}, 2)};
    auto s = solved(p);
    EXPECT_EQ(s.assignments.size(), 2u);
    EXPECT_EQ(s.byRank[0].served, 2);  // rank first, fairness only among equals
    EXPECT_EQ(s.overShare, 1);
}

TEST(AllocationSolver, FairnessComesAfterSuitability) {
    auto p = withSchools(2);
    p.units = {tablet(1), laptop(2)};
    p.needs = {need(1, 0, {G::CP}, 0, KindPreference::Tablet), need(2, 0, {G::CP}, 0, KindPreference::Laptop),
               need(3, 1, {G::CP}, 0, KindPreference::Tablet), need(4, 1, {G::CP}, 0, KindPreference::Tablet)};
    auto s = solved(p);
    // Shares are 1 and 1; the laptop suits need 2 best, the tablet goes to need 3 (fair, id order).
    EXPECT_EQ(pairs(p, s), (std::map<std::int64_t, std::int64_t>{{2, 2}, {3, 1}}));
}

TEST(AllocationSolver, PinsAreRespectedAndExclusionsKeptOut) {
    auto p = withSchools(1);
    p.units = {laptop(1), laptop(2), laptop(3)};
    p.needs = {need(1, 0, {G::CM2}, 0), need(2, 0, {G::CM2}, 3), need(3, 0, {G::CM2}, 0)};
    p.pins = {{2, 2}};
    p.excludedUnits = {3};
    auto s = solved(p);
    auto got = pairs(p, s);
    EXPECT_EQ(got, (std::map<std::int64_t, std::int64_t>{{1, 1}, {2, 2}}));
    ASSERT_FALSE(s.assignments.empty());
    EXPECT_TRUE(s.assignments[0].pinned);
    EXPECT_EQ(s.assignments[0].reason, "pinned by coordinator, 3 devices at home for 1 child, CM2, laptop fits");
    ASSERT_EQ(s.unused.size(), 1u);
    EXPECT_EQ(s.unused[0].why, "excluded by a coordinator");
}

TEST(AllocationSolver, PinOfAnUnsuitableUnitIsKeptAndSaysSo) {
    auto p = withSchools(1);
    p.units = {tablet(1)};
    p.needs = {need(1, 0, {G::CM2}, 0)};
    p.pins = {{1, 1}};
    auto s = solved(p);
    ASSERT_EQ(s.assignments.size(), 1u);
    EXPECT_EQ(s.assignments[0].reason,
              "pinned by coordinator, no device at home, CM2, does not fit (tablet where CM1–CM2 needs a laptop "
              "with a keyboard)");
}

TEST(AllocationSolver, PinsThatCannotBeHonouredAreNoted) {
    auto p = withSchools(1);
    auto notReady = laptop(2);
    notReady.ready = false;
    p.units = {laptop(1), notReady};
    p.needs = {need(1, 0, {G::CM2}, 0)};
    p.pins = {{2, 1}, {9, 1}};
    auto s = solved(p);
    ASSERT_EQ(s.notes.size(), 2u);
    EXPECT_EQ(s.notes[0], "pin of unit RE-2 to need F-1 ignored: the unit is not ready");
    EXPECT_EQ(s.notes[1], "pin of unit 9 to need F-1 ignored: the unit is not in stock");
    EXPECT_EQ(pairs(p, s), (std::map<std::int64_t, std::int64_t>{{1, 1}}));
}

TEST(AllocationSolver, NonReadyAndNonPortableUnitsAreNeverAllocated) {
    auto p = withSchools(1);
    auto notReady = laptop(1);
    notReady.ready = false;
    AllocUnit desktop = laptop(2);
    desktop.kind = UnitKind::Desktop;
    p.units = {notReady, desktop};
    p.needs = {need(1, 0, {G::CM2}, 0)};
    auto s = solved(p);
    EXPECT_TRUE(s.assignments.empty());
    EXPECT_EQ(s.unused[0].why, "not ready");
    EXPECT_EQ(s.unused[1].why, "desktop: only laptops and tablets go to families");
}

TEST(AllocationSolver, RefusesRepeatedIdsAndUnknownSchools) {
    auto p = withSchools(1);
    p.units = {laptop(1), laptop(1)};
    auto r = solve(p);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "unit id 1 appears twice");
    p.units = {laptop(1)};
    p.needs = {need(5, 3, {G::CP}, 0)};
    r = solve(p);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "need 5 names school #3, which is not in the list");
}

TEST(AllocationSolver, KnownOptimumOnAChainOfChoices) {
    // Three rank-1 families and three units where only one perfect matching serves them all:
    // CM2 needs the keyboard laptop, the CE1 family prefers a tablet, the CP family takes the rest.
    auto p = withSchools(1);
    auto noKeyboard = laptop(3);
    noKeyboard.keyboard = false;
    p.units = {tablet(1), laptop(2), noKeyboard};
    p.needs = {need(1, 0, {G::CP}, 0), need(2, 0, {G::CM2}, 0), need(3, 0, {G::CE1}, 0, KindPreference::Tablet)};
    auto s = solved(p);
    EXPECT_EQ(pairs(p, s), (std::map<std::int64_t, std::int64_t>{{1, 3}, {2, 2}, {3, 1}}));
    EXPECT_EQ(s.byRank[0].served, 3);
    EXPECT_EQ(s.suitabilityCost, 0);
}

TEST(AllocationSolver, EmptySidesGiveEmptyAnswers) {
    auto p = withSchools(1);
    auto s = solved(p);
    EXPECT_TRUE(s.assignments.empty());
    p.units = {laptop(1)};
    s = solved(p);
    EXPECT_TRUE(s.assignments.empty());
    ASSERT_EQ(s.unused.size(), 1u);
    p.units.clear();
    p.needs = {need(1, 0, {G::CP}, 0)};
    s = solved(p);
    ASSERT_EQ(s.unmet.size(), 1u);
    EXPECT_EQ(s.unmet[0].why, "no ready laptop or tablet fits");
}

TEST(AllocationSolver, LargestRemainderShares) {
    EXPECT_EQ(largestRemainder(10, {3, 3, 3}), (std::vector<std::int64_t>{4, 3, 3}));
    EXPECT_EQ(largestRemainder(5, {1, 2, 7}), (std::vector<std::int64_t>{1, 1, 3}));
    EXPECT_EQ(largestRemainder(0, {1, 2}), (std::vector<std::int64_t>{0, 0}));
    EXPECT_EQ(largestRemainder(4, {0, 0}), (std::vector<std::int64_t>{0, 0}));
}

TEST(AllocationSolver, ParsesFrenchAndEnglishValues) {
    EXPECT_EQ(*parseInternet("Téléphone"), Internet::Phone);
    EXPECT_EQ(*parseInternet("aucune"), Internet::None);
    EXPECT_EQ(*parseInternet("BOX"), Internet::Box);
    EXPECT_EQ(*parseKindPreference("Tablette"), KindPreference::Tablet);
    EXPECT_EQ(*parseKindPreference("indifférent"), KindPreference::Either);
    EXPECT_EQ(*parseKindPreference("portable"), KindPreference::Laptop);
    EXPECT_EQ(*parseSchoolGrade("cm2"), SchoolGrade::CM2);
    auto bad = parseSchoolGrade("6e");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message, "'6e' is not a grade (CP, CE1, CE2, CM1, CM2)");
}

TEST(MinCostFlow, FindsTheCheapestFlowAndStopsWhenPathsStopPaying) {
    MinCostFlow f(4);
    int a = f.addArc(0, 1, 2, -5);
    int b = f.addArc(0, 2, 1, -1);
    f.addArc(1, 3, 1, 0);
    f.addArc(2, 3, 5, 0);
    f.addArc(1, 2, 5, 2);
    int c = f.addArc(0, 3, 9, 4);  // positive: never worth it
    EXPECT_EQ(f.minCostFlow(0, 3), 3);
    EXPECT_EQ(f.flow(a), 2);
    EXPECT_EQ(f.flow(b), 1);
    EXPECT_EQ(f.flow(c), 0);
    EXPECT_TRUE(f.totalCost() == -11 + 2);
}

// --- random instances ---

void expectInvariants(const Problem &p, const Solution &s) {
    CostModel model(p);
    std::set<std::size_t> units, needs;
    std::vector<std::int64_t> unitOfNeed(p.needs.size(), -1);
    for (const auto &a : s.assignments) {
        ASSERT_TRUE(units.insert(a.unit).second) << "unit used twice";
        ASSERT_TRUE(needs.insert(a.need).second) << "need served twice";
        ASSERT_TRUE(p.units[a.unit].ready) << "a non-ready unit was allocated";
        ASSERT_TRUE(a.pinned || model.suitability(p.units[a.unit], p.needs[a.need])) << "unsuitable unit allocated";
        unitOfNeed[a.need] = static_cast<std::int64_t>(a.unit);
    }
    // No usable unit stays unused while a need it fits stays unmet.
    for (const auto &u : s.unused) {
        if (!model.unitInFlow(u.unit)) continue;
        for (const auto &m : s.unmet) {
            ASSERT_FALSE(model.suitability(p.units[u.unit], p.needs[m.need]))
                << "unit " << p.units[u.unit].id << " unused while need " << p.needs[m.need].id << " fits";
        }
    }
    // Rank before rank: a unit serving a lower-ranked need does not fit any unmet higher-ranked need.
    for (const auto &a : s.assignments) {
        if (a.pinned) continue;
        int r = rankOf(p.needs[a.need]);
        for (const auto &m : s.unmet) {
            if (rankOf(p.needs[m.need]) >= r) continue;
            ASSERT_FALSE(model.suitability(p.units[a.unit], p.needs[m.need]))
                << "rank " << r << " served while a rank-" << rankOf(p.needs[m.need]) << " need fits";
        }
    }
    // Fairness bound: no school above its share keeps a unit that would serve, equally well, an
    // unmet need of the same level in a school below its share.
    for (const auto &a : s.assignments) {
        if (a.pinned) continue;
        const auto &n = p.needs[a.need];
        const auto &over = s.bySchool[n.school];
        if (over.served <= over.share) continue;
        auto fit = model.suitability(p.units[a.unit], n);
        for (const auto &m : s.unmet) {
            const auto &other = p.needs[m.need];
            const auto &under = s.bySchool[other.school];
            if (under.served >= under.share || model.level(other) != model.level(n)) continue;
            ASSERT_NE(model.suitability(p.units[a.unit], other), fit)
                << "school " << n.school << " over its share while school " << other.school << " could take the unit";
        }
    }
    // Figures add up.
    std::int64_t served = 0;
    for (const auto &r : s.byRank) served += r.served;
    EXPECT_EQ(served, static_cast<std::int64_t>(s.assignments.size()));
    EXPECT_EQ(s.assignments.size() + s.unmet.size(), p.needs.size());
    EXPECT_EQ(s.assignments.size() + s.unused.size(), p.units.size());
}

// The largest number of needs matchable at once (Kuhn's augmenting paths on the full graph),
// among the needs `counted` selects: an independent check of the objective's first level.
std::size_t maximumMatching(const Problem &p, const std::function<bool(const AllocNeed &)> &counted) {
    CostModel model(p);
    std::vector<std::size_t> needs;
    for (std::size_t j = 0; j < p.needs.size(); ++j)
        if (model.needInFlow(j) && counted(p.needs[j])) needs.push_back(j);
    std::vector<std::vector<std::size_t>> fits(needs.size());
    for (std::size_t k = 0; k < needs.size(); ++k)
        for (std::size_t i = 0; i < p.units.size(); ++i)
            if (model.unitInFlow(i) && model.suitability(p.units[i], p.needs[needs[k]])) fits[k].push_back(i);
    std::vector<std::int64_t> owner(p.units.size(), -1);
    std::vector<char> seen;
    std::function<bool(std::size_t)> augment = [&](std::size_t k) {
        for (auto i : fits[k]) {
            if (seen[i]) continue;
            seen[i] = 1;
            if (owner[i] < 0 || augment(static_cast<std::size_t>(owner[i]))) {
                owner[i] = static_cast<std::int64_t>(k);
                return true;
            }
        }
        return false;
    };
    std::size_t matched = 0;
    for (std::size_t k = 0; k < needs.size(); ++k) {
        seen.assign(p.units.size(), 0);
        matched += augment(k);
    }
    return matched;
}

TEST(AllocationSolver, ServesTheMostNoDeviceFamiliesAndTheMostFamiliesOverall) {
    for (std::uint64_t seed = 200; seed < 215; ++seed) {
        testing::RandomShape shape;
        shape.units = 60 + seed % 7 * 20;
        shape.needs = 80 + seed % 5 * 25;
        shape.schools = 3;
        auto p = testing::randomProblem(seed, shape);
        auto s = solved(p);
        SCOPED_TRACE("seed " + std::to_string(seed));
        EXPECT_EQ(static_cast<std::size_t>(s.byRank[0].served),
                  maximumMatching(p, [](const AllocNeed &n) { return rankOf(n) == 1; }));
        EXPECT_EQ(static_cast<std::size_t>(s.byRank[0].served + s.byRank[1].served),
                  maximumMatching(p, [](const AllocNeed &n) { return rankOf(n) <= 2; }));
        EXPECT_EQ(s.assignments.size(), maximumMatching(p, [](const AllocNeed &) { return true; }));
    }
}

TEST(AllocationSolver, InvariantsHoldOnRandomInstances) {
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        testing::RandomShape shape;
        shape.units = 20 + seed * 7 % 150;
        shape.needs = 20 + seed * 13 % 150;
        shape.schools = 1 + seed % 6;
        shape.shuffleIds = seed % 2 == 0;
        auto p = testing::randomProblem(seed, shape);
        if (seed % 5 == 0) {
            p.pins.push_back({p.units[0].id, p.needs[0].id});
            p.excludedUnits.push_back(p.units[1].id);
        }
        auto s = solved(p);
        SCOPED_TRACE("seed " + std::to_string(seed));
        expectInvariants(p, s);
    }
}

TEST(AllocationSolver, SameInputInAnotherOrderGivesTheSameAllocation) {
    testing::RandomShape shape;
    shape.units = 300;
    shape.needs = 250;
    shape.schools = 7;
    auto p = testing::randomProblem(77, shape);
    auto first = pairs(p, solved(p));
    std::mt19937 rng(5);
    std::shuffle(p.units.begin(), p.units.end(), rng);
    std::shuffle(p.needs.begin(), p.needs.end(), rng);
    EXPECT_EQ(pairs(p, solved(p)), first);
}

TEST(AllocationSolver, OptimumEqualsLemonOnTheFullGraph) {
    struct Size {
        std::size_t units, needs, schools;
    };
    const Size sizes[] = {{200, 300, 4}, {300, 200, 5}, {500, 500, 8}, {1000, 800, 10}, {1500, 2000, 12}, {3000, 2500, 20}};
    std::uint64_t seed = 100;
    for (const auto &size : sizes) {
        testing::RandomShape shape;
        shape.units = size.units;
        shape.needs = size.needs;
        shape.schools = size.schools;
        auto p = testing::randomProblem(++seed, shape);
        auto s = solved(p);
        auto ref = testing::lemonReference(p);
        SCOPED_TRACE(std::to_string(size.units) + " units, " + std::to_string(size.needs) + " needs");
        EXPECT_EQ(static_cast<long long>(s.flowCost), ref.cost);
        EXPECT_EQ(static_cast<long long>(s.assignments.size()), ref.flow);
        expectInvariants(p, s);
    }
}

}  // namespace
}  // namespace reemploi::inventory::allocation
