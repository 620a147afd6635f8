// `reemploi probe wipe` end to end on a computer recorded as a tree (--root): its internal disks
// are files under dev/, the running system's disk is told by mountinfo and sysfs and left alone,
// several disks are erased at once with the records and certificates of `reemploi wipe`.
#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include <reemploi/diagnostics/probe/Snapshot.hpp>
#include <reemploi/diagnostics/probe/WipeTargets.hpp>
#include <reemploi/diagnostics/storage/Certificate.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Migrations.hpp>
#include <reemploi/inventory/Units.hpp>

#include "app/RunReemploi.hpp"

using namespace reemploi;
using namespace reemploi::test;
namespace fs = std::filesystem;

namespace {

void write(const fs::path &p, const std::string &content) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
}

std::string random(std::size_t n, unsigned seed) {
    std::mt19937 gen(seed);
    std::string s(n, '\0');
    for (auto &c : s) c = static_cast<char>(gen() & 0xff);
    return s;
}

std::string content(const fs::path &p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Sets an environment variable for the runs of the binary in its scope.
struct ScopedEnv {
    ScopedEnv(const char *name, const std::string &value) : name(name) { ::setenv(name, value.c_str(), 1); }
    ~ScopedEnv() { ::unsetenv(name); }
    const char *name;
};

// A laptop whose system is on sda (/ on sda2, /boot/efi on sda1), with a second SATA disk and an
// NVMe drive; a USB stick (sdc) plugged in. Disks are 2 MiB files under dev/.
struct Computer {
    explicit Computer(const fs::path &root) : root(root) {
        const std::size_t size = 2u << 20;
        auto disk = [&](const std::string &name, const std::string &devpath, const std::string &transportFiles,
                        bool removable, unsigned seed) {
            fs::path dir = root / "sys" / devpath;
            write(dir / "size", std::to_string(size / 512) + "\n");
            write(dir / "removable", removable ? "1\n" : "0\n");
            write(dir / "queue/rotational", "0\n");
            write(dir / "device/model", transportFiles + "\n");
            write(dir / "device/serial", "SER-" + name + "\n");
            fs::create_directories(root / "sys/block");
            fs::create_symlink(fs::path("..") / devpath, root / "sys/block" / name);
            write(root / "dev" / name, random(size, seed));
        };
        disk("sda", "devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda", "SYSTEM DISK", false, 1);
        disk("sdb", "devices/pci0000:00/0000:00:17.0/ata2/host1/target1:0:0/1:0:0:0/block/sdb", "DATA DISK", false, 2);
        disk("nvme0n1", "devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1", "NVME DISK", false, 3);
        disk("sdc", "devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host2/target2:0:0/2:0:0:0/block/sdc", "STICK", true, 4);
        const std::string sda = "devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda";
        fs::create_directories(root / "sys/dev/block");
        fs::create_directories(root / "sys/class/block");
        for (const char *part : {"sda1", "sda2"}) {
            write(root / "sys" / sda / part / "partition", std::string(part).substr(3) + "\n");
            fs::create_symlink(fs::path("../../") / sda / part, root / "sys/class/block" / part);
        }
        fs::create_symlink(fs::path("../../") / sda / "sda2", root / "sys/dev/block/8:2");
        fs::create_symlink(fs::path("../../") / sda / "sda1", root / "sys/dev/block/8:1");
        write(root / "proc/self/mountinfo",
              "26 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw\n"
              "30 26 8:1 / /boot/efi rw,relatime shared:2 - vfat /dev/sda1 rw\n"
              "31 26 0:25 / /tmp rw - tmpfs tmpfs rw\n");
    }
    fs::path root;
};

std::string unitTag(const std::string &db) {
    auto d = inventory::Database::open(db).value();
    EXPECT_TRUE(inventory::migrate(*d));
    inventory::Actor admin{"setup", inventory::Role::Admin, ""};
    auto donor = inventory::addDonor(*d, {"Acme SA", inventory::DonorKind::Company, ""}, admin).value();
    auto donation = inventory::addDonation(*d, {donor.id, "2026-11-20", "Lyon", ""}, admin).value();
    inventory::NewUnit u;
    u.donationId = donation.id;
    u.kind = inventory::UnitKind::Laptop;
    u.make = "Lenovo";
    u.serial = "PF0WIPE1";
    return inventory::addUnit(*d, u, admin).value().tag;
}

}  // namespace

TEST(ProbeWipe, TheSystemDiskIsFoundAndLeftOut) {
    TempDb tmp;
    Computer pc(fs::path(tmp.dir) / "root");
    auto system = diagnostics::probe::systemDisks(pc.root);
    ASSERT_TRUE(system) << system.error().message;
    ASSERT_EQ(system->size(), 2u);  // / and /boot/efi, both on sda
    EXPECT_EQ((*system)[0].disk, "sda");
    EXPECT_EQ((*system)[0].why, "/ is on sda2");
    auto plan = diagnostics::probe::planInternalWipe(pc.root, {});
    ASSERT_TRUE(plan) << plan.error().message;
    ASSERT_EQ(plan->targets.size(), 2u);  // not sda (system), not sdc (the USB stick)
    EXPECT_EQ(plan->targets[0].name, "nvme0n1");
    EXPECT_EQ(plan->targets[1].name, "sdb");
    ASSERT_EQ(plan->notes.size(), 1u);
    EXPECT_NE(plan->notes[0].find("sda is not wiped"), std::string::npos);
}

TEST(ProbeWipe, ErasesEveryInternalDiskAtOnceButNeverTheSystems) {
    TempDb tmp;
    Computer pc(fs::path(tmp.dir) / "root");
    auto tag = unitTag(tmp.path);
    auto before = content(pc.root / "dev/sda");
    auto stick = content(pc.root / "dev/sdc");
    auto r = runReemploi(tmp.path, {"probe", "wipe", "--root", pc.root.string(), "--unit", tag, "--method", "clear-zero",
                                    "--verify", "full", "--certificate", tmp.dir + "/cert.json"},
                         {}, 120);
    ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
    EXPECT_NE(r.err.find("sda is not wiped: the running system is on it (/ is on sda2)"), std::string::npos) << r.err;
    for (const char *disk : {"sdb", "nvme0n1"}) {
        auto after = content(pc.root / "dev" / disk);
        EXPECT_EQ(after.find_first_not_of('\0'), std::string::npos) << disk << " still holds data";
        EXPECT_NE(r.out.find(std::string(disk) + ": passed"), std::string::npos) << r.out;
        EXPECT_TRUE(fs::exists(tmp.dir + "/cert-" + disk + ".json")) << disk;
    }
    EXPECT_EQ(content(pc.root / "dev/sda"), before);
    EXPECT_EQ(content(pc.root / "dev/sdc"), stick);
    auto unit = inventory::getUnit(*inventory::Database::open(tmp.path).value(), tag).value();
    EXPECT_EQ(unit.storage.size(), 2u);  // each erased disk credited as a medium of the unit
}

TEST(ProbeWipe, NamingTheSystemDiskOrTheStickIsRefusedAndWritesNothing) {
    TempDb tmp;
    Computer pc(fs::path(tmp.dir) / "root");
    auto tag = unitTag(tmp.path);
    auto before = content(pc.root / "dev/sda");
    auto system = runReemploi(tmp.path, {"probe", "wipe", "--root", pc.root.string(), "--unit", tag, "--method",
                                         "clear-zero", "--verify", "sample", "--disk", "sdb", "--disk", "/dev/sda"});
    EXPECT_EQ(system.exitCode, 2);
    EXPECT_NE(system.err.find("sda is the disk this system runs from (/ is on sda2)"), std::string::npos) << system.err;
    EXPECT_EQ(content(pc.root / "dev/sda"), before);
    EXPECT_NE(content(pc.root / "dev/sdb").find_first_not_of('\0'), std::string::npos);  // nothing started
    auto stick = runReemploi(tmp.path, {"probe", "wipe", "--root", pc.root.string(), "--unit", tag, "--method",
                                        "clear-zero", "--verify", "sample", "--disk", "sdc"});
    EXPECT_EQ(stick.exitCode, 2);
    EXPECT_NE(stick.err.find("sdc is a USB disk"), std::string::npos) << stick.err;
    // Without a database, a snapshot file that cannot be written stops it before anything is erased.
    auto nowhere = runReemploi(tmp.dir + "/stick.db", {"probe", "wipe", "--root", pc.root.string(), "--out",
                                                       tmp.dir + "/no-such-folder/snapshot.json", "--method",
                                                       "clear-zero", "--verify", "sample"});
    EXPECT_EQ(nowhere.exitCode, 2);
    EXPECT_NE(nowhere.err.find("cannot be written (nothing was erased)"), std::string::npos) << nowhere.err;
    EXPECT_NE(content(pc.root / "dev/sdb").find_first_not_of('\0'), std::string::npos);
    EXPECT_NE(content(pc.root / "dev/nvme0n1").find_first_not_of('\0'), std::string::npos);
}

// A stick without the workshop's database: `probe wipe --out` erases the disks and writes the
// records into the snapshot; the bench imports it, checks the records and signs them itself.
TEST(ProbeWipe, WithoutADatabaseTheRecordsGoIntoTheSnapshotAndTheBenchSignsThemAtImport) {
    TempDb tmp;
    Computer pc(fs::path(tmp.dir) / "root");
    fs::create_directories(tmp.dir + "/stick");
    const std::string stickDb = tmp.dir + "/stick/reemploi.db";  // named, never opened
    const std::string snapshot = tmp.dir + "/snapshot.json";
    auto stick = runReemploi(stickDb, {"probe", "wipe", "--root", pc.root.string(), "--out", snapshot, "--method",
                                       "clear-zero", "--verify", "full"},
                             {}, 120);
    ASSERT_EQ(stick.exitCode, 0) << stick.out << stick.err;
    EXPECT_NE(stick.out.find("the bench checks the record and signs it at import"), std::string::npos) << stick.out;
    EXPECT_FALSE(fs::exists(stickDb)) << "no database made on the stick";
    EXPECT_FALSE(fs::exists(tmp.dir + "/stick/keys")) << "no key made on the stick";
    for (const char *disk : {"sdb", "nvme0n1"})
        EXPECT_EQ(content(pc.root / "dev" / disk).find_first_not_of('\0'), std::string::npos) << disk << " still holds data";
    auto written = diagnostics::probe::parseSnapshotJson(content(snapshot));
    ASSERT_TRUE(written) << written.error().message;
    EXPECT_EQ(written->schemaVersion, 2);
    ASSERT_EQ(written->wipes.size(), 2u);
    EXPECT_EQ(written->wipes[0].serial, "SER-nvme0n1");
    EXPECT_EQ(written->wipes[0].result, "passed");
    EXPECT_EQ(written->wipes[0].verification, "full");
    EXPECT_TRUE(written->wipes[0].certificate.empty());
    // The same machine read again into the same file keeps the records; a second wipe adds its own.
    ASSERT_EQ(runReemploi(stickDb, {"probe", "--root", pc.root.string(), "--out", snapshot}).exitCode, 0);
    ASSERT_EQ(diagnostics::probe::parseSnapshotJson(content(snapshot))->wipes.size(), 2u);
    auto second = runReemploi(stickDb, {"probe", "wipe", "--root", pc.root.string(), "--out", snapshot, "--disk", "sdb",
                                        "--method", "clear-random", "--verify", "sample"},
                              {}, 120);
    ASSERT_EQ(second.exitCode, 0) << second.out << second.err;
    written = diagnostics::probe::parseSnapshotJson(content(snapshot));
    ASSERT_EQ(written->wipes.size(), 3u);
    EXPECT_EQ(written->wipes[2].method, "clear-random");

    auto tag = unitTag(tmp.path);
    auto bench = runReemploi(tmp.path, {"probe", "import", snapshot, "--unit", tag});
    ASSERT_EQ(bench.exitCode, 0) << bench.out << bench.err;
    EXPECT_NE(bench.out.find("signed at import by the bench after checking"), std::string::npos) << bench.out;
    auto db = inventory::Database::open(tmp.path).value();
    auto records = inventory::listSanitization(*db, tag).value();
    ASSERT_EQ(records.size(), 3u);
    for (const auto &r : records) {
        EXPECT_EQ(r.result, inventory::SanitizationResult::Passed);
        EXPECT_FALSE(r.certificateJson.empty());
    }
    auto again = runReemploi(tmp.path, {"probe", "import", snapshot, "--unit", tag});
    ASSERT_EQ(again.exitCode, 0) << again.err;
    EXPECT_NE(again.out.find("nothing new"), std::string::npos) << again.out;
    EXPECT_EQ(inventory::listSanitization(*db, tag)->size(), 3u);
}

TEST(ProbeWipe, AStickHoldingTheKeySignsOnTheMachineAndAForgedSignatureIsRefused) {
    TempDb tmp;
    Computer pc(fs::path(tmp.dir) / "root");
    const std::string key = tmp.dir + "/keys/workshop-ed25519.pem";
    ASSERT_TRUE(diagnostics::storage::WorkshopKey::loadOrCreate(key));
    ScopedEnv env("REEMPLOI_KEY", key);
    const std::string snapshot = tmp.dir + "/snapshot.json";
    auto stick = runReemploi(tmp.dir + "/stick.db", {"probe", "wipe", "--root", pc.root.string(), "--out", snapshot,
                                                             "--disk", "nvme0n1", "--method", "clear-zero", "--verify",
                                                             "sample", "--json"},
                             {}, 120);
    ASSERT_EQ(stick.exitCode, 0) << stick.out << stick.err;
    EXPECT_NE(stick.out.find("\"signed\":\"on the machine\""), std::string::npos) << stick.out;
    auto text = content(snapshot);
    auto written = diagnostics::probe::parseSnapshotJson(text);
    ASSERT_TRUE(written) << written.error().message;
    ASSERT_EQ(written->wipes.size(), 1u);
    EXPECT_FALSE(written->wipes[0].signature.empty());

    auto tag = unitTag(tmp.path);
    // Forged: one hexadecimal digit of the signature changed. Refused, exit 2, nothing imported.
    auto forged = *written;
    auto &sig = forged.wipes[0].signature;
    sig[0] = sig[0] == 'a' ? 'b' : 'a';
    write(tmp.dir + "/forged.json", diagnostics::probe::snapshotJson(forged));
    auto refused = runReemploi(tmp.path, {"probe", "import", tmp.dir + "/forged.json", "--unit", tag});
    EXPECT_EQ(refused.exitCode, 2);
    EXPECT_NE(refused.err.find("wipes[0].signature: does not verify with the workshop's key"), std::string::npos) << refused.err;
    auto db = inventory::Database::open(tmp.path).value();
    EXPECT_TRUE(inventory::getUnit(*db, tag)->storage.empty());

    auto bench = runReemploi(tmp.path, {"probe", "import", snapshot, "--unit", tag});
    ASSERT_EQ(bench.exitCode, 0) << bench.out << bench.err;
    EXPECT_NE(bench.out.find("signed on the machine"), std::string::npos) << bench.out;
    auto records = inventory::listSanitization(*db, tag).value();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].certificateJson, written->wipes[0].certificate);
}
