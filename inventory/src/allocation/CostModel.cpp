// Classes, levels, suitability points, shares and arc costs of the allocation (see CostModel.hpp),
// and the text forms of the allocation's small enums.
#include <reemploi/inventory/allocation/CostModel.hpp>

#include <algorithm>
#include <array>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "allocation/Text.hpp"

namespace reemploi::inventory::allocation {

namespace {
// "'x' is not …" built by appends (operator+ on a temporary trips GCC 12's -Wrestrict).
Error notA(std::string_view text, std::string_view what) {
    std::string message = "'";
    message.append(text);
    message += "' is not ";
    message.append(what);
    return makeError(Errc::InvalidInput, std::move(message));
}
}  // namespace

std::string_view toString(SchoolGrade g) {
    static constexpr std::array<std::string_view, 5> kNames = {"CP", "CE1", "CE2", "CM1", "CM2"};
    return kNames[static_cast<int>(g)];
}

std::string_view toString(Internet i) {
    switch (i) {
    case Internet::None: return "none";
    case Internet::Phone: return "phone";
    case Internet::Box: return "box";
    }
    return "none";
}

std::string_view toString(KindPreference p) {
    switch (p) {
    case KindPreference::Laptop: return "laptop";
    case KindPreference::Tablet: return "tablet";
    case KindPreference::Either: return "either";
    }
    return "either";
}

Result<SchoolGrade> parseSchoolGrade(std::string_view text) {
    auto key = foldKey(text);
    static constexpr std::array<std::string_view, 5> kKeys = {"cp", "ce1", "ce2", "cm1", "cm2"};
    for (std::size_t i = 0; i < kKeys.size(); ++i)
        if (key == kKeys[i]) return static_cast<SchoolGrade>(i);
    return notA(text, "a grade (CP, CE1, CE2, CM1, CM2)");
}

Result<Internet> parseInternet(std::string_view text) {
    auto key = foldKey(text);
    if (key == "none" || key == "aucune" || key == "aucun" || key == "non" || key == "no" || key == "0")
        return Internet::None;
    if (key == "phone" || key == "phoneonly" || key == "telephone" || key == "telephoneseulement" ||
        key == "mobile" || key == "4g" || key == "smartphone")
        return Internet::Phone;
    if (key == "box" || key == "fibre" || key == "fiber" || key == "adsl" || key == "wifi" || key == "internet")
        return Internet::Box;
    return notA(text, "an internet access (aucune/none, telephone/phone, box)");
}

Result<KindPreference> parseKindPreference(std::string_view text) {
    auto key = foldKey(text);
    if (key == "laptop" || key == "portable" || key == "ordinateur" || key == "ordinateurportable" ||
        key == "pcportable" || key == "pc")
        return KindPreference::Laptop;
    if (key == "tablet" || key == "tablette") return KindPreference::Tablet;
    if (key.empty() || key == "either" || key == "indifferent" || key == "indifferente" || key == "any" ||
        key == "lesdeux" || key == "both")
        return KindPreference::Either;
    return notA(text, "a preference (portable/laptop, tablette/tablet, indifferent/either)");
}

std::optional<std::uint32_t> Config::flagIndex(std::string_view name) const {
    auto key = foldKey(name);
    for (std::size_t i = 0; i < flags.size(); ++i)
        if (foldKey(flags[i].name) == key) return static_cast<std::uint32_t>(i);
    return std::nullopt;
}

bool Config::allowsKind(UnitKind kind) const {
    bool listed = std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
    // A printer or an accessory is a child's device only where a programme's rules name it.
    if (kind != UnitKind::Laptop && kind != UnitKind::Tablet) return listed;
    return kinds.empty() || listed;
}

bool Config::laptopOnlyFor(std::string_view level) const {
    for (const auto &[code, allowed] : kindsByLevel)
        if (code == level)
            return std::find(allowed.begin(), allowed.end(), UnitKind::Tablet) == allowed.end();
    return false;
}

int rankOf(const AllocNeed &need) {
    int children = 0;
    for (auto c : need.children) children += c;
    if (need.devicesAtHome <= 0) return 1;
    if (need.devicesAtHome < children) return 2;
    return 3;
}

std::vector<std::int64_t> largestRemainder(std::int64_t seats, const std::vector<std::int64_t> &weights) {
    std::vector<std::int64_t> shares(weights.size(), 0);
    std::int64_t total = std::accumulate(weights.begin(), weights.end(), std::int64_t{0});
    if (total <= 0 || seats <= 0) return shares;
    std::vector<std::int64_t> remainder(weights.size(), 0);
    std::int64_t given = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        // seats · weight fits: both are counts of units and needs (< 2^31 each in practice).
        __int128 product = static_cast<__int128>(seats) * weights[i];
        shares[i] = static_cast<std::int64_t>(product / total);
        remainder[i] = static_cast<std::int64_t>(product % total);
        given += shares[i];
    }
    std::vector<std::size_t> order(weights.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
    for (std::size_t k = 0; given < seats && k < order.size(); ++k, ++given) ++shares[order[k]];
    return shares;
}

CostModel::CostModel(const Problem &problem) : _problem(problem) {
    const auto &units = problem.units;
    const auto &needs = problem.needs;
    _qpv = problem.config.flagIndex("qpv");

    // Levels over every need (pinned ones too: extra keys keep the order, hence the optimum).
    for (const auto &n : needs) _levelKeys.emplace_back(rankOf(n), priorityWeight(n));
    // Worst first: rank descending, then weight ascending.
    std::sort(_levelKeys.begin(), _levelKeys.end(), [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    _levelKeys.erase(std::unique(_levelKeys.begin(), _levelKeys.end()), _levelKeys.end());
    _levelCount = std::max<int>(1, static_cast<int>(_levelKeys.size()));

    // Exclusions and pins, resolved by id (only the ids mentioned are hashed).
    std::unordered_set<std::int64_t> excluded(problem.excludedUnits.begin(), problem.excludedUnits.end());
    std::unordered_map<std::int64_t, std::size_t> unitOfId, needOfId;
    for (const auto &p : problem.pins) {
        unitOfId.emplace(p.unitId, SIZE_MAX);
        needOfId.emplace(p.needId, SIZE_MAX);
    }
    if (!problem.pins.empty()) {
        for (std::size_t i = 0; i < units.size(); ++i)
            if (auto it = unitOfId.find(units[i].id); it != unitOfId.end()) it->second = i;
        for (std::size_t j = 0; j < needs.size(); ++j)
            if (auto it = needOfId.find(needs[j].id); it != needOfId.end()) it->second = j;
    }
    _unitInFlow.assign(units.size(), 0);
    _needInFlow.assign(needs.size(), 1);
    std::vector<char> unitPinned(units.size(), 0);
    auto pins = problem.pins;
    std::stable_sort(pins.begin(), pins.end(), [](const Pin &a, const Pin &b) { return a.unitId < b.unitId; });
    for (const auto &p : pins) {
        std::size_t u = unitOfId[p.unitId], n = needOfId[p.needId];
        std::string what = "pin of unit " + (u == SIZE_MAX ? std::to_string(p.unitId) : units[u].tag) +
                           " to need " + (n == SIZE_MAX ? std::to_string(p.needId) : needs[n].family);
        if (u == SIZE_MAX) {
            _pinNotes.push_back(what + " ignored: the unit is not in stock");
        } else if (!units[u].ready) {
            _pinNotes.push_back(what + " ignored: the unit is not ready");
        } else if (excluded.count(p.unitId)) {
            _pinNotes.push_back(what + " ignored: the unit is excluded");
        } else if (n == SIZE_MAX) {
            _pinNotes.push_back(what + " ignored: the need is not open");
        } else if (unitPinned[u]) {
            _pinNotes.push_back(what + " ignored: the unit is already pinned to another need");
        } else if (!_needInFlow[n]) {
            _pinNotes.push_back(what + " ignored: another unit is already pinned to that need");
        } else {
            unitPinned[u] = 1;
            _needInFlow[n] = 0;
            _pins.push_back({u, n});
        }
    }
    std::int64_t usable = 0;
    for (std::size_t i = 0; i < units.size(); ++i) {
        const auto &u = units[i];
        _unitInFlow[i] = u.ready && !unitPinned[i] && !excluded.count(u.id) && unitClass(u).has_value();
        usable += _unitInFlow[i];
    }
    std::int64_t needsInFlow = 0;
    for (char c : _needInFlow) needsInFlow += c;

    // Fairness shares: the supply is what can be given out (usable units and pins, at most one per need).
    std::vector<std::int64_t> open(problem.schools.size(), 0), pinned(problem.schools.size(), 0);
    for (const auto &n : needs) ++open[n.school];
    for (const auto &p : _pins) ++pinned[needs[p.need].school];
    std::int64_t supply = std::min<std::int64_t>(usable + static_cast<std::int64_t>(_pins.size()),
                                                 static_cast<std::int64_t>(needs.size()));
    _share = largestRemainder(supply, open);
    _freeShare.resize(_share.size());
    for (std::size_t s = 0; s < _share.size(); ++s) _freeShare[s] = std::max<std::int64_t>(0, _share[s] - pinned[s]);

    _flowBound = std::min(usable, needsInFlow);
    _w3 = Cost(_flowBound) + 1;
    _w2 = Cost(kMaxSuitability) * _flowBound * _w3 + _flowBound + 1;
}

std::optional<std::uint8_t> CostModel::unitClass(const AllocUnit &unit) const {
    const auto &c = _problem.config;
    bool tablet;
    if (unit.kind == UnitKind::Laptop) tablet = false;
    else if (unit.kind == UnitKind::Tablet) tablet = true;
    else if (c.allowsKind(unit.kind)) return kClassOtherKind;  // a printer or an accessory a programme names
    else return std::nullopt;
    if (!c.allowsKind(unit.kind)) return std::nullopt;
    std::int64_t minRam = tablet ? c.minTabletRamMib : c.minLaptopRamMib;
    std::int64_t minStorage = tablet ? c.minTabletStorageGb : c.minLaptopStorageGb;
    if (unit.ramMib && *unit.ramMib < minRam) return std::nullopt;
    if (unit.storageGb && *unit.storageGb < minStorage) return std::nullopt;
    if (unit.batteryPercent && *unit.batteryPercent < c.minBatteryPercent) return std::nullopt;
    std::uint8_t key = tablet ? kClassTablet : 0;
    if (!tablet) key |= static_cast<std::uint8_t>((unit.keyboard ? (*unit.keyboard ? 1 : 0) : 2) << kClassKeyboardShift);
    if (!unit.ramMib) key |= kClassRamUnknown;
    if (!unit.storageGb) key |= kClassStorageUnknown;
    if (!unit.batteryPercent) key |= kClassBatteryUnknown;
    return key;
}

ReasonPart CostModel::unusableWhy(const AllocUnit &unit) const {
    const auto &c = _problem.config;
    if (unit.kind != UnitKind::Laptop && unit.kind != UnitKind::Tablet) {
        if (c.allowsKind(unit.kind)) return {};
        return {"unusable.kind", {std::string(toString(unit.kind))}};
    }
    if (!c.allowsKind(unit.kind)) {
        std::string allowed;
        for (auto k : c.kinds) allowed += (allowed.empty() ? "" : ", ") + std::string(toString(k));
        return {"unusable.programme_kind", {std::string(toString(unit.kind)), allowed}};
    }
    bool tablet = unit.kind == UnitKind::Tablet;
    const std::string kind = tablet ? "tablet" : "laptop";
    std::int64_t minRam = tablet ? c.minTabletRamMib : c.minLaptopRamMib;
    std::int64_t minStorage = tablet ? c.minTabletStorageGb : c.minLaptopStorageGb;
    if (unit.ramMib && *unit.ramMib < minRam)
        return {"unusable.ram", {std::to_string(*unit.ramMib), std::to_string(minRam), kind}};
    if (unit.storageGb && *unit.storageGb < minStorage)
        return {"unusable.storage", {std::to_string(*unit.storageGb), std::to_string(minStorage), kind}};
    if (unit.batteryPercent && *unit.batteryPercent < c.minBatteryPercent)
        return {"unusable.battery", {std::to_string(*unit.batteryPercent), std::to_string(c.minBatteryPercent)}};
    return {};
}

std::uint32_t CostModel::effectiveFlags(const AllocNeed &need) const {
    std::uint32_t flags = need.flags;
    if (_qpv && need.school < _problem.schools.size() && _problem.schools[need.school].priorityArea)
        flags |= 1u << *_qpv;
    return flags;
}

std::int64_t CostModel::priorityWeight(const AllocNeed &need) const {
    std::uint32_t flags = effectiveFlags(need);
    std::int64_t weight = 0;
    for (std::size_t i = 0; i < _problem.config.flags.size(); ++i)
        if (flags & (1u << i)) weight += _problem.config.flags[i].weight;
    return weight;
}

int CostModel::level(const AllocNeed &need) const {
    std::pair<int, std::int64_t> key(rankOf(need), priorityWeight(need));
    auto it = std::lower_bound(_levelKeys.begin(), _levelKeys.end(), key, [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    return static_cast<int>(it - _levelKeys.begin()) + 1;
}

bool CostModel::requiresLaptop(const AllocNeed &need) {
    return need.laptopOnly || need.children[static_cast<int>(SchoolGrade::CM1)] > 0 ||
           need.children[static_cast<int>(SchoolGrade::CM2)] > 0;
}

int CostModel::needClass(const AllocNeed &need) const {
    return (level(need) - 1) * 6 + (requiresLaptop(need) ? 3 : 0) + static_cast<int>(need.preference);
}

namespace {
std::optional<int> suitabilityOf(std::uint8_t unitClass, bool laptopRequired, KindPreference preference) {
    bool tablet = unitClass & kClassTablet;
    int keyboard = (unitClass >> kClassKeyboardShift) & 3;
    // A printer or an accessory named by the programme: never where a laptop is required, and
    // neither what a family preferring a laptop or a tablet asked for.
    if (unitClass == kClassOtherKind) {
        if (laptopRequired) return std::nullopt;
        return preference == KindPreference::Either ? 0 : 2;
    }
    if (laptopRequired && (tablet || keyboard == 0)) return std::nullopt;
    int points = 0;
    if ((preference == KindPreference::Laptop && tablet) || (preference == KindPreference::Tablet && !tablet))
        points += 2;
    if (!tablet && keyboard == 2) ++points;
    if (unitClass & kClassRamUnknown) ++points;
    if (unitClass & kClassStorageUnknown) ++points;
    if (unitClass & kClassBatteryUnknown) ++points;
    return points;
}
}  // namespace

std::optional<int> CostModel::suitability(std::uint8_t unitClass, const AllocNeed &need) const {
    return suitabilityOf(unitClass, requiresLaptop(need), need.preference);
}

std::optional<int> CostModel::suitability(std::uint8_t unitClass, int needClass) const {
    int rest = needClass % 6;
    return suitabilityOf(unitClass, rest >= 3, static_cast<KindPreference>(rest % 3));
}

std::optional<int> CostModel::suitability(const AllocUnit &unit, const AllocNeed &need) const {
    auto c = unitClass(unit);
    if (!c) return std::nullopt;
    return suitability(*c, need);
}

std::optional<Cost> CostModel::pairCost(const AllocUnit &unit, const AllocNeed &need) const {
    auto s = suitability(unit, need);
    if (!s) return std::nullopt;
    return arcCost(level(need), *s);
}

}  // namespace reemploi::inventory::allocation
