// bench/intake_import: generates a 100,000-row donor list (a French Excel export: ';', accents,
// sizes in Go, kinds as donors write them), then in the same run
//   - ours: importDonorListFile into a fresh, migrated database (read, decode, map, validate every
//     row, duplicate checks, then units + storage media + one hash-chained audit event per unit
//     in one transaction, committed);
//   - baseline: the sqlite3 shell's `.import` of the same file into a plain table of a fresh
//     database (no validation, no index, no event);
// each run several times alternately, and prints the best wall-clock time of each, the ratio, and
// the same for CPU time (user + system: on a machine shared with other work, wall-clock times
// swing with the load, CPU times much less). Target: ours <= 2 x baseline.
//
// usage: bench_intake_import [ROWS (100000)] [RUNS (3)]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

#include <reemploi/intake/DonorListImport.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Migrations.hpp>
#include <reemploi/inventory/Units.hpp>

using namespace reemploi;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Timing {
    double wall = 1e9;
    double cpu = 1e9;
    void keepBest(const Timing &t) {
        wall = std::min(wall, t.wall);
        cpu = std::min(cpu, t.cpu);
    }
};

double cpuSeconds(int who) {
    rusage u{};
    getrusage(who, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

void generate(const std::string &path, int rows) {
    static const char *makes[] = {"HP", "Dell Inc.", "LENOVO", "Apple", "Acer", "ASUSTeK COMPUTER INC."};
    static const char *models[] = {"EliteBook 840 G5", "Latitude 5490", "ThinkPad T480", "MacBook Air 13",
                                   "TravelMate P2", "ExpertBook B1"};
    static const char *kinds[] = {"Portable", "Unité centrale", "Tablette", "ordinateurs portables", "Écran", "PC"};
    static const char *ram[] = {"4 Go", "8 Go", "16 Go", "8192 Mo"};
    static const char *disks[] = {"SSD 256 Go", "HDD 500 Go", "SSD 512 Go + HDD 1 To", "128 Go eMMC", "aucun"};
    std::ofstream out(path, std::ios::binary);
    out << "\xEF\xBB\xBFNuméro de série;Marque;Modèle;Catégorie;N° d'inventaire;RAM;Disque;Commentaire\r\n";
    char line[512];
    for (int i = 0; i < rows; ++i) {
        int n = std::snprintf(line, sizeof line, "%s%08d;%s;%s;%s;INV-%06d;%s;%s;%s\r\n",
                              i % 2 ? "5CG" : "PF", i, makes[i % 6], models[i % 6], kinds[i % 6], i, ram[i % 4],
                              disks[i % 5], i % 7 == 0 ? "\"Clavier usé; batterie faible\"" : "");
        out.write(line, n);
    }
}

Timing importOurs(const std::string &dir, const std::string &file, int rows) {
    std::string dbPath = dir + "/ours.db";
    for (auto suffix : {"", "-wal", "-shm"}) fs::remove(dbPath + suffix);
    auto db = inventory::Database::open(dbPath);
    if (!db || !inventory::migrate(**db)) {
        std::cerr << "cannot create " << dbPath << '\n';
        std::exit(1);
    }
    inventory::Actor actor{"bench"};
    auto donor = inventory::addDonor(**db, {"Bench SA", inventory::DonorKind::Company, ""}, actor);
    auto donation = inventory::addDonation(**db, {donor->id, "2026-11-23", "Lyon", ""}, actor);
    intake::ImportOptions options;
    options.donationId = donation->id;

    double cpuStart = cpuSeconds(RUSAGE_SELF);
    auto start = Clock::now();
    auto report = intake::importDonorListFile(**db, file, options, actor);
    Timing t{std::chrono::duration<double>(Clock::now() - start).count(), cpuSeconds(RUSAGE_SELF) - cpuStart};
    if (!report || report->created != static_cast<std::size_t>(rows)) {
        std::cerr << "import failed: " << (report ? std::to_string(report->created) + " created" : report.error().message)
                  << '\n';
        std::exit(1);
    }
    return t;
}

Timing importBaseline(const std::string &dir, const std::string &file, int rows) {
    std::string dbPath = dir + "/plain.db";
    fs::remove(dbPath);
    std::string script = dir + "/import.sql";
    std::ofstream(script) << ".mode csv\n.separator ;\n.import " << file << " plain\n";
    std::string command = "sqlite3 " + dbPath + " < " + script;
    double cpuStart = cpuSeconds(RUSAGE_CHILDREN);
    auto start = Clock::now();
    int rc = std::system(command.c_str());
    Timing t{std::chrono::duration<double>(Clock::now() - start).count(), cpuSeconds(RUSAGE_CHILDREN) - cpuStart};
    std::string count = "sqlite3 " + dbPath + " 'SELECT count(*) FROM plain'";
    FILE *p = popen(count.c_str(), "r");
    long n = 0;
    if (!p || std::fscanf(p, "%ld", &n) != 1) n = -1;
    if (p) pclose(p);
    if (rc != 0 || n != rows) {
        std::cerr << "sqlite3 .import failed (exit " << rc << ", " << n << " rows)\n";
        std::exit(1);
    }
    return t;
}

}  // namespace

int main(int argc, char **argv) {
    int rows = argc > 1 ? std::atoi(argv[1]) : 100000;
    int runs = argc > 2 ? std::atoi(argv[2]) : 3;
    if (std::system("sqlite3 -version >/dev/null 2>&1") != 0) {
        std::cerr << "bench_intake_import: the sqlite3 shell is needed for the baseline\n";
        return 1;
    }
    std::string pattern = (fs::temp_directory_path() / "bench-intake-XXXXXX").string();
    std::string dir = mkdtemp(pattern.data());
    std::string file = dir + "/donor-list.csv";
    generate(file, rows);
    std::cout << "intake_import: " << rows << " rows, " << fs::file_size(file) / 1024 << " KiB file, best of "
              << runs << " runs each\n";

    Timing ours, baseline;
    for (int i = 0; i < runs; ++i) {
        baseline.keepBest(importBaseline(dir, file, rows));
        ours.keepBest(importOurs(dir, file, rows));
    }
    std::printf("                                                              wall        cpu\n");
    std::printf("  ours  reemploi intake import (validate, map, units,      %7.3f s  %7.3f s  (%.0f rows/s)\n",
                ours.wall, ours.cpu, rows / ours.wall);
    std::printf("        media, one audit event per unit, commit)\n");
    std::printf("  base  sqlite3 shell .import into a plain table         %7.3f s  %7.3f s  (%.0f rows/s)\n",
                baseline.wall, baseline.cpu, rows / baseline.wall);
    std::printf("  ratio ours/base                                        %7.2f    %7.2f    (target <= 2.00)\n",
                ours.wall / baseline.wall, ours.cpu / baseline.cpu);
    fs::remove_all(dir);
    return 0;
}
