// Min-cost flow by successive shortest paths with blocking flows (primal–dual): Dijkstra on
// reduced costs finds the next shortest distance, then Dinic pushes a maximal flow along every
// path of that length at once. The number of phases is the number of distinct path lengths,
// which stays small on the allocation's aggregated graph. Costs are 128-bit (the allocation's
// lexicographic weights exceed 64 bits at a million units); capacities are 64-bit.
#pragma once

#include <cstdint>
#include <vector>

namespace reemploi::inventory::allocation {

class MinCostFlow {
public:
    using Cost = __int128;

    explicit MinCostFlow(int nodes = 0) : _nodes(nodes) {}
    int addNode() { return _nodes++; }
    int nodeCount() const { return _nodes; }
    // Returns the arc's id, for flow(). Capacities >= 0; costs may be negative.
    int addArc(int from, int to, std::int64_t capacity, Cost cost);
    int arcCount() const { return static_cast<int>(_to.size() / 2); }

    // Sends from s to t the flow of least cost, stopping as soon as no path of negative cost
    // remains (the least cost over every flow value), or at `maxFlow`. The initial graph must
    // have no cycle of negative cost. Returns the flow value.
    std::int64_t minCostFlow(int s, int t, std::int64_t maxFlow = INT64_MAX);
    // Same, but sends as much flow as possible (min-cost max-flow).
    std::int64_t minCostMaxFlow(int s, int t, std::int64_t maxFlow = INT64_MAX);

    std::int64_t flow(int arc) const { return _cap[2 * arc + 1]; }
    Cost totalCost() const;
    std::int64_t phases() const { return _phases; }
    std::int64_t augmentations() const { return _augmentations; }

private:
    std::int64_t run(int s, int t, std::int64_t maxFlow, bool stopAtNonNegative);
    void buildAdjacency();
    bool initialPotentials(int s);
    bool dijkstra(int s, int t);
    std::int64_t blockingFlow(int s, int t, std::int64_t limit);
    Cost reduced(int a) const { return _cost[a] + _pi[_from(a)] - _pi[_to[a]]; }
    int _from(int a) const { return _to[a ^ 1]; }

    int _nodes = 0;
    std::vector<int> _to;             // arc 2k: forward, 2k+1: its reverse
    std::vector<std::int64_t> _cap;   // residual capacity
    std::vector<Cost> _cost;
    std::vector<int> _start, _adj;    // CSR adjacency: arcs leaving each node
    std::vector<Cost> _pi, _dist;
    std::vector<int> _level, _iter;
    std::vector<char> _done;
    std::int64_t _phases = 0, _augmentations = 0;
};

}  // namespace reemploi::inventory::allocation
