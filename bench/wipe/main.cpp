// bench/wipe: our wipes against the tools workshops use today, on the same media in one run.
//
//   ours clear-zero / clear-random (runWipe, no verification)   vs   dd if=/dev/zero bs=4M oflag=direct
//   nwipe --autonuke --nogui --method=zero --verify=off (Debian's nwipe)
// on one 512 MiB loop device, on a plain 512 MiB file, and on 4 loop devices at once.
// Each figure is the median of --runs runs, ours and dd interleaved so that they see the same
// state of the page cache and the disk. Ours always ends with a flush (fsync); dd with
// oflag=direct does not, so both are shown: our write phase against dd, and our total against
// dd conv=fsync.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <reemploi/diagnostics/storage/BlockTarget.hpp>
#include <reemploi/diagnostics/storage/PatternStream.hpp>
#include <reemploi/diagnostics/storage/WipeRunner.hpp>

using namespace reemploi::diagnostics::storage;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<std::string> gLoops;
std::size_t gWriters = 2;  // WipeOptions::writers
std::size_t gChunkMib = 1;  // WipeOptions::chunkBytes
std::vector<std::string> gFiles;
std::vector<pid_t> gChildren;  // dd / nwipe running now, stopped with us

void cleanup() {
    for (const auto &l : gLoops) std::system(("losetup -d " + l + " 2>/dev/null").c_str());
    gLoops.clear();
    for (const auto &f : gFiles) std::filesystem::remove(f);
    gFiles.clear();
}

extern "C" void onSignal(int) {
    for (auto pid : gChildren) ::kill(pid, SIGKILL);
    for (auto pid : gChildren) ::waitpid(pid, nullptr, 0);
    cleanup();
    std::_Exit(130);
}

std::string capture(const std::string &cmd) {
    std::string out;
    FILE *p = ::popen(cmd.c_str(), "r");
    char buf[256];
    while (p && std::fgets(buf, sizeof buf, p)) out += buf;
    if (p) ::pclose(p);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

// Runs a command line (no shell) with its output discarded; returns the wall time in seconds.
pid_t spawn(const std::vector<std::string> &argv) {
    pid_t pid = ::fork();
    if (pid == 0) {
        int devnull = ::open("/dev/null", O_RDWR);
        ::dup2(devnull, 0);
        ::dup2(devnull, 1);
        ::dup2(devnull, 2);
        std::vector<char *> a;
        for (const auto &s : argv) a.push_back(const_cast<char *>(s.c_str()));
        a.push_back(nullptr);
        ::execvp(a[0], a.data());
        ::_exit(127);
    }
    return pid;
}

double runAll(const std::vector<std::vector<std::string>> &commands) {
    auto t0 = Clock::now();
    std::vector<pid_t> pids;
    for (const auto &c : commands) pids.push_back(spawn(c));
    gChildren = pids;
    for (auto pid : pids) {
        int status = 0;
        ::waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            std::fprintf(stderr, "  (%s exited with status %d)\n", commands[0][0].c_str(), WEXITSTATUS(status));
    }
    gChildren.clear();
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// count= always: on a regular file dd would otherwise write until the disk is full.
std::vector<std::string> ddZero(const std::string &dev, std::uint64_t bytes, bool fsync) {
    std::vector<std::string> c = {"dd", "if=/dev/zero", "of=" + dev, "bs=4M", "oflag=direct", "status=none",
                                  "count=" + std::to_string(bytes / (4u << 20))};
    if (fsync) c.push_back("conv=fsync,notrunc");
    else c.push_back("conv=notrunc");
    return c;
}

struct Ours {
    double write = 0;  // write phase
    double total = 0;  // including the final flush
};

// Our wipes of several targets at once, one thread each (as `reemploi wipe T1 T2 …` does).
Ours ours(const std::vector<std::string> &targets, const char *method) {
    std::vector<std::unique_ptr<BlockTarget>> opened;
    for (const auto &t : targets) {
        auto o = openTarget(t, true);
        if (!o) {
            std::fprintf(stderr, "cannot open %s: %s\n", t.c_str(), o.error().message.c_str());
            std::exit(1);
        }
        opened.push_back(std::move(*o));
    }
    const auto &m = **findWipeMethod(method);
    std::vector<WipeReport> reports(targets.size());
    auto t0 = Clock::now();
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < targets.size(); ++i)
        threads.emplace_back([&, i] {
            WipeOptions o;
            o.verification = Verification::None;
            o.writers = gWriters;
            o.chunkBytes = gChunkMib << 20;
            reports[i] = runWipe(*opened[i], m, o);
        });
    for (auto &t : threads) t.join();
    Ours r;
    r.total = std::chrono::duration<double>(Clock::now() - t0).count();
    for (const auto &rep : reports) {
        if (rep.outcome != WipeOutcome::Passed) std::fprintf(stderr, "  wipe failed: %s\n", rep.failure.c_str());
        r.write = std::max(r.write, rep.writeSeconds);
    }
    return r;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// A non-sparse file full of random bytes, so that every tool overwrites allocated blocks.
std::string makeBacking(const std::string &path, std::uint64_t size) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    gFiles.push_back(path);
    PatternStream rnd(Pattern::Random);
    std::vector<std::byte> buf(4 << 20);
    for (std::uint64_t at = 0; at < size; at += buf.size()) {
        rnd.fill(at, buf);
        if (::write(fd, buf.data(), buf.size()) != static_cast<ssize_t>(buf.size())) {
            std::perror("write");
            std::exit(1);
        }
    }
    ::fsync(fd);
    ::close(fd);
    return path;
}

std::string attach(const std::string &file, bool directIo = false) {
    auto dev = capture(std::string("losetup -f --show ") + (directIo ? "--direct-io=on " : "") + "'" + file + "'");
    if (dev.rfind("/dev/loop", 0) != 0) {
        std::fprintf(stderr, "losetup failed for %s (are you root?)\n", file.c_str());
        cleanup();
        std::exit(1);
    }
    gLoops.push_back(dev);
    return dev;
}

void line(const char *what, double mbps, double baseline, const char *baseName) {
    if (baseline > 0)
        std::printf("  %-40s %9.1f MB/s   %5.2f x %s\n", what, mbps, mbps / baseline, baseName);
    else
        std::printf("  %-40s %9.1f MB/s\n", what, mbps);
}

struct Figures {
    double zeroWrite, zeroTotal, randWrite, randTotal, dd, ddSync, ddRandom;
};

// A file of random bytes in the page cache: dd from it shows how fast the device takes
// incompressible data when generating it costs nothing (virtual disks take zeros faster).
std::string gRandomSource;

Figures compare(const std::vector<std::string> &targets, std::uint64_t bytesEach, int runs) {
    std::vector<double> zw, zt, rw, rt, dd, dds, ddr;
    std::vector<std::vector<std::string>> ddCmds, ddSyncCmds, ddRandomCmds;
    for (const auto &t : targets) {
        ddCmds.push_back(ddZero(t, bytesEach, false));
        ddSyncCmds.push_back(ddZero(t, bytesEach, true));
        auto r = ddZero(t, bytesEach, false);
        r[1] = "if=" + gRandomSource;
        ddRandomCmds.push_back(r);
    }
    const double mb = static_cast<double>(bytesEach) * targets.size() / 1e6;
    for (int r = 0; r < runs; ++r) {
        dd.push_back(mb / runAll(ddCmds));
        auto z = ours(targets, "clear-zero");
        zw.push_back(mb / z.write);
        zt.push_back(mb / z.total);
        dds.push_back(mb / runAll(ddSyncCmds));
        auto x = ours(targets, "clear-random");
        rw.push_back(mb / x.write);
        rt.push_back(mb / x.total);
        ddr.push_back(mb / runAll(ddRandomCmds));
    }
    return {median(zw), median(zt), median(rw), median(rt), median(dd), median(dds), median(ddr)};
}

void print(const Figures &f) {
    line("dd bs=4M oflag=direct", f.dd, 0, "");
    line("dd bs=4M oflag=direct conv=fsync", f.ddSync, 0, "");
    line("ours clear-zero (write phase)", f.zeroWrite, f.dd, "dd");
    line("ours clear-zero (with flush)", f.zeroTotal, f.ddSync, "dd+fsync");
    line("ours clear-random (write phase)", f.randWrite, f.dd, "dd");
    line("ours clear-random (with flush)", f.randTotal, f.ddSync, "dd+fsync");
    line("dd if=<random file> (no generation)", f.ddRandom, 0, "");
    line("ours clear-random (write phase)", f.randWrite, f.ddRandom, "dd of random data");
}

}  // namespace

int main(int argc, char **argv) {
    std::string dir = "/tmp";
    std::uint64_t sizeMib = 512;
    int runs = 3;
    bool nwipe = true;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--dir" && i + 1 < argc) dir = argv[++i];
        else if (a == "--size-mib" && i + 1 < argc) sizeMib = std::stoull(argv[++i]);
        else if (a == "--runs" && i + 1 < argc) runs = std::stoi(argv[++i]);
        else if (a == "--no-nwipe") nwipe = false;
        else if (a == "--writers" && i + 1 < argc) gWriters = std::stoul(argv[++i]);
        else if (a == "--chunk-mib" && i + 1 < argc) gChunkMib = std::stoul(argv[++i]);
        else {
            std::fprintf(stderr, "usage: bench_wipe [--dir DIR] [--size-mib N] [--runs N] [--writers N] [--chunk-mib N] [--no-nwipe]\n");
            return 2;
        }
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    const std::uint64_t size = sizeMib << 20;
    const std::string prefix = dir + "/reemploi-bench-wipe-" + std::to_string(::getpid());
    std::printf("bench/wipe: %llu MiB targets in %s, median of %d runs, %zu writes in flight\n",
                static_cast<unsigned long long>(sizeMib), dir.c_str(), runs, gWriters);

    // 0. The random pattern alone: AES-128-CTR into a 4 MiB buffer, one thread.
    {
        PatternStream rnd(Pattern::Random);
        AlignedBuffer buf(4 << 20);
        auto t0 = Clock::now();
        for (std::uint64_t at = 0; at < size; at += buf.size()) rnd.fill(at, buf.span(buf.size()));
        double secs = std::chrono::duration<double>(Clock::now() - t0).count();
        std::printf("\nrandom pattern generation alone (AES-128-CTR, one thread)\n");
        line("PatternStream::fill", size / 1e6 / secs, 0, "");
    }

    gRandomSource = makeBacking(prefix + "-random-source.img", size);

    // 1. One loop device.
    auto dev = attach(makeBacking(prefix + "-0.img", size));
    std::printf("\none loop device (%s)\n", dev.c_str());
    auto loopFig = compare({dev}, size, runs);
    print(loopFig);
    if (nwipe && !capture("command -v nwipe").empty()) {
        double secs = runAll({{"timeout", "600", "nwipe", "--autonuke", "--nogui", "--method=zero", "--verify=off", dev}});
        double mbps = size / 1e6 / secs;
        line("nwipe --method=zero --verify=off", mbps, loopFig.dd, "dd");
        std::printf("  %-40s %9.1f x nwipe\n", "ours clear-zero (with flush)", loopFig.zeroTotal / mbps);
        std::printf("  %-40s %9.1f x nwipe\n", "ours clear-random (with flush)", loopFig.randTotal / mbps);
    } else {
        std::printf("  nwipe: not run (absent or --no-nwipe)\n");
    }

    // 2. A plain file (nwipe wipes block devices only).
    auto file = makeBacking(prefix + "-file.img", size);
    std::printf("\nplain file (%s)\n", file.c_str());
    print(compare({file}, size, runs));

    // 3. Four loop devices at once: aggregate throughput.
    std::vector<std::string> four = {dev};
    for (int i = 1; i < 4; ++i) four.push_back(attach(makeBacking(prefix + "-" + std::to_string(i) + ".img", size)));
    std::printf("\nfour loop devices at once (aggregate)\n");
    print(compare(four, size, runs));

    // 4. One loop device with direct I/O to its backing file: writes reach the disk, as on a
    //    real drive, rather than stopping in the page cache.
    auto direct = attach(prefix + "-0.img", true);
    std::printf("\none loop device, --direct-io=on (%s)\n", direct.c_str());
    print(compare({direct}, size, runs));

    cleanup();
    return 0;
}
