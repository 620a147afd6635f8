// solve(): validates, classifies, builds the aggregated graph, runs the min-cost flow, turns the
// flow between classes into concrete unit–need pairs (ids in ascending order), and explains.
#include <reemploi/inventory/allocation/Allocation.hpp>
#include <reemploi/inventory/allocation/CostModel.hpp>
#include <reemploi/inventory/allocation/MinCostFlow.hpp>

#include <algorithm>
#include <numeric>

namespace reemploi::inventory::allocation {

namespace {

constexpr std::uint8_t kNoClass = 0xFF;

Status validate(const Problem &p) {
    if (p.config.flags.size() > 32) return makeError(Errc::InvalidInput, "at most 32 priority flags can be configured");
    for (const auto &f : p.config.flags)
        if (f.weight < 0) return makeError(Errc::InvalidInput, "priority flag '" + f.name + "' has a negative weight");
    auto checkUnique = [](std::vector<std::int64_t> ids, const char *what) -> Status {
        std::sort(ids.begin(), ids.end());
        auto dup = std::adjacent_find(ids.begin(), ids.end());
        if (dup != ids.end()) return makeError(Errc::InvalidInput, std::string(what) + " id " + std::to_string(*dup) + " appears twice");
        return {};
    };
    std::vector<std::int64_t> ids;
    ids.reserve(p.units.size());
    for (const auto &u : p.units) ids.push_back(u.id);
    REEMPLOI_TRY(checkUnique(std::move(ids), "unit"));
    ids.clear();
    for (const auto &n : p.needs) {
        if (n.school >= p.schools.size())
            return makeError(Errc::InvalidInput, "need " + std::to_string(n.id) + " names school #" +
                                                     std::to_string(n.school) + ", which is not in the list");
        if (p.config.flags.size() < 32 && (n.flags >> p.config.flags.size()) != 0)
            return makeError(Errc::InvalidInput, "need " + std::to_string(n.id) + " has a priority flag that is not configured");
        ids.push_back(n.id);
    }
    return checkUnique(std::move(ids), "need");
}

// Indices 0..n-1 ordered by key(i) (ascending), stable: a counting sort when keys are small.
template <class Key>
std::vector<std::size_t> stableOrderBy(const std::vector<std::size_t> &items, std::size_t keyCount, Key key) {
    std::vector<std::size_t> start(keyCount + 1, 0);
    for (auto i : items) ++start[key(i) + 1];
    for (std::size_t k = 0; k < keyCount; ++k) start[k + 1] += start[k];
    std::vector<std::size_t> out(items.size());
    for (auto i : items) out[start[key(i)]++] = i;
    return out;
}

ReasonPart gradesPart(const AllocNeed &need) {
    std::string out;
    for (int g = 0; g < 5; ++g)
        for (int k = 0; k < need.children[g]; ++k) {
            if (!out.empty()) out += '+';
            out += toString(static_cast<SchoolGrade>(g));
        }
    return out.empty() ? ReasonPart{"grades.none", {}} : ReasonPart{"grades", {out}};
}

ReasonPart rankPart(const AllocNeed &need) {
    int children = 0;
    for (auto c : need.children) children += c;
    if (need.devicesAtHome <= 0) return {"rank.none", {}};
    return {"rank.some", {std::to_string(need.devicesAtHome), std::to_string(children)}};
}

std::string flagsText(const Problem &p, std::uint32_t flags) {
    std::string out;
    for (std::size_t i = 0; i < p.config.flags.size(); ++i)
        if (flags & (1u << i)) out += (out.empty() ? "" : "+") + p.config.flags[i].name;
    return out;
}

void addUnmeasured(std::vector<ReasonPart> &out, std::uint8_t unitClass) {
    bool tablet = unitClass & kClassTablet;
    if (!tablet && ((unitClass >> kClassKeyboardShift) & 3) == 2) out.push_back({"unmeasured.keyboard", {}});
    if (unitClass & kClassRamUnknown) out.push_back({"unmeasured.ram", {}});
    if (unitClass & kClassStorageUnknown) out.push_back({"unmeasured.storage", {}});
    if (unitClass & kClassBatteryUnknown) out.push_back({"unmeasured.battery", {}});
}

std::vector<ReasonPart> reasonFor(const Problem &p, const CostModel &model, const AllocUnit &unit, const AllocNeed &need,
                                  bool pinned) {
    std::vector<ReasonPart> out;
    if (pinned) out.push_back({"pinned", {}});
    out.push_back(rankPart(need));
    if (auto flags = model.effectiveFlags(need)) out.push_back({"priority", {flagsText(p, flags)}});
    out.push_back(gradesPart(need));
    const char *kind = unit.kind == UnitKind::Tablet ? "tablet" : unit.kind == UnitKind::Laptop ? "laptop" : nullptr;
    const std::string kindWord(toString(unit.kind));
    auto cls = model.unitClass(unit);
    auto fit = cls ? model.suitability(*cls, need) : std::nullopt;
    if (!fit) {
        if (!cls) {
            auto why = model.unusableWhy(unit);
            if (!why.code.empty()) {
                why.code = "misfit." + why.code.substr(why.code.find('.') + 1);
                out.push_back(std::move(why));
            }
        } else {
            out.push_back({"misfit.keyboard", {kind ? kind : "unit"}});
        }
        return out;
    }
    out.push_back({"fits", {kindWord}});
    if (*cls == kClassOtherKind) return out;
    bool tablet = *cls & kClassTablet;
    if (need.preference == KindPreference::Laptop && tablet) out.push_back({"preferred", {"laptop"}});
    if (need.preference == KindPreference::Tablet && !tablet) out.push_back({"preferred", {"tablet"}});
    addUnmeasured(out, *cls);
    return out;
}

}  // namespace

Result<Solution> solve(const Problem &p) {
    REEMPLOI_TRY(validate(p));
    CostModel model(p);
    Solution sol;
    sol.notes = model.pinNotes();
    const std::size_t nu = p.units.size(), nn = p.needs.size();

    // Units in id order, bucketed by class.
    std::vector<std::size_t> unitOrder(nu);
    std::iota(unitOrder.begin(), unitOrder.end(), 0);
    if (!std::is_sorted(unitOrder.begin(), unitOrder.end(),
                        [&](std::size_t a, std::size_t b) { return p.units[a].id < p.units[b].id; }))
        std::sort(unitOrder.begin(), unitOrder.end(),
                  [&](std::size_t a, std::size_t b) { return p.units[a].id < p.units[b].id; });
    std::vector<std::uint8_t> unitClassOf(nu, kNoClass);
    std::vector<std::size_t> flowUnits;
    flowUnits.reserve(nu);
    for (auto i : unitOrder)
        if (model.unitInFlow(i)) {
            unitClassOf[i] = *model.unitClass(p.units[i]);
            flowUnits.push_back(i);
        }
    auto unitsByClass = stableOrderBy(flowUnits, kUnitClassCount, [&](std::size_t i) { return unitClassOf[i]; });
    std::array<std::int64_t, kUnitClassCount> classCount{};
    for (auto i : flowUnits) ++classCount[unitClassOf[i]];
    std::array<std::size_t, kUnitClassCount + 1> classStart{};
    for (int c = 0; c < kUnitClassCount; ++c) classStart[c + 1] = classStart[c] + classCount[c];

    // Needs in id order, then grouped by (class, school), id order kept inside each group.
    std::vector<std::size_t> needOrder(nn);
    std::iota(needOrder.begin(), needOrder.end(), 0);
    if (!std::is_sorted(needOrder.begin(), needOrder.end(),
                        [&](std::size_t a, std::size_t b) { return p.needs[a].id < p.needs[b].id; }))
        std::sort(needOrder.begin(), needOrder.end(),
                  [&](std::size_t a, std::size_t b) { return p.needs[a].id < p.needs[b].id; });
    const int needClasses = model.needClassCount();
    std::vector<std::int32_t> needClassOf(nn, -1);
    std::vector<std::size_t> flowNeeds;
    flowNeeds.reserve(nn);
    for (auto j : needOrder)
        if (model.needInFlow(j)) {
            needClassOf[j] = model.needClass(p.needs[j]);
            flowNeeds.push_back(j);
        }
    auto bySchool = stableOrderBy(flowNeeds, p.schools.size(), [&](std::size_t j) { return p.needs[j].school; });
    auto grouped = stableOrderBy(bySchool, needClasses, [&](std::size_t j) { return needClassOf[j]; });

    // The aggregated graph.
    MinCostFlow flow(2);
    const int source = 0, sink = 1;
    std::array<int, kUnitClassCount> unitNode;
    unitNode.fill(-1);
    for (int c = 0; c < kUnitClassCount; ++c)
        if (classCount[c] > 0) {
            unitNode[c] = flow.addNode();
            flow.addArc(source, unitNode[c], classCount[c], 0);
            ++sol.stats.unitClasses;
        }
    struct ClassArc {
        int unitClass, needClass, arc;
    };
    struct GroupArc {
        std::size_t begin, end;  // range in `grouped`
        int needClass, arc;
    };
    std::vector<ClassArc> classArcs;
    std::vector<GroupArc> groupArcs;
    std::vector<int> schoolNode(p.schools.size(), -1);
    std::vector<char> needClassServable(needClasses, 0);
    std::vector<std::int64_t> needClassSupply(needClasses, 0);
    for (std::size_t g = 0; g < grouped.size();) {
        int nc = needClassOf[grouped[g]];
        std::size_t classEnd = g;
        while (classEnd < grouped.size() && needClassOf[grouped[classEnd]] == nc) ++classEnd;
        int node = -1;
        for (int c = 0; c < kUnitClassCount; ++c) {
            if (unitNode[c] < 0) continue;
            auto fit = model.suitability(static_cast<std::uint8_t>(c), nc);
            if (!fit) continue;
            if (node < 0) node = flow.addNode();
            int arc = flow.addArc(unitNode[c], node, classCount[c], model.arcCost(nc / 6 + 1, *fit));
            classArcs.push_back({c, nc, arc});
            needClassSupply[nc] += classCount[c];
        }
        if (node >= 0) {
            needClassServable[nc] = 1;
            ++sol.stats.needClasses;
            for (std::size_t b = g; b < classEnd;) {
                std::uint32_t school = p.needs[grouped[b]].school;
                std::size_t e = b;
                while (e < classEnd && p.needs[grouped[e]].school == school) ++e;
                if (schoolNode[school] < 0) {
                    schoolNode[school] = flow.addNode();
                    flow.addArc(schoolNode[school], sink, model.freeShare(school), 0);
                    flow.addArc(schoolNode[school], sink, static_cast<std::int64_t>(nn), CostModel::kOverShareCost);
                }
                int arc = flow.addArc(node, schoolNode[school], static_cast<std::int64_t>(e - b), 0);
                groupArcs.push_back({b, e, nc, arc});
                b = e;
            }
        }
        g = classEnd;
    }
    flow.minCostFlow(source, sink);
    sol.flowCost = flow.totalCost();
    sol.stats.nodes = flow.nodeCount();
    sol.stats.arcs = flow.arcCount();
    sol.stats.phases = flow.phases();
    sol.stats.augmentations = flow.augmentations();

    // Concrete pairs: each unit class hands out its units in id order to the need classes in
    // class order; each (need class, school) group serves its lowest ids; inside a need class,
    // units and needs are paired in that order.
    std::vector<std::vector<std::size_t>> classUnits(needClasses), classNeeds(needClasses);
    std::array<std::size_t, kUnitClassCount> nextUnit{};
    for (int c = 0; c < kUnitClassCount; ++c) nextUnit[c] = classStart[c];
    for (const auto &ca : classArcs) {
        for (std::int64_t k = flow.flow(ca.arc); k > 0; --k) classUnits[ca.needClass].push_back(unitsByClass[nextUnit[ca.unitClass]++]);
    }
    std::vector<char> served(nn, 0), unitUsed(nu, 0);
    for (const auto &ga : groupArcs) {
        std::int64_t f = flow.flow(ga.arc);
        for (std::size_t k = ga.begin; k < ga.begin + static_cast<std::size_t>(f); ++k) classNeeds[ga.needClass].push_back(grouped[k]);
    }
    sol.assignments.reserve(model.pins().size() + flowUnits.size());
    for (const auto &pin : model.pins()) {
        served[pin.need] = 1;
        unitUsed[pin.unit] = 1;
        auto parts = reasonFor(p, model, p.units[pin.unit], p.needs[pin.need], true);
        sol.assignments.push_back({pin.unit, pin.need, true, englishReason(parts), std::move(parts)});
    }
    std::size_t firstFlowAssignment = sol.assignments.size();
    for (int nc = 0; nc < needClasses; ++nc) {
        auto &us = classUnits[nc];
        auto &ns = classNeeds[nc];
        std::sort(ns.begin(), ns.end(), [&](std::size_t a, std::size_t b) { return p.needs[a].id < p.needs[b].id; });
        for (std::size_t k = 0; k < us.size() && k < ns.size(); ++k) {
            served[ns[k]] = 1;
            unitUsed[us[k]] = 1;
            sol.suitabilityCost += *model.suitability(unitClassOf[us[k]], nc);
            auto parts = reasonFor(p, model, p.units[us[k]], p.needs[ns[k]], false);
            sol.assignments.push_back({us[k], ns[k], false, englishReason(parts), std::move(parts)});
        }
    }
    std::sort(sol.assignments.begin() + static_cast<std::ptrdiff_t>(firstFlowAssignment), sol.assignments.end(),
              [&](const Assignment &a, const Assignment &b) { return p.units[a.unit].id < p.units[b.unit].id; });

    // Second assignments: a kit with the device, for the served needs that want one (no internet
    // at home), best rank first, then need id, while kits last.
    if (!p.kits.empty()) {
        std::vector<std::size_t> unitOfNeed(nn, SIZE_MAX);
        for (const auto &a : sol.assignments) unitOfNeed[a.need] = a.unit;
        std::vector<std::size_t> wanting;
        for (auto j : needOrder)
            if (served[j] && p.needs[j].wantsKit) wanting.push_back(j);
        std::stable_sort(wanting.begin(), wanting.end(),
                         [&](std::size_t a, std::size_t b) { return rankOf(p.needs[a]) < rankOf(p.needs[b]); });
        for (std::size_t k = 0; k < wanting.size() && k < p.kits.size(); ++k) {
            std::vector<ReasonPart> parts{{"kit.no_internet", {p.kits[k].kind, p.units[unitOfNeed[wanting[k]]].tag}}};
            sol.kitAssignments.push_back({k, wanting[k], englishReason(parts), std::move(parts)});
        }
    }

    // Figures.
    sol.bySchool.assign(p.schools.size(), {});
    for (std::size_t s = 0; s < p.schools.size(); ++s) sol.bySchool[s].share = model.share(static_cast<std::uint32_t>(s));
    for (std::size_t j = 0; j < nn; ++j) {
        const auto &n = p.needs[j];
        int r = rankOf(n) - 1;
        auto &school = sol.bySchool[n.school];
        ++sol.byRank[r].open;
        ++school.open;
        ++school.openByRank[r];
        if (served[j]) {
            ++sol.byRank[r].served;
            ++school.served;
            ++school.servedByRank[r];
            sol.priorityWeight += model.priorityWeight(n);
        }
    }
    for (const auto &s : sol.bySchool) sol.overShare += std::max<std::int64_t>(0, s.served - s.share);

    // Why the rest stays: needs in id order, units in id order.
    for (auto j : needOrder) {
        if (served[j]) continue;
        const auto &n = p.needs[j];
        int nc = needClassOf[j];
        ReasonPart why;
        if (nc >= 0 && needClassServable[nc]) why = {"unmet.taken", {std::to_string(needClassSupply[nc])}};
        else if (n.laptopOnly) why = {"unmet.level_laptop", {}};
        else if (CostModel::requiresLaptop(n)) why = {"unmet.needs_laptop", {}};
        else why = {"unmet.none_fits", {}};
        std::vector<ReasonPart> parts{std::move(why)};
        sol.unmet.push_back({j, englishReason(parts), std::move(parts)});
    }
    std::vector<char> excluded(nu, 0);
    if (!p.excludedUnits.empty()) {
        std::vector<std::int64_t> ex = p.excludedUnits;
        std::sort(ex.begin(), ex.end());
        for (std::size_t i = 0; i < nu; ++i) excluded[i] = std::binary_search(ex.begin(), ex.end(), p.units[i].id);
    }
    for (auto i : unitOrder) {
        if (unitUsed[i]) continue;
        const auto &u = p.units[i];
        ReasonPart why;
        if (!u.ready) why = {"unused.not_ready", {}};
        else if (excluded[i]) why = {"unused.excluded", {}};
        else if (unitClassOf[i] == kNoClass) why = model.unusableWhy(u);
        else why = {"unused.no_need", {}};
        if (why.code.empty()) why = {"unused.pin_failed", {}};
        std::vector<ReasonPart> parts{std::move(why)};
        sol.unused.push_back({i, englishReason(parts), std::move(parts)});
    }
    return sol;
}

}  // namespace reemploi::inventory::allocation
