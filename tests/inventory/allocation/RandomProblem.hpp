// Random allocation problems shaped like the workshop's stock and the schools' needs, shared by
// the tests and bench/allocate. Deterministic for a seed.
#pragma once

#include <cstdint>
#include <algorithm>
#include <random>
#include <string>

#include <reemploi/inventory/allocation/Allocation.hpp>

namespace reemploi::inventory::allocation::testing {

struct RandomShape {
    std::size_t units = 100;
    std::size_t needs = 100;
    std::size_t schools = 5;
    double notReady = 0.05;    // share of units that are not ready
    bool shuffleIds = false;   // ids not in index order
};

inline Problem randomProblem(std::uint64_t seed, const RandomShape &shape) {
    std::mt19937_64 rng(seed);
    auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
    auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
    Problem p;
    for (std::size_t s = 0; s < shape.schools; ++s) {
        AllocSchool school;
        school.uai = "S";
        school.uai += std::to_string(s);
        school.priorityArea = chance(0.2);
        p.schools.push_back(school);
    }
    p.units.reserve(shape.units);
    for (std::size_t i = 0; i < shape.units; ++i) {
        AllocUnit u;
        u.id = static_cast<std::int64_t>(i + 1);
        u.tag = "RE-" + std::to_string(u.id);
        double k = std::uniform_real_distribution<double>(0, 1)(rng);
        u.kind = k < 0.55 ? UnitKind::Laptop : k < 0.92 ? UnitKind::Tablet : UnitKind::Desktop;
        u.ready = !chance(shape.notReady);
        bool laptop = u.kind == UnitKind::Laptop;
        if (laptop) {
            double kb = std::uniform_real_distribution<double>(0, 1)(rng);
            if (kb < 0.8) u.keyboard = true;
            else if (kb < 0.95) u.keyboard = std::nullopt;
            else u.keyboard = false;
        }
        if (!chance(0.15)) {
            static const std::int64_t kRam[] = {1024, 2048, 4096, 8192, 16384};
            u.ramMib = kRam[laptop ? 1 + pick(4) : pick(4)];
        }
        if (!chance(0.15)) {
            static const std::int64_t kStorage[] = {16, 32, 64, 128, 256, 512};
            u.storageGb = kStorage[laptop ? 1 + pick(5) : pick(4)];
        }
        if (!chance(0.3)) u.batteryPercent = static_cast<std::int64_t>(50 + pick(51));
        p.units.push_back(std::move(u));
    }
    if (shape.shuffleIds) {
        std::vector<std::int64_t> ids(shape.units);
        for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<std::int64_t>(i + 1);
        std::shuffle(ids.begin(), ids.end(), rng);
        for (std::size_t i = 0; i < ids.size(); ++i) {
            p.units[i].id = ids[i];
            p.units[i].tag = "RE-" + std::to_string(ids[i]);
        }
    }
    p.needs.reserve(shape.needs);
    for (std::size_t j = 0; j < shape.needs; ++j) {
        AllocNeed n;
        n.id = static_cast<std::int64_t>(j + 1);
        // Schools of unequal size: the square favours low indices.
        double x = std::uniform_real_distribution<double>(0, 1)(rng);
        n.school = static_cast<std::uint32_t>(std::min<std::size_t>(shape.schools - 1, static_cast<std::size_t>(x * x * shape.schools)));
        n.family = "F-" + std::to_string(j + 1);
        int children = 1 + static_cast<int>(pick(3));
        for (int c = 0; c < children; ++c) ++n.children[pick(5)];
        double d = std::uniform_real_distribution<double>(0, 1)(rng);
        n.devicesAtHome = d < 0.4 ? 0 : d < 0.75 ? 1 : d < 0.9 ? 2 : 3;
        n.internet = static_cast<Internet>(pick(3));
        if (chance(0.1)) n.flags |= 1u;  // qpv
        if (chance(0.1)) n.flags |= 2u;  // referral
        n.preference = static_cast<KindPreference>(pick(3));
        p.needs.push_back(std::move(n));
    }
    if (shape.shuffleIds) {
        std::vector<std::int64_t> ids(shape.needs);
        for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<std::int64_t>(i + 1);
        std::shuffle(ids.begin(), ids.end(), rng);
        for (std::size_t j = 0; j < ids.size(); ++j) p.needs[j].id = ids[j];
    }
    return p;
}

}  // namespace reemploi::inventory::allocation::testing
