// `reemploi wipe`, `cert verify`, `cert pubkey`, `diag storage` end to end: the real binary on
// loop devices and files, the records it leaves in the inventory, and OpenSSL's opinion of the
// certificates it signs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <sys/stat.h>

#include <Poco/JSON/Parser.h>

#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Migrations.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Units.hpp>

#include "diagnostics/storage/ReemploiProcess.hpp"
#include "diagnostics/storage/StorageTestSupport.hpp"

using namespace reemploi;
namespace inv = reemploi::inventory;

namespace {

Poco::JSON::Object::Ptr parseObject(const std::string &line) {
    Poco::JSON::Parser p;
    return p.parse(line).extract<Poco::JSON::Object::Ptr>();
}

// A database with one donor, one donation and one unit (RE-000001, no storage registered).
class WipeCommand : public ::testing::Test {
protected:
    void SetUp() override {
        db = _dir.file("reemploi.db");
        key = _dir.file("keys/workshop.pem");
        auto opened = inv::Database::open(db);
        ASSERT_TRUE(opened);
        _db = std::move(*opened);
        ASSERT_TRUE(inv::migrate(*_db));
        inv::Actor actor{"setup"};
        auto donor = inv::addDonor(*_db, {"Mairie de Lyon", inv::DonorKind::Administration, ""}, actor);
        ASSERT_TRUE(donor);
        auto donation = inv::addDonation(*_db, {donor->id, "2026-11-20", "Lyon 7e", ""}, actor);
        ASSERT_TRUE(donation);
        inv::NewUnit u;
        u.donationId = donation->id;
        u.kind = inv::UnitKind::Laptop;
        u.make = "Dell";
        u.model = "Latitude E7470";
        u.serial = "7XK2J42";
        u.donorTag = "ML-0042";
        auto unit = inv::addUnit(*_db, u, actor);
        ASSERT_TRUE(unit);
        tag = unit->tag;
    }

    std::vector<inv::SanitizationRecord> records() {
        auto r = inv::listSanitization(*_db, tag);
        EXPECT_TRUE(r);
        return r ? *r : std::vector<inv::SanitizationRecord>{};
    }

    std::vector<std::string> wipeArgs(const std::vector<std::string> &targets, const std::string &method,
                                      const std::string &verify) {
        std::vector<std::string> a = {"--db", db, "wipe"};
        a.insert(a.end(), targets.begin(), targets.end());
        for (std::string s : {"--unit", tag.c_str(), "--method", method.c_str(), "--verify", verify.c_str()}) a.push_back(s);
        return a;
    }

    test::TempDir _dir;
    std::unique_ptr<inv::Database> _db;
    std::string db, key, tag;
};

}  // namespace

TEST_F(WipeCommand, WipesALoopDeviceRecordsItAndIssuesACertificateOpensslAccepts) {
    auto backing = _dir.file("disk.img");
    auto before = test::writeRandomFile(backing, 32 << 20);
    std::string cert = _dir.file("certs/disk.json");
    {
        test::LoopDevice loop(backing);
        ASSERT_TRUE(loop.ok());
        auto args = wipeArgs({loop.device()}, "clear-random", "sample");
        args.push_back("--certificate");
        args.push_back(cert);
        args.push_back("--json");
        auto r = test::runReemploi(args, key);
        ASSERT_EQ(r.exitCode, 0) << r.err << r.out;
        // The last line is the result; the ones before are progress.
        auto lastLine = r.out.substr(r.out.rfind('\n', r.out.size() - 2) + 1);
        auto result = parseObject(lastLine);
        EXPECT_EQ(result->getValue<std::string>("event"), "result");
        EXPECT_EQ(result->getValue<std::string>("result"), "passed");
        EXPECT_EQ(result->getValue<std::string>("verification_result"), "passed");
    }
    auto after = test::readFile(backing);
    std::size_t same = 0;
    for (std::size_t i = 0; i < after.size(); i += 512) same += std::equal(after.begin() + i, after.begin() + i + 512, before.begin() + i);
    EXPECT_EQ(same, 0u);

    auto recs = records();
    ASSERT_EQ(recs.size(), 1u);
    EXPECT_EQ(recs[0].result, inv::SanitizationResult::Passed);
    EXPECT_EQ(recs[0].method, "clear-random");
    EXPECT_EQ(recs[0].bytesWritten, 32 << 20);
    EXPECT_EQ(recs[0].lastLba, (32 << 20) / 512 - 1);
    EXPECT_FALSE(recs[0].certificateId.empty());
    auto issued = test::readFile(cert);
    EXPECT_EQ(recs[0].certificateJson, std::string(issued.begin(), issued.end()));
    // The target became the unit's medium (a loop device is known by its backing file).
    auto unit = inv::getUnit(*_db, tag);
    ASSERT_EQ(unit->storage.size(), 1u);
    EXPECT_EQ(unit->storage[0].serial, backing);

    // The certificate: NIST §4.8 fields, and OpenSSL agrees with the signature.
    auto text = test::readFile(cert);
    auto c = parseObject(std::string(text.begin(), text.end()));
    EXPECT_EQ(c->getObject("media")->getObject("property_number")->getValue<std::string>("unit_tag"), tag);
    EXPECT_EQ(c->getObject("media")->getObject("property_number")->getValue<std::string>("donor_tag"), "ML-0042");
    EXPECT_EQ(c->getObject("media")->getObject("source")->getValue<std::string>("donor"), "Mairie de Lyon");
    EXPECT_EQ(c->getObject("sanitization")->getValue<std::string>("category"), "clear");
    EXPECT_EQ(c->getObject("sanitization")->getObject("performed_by")->getValue<std::string>("name"), "tester");
    EXPECT_EQ(c->getObject("verification")->getValue<std::string>("result"), "passed");
    EXPECT_TRUE(std::filesystem::exists(_dir.file("certs/disk.pdf")));

    auto pub = test::runReemploi({"--db", db, "cert", "pubkey"}, key);
    ASSERT_EQ(pub.exitCode, 0) << pub.err;
    { std::ofstream(_dir.file("pub.pem")) << pub.out; }
    REQUIRE_TOOL("openssl", "openssl");
    auto openssl = test::run("openssl pkeyutl -verify -pubin -inkey '" + _dir.file("pub.pem") + "' -rawin -in '" + cert +
                             "' -sigfile '" + cert + ".sig' 2>&1");
    EXPECT_EQ(openssl, "Signature Verified Successfully");

    auto ok = test::runReemploi({"--db", db, "cert", "verify", cert}, key);
    EXPECT_EQ(ok.exitCode, 0) << ok.out << ok.err;
    EXPECT_NE(ok.out.find("valid"), std::string::npos);

    // A forged serial: reemploi names the field, and OpenSSL refuses it too.
    std::string forged = std::string(text.begin(), text.end());
    auto at = forged.find(backing);
    ASSERT_NE(at, std::string::npos);
    forged.replace(at, backing.size(), "S4EVNF0M123456");
    std::string forgedPath = _dir.file("forged.json");
    { std::ofstream(forgedPath, std::ios::binary) << forged; }
    std::filesystem::copy_file(cert + ".sig", forgedPath + ".sig");
    auto bad = test::runReemploi({"--db", db, "cert", "verify", forgedPath}, key);
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_NE(bad.out.find("media.serial"), std::string::npos) << bad.out;
    EXPECT_NE(bad.out.find("S4EVNF0M123456"), std::string::npos) << bad.out;
    EXPECT_NE(test::run("openssl pkeyutl -verify -pubin -inkey '" + _dir.file("pub.pem") + "' -rawin -in '" +
                        forgedPath + "' -sigfile '" + forgedPath + ".sig' 2>&1"),
              "Signature Verified Successfully");
}

TEST_F(WipeCommand, KillNineMidWipeLeavesAnInterruptedRecord) {
    auto backing = _dir.file("big.img");
    { std::ofstream(backing).flush(); }
    ASSERT_EQ(::truncate(backing.c_str(), 2LL << 30), 0);  // sparse: the wipe takes seconds
    test::LoopDevice loop(backing);
    ASSERT_TRUE(loop.ok());
    auto args = wipeArgs({loop.device()}, "clear-random", "full");
    args.push_back("--json");
    test::ReemploiProcess p(args, key);
    ASSERT_TRUE(p.started());
    std::string line;
    ASSERT_TRUE(p.readLine(line)) << "no progress line";
    EXPECT_NE(line.find("\"event\":\"progress\""), std::string::npos) << line;
    p.signal(SIGKILL);
    auto f = p.wait();
    EXPECT_EQ(f.exitCode, 128 + SIGKILL);
    auto recs = records();
    ASSERT_EQ(recs.size(), 1u);
    EXPECT_EQ(recs[0].result, inv::SanitizationResult::Interrupted);
    EXPECT_TRUE(recs[0].certificateId.empty());
    EXPECT_TRUE(recs[0].endedAt.empty());
}

TEST_F(WipeCommand, SigtermMidWipeIsRecordedInterruptedWithTheLastLba) {
    auto backing = _dir.file("big.img");
    { std::ofstream(backing).flush(); }
    ASSERT_EQ(::truncate(backing.c_str(), 2LL << 30), 0);
    test::LoopDevice loop(backing);
    ASSERT_TRUE(loop.ok());
    auto args = wipeArgs({loop.device()}, "clear-random", "sample");
    args.push_back("--json");
    test::ReemploiProcess p(args, key);
    ASSERT_TRUE(p.started());
    std::string line;
    ASSERT_TRUE(p.readLine(line));
    p.signal(SIGTERM);
    auto f = p.wait();
    EXPECT_EQ(f.exitCode, 1) << f.err;
    EXPECT_NE(f.out.find("\"result\":\"interrupted\""), std::string::npos) << f.out;
    auto recs = records();
    ASSERT_EQ(recs.size(), 1u);
    EXPECT_EQ(recs[0].result, inv::SanitizationResult::Interrupted);
    ASSERT_TRUE(recs[0].lastLba.has_value());
    EXPECT_GT(*recs[0].lastLba, 0);
    EXPECT_LT(*recs[0].lastLba, (2LL << 30) / 512 - 1);
    EXPECT_GT(recs[0].bytesWritten, 0);
    EXPECT_FALSE(recs[0].endedAt.empty());
    EXPECT_TRUE(recs[0].certificateId.empty());
}

TEST_F(WipeCommand, ATargetShorterThanItClaimsIsRecordedFailed) {
    auto mount = _dir.file("tiny");
    test::TinyTmpfs fs(mount, 1 << 20);
    ASSERT_TRUE(fs.ok());
    auto backing = mount + "/sparse.img";
    { std::ofstream(backing).flush(); }
    ASSERT_EQ(::truncate(backing.c_str(), 8 << 20), 0);
    test::LoopDevice loop(backing);
    ASSERT_TRUE(loop.ok());
    auto r = test::runReemploi(wipeArgs({loop.device()}, "clear-zero", "sample"), key);
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.out.find("failed"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("claimed size"), std::string::npos) << r.out;
    auto recs = records();
    ASSERT_EQ(recs.size(), 1u);
    EXPECT_EQ(recs[0].result, inv::SanitizationResult::Failed);
    // Where it stopped, when a block was confirmed before the error: never past what the backing
    // file could hold. (On a loaded machine the kernel may report the error before any block is
    // confirmed, leaving no last LBA: both are honest records.)
    if (recs[0].lastLba) {
        EXPECT_LT(*recs[0].lastLba, (1 << 20) / 512);
    }
}

TEST_F(WipeCommand, SeveralTargetsAtOnceEachGetARecordAndACertificate) {
    std::vector<std::string> files;
    for (int i = 0; i < 3; ++i) {
        files.push_back(_dir.file("disk" + std::to_string(i) + ".img"));
        test::writeRandomFile(files.back(), 4 << 20, static_cast<unsigned>(i));
    }
    auto args = wipeArgs(files, "clear-zero", "full");
    args.push_back("--certificate");
    args.push_back(_dir.file("c.json"));
    auto r = test::runReemploi(args, key);
    ASSERT_EQ(r.exitCode, 0) << r.err << r.out;
    auto recs = records();
    ASSERT_EQ(recs.size(), 3u);
    for (const auto &rec : recs) EXPECT_EQ(rec.result, inv::SanitizationResult::Passed);
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(std::filesystem::exists(_dir.file("c-disk" + std::to_string(i) + ".img.json")));
        auto after = test::readFile(files[i]);
        EXPECT_TRUE(std::all_of(after.begin(), after.end(), [](unsigned char c) { return c == 0; }));
    }
    // Three disks of one unit: three media, one record each.
    auto unit = inv::getUnit(*_db, tag);
    EXPECT_EQ(unit->storage.size(), 3u);
}

TEST_F(WipeCommand, BadInputChangesNothing) {
    auto path = _dir.file("disk.img");
    auto before = test::writeRandomFile(path, 1 << 20);
    auto unknownUnit = test::runReemploi({"--db", db, "wipe", path, "--unit", "RE-999999", "--method", "clear-zero"}, key);
    EXPECT_EQ(unknownUnit.exitCode, 2);
    auto unknownMethod = test::runReemploi({"--db", db, "wipe", path, "--unit", tag, "--method", "gutmann"}, key);
    EXPECT_EQ(unknownMethod.exitCode, 2);
    EXPECT_NE(unknownMethod.err.find("clear-zero"), std::string::npos) << unknownMethod.err;
    auto badVerify = test::runReemploi(wipeArgs({path}, "clear-zero", "maybe"), key);
    EXPECT_EQ(badVerify.exitCode, 2);
    EXPECT_NE(badVerify.err.find("--verify"), std::string::npos);
    auto missing = test::runReemploi(wipeArgs({path, _dir.file("absent.img")}, "clear-zero", "full"), key);
    EXPECT_EQ(missing.exitCode, 2);
    auto medium = wipeArgs({path, _dir.file("other.img")}, "clear-zero", "full");
    medium.insert(medium.end(), {"--medium", "new"});
    EXPECT_EQ(test::runReemploi(medium, key).exitCode, 2);  // one --medium per target
    { std::ofstream(_dir.file("plain")) << "a file"; }
    auto certUnderFile = wipeArgs({path}, "clear-zero", "full");
    certUnderFile.insert(certUnderFile.end(), {"--certificate", _dir.file("plain/c.json")});
    auto underFile = test::runReemploi(certUnderFile, key);
    EXPECT_EQ(underFile.exitCode, 2);
    EXPECT_NE(underFile.err.find("is not a folder"), std::string::npos) << underFile.err;
    auto firmware = test::runReemploi(wipeArgs({path}, "purge-sanitize", "sample"), key);
    EXPECT_EQ(firmware.exitCode, 1);
    EXPECT_NE(firmware.err.find("SANITIZE"), std::string::npos) << firmware.err;
    EXPECT_EQ(test::readFile(path), before);
    EXPECT_TRUE(records().empty());
}

TEST_F(WipeCommand, DiagStorageReportsALoopDeviceAndItsSurface) {
    auto backing = _dir.file("disk.img");
    test::writeRandomFile(backing, 8 << 20);
    test::LoopDevice loop(backing);
    ASSERT_TRUE(loop.ok());
    auto r = test::runReemploi({"--db", db, "diag", "storage", loop.device(), "--surface", "--json"}, key);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto o = parseObject(r.out.substr(r.out.rfind('\n', r.out.size() - 2) + 1));
    EXPECT_EQ(o->getValue<std::string>("kind"), "loop");
    EXPECT_EQ(o->getValue<std::uint64_t>("capacity_bytes"), 8u << 20);
    EXPECT_EQ(o->getValue<int>("logical_sector_size"), 512);
    EXPECT_TRUE(o->has("rotational"));
    EXPECT_EQ(o->getObject("surface")->getValue<std::uint64_t>("bytes_read"), 8u << 20);
    EXPECT_EQ(o->getObject("surface")->getValue<int>("unreadable_count"), 0);
    auto missing = test::runReemploi({"--db", db, "diag", "storage", _dir.file("none")}, key);
    EXPECT_EQ(missing.exitCode, 2);
}

TEST_F(WipeCommand, TwoProcessesWipeTwoDrivesOfOneUnitAtOnce) {
    auto a = _dir.file("a.img"), b = _dir.file("b.img");
    test::writeRandomFile(a, 64 << 20, 1);
    test::writeRandomFile(b, 64 << 20, 2);
    test::LoopDevice la(a), lb(b);
    ASSERT_TRUE(la.ok() && lb.ok());
    // The second drive is "plugged" while the first wipe runs: one process per target.
    test::ReemploiProcess first(wipeArgs({la.device()}, "clear-random", "full"), key);
    test::ReemploiProcess second(wipeArgs({lb.device()}, "clear-zero", "full"), key);
    auto f1 = first.wait();
    auto f2 = second.wait();
    EXPECT_EQ(f1.exitCode, 0) << f1.err;
    EXPECT_EQ(f2.exitCode, 0) << f2.err;
    auto recs = records();
    ASSERT_EQ(recs.size(), 2u);
    for (const auto &r : recs) EXPECT_EQ(r.result, inv::SanitizationResult::Passed);
    EXPECT_NE(recs[0].mediumId, recs[1].mediumId);
}

TEST_F(WipeCommand, TheDatabaseTheKeyAndTheirCompanionsAreRefusedAndStayIntact) {
    auto pub = test::runReemploi({"--db", db, "cert", "pubkey"}, key);  // creates the key
    ASSERT_EQ(pub.exitCode, 0) << pub.err;
    auto keyBefore = test::readFile(key);
    for (const auto &target : {db, db + "-wal", key}) {
        if (!std::filesystem::exists(target)) continue;
        auto r = test::runReemploi(wipeArgs({target}, "clear-zero", "sample"), key);
        EXPECT_EQ(r.exitCode, 2) << target << ": " << r.out << r.err;
        EXPECT_NE(r.err.find(target == key ? "signing key" : "inventory database"), std::string::npos) << r.err;
    }
    // A hard link under a disk-like name is the same file.
    auto alias = _dir.file("disk.img");
    std::filesystem::create_hard_link(db, alias);
    auto r = test::runReemploi(wipeArgs({alias}, "clear-zero", "sample"), key);
    EXPECT_EQ(r.exitCode, 2) << r.err;
    EXPECT_NE(r.err.find("is the inventory database"), std::string::npos) << r.err;
    EXPECT_EQ(test::readFile(key), keyBefore);
    EXPECT_TRUE(records().empty());
    auto audit = test::runReemploi({"--db", db, "audit", "verify"}, key);
    EXPECT_EQ(audit.exitCode, 0) << audit.out << audit.err;
}

TEST_F(WipeCommand, ASigningKeyOpenToOthersIsRefusedWithTheCommandThatFixesIt) {
    ASSERT_EQ(test::runReemploi({"--db", db, "cert", "pubkey"}, key).exitCode, 0);
    ASSERT_EQ(::chmod(key.c_str(), 0644), 0);
    auto path = _dir.file("disk.img");
    auto before = test::writeRandomFile(path, 1 << 20);
    auto r = test::runReemploi(wipeArgs({path}, "clear-zero", "sample"), key);
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("chmod 600 " + key), std::string::npos) << r.err;
    EXPECT_EQ(test::readFile(path), before);
    EXPECT_TRUE(records().empty());
    ASSERT_EQ(::chmod(key.c_str(), 0600), 0);
    EXPECT_EQ(test::runReemploi(wipeArgs({path}, "clear-zero", "sample"), key).exitCode, 0);
}

TEST_F(WipeCommand, AMediumRecordedWithoutSerialIsCreditedOnlyThroughMedium) {
    // The donor's list said "SSD 4 Mo": no serial.
    auto recorded = inv::addMedium(*_db, tag, {inv::MediumType::Ssd, "", "", 4 << 20}, inv::Actor{"setup"});
    ASSERT_TRUE(recorded);
    const std::string id = std::to_string(recorded->id);
    auto disk = _dir.file("disk.img"), small = _dir.file("small.img");
    test::writeRandomFile(disk, 4 << 20, 1);
    auto smallBefore = test::writeRandomFile(small, 1 << 20, 2);

    // Not named: wiped and recorded as a new medium; the recorded one stays to be wiped.
    auto unnamed = test::runReemploi(wipeArgs({disk}, "clear-zero", "sample"), key);
    ASSERT_EQ(unnamed.exitCode, 0) << unnamed.err;
    EXPECT_NE(unnamed.err.find("give --medium " + id), std::string::npos) << unnamed.err;
    EXPECT_NE(unnamed.out.find("identity: new medium"), std::string::npos) << unnamed.out;
    auto recs = records();
    ASSERT_EQ(recs.size(), 1u);
    EXPECT_NE(recs[0].mediumId, recorded->id);

    // Named, but the capacity disagrees: refused, nothing written.
    auto args = wipeArgs({small}, "clear-zero", "sample");
    args.insert(args.end(), {"--medium", id});
    auto refused = test::runReemploi(args, key);
    EXPECT_EQ(refused.exitCode, 2);
    EXPECT_NE(refused.err.find("not the same drive"), std::string::npos) << refused.err;
    EXPECT_EQ(test::readFile(small), smallBefore);
    EXPECT_EQ(records().size(), 1u);

    // Named and the capacity agrees: credited, on that evidence.
    args = wipeArgs({disk}, "clear-zero", "sample");
    args.insert(args.end(), {"--medium", id, "--json", "--certificate", _dir.file("c.json")});
    auto named = test::runReemploi(args, key);
    ASSERT_EQ(named.exitCode, 0) << named.err;
    auto result = parseObject(named.out.substr(named.out.rfind('\n', named.out.size() - 2) + 1));
    EXPECT_EQ(result->getValue<std::int64_t>("medium_id"), recorded->id);
    EXPECT_EQ(result->getValue<std::string>("identity_evidence"), "capacity+operator choice");
    recs = records();
    ASSERT_EQ(recs.size(), 2u);
    EXPECT_EQ(recs[1].mediumId, recorded->id);
    EXPECT_EQ(recs[1].identityEvidence, "capacity+operator choice");
    auto cert = test::readFile(_dir.file("c.json"));
    EXPECT_NE(std::string(cert.begin(), cert.end()).find("\"identity_evidence\":\"capacity+operator choice\""),
              std::string::npos);

    for (const std::string bad : {"abc", "0", "-3"}) {
        auto a = wipeArgs({disk}, "clear-zero", "sample");
        a.insert(a.end(), {"--medium", bad});
        auto r = test::runReemploi(a, key);
        EXPECT_EQ(r.exitCode, 2) << bad;
        EXPECT_NE(r.err.find("--medium"), std::string::npos) << r.err;
    }
    EXPECT_EQ(records().size(), 2u);
}

TEST_F(WipeCommand, APassedWipeWhoseCertificateCannotBeWrittenStaysPassedAndExitsOne) {
    auto certs = _dir.file("certs");
    test::TinyTmpfs fs(certs, 4096);  // room for the certificate, not for its signature and PDF
    ASSERT_TRUE(fs.ok());
    auto disk = _dir.file("disk.img");
    test::writeRandomFile(disk, 1 << 20);
    auto args = wipeArgs({disk}, "clear-zero", "sample");
    args.insert(args.end(), {"--certificate", certs + "/c.json"});
    auto r = test::runReemploi(args, key);
    EXPECT_EQ(r.exitCode, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("erasure passed, certificate files not written"), std::string::npos) << r.err;
    auto recs = records();
    ASSERT_EQ(recs.size(), 1u);
    EXPECT_EQ(recs[0].result, inv::SanitizationResult::Passed);
    EXPECT_EQ(recs[0].notes.rfind("certificate files not written: ", 0), 0u) << recs[0].notes;
    EXPECT_FALSE(recs[0].certificateId.empty());
}

// A certificate handed back for checking may be anything: what is not a regular file, or is far
// larger than any certificate, is refused with exit 2 before it is read.
TEST_F(WipeCommand, CertVerifyRefusesWhatIsNotACertificateFile) {
    ASSERT_EQ(test::runReemploi({"--db", db, "cert", "pubkey"}, key).exitCode, 0);  // creates the key
    auto zero = test::runReemploi({"--db", db, "cert", "verify", "/dev/zero", "--signature", "/dev/zero"}, key);
    EXPECT_EQ(zero.exitCode, 2);
    EXPECT_EQ(zero.err, "reemploi: /dev/zero is not a regular file\n");

    std::filesystem::create_directory(_dir.file("cert.json"));
    std::string sig = _dir.file("cert.json.sig");
    { std::ofstream(sig) << "c2lnbmF0dXJl\n"; }
    auto dir = test::runReemploi({"--db", db, "cert", "verify", _dir.file("cert.json")}, key);
    EXPECT_EQ(dir.exitCode, 2);
    EXPECT_EQ(dir.err, "reemploi: " + _dir.file("cert.json") + " is a directory, not a file\n");

    std::string big = _dir.file("big.json");
    { std::ofstream(big) << std::string(2'000'000, ' '); }
    auto large = test::runReemploi({"--db", db, "cert", "verify", big, "--signature", sig}, key);
    EXPECT_EQ(large.exitCode, 2);
    EXPECT_EQ(large.err, "reemploi: " + big + " is 2 MB, over the 1 MB limit\n");

    std::string cert = _dir.file("small.json");
    { std::ofstream(cert) << "{}"; }
    auto bigSig = test::runReemploi({"--db", db, "cert", "verify", cert, "--signature", big}, key);
    EXPECT_EQ(bigSig.exitCode, 2);
    EXPECT_EQ(bigSig.err, "reemploi: " + big + " is 2 MB, over the 4.1 KB limit\n");
}

TEST_F(WipeCommand, APrivacyPurgeForgetsAnIndividualDonorAndTheCertificateStillVerifies) {
    inv::Actor actor{"setup"};
    auto person = inv::addDonor(*_db, {"Jeanne Dupont", inv::DonorKind::Individual, "j.dupont@example.org"}, actor);
    ASSERT_TRUE(person);
    auto donation = inv::addDonation(*_db, {person->id, "2026-11-21", "Lyon", ""}, actor);
    ASSERT_TRUE(donation);
    inv::NewUnit u;
    u.donationId = donation->id;
    u.kind = inv::UnitKind::Laptop;
    u.serial = "JD-001";
    auto unit = inv::addUnit(*_db, u, actor);
    ASSERT_TRUE(unit);
    auto disk = _dir.file("jd.img");
    test::writeRandomFile(disk, 1 << 20);
    std::string cert = _dir.file("jd.json");
    auto wiped = test::runReemploi({"--db", db, "wipe", disk, "--unit", unit->tag, "--method", "clear-zero", "--verify",
                                    "sample", "--certificate", cert},
                                   key);
    ASSERT_EQ(wiped.exitCode, 0) << wiped.err;
    auto issued = test::readFile(cert);
    std::string certText(issued.begin(), issued.end());
    // Signed documents never hold what a purge must remove: the person is named by reference.
    EXPECT_EQ(certText.find("Dupont"), std::string::npos);
    EXPECT_NE(certText.find("\"donor\":\"individual donor #" + std::to_string(person->id) + "\""), std::string::npos);
    EXPECT_NE(certText.find("\"audit_head\":{\"event\":"), std::string::npos) << certText;

    std::ofstream(_dir.file("retention.conf")) << "individual_donors = 0\n";
    auto dry = test::runReemploi({"--db", db, "privacy", "purge", "--dry-run", "--retention", _dir.file("retention.conf")}, key);
    ASSERT_EQ(dry.exitCode, 0) << dry.err;
    EXPECT_NE(dry.out.find("would purge: 1 individual donors"), std::string::npos) << dry.out;
    auto purged = test::runReemploi({"--db", db, "privacy", "purge", "--retention", _dir.file("retention.conf")}, key);
    ASSERT_EQ(purged.exitCode, 0) << purged.err;
    EXPECT_NE(purged.out.find("purged: 1 individual donors"), std::string::npos) << purged.out;

    // Gone from every table and every payload: a compacted copy of the whole database holds
    // neither the name nor the e-mail, anywhere.
    auto copy = _dir.file("copy.db");
    _db->exec("VACUUM INTO '" + copy + "'");
    auto bytes = test::readFile(copy);
    std::string all(bytes.begin(), bytes.end());
    for (const char *gone : {"Jeanne", "Dupont", "j.dupont"}) EXPECT_EQ(all.find(gone), std::string::npos) << gone;

    auto audit = test::runReemploi({"--db", db, "audit", "verify"}, key);
    EXPECT_EQ(audit.exitCode, 0) << audit.out << audit.err;
    EXPECT_NE(audit.out.find("redacted"), std::string::npos) << audit.out;

    auto pub = test::runReemploi({"--db", db, "cert", "pubkey"}, key);
    ASSERT_EQ(pub.exitCode, 0) << pub.err;
    { std::ofstream(_dir.file("pub.pem")) << pub.out; }
    REQUIRE_TOOL("openssl", "openssl");
    EXPECT_EQ(test::run("openssl pkeyutl -verify -pubin -inkey '" + _dir.file("pub.pem") + "' -rawin -in '" + cert +
                        "' -sigfile '" + cert + ".sig' 2>&1"),
              "Signature Verified Successfully");
    auto ours = test::runReemploi({"--db", db, "cert", "verify", cert}, key);
    EXPECT_EQ(ours.exitCode, 0) << ours.out << ours.err;
}
