// bench/allocate: our allocation solver against LEMON's NetworkSimplex on the full unaggregated
// graph (8k × 8k), alone at 100k × 100k and 1M × 1M, with a first-come-first-served baseline's
// count of no-device families served. Connectivity kits (one per 4 units) go to the served
// families without internet as second assignments; "ours" is measured with them and, as a
// baseline, without. Each measurement runs in a child process so that its peak memory (VmHWM) is
// its own.
//
// usage: bench_allocate [--quick]   (--quick: smaller sizes, for a smoke run)
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <reemploi/inventory/allocation/Allocation.hpp>
#include <reemploi/inventory/allocation/CostModel.hpp>

#include "FullGraphReference.hpp"
#include "RandomProblem.hpp"

using namespace reemploi::inventory::allocation;

namespace {

using Clock = std::chrono::steady_clock;

long readStatusKb(const char *field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::strlen(field)));
    return -1;
}

// What a child reports back through its pipe.
struct Figures {
    double seconds = 0;       // solve (ours) or build + solve (LEMON)
    double buildSeconds = 0;  // LEMON only
    long inputKb = 0;         // resident after the instance was generated
    long peakKb = 0;          // VmHWM after the run
    long long cost = 0;
    long long flow = 0;
    long long noDeviceServed = 0;
    long long noDeviceOpen = 0;
    long long arcs = 0;
    long long phases = 0;
    long long unitClasses = 0, needClasses = 0;
    long long kits = 0;  // kit assignments
    bool ok = false;
};

template <class F>
Figures inChild(F &&body) {
    int fds[2];
    if (pipe(fds) != 0) return {};
    std::fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        Figures f = body();
        f.peakKb = readStatusKb("VmHWM:");
        if (write(fds[1], &f, sizeof f) != static_cast<ssize_t>(sizeof f)) _exit(1);
        _exit(0);
    }
    close(fds[1]);
    Figures f;
    ssize_t got = read(fds[0], &f, sizeof f);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (got != static_cast<ssize_t>(sizeof f) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) f.ok = false;
    return f;
}

Problem instance(std::size_t units, std::size_t needs, std::size_t schools, std::uint64_t seed, bool kits = false) {
    testing::RandomShape shape;
    shape.units = units;
    shape.needs = needs;
    shape.schools = schools;
    shape.notReady = 0;  // "ready units"
    auto p = testing::randomProblem(seed, shape);
    if (kits) {
        for (std::size_t k = 0; k < units / 4; ++k)
            p.kits.push_back({static_cast<std::int64_t>(k + 1), "K-" + std::to_string(k + 1), k % 3 ? "4g-key" : "sim"});
        for (auto &n : p.needs) n.wantsKit = n.internet == Internet::None;
    }
    return p;
}

// First come, first served (today's spreadsheet): needs in arrival (id) order, each takes the
// first unit in stock order that meets the hard rules (kind for the grades, minimum specs).
long long greedyNoDeviceServed(const Problem &p) {
    CostModel model(p);
    std::vector<std::vector<std::size_t>> byClass(kUnitClassCount);
    for (std::size_t i = 0; i < p.units.size(); ++i)
        if (model.unitInFlow(i)) byClass[*model.unitClass(p.units[i])].push_back(i);  // id order
    std::vector<std::size_t> next(kUnitClassCount, 0);
    long long served = 0;
    for (const auto &n : p.needs) {
        int best = -1;
        for (int c = 0; c < kUnitClassCount; ++c) {
            if (next[c] >= byClass[c].size() || !model.suitability(static_cast<std::uint8_t>(c), n)) continue;
            if (best < 0 || p.units[byClass[c][next[c]]].id < p.units[byClass[best][next[best]]].id) best = c;
        }
        if (best < 0) continue;
        ++next[best];
        if (rankOf(n) == 1) ++served;
    }
    return served;
}

Figures runOurs(std::size_t units, std::size_t needs, std::size_t schools, std::uint64_t seed, bool kits = true) {
    return inChild([&] {
        Figures f;
        auto p = instance(units, needs, schools, seed, kits);
        f.inputKb = readStatusKb("VmRSS:");
        auto t0 = Clock::now();
        auto s = solve(p);
        f.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        if (!s) return f;
        f.cost = static_cast<long long>(s->flowCost);
        f.flow = static_cast<long long>(s->assignments.size());
        f.noDeviceServed = s->byRank[0].served;
        f.noDeviceOpen = s->byRank[0].open;
        f.arcs = s->stats.arcs;
        f.phases = s->stats.phases;
        f.unitClasses = s->stats.unitClasses;
        f.needClasses = s->stats.needClasses;
        f.kits = static_cast<long long>(s->kitAssignments.size());
        f.ok = true;
        return f;
    });
}

Figures runGreedy(std::size_t units, std::size_t needs, std::size_t schools, std::uint64_t seed) {
    return inChild([&] {
        Figures f;
        auto p = instance(units, needs, schools, seed);
        f.inputKb = readStatusKb("VmRSS:");
        auto t0 = Clock::now();
        f.noDeviceServed = greedyNoDeviceServed(p);
        f.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        f.ok = true;
        return f;
    });
}

Figures runLemon(std::size_t units, std::size_t needs, std::size_t schools, std::uint64_t seed) {
    return inChild([&] {
        Figures f;
        auto p = instance(units, needs, schools, seed);
        f.inputKb = readStatusKb("VmRSS:");
        auto r = testing::lemonReference(p);
        f.buildSeconds = r.buildSeconds;
        f.seconds = r.buildSeconds + r.solveSeconds;
        f.cost = r.cost;
        f.flow = r.flow;
        f.arcs = r.arcs;
        f.ok = true;
        return f;
    });
}

double mib(long kb) { return kb / 1024.0; }

void printKits(const Figures &withKits, const Figures &without) {
    std::printf("  %-22s %lld kits given with a device; without kits the solve takes %.3f s (with / without: %.2f×)\n",
                "", withKits.kits, without.seconds, without.seconds > 0 ? withKits.seconds / without.seconds : 0.0);
}

void printOurs(const char *label, const Figures &o, const Figures &g) {
    std::printf("  %-22s %8.3f s   peak %7.1f MiB (input alone %7.1f MiB)   classes %lld units × %lld needs, "
                "%lld arcs, %lld phases\n",
                label, o.seconds, mib(o.peakKb), mib(o.inputKb), o.unitClasses, o.needClasses, o.arcs, o.phases);
    std::printf("  %-22s no-device families served: ours %lld, first-come-first-served %lld (of %lld open); "
                "served in all: %lld\n",
                "", o.noDeviceServed, g.noDeviceServed, o.noDeviceOpen, o.flow);
}

}  // namespace

int main(int argc, char **argv) {
    bool quick = argc > 1 && std::string(argv[1]) == "--quick";
    int failures = 0;
    double arcDensity = 0.33, bytesPerArc = 60;  // measured on the first size below
    std::printf("bench/allocate — random instances (55%% laptops, 37%% tablets, 8%% desktops; 40%% of families "
                "with no device)\n\n");

    {
        std::size_t n = quick ? 2000 : 8000, schools = quick ? 10 : 40;
        std::printf("%zu ready units × %zu needs, %zu schools\n", n, n, schools);
        auto ours = runOurs(n, n, schools, 1);
        auto bare = runOurs(n, n, schools, 1, false);
        auto greedy = runGreedy(n, n, schools, 1);
        auto lemon = runLemon(n, n, schools, 1);
        printOurs("ours", ours, greedy);
        printKits(ours, bare);
        std::printf("  %-22s %8.3f s   peak %7.1f MiB   (build %.3f s + solve %.3f s, %lld arcs in the full graph)\n",
                    "LEMON NetworkSimplex", lemon.seconds, mib(lemon.peakKb), lemon.buildSeconds,
                    lemon.seconds - lemon.buildSeconds, lemon.arcs);
        bool equal = ours.ok && lemon.ok && ours.cost == lemon.cost && ours.flow == lemon.flow;
        std::printf("  optimum: ours %lld, LEMON %lld — %s;  ratio LEMON / ours: %.0f×\n\n", ours.cost, lemon.cost,
                    equal ? "equal" : "DIFFERENT", ours.seconds > 0 ? lemon.seconds / ours.seconds : 0.0);
        if (!equal) ++failures;
        if (lemon.arcs > 0) {
            arcDensity = double(lemon.arcs) / (double(n) * double(n));
            bytesPerArc = double(lemon.peakKb - lemon.inputKb) * 1024.0 / double(lemon.arcs);
        }
    }
    struct Size {
        std::size_t n, schools;
        const char *note;
    };
    std::vector<Size> alone = quick ? std::vector<Size>{{20000, 100, "quick run"}}
                                    : std::vector<Size>{{100000, 500, "target < 1 s"}, {1000000, 5000, "target < 10 s, < 2 GB"}};
    for (const auto &size : alone) {
        std::printf("%zu ready units × %zu needs, %zu schools (%s)\n", size.n, size.n, size.schools, size.note);
        double fullArcs = arcDensity * double(size.n) * double(size.n);
        std::printf("  the full unaggregated graph would have about %.2g arcs, about %.0f GB for LEMON at the "
                    "%.0f bytes per arc measured above: it does not fit in memory, not run\n",
                    fullArcs, fullArcs * bytesPerArc / 1e9, bytesPerArc);
        auto ours = runOurs(size.n, size.n, size.schools, 2);
        auto bare = runOurs(size.n, size.n, size.schools, 2, false);
        auto greedy = runGreedy(size.n, size.n, size.schools, 2);
        if (!ours.ok) ++failures;
        printOurs("ours", ours, greedy);
        printKits(ours, bare);
        std::printf("\n");
    }
    return failures ? 1 : 0;
}
