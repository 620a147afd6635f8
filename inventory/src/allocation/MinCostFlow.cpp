// Primal–dual min-cost flow: Dijkstra on reduced costs (stopping at the sink), potentials
// updated only for the settled nodes (which keeps every reduced cost non-negative), then a
// blocking flow on the arcs of reduced cost zero.
#include <reemploi/inventory/allocation/MinCostFlow.hpp>

#include <algorithm>
#include <cassert>
#include <deque>
#include <limits>
#include <queue>

namespace reemploi::inventory::allocation {

namespace {
constexpr MinCostFlow::Cost kInfinity = std::numeric_limits<MinCostFlow::Cost>::max() / 4;
}

int MinCostFlow::addArc(int from, int to, std::int64_t capacity, Cost cost) {
    assert(from >= 0 && from < _nodes && to >= 0 && to < _nodes && capacity >= 0);
    int id = static_cast<int>(_to.size() / 2);
    _to.push_back(to);
    _cap.push_back(capacity);
    _cost.push_back(cost);
    _to.push_back(from);
    _cap.push_back(0);
    _cost.push_back(-cost);
    return id;
}

MinCostFlow::Cost MinCostFlow::totalCost() const {
    Cost total = 0;
    for (std::size_t a = 0; a < _to.size(); a += 2) total += Cost(_cap[a + 1]) * _cost[a];
    return total;
}

void MinCostFlow::buildAdjacency() {
    _start.assign(_nodes + 1, 0);
    for (std::size_t a = 0; a < _to.size(); ++a) ++_start[_to[a ^ 1] + 1];
    for (int v = 0; v < _nodes; ++v) _start[v + 1] += _start[v];
    _adj.assign(_to.size(), 0);
    std::vector<int> fill(_start.begin(), _start.end() - 1);
    for (std::size_t a = 0; a < _to.size(); ++a) _adj[fill[_to[a ^ 1]]++] = static_cast<int>(a);
}

// Shortest distances from s over the arcs with capacity: in topological order when the graph
// is acyclic (the allocation's always is), else by Bellman–Ford with a queue. Nodes s cannot
// reach keep potential 0: no path ever reaches them.
bool MinCostFlow::initialPotentials(int s) {
    _pi.assign(_nodes, kInfinity);
    _pi[s] = 0;
    std::vector<int> indegree(_nodes, 0);
    for (std::size_t a = 0; a < _to.size(); ++a)
        if (_cap[a] > 0) ++indegree[_to[a]];
    std::vector<int> order;
    order.reserve(_nodes);
    for (int v = 0; v < _nodes; ++v)
        if (indegree[v] == 0) order.push_back(v);
    for (std::size_t i = 0; i < order.size(); ++i) {
        int v = order[i];
        for (int k = _start[v]; k < _start[v + 1]; ++k) {
            int a = _adj[k];
            if (_cap[a] <= 0) continue;
            int w = _to[a];
            if (_pi[v] < kInfinity && _pi[v] + _cost[a] < _pi[w]) _pi[w] = _pi[v] + _cost[a];
            if (--indegree[w] == 0) order.push_back(w);
        }
    }
    if (static_cast<int>(order.size()) != _nodes) {
        // A cycle: Bellman–Ford (queue-based); the caller promised no negative cycle.
        std::fill(_pi.begin(), _pi.end(), kInfinity);
        _pi[s] = 0;
        std::deque<int> queue{s};
        std::vector<char> queued(_nodes, 0);
        queued[s] = 1;
        while (!queue.empty()) {
            int v = queue.front();
            queue.pop_front();
            queued[v] = 0;
            for (int k = _start[v]; k < _start[v + 1]; ++k) {
                int a = _adj[k];
                if (_cap[a] <= 0) continue;
                int w = _to[a];
                if (_pi[v] + _cost[a] < _pi[w]) {
                    _pi[w] = _pi[v] + _cost[a];
                    if (!queued[w]) {
                        queued[w] = 1;
                        queue.push_back(w);
                    }
                }
            }
        }
    }
    for (auto &p : _pi)
        if (p >= kInfinity) p = 0;
    return true;
}

bool MinCostFlow::dijkstra(int s, int t) {
    _dist.assign(_nodes, kInfinity);
    _done.assign(_nodes, 0);
    using Item = std::pair<Cost, int>;
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap;
    _dist[s] = 0;
    heap.emplace(0, s);
    while (!heap.empty()) {
        auto [d, v] = heap.top();
        heap.pop();
        if (_done[v] || d > _dist[v]) continue;
        _done[v] = 1;
        if (v == t) break;
        for (int k = _start[v]; k < _start[v + 1]; ++k) {
            int a = _adj[k];
            if (_cap[a] <= 0) continue;
            int w = _to[a];
            Cost nd = d + reduced(a);
            if (nd < _dist[w]) {
                _dist[w] = nd;
                heap.emplace(nd, w);
            }
        }
    }
    if (!_done[t]) return false;
    Cost d = _dist[t];
    for (int v = 0; v < _nodes; ++v)
        if (_done[v]) _pi[v] += _dist[v] - d;
    return true;
}

std::int64_t MinCostFlow::blockingFlow(int s, int t, std::int64_t limit) {
    std::int64_t total = 0;
    std::vector<int> path;
    while (total < limit) {
        // Levels over the admissible arcs (residual capacity, reduced cost zero).
        _level.assign(_nodes, -1);
        _level[s] = 0;
        std::vector<int> queue{s};
        for (std::size_t i = 0; i < queue.size(); ++i) {
            int v = queue[i];
            for (int k = _start[v]; k < _start[v + 1]; ++k) {
                int a = _adj[k];
                int w = _to[a];
                if (_cap[a] > 0 && _level[w] < 0 && reduced(a) == 0) {
                    _level[w] = _level[v] + 1;
                    queue.push_back(w);
                }
            }
        }
        if (_level[t] < 0) break;
        _iter.assign(_start.begin(), _start.end() - 1);
        while (total < limit) {
            path.clear();
            int v = s;
            while (v != t) {
                bool advanced = false;
                for (; _iter[v] < _start[v + 1]; ++_iter[v]) {
                    int a = _adj[_iter[v]];
                    int w = _to[a];
                    if (_cap[a] > 0 && _level[w] == _level[v] + 1 && reduced(a) == 0) {
                        path.push_back(a);
                        v = w;
                        advanced = true;
                        break;
                    }
                }
                if (advanced) continue;
                if (v == s) break;
                _level[v] = -1;  // dead end for the rest of this round
                int a = path.back();
                path.pop_back();
                v = _from(a);
                ++_iter[v];
            }
            if (v != t) break;
            std::int64_t push = limit - total;
            for (int a : path) push = std::min(push, _cap[a]);
            for (int a : path) {
                _cap[a] -= push;
                _cap[a ^ 1] += push;
            }
            total += push;
            ++_augmentations;
        }
    }
    return total;
}

std::int64_t MinCostFlow::run(int s, int t, std::int64_t maxFlow, bool stopAtNonNegative) {
    buildAdjacency();
    initialPotentials(s);
    std::int64_t flow = 0;
    while (flow < maxFlow) {
        if (!dijkstra(s, t)) break;
        ++_phases;
        if (stopAtNonNegative && _pi[t] - _pi[s] >= 0) break;  // the cheapest path costs >= 0
        std::int64_t pushed = blockingFlow(s, t, maxFlow - flow);
        if (pushed == 0) break;
        flow += pushed;
    }
    return flow;
}

std::int64_t MinCostFlow::minCostFlow(int s, int t, std::int64_t maxFlow) { return run(s, t, maxFlow, true); }

std::int64_t MinCostFlow::minCostMaxFlow(int s, int t, std::int64_t maxFlow) { return run(s, t, maxFlow, false); }

}  // namespace reemploi::inventory::allocation
