// The reference optimum: LEMON's NetworkSimplex on the full, unaggregated graph (one node per
// unit and per need, one arc per suitable unit–need pair) with the costs of CostModel.hpp.
// Shared by the tests and bench/allocate; LEMON is linked into those targets only.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <reemploi/inventory/allocation/CostModel.hpp>

namespace reemploi::inventory::allocation::testing {

struct ReferenceResult {
    long long cost = 0;
    long long flow = 0;
    std::int64_t arcs = 0;
    double buildSeconds = 0;
    double solveSeconds = 0;
};

inline ReferenceResult lemonReference(const Problem &p) {
    using Graph = lemon::SmartDigraph;
    using Clock = std::chrono::steady_clock;
    auto t0 = Clock::now();
    CostModel model(p);
    Graph g;
    std::vector<std::size_t> units, needs;
    for (std::size_t i = 0; i < p.units.size(); ++i)
        if (model.unitInFlow(i)) units.push_back(i);
    for (std::size_t j = 0; j < p.needs.size(); ++j)
        if (model.needInFlow(j)) needs.push_back(j);
    // Suitability depends on the unit's class only: precompute it per class and need.
    std::vector<std::uint8_t> cls(units.size());
    for (std::size_t k = 0; k < units.size(); ++k) cls[k] = *model.unitClass(p.units[units[k]]);
    std::vector<int> level(needs.size());
    for (std::size_t k = 0; k < needs.size(); ++k) level[k] = model.level(p.needs[needs[k]]);

    const int nodes = static_cast<int>(2 + units.size() + needs.size() + p.schools.size());
    g.reserveNode(nodes);
    Graph::Node s = g.addNode(), t = g.addNode();
    std::vector<Graph::Node> un(units.size()), nn(needs.size()), sn(p.schools.size());
    for (auto &n : un) n = g.addNode();
    for (auto &n : nn) n = g.addNode();
    for (auto &n : sn) n = g.addNode();
    std::vector<long long> capV, costV;
    auto arc = [&](Graph::Node a, Graph::Node b, long long cap, long long cost) {
        capV.push_back(cap);
        costV.push_back(cost);
        return g.addArc(a, b);
    };
    const long long big = static_cast<long long>(p.needs.size() + p.units.size() + 1);
    for (auto &n : un) arc(s, n, 1, 0);
    for (std::size_t k = 0; k < units.size(); ++k)
        for (std::size_t m = 0; m < needs.size(); ++m) {
            auto fit = model.suitability(cls[k], p.needs[needs[m]]);
            if (!fit) continue;
            Cost c = model.arcCost(level[m], *fit);
            if (c < std::numeric_limits<long long>::min()) throw std::overflow_error("cost exceeds 64 bits");
            arc(un[k], nn[m], 1, static_cast<long long>(c));
        }
    for (std::size_t m = 0; m < needs.size(); ++m) arc(nn[m], sn[p.needs[needs[m]].school], 1, 0);
    for (std::size_t sc = 0; sc < p.schools.size(); ++sc) {
        arc(sn[sc], t, model.freeShare(static_cast<std::uint32_t>(sc)), 0);
        arc(sn[sc], t, big, static_cast<long long>(CostModel::kOverShareCost));
    }
    Graph::Arc bypass = arc(s, t, big, 0);  // the bypass: LEMON must route the whole supply
    Graph::ArcMap<long long> cap(g), cost(g);
    for (Graph::ArcIt a(g); a != lemon::INVALID; ++a) {
        cap[a] = capV[g.id(a)];
        cost[a] = costV[g.id(a)];
    }
    capV.clear();
    capV.shrink_to_fit();
    costV.clear();
    costV.shrink_to_fit();
    ReferenceResult r;
    r.arcs = g.arcNum();
    auto t1 = Clock::now();
    lemon::NetworkSimplex<Graph, long long, long long> ns(g);
    long long supply = static_cast<long long>(units.size());
    ns.upperMap(cap).costMap(cost).stSupply(s, t, supply);
    if (ns.run() != lemon::NetworkSimplex<Graph, long long, long long>::OPTIMAL)
        throw std::runtime_error("LEMON did not find an optimum");
    auto t2 = Clock::now();
    r.cost = ns.totalCost();
    r.flow = supply - ns.flow(bypass);
    r.buildSeconds = std::chrono::duration<double>(t1 - t0).count();
    r.solveSeconds = std::chrono::duration<double>(t2 - t1).count();
    return r;
}

}  // namespace reemploi::inventory::allocation::testing
