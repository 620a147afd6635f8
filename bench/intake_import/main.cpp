// bench/intake_import: generates a 100,000-row donor list (a French Excel export: ';', accents,
// sizes in Go, kinds as donors write them), then in the same run
//   - ours: importDonorListFile into a fresh, migrated database (read, decode, map, validate every
//     row, duplicate checks, then units + storage media + one hash-chained audit event per unit
//     in one transaction, committed);
//   - baseline: the sqlite3 shell's `.import` of the same file into a plain table of a fresh
//     database (no validation, no index, no event);
// each run several times alternately (the machine is shared), and prints the best of each and
// the ratio. Target: ours <= 2 x baseline.
//
// usage: bench_intake_import [ROWS (100000)] [RUNS (3)]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <unistd.h>

#include <reemploi/intake/DonorListImport.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Migrations.hpp>
#include <reemploi/inventory/Units.hpp>

using namespace reemploi;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

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

double importOurs(const std::string &dir, const std::string &file, int rows) {
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

    auto start = Clock::now();
    auto report = intake::importDonorListFile(**db, file, options, actor);
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (!report || report->created != static_cast<std::size_t>(rows)) {
        std::cerr << "import failed: " << (report ? std::to_string(report->created) + " created" : report.error().message)
                  << '\n';
        std::exit(1);
    }
    return seconds;
}

double importBaseline(const std::string &dir, const std::string &file, int rows) {
    std::string dbPath = dir + "/plain.db";
    fs::remove(dbPath);
    std::string script = dir + "/import.sql";
    std::ofstream(script) << ".mode csv\n.separator ;\n.import " << file << " plain\n";
    std::string command = "sqlite3 " + dbPath + " < " + script;
    auto start = Clock::now();
    int rc = std::system(command.c_str());
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::string count = "sqlite3 " + dbPath + " 'SELECT count(*) FROM plain'";
    FILE *p = popen(count.c_str(), "r");
    long n = 0;
    if (!p || std::fscanf(p, "%ld", &n) != 1) n = -1;
    if (p) pclose(p);
    if (rc != 0 || n != rows) {
        std::cerr << "sqlite3 .import failed (exit " << rc << ", " << n << " rows)\n";
        std::exit(1);
    }
    return seconds;
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

    double ours = 1e9, baseline = 1e9;
    for (int i = 0; i < runs; ++i) {
        baseline = std::min(baseline, importBaseline(dir, file, rows));
        ours = std::min(ours, importOurs(dir, file, rows));
    }
    std::printf("  ours  (reemploi intake import: validate, map, units, media, audit events) %8.3f s  %9.0f rows/s\n",
                ours, rows / ours);
    std::printf("  base  (sqlite3 shell .import into a plain table)                       %8.3f s  %9.0f rows/s\n",
                baseline, rows / baseline);
    std::printf("  ratio ours/base %.2f  (target <= 2.00)\n", ours / baseline);
    fs::remove_all(dir);
    return 0;
}
