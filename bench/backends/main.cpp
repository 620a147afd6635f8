// bench/backends: the same work on both backends, in the same run:
//   - import: importDonorListFile of a generated donor list (ROWS rows: units, media, one audit
//     event each, one transaction);
//   - lifecycle: UNITS units taken from received to ready one transaction at a time (a storage
//     declaration, two transitions: 3 x UNITS small transactions, the bench's daily work);
//   - allocate: a stored proposal over those UNITS ready units and as many needs, then its
//     confirmation (UNITS transitions in one transaction).
// SQLite on a file in a temporary folder; PostgreSQL on a database created for each run on the
// server given (a role that may create databases: scripts/pg-cluster start DIR gives one). Best
// wall-clock time of RUNS; the ratio is PostgreSQL / SQLite.
//
// usage: bench_backends POSTGRES_URL [ROWS (20000)] [UNITS (300)] [RUNS (2)]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>

#include <reemploi/intake/DonorListImport.hpp>
#include <reemploi/intake/NeedImport.hpp>
#include <reemploi/intake/SchoolImport.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Lifecycle.hpp>
#include <reemploi/inventory/Migrations.hpp>
#include <reemploi/inventory/Storage.hpp>
#include <reemploi/inventory/Units.hpp>
#include <reemploi/inventory/allocation/AllocationService.hpp>

using namespace reemploi;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void die(const std::string &what) {
    std::cerr << "bench_backends: " << what << '\n';
    std::exit(1);
}

template <class T>
T check(Result<T> r, const std::string &what) {
    if (!r) die(what + ": " + r.error().message);
    return std::move(r.value());
}

void generate(const std::string &path, int rows) {
    static const char *makes[] = {"HP", "Dell Inc.", "LENOVO", "Apple", "Acer"};
    static const char *disks[] = {"SSD 256 Go", "HDD 500 Go", "SSD 512 Go + HDD 1 To", "aucun"};
    std::ofstream out(path, std::ios::binary);
    out << "Numéro de série;Marque;Modèle;Catégorie;RAM;Disque\n";
    for (int i = 0; i < rows; ++i)
        out << "BK" << i << ';' << makes[i % 5] << ";Model " << i % 7 << ";Portable;8 Go;" << disks[i % 4] << '\n';
}

std::string withDatabase(const std::string &url, const std::string &name) {
    auto hostStart = url.find("://") + 3;
    auto slash = url.find('/', hostStart);
    auto query = url.find('?', hostStart);
    return url.substr(0, std::min(slash, query)) + "/" + name + (query == std::string::npos ? "" : url.substr(query));
}

// A fresh, migrated database of each backend; the PostgreSQL one dropped afterwards.
class Fresh {
public:
    Fresh(const std::string &pgServer, const std::string &dir, bool postgres, int n)
        : _server(pgServer), _postgres(postgres) {
        if (postgres) {
            _name = "bench_backends_" + std::to_string(::getpid()) + "_" + std::to_string(n);
            auto admin = check(inventory::Database::open(pgServer), "connecting to " + pgServer);
            admin->exec("DROP DATABASE IF EXISTS " + _name);
            admin->exec("CREATE DATABASE " + _name);
            location = withDatabase(pgServer, _name);
        } else {
            location = dir + "/bench" + std::to_string(n) + ".db";
            for (auto suffix : {"", "-wal", "-shm"}) fs::remove(location + suffix);
        }
        db = check(inventory::Database::open(location), "opening " + location);
        check(inventory::migrate(*db), "migrating");
    }
    ~Fresh() {
        db.reset();
        if (_postgres) {
            if (auto admin = inventory::Database::open(_server)) (*admin)->exec("DROP DATABASE IF EXISTS " + _name + " WITH (FORCE)");
        }
    }
    std::string location;
    std::unique_ptr<inventory::Database> db;

private:
    std::string _server, _name;
    bool _postgres;
};

struct Times {
    double import = 1e9, lifecycle = 1e9, allocate = 1e9;
};

double seconds(const std::function<void()> &work) {
    auto start = Clock::now();
    work();
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void runOnce(const std::string &pgServer, const std::string &dir, bool postgres, int n, const std::string &list,
             int units, Times &best) {
    Fresh fresh(pgServer, dir, postgres, n);
    auto &db = *fresh.db;
    inventory::Actor actor{"bench"};
    auto donor = check(inventory::addDonor(db, {"Bench SA", inventory::DonorKind::Company, ""}, actor), "donor");
    auto donation = check(inventory::addDonation(db, {donor.id, "2026-11-23", "Lyon", ""}, actor), "donation");

    intake::ImportOptions options;
    options.donationId = donation.id;
    best.import = std::min(best.import, seconds([&] { check(intake::importDonorListFile(db, list, options, actor), "import"); }));

    std::vector<inventory::NewUnit> batch;
    for (int i = 0; i < units; ++i) {
        inventory::NewUnit u;
        u.donationId = donation.id;
        u.kind = inventory::UnitKind::Laptop;
        u.make = "Dell";
        u.serial = "READY" + std::to_string(i);
        u.grade = inventory::Grade::B;
        u.specs.ramMib = 8192;
        u.specs.keyboardLayout = "fr-azerty";
        batch.push_back(u);
    }
    auto added = check(inventory::addUnits(db, batch, actor), "units");
    best.lifecycle = std::min(best.lifecycle, seconds([&] {
        for (const auto &u : added) {
            check(inventory::declareStorage(db, u.tag, inventory::StorageAbsence::Absent, "bench unit", actor), "declare");
            check(inventory::setStatus(db, u.tag, inventory::UnitStatus::Diagnosed, "bench", actor), "diagnosed");
            check(inventory::setStatus(db, u.tag, inventory::UnitStatus::Ready, "bench", actor), "ready");
        }
    }));

    check(intake::importSchools(db, "UAI;Nom;Commune;QPV\n0750655E;Jean Jaurès;Paris;non\n0130040Y;Le Port;Marseille;oui\n",
                                false, actor),
          "schools");
    std::string needs = "famille,uai,niveaux,équipements,préférence\n";
    for (int i = 0; i < units; ++i)
        needs += "F-" + std::to_string(i) + (i % 2 ? ",0750655E,CM2," : ",0130040Y,CP CE1,") + std::to_string(i % 2) + ",portable\n";
    check(intake::importNeeds(db, needs, false, actor), "needs");
    best.allocate = std::min(best.allocate, seconds([&] {
        check(inventory::allocation::propose(db, {}, actor, false), "propose");
        check(inventory::allocation::confirmProposal(db, actor), "confirm");
    }));
}

}  // namespace

int main(int argc, char **argv) {
    if (argc < 2 || !inventory::isServerLocation(argv[1])) {
        std::cerr << "usage: bench_backends POSTGRES_URL [ROWS (20000)] [UNITS (300)] [RUNS (2)]\n";
        return 2;
    }
    std::string server = argv[1];
    int rows = argc > 2 ? std::atoi(argv[2]) : 20000;
    int units = argc > 3 ? std::atoi(argv[3]) : 300;
    int runs = argc > 4 ? std::atoi(argv[4]) : 2;
    std::string pattern = (fs::temp_directory_path() / "reemploi-bench-backends-XXXXXX").string();
    std::string dir = mkdtemp(pattern.data());
    std::string list = dir + "/list.csv";
    generate(list, rows);

    Times sqlite, postgres;
    for (int r = 0; r < runs; ++r) {  // alternately, so that both see the same machine load
        runOnce(server, dir, false, r, list, units, sqlite);
        runOnce(server, dir, true, r, list, units, postgres);
    }
    fs::remove_all(dir);

    std::printf("backends: best of %d runs, wall-clock seconds (PostgreSQL %s)\n", runs, inventory::redactLocation(server).c_str());
    std::printf("%-44s %10s %12s %7s\n", "", "SQLite", "PostgreSQL", "ratio");
    auto line = [](const std::string &what, double a, double b) {
        std::printf("%-44s %10.3f %12.3f %6.2fx\n", what.c_str(), a, b, b / a);
    };
    line("import of " + std::to_string(rows) + " rows (one transaction)", sqlite.import, postgres.import);
    line(std::to_string(units) + " units to ready (" + std::to_string(3 * units) + " transactions)", sqlite.lifecycle,
         postgres.lifecycle);
    line("allocate + confirm " + std::to_string(units) + " units", sqlite.allocate, postgres.allocate);
    return 0;
}
