// A snapshot carrying the bench stick's own wipes (schema 2), imported over a real database
// (SQLite, and PostgreSQL as `pg:`): a certificate signed on the machine is verified and kept as
// is; a record without one is checked and signed at import by the bench; a forged signature, a
// serial of no disk of the snapshot and a level above the method's are refused naming the field,
// with nothing imported; the same snapshot twice records nothing new; the lifecycle and the audit
// replay see the records as a dock wipe's.
#include <filesystem>

#include <gtest/gtest.h>

#include <reemploi/diagnostics/probe/InPlaceWipe.hpp>
#include <reemploi/diagnostics/probe/Probe.hpp>
#include <reemploi/diagnostics/probe/SnapshotImport.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Lifecycle.hpp>
#include <reemploi/inventory/Sanitization.hpp>

#include "inventory/InventoryFixture.hpp"

using namespace reemploi;
using namespace reemploi::inventory;
using namespace reemploi::diagnostics::probe;
using diagnostics::storage::certificateFieldsOf;
using diagnostics::storage::kSignedAtImport;
using diagnostics::storage::kSignedOnTheMachine;
using diagnostics::storage::WorkshopKey;
namespace fs = std::filesystem;

namespace {

// The ThinkPad T450 of the public collection, its SATA SSD given the serial its unit records.
Snapshot t450(const std::string &serial) {
    ProbeOptions options;
    options.root = fs::path(REEMPLOI_TEST_FIXTURES) / "probe" / "lenovo-thinkpad-t450";
    options.now = "2026-12-01T10:00:00.000Z";
    auto s = probeMachine(options);
    if (!s) throw std::runtime_error(s.error().message);
    s->machine.serial = serial;
    for (auto &d : s->disks)
        if (d.name == "sda") d.serial = "S3Z-" + serial;
    return *s;
}

const Disk &sda(const Snapshot &s) {
    for (const auto &d : s.disks)
        if (d.name == "sda") return d;
    throw std::runtime_error("no sda");
}

// What `probe wipe --out` records for a clear-zero of the whole disk, verified by sampling.
InPlaceWipe clearZero(const Snapshot &s) {
    const Disk &d = sda(s);
    InPlaceWipe w;
    w.disk = d.name;
    w.model = d.model;
    w.serial = d.serial;
    w.firmware = d.firmware;
    w.mediaType = "ssd";
    w.sizeBytes = d.sizeBytes;
    w.hiddenArea = "not checked: no ATA access to a file";
    w.method = "clear-zero";
    w.level = "clear";
    w.passes = {"zero"};
    w.verification = "sample";
    w.verificationResult = "passed";
    w.bytesVerified = d.sizeBytes / 10;
    w.sampleSubsections = 1000;
    w.result = "passed";
    w.startedAt = "2026-12-01T09:00:00.000Z";
    w.endedAt = "2026-12-01T09:41:40.000Z";
    w.durationSeconds = 2500;
    w.bytesWritten = d.sizeBytes;
    w.throughputMBps = 100.02;
    w.lastLba = d.sizeBytes / 512 - 1;
    w.operatorName = "tom";
    return w;
}

class InPlaceWipeImport : public test::InventoryFixture {
protected:
    void SetUp() override {
        InventoryFixture::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        std::string pattern = (fs::temp_directory_path() / "reemploi-keys-XXXXXX").string();
        dir = mkdtemp(pattern.data());
        benchKey = dir + "/workshop-ed25519.pem";
        ASSERT_TRUE(WorkshopKey::loadOrCreate(benchKey));
        NewUnit u;
        u.donationId = makeDonation();
        u.kind = UnitKind::Laptop;
        u.make = "Lenovo";
        u.serial = "PF0STICK";
        unit = addUnit(*db, u, actor).value();
    }
    void TearDown() override {
        if (!dir.empty()) fs::remove_all(dir);
    }

    ImportSigning bench() const { return {benchKey, {"Atelier du Rhône", "atelier@example.org", "Lyon"}}; }

    // Signs the record as a stick holding the key at `keyPath` does.
    void signOnStick(InPlaceWipe &w, const std::string &keyPath) {
        auto key = WorkshopKey::loadOrCreate(keyPath);
        ASSERT_TRUE(key);
        InPlaceWipeConfig stick;
        stick.operatorName = "tom";
        stick.workshop = {"Atelier du Rhône", "atelier@example.org", "Lyon"};
        auto st = signOnMachine(w, *key, stick);
        ASSERT_TRUE(st) << st.error().message;
    }

    std::string withWipe(Snapshot s, const InPlaceWipe &w) {
        s.wipes.push_back(w);
        return snapshotJson(s);
    }

    std::int64_t events() {
        auto st = db->prepare("SELECT COUNT(*) FROM events");
        st->step();
        return st->getInt(0);
    }
    std::int64_t records() {
        auto st = db->prepare("SELECT COUNT(*) FROM sanitization_records");
        st->step();
        return st->getInt(0);
    }

    std::string sanitizationPayload() {
        auto list = listEvents(*db, "unit", unit.tag);
        EXPECT_TRUE(list);
        for (const auto &e : *list)
            if (e.action == "sanitization_recorded") return e.payload;
        return {};
    }

    void replayAgrees() {
        auto report = verifyAudit(*db);
        ASSERT_TRUE(report) << report.error().message;
        EXPECT_TRUE(report->ok()) << report->disagreement.value_or("chain or anchor");
    }

    // Refused with InvalidInput naming `needle`, and nothing imported: no event, no record, the
    // unit's values as they were.
    void refusedNaming(const std::string &json, const std::string &needle) {
        auto before = events();
        auto refused = importSnapshot(*db, json, std::nullopt, trainee, bench());
        ASSERT_FALSE(refused);
        EXPECT_EQ(refused.error().code, Errc::InvalidInput);
        EXPECT_NE(refused.error().message.find(needle), std::string::npos) << refused.error().message;
        EXPECT_EQ(events(), before);
        EXPECT_EQ(records(), 0);
        auto u = getUnit(*db, unit.tag).value();
        EXPECT_FALSE(u.specs.ramMib);
        EXPECT_TRUE(u.storage.empty());
    }

    std::string dir, benchKey;
    Unit unit;
    Actor trainee{"lea", Role::Trainee};
};

TEST_F(InPlaceWipeImport, ACertificateSignedOnTheMachineIsVerifiedAndKeptAsIs) {
    auto s = t450("PF0STICK");
    auto w = clearZero(s);
    signOnStick(w, benchKey);  // the stick holds the workshop's key
    auto imported = importSnapshot(*db, withWipe(s, w), std::nullopt, trainee, bench());
    ASSERT_TRUE(imported) << imported.error().message;
    ASSERT_EQ(imported->wipes.size(), 1u);
    const auto &got = imported->wipes[0];
    EXPECT_EQ(got.signedWhere, kSignedOnTheMachine);
    EXPECT_FALSE(got.alreadyRecorded);
    EXPECT_EQ(got.record.certificateJson, w.certificate);  // stored as signed, byte for byte
    EXPECT_EQ(got.record.result, SanitizationResult::Passed);
    EXPECT_EQ(got.record.identityEvidence, "serial");

    auto u = getUnit(*db, unit.tag).value();
    ASSERT_EQ(u.storage.size(), 1u);
    EXPECT_EQ(got.mediumId, u.storage[0].id);
    auto byCertificate = getSanitizationByCertificate(*db, got.record.certificateId);
    ASSERT_TRUE(byCertificate) << byCertificate.error().message;
    EXPECT_EQ(byCertificate->mediumId, u.storage[0].id);
    auto media = mediaSanitization(*db, u);
    ASSERT_TRUE(media);
    EXPECT_TRUE(media->allSanitized);
    EXPECT_NE(sanitizationPayload().find("certificate signed on the machine"), std::string::npos) << sanitizationPayload();
    // The lifecycle's "wiped before ready" sees it as a dock wipe.
    ASSERT_TRUE(setStatus(*db, unit.tag, UnitStatus::Diagnosed, "probed", actor));
    auto wiped = setStatus(*db, unit.tag, UnitStatus::Wiped, "wiped in place", actor);
    EXPECT_TRUE(wiped) << wiped.error().message;
    replayAgrees();
}

TEST_F(InPlaceWipeImport, WithoutAKeyOnTheStickTheBenchChecksAndSignsAtImport) {
    auto s = t450("PF0STICK");
    auto imported = importSnapshot(*db, withWipe(s, clearZero(s)), std::nullopt, trainee, bench());
    ASSERT_TRUE(imported) << imported.error().message;
    ASSERT_EQ(imported->wipes.size(), 1u);
    const auto &got = imported->wipes[0];
    EXPECT_EQ(got.signedWhere, kSignedAtImport);
    auto fields = certificateFieldsOf(got.record.certificateJson);
    ASSERT_TRUE(fields) << fields.error().message;
    EXPECT_EQ(fields->signedWhere, std::string(kSignedAtImport));
    EXPECT_EQ(fields->unitTag, unit.tag);  // the bench knows the unit and its source
    EXPECT_EQ(fields->donor, "Acme SA");
    EXPECT_EQ(fields->serial, "S3Z-PF0STICK");
    EXPECT_EQ(fields->method, "clear-zero");
    EXPECT_EQ(fields->verificationMethod, "sample");
    EXPECT_EQ(fields->startedAt, "2026-12-01T09:00:00.000Z");
    EXPECT_EQ(fields->sanitizedBy.name, "tom");
    EXPECT_TRUE(fields->auditHead);
    auto key = WorkshopKey::load(benchKey).value();
    auto signature = key.sign(got.record.certificateJson).value();
    EXPECT_TRUE(diagnostics::storage::verifyCertificate(got.record.certificateJson, signature, key).valid);
    EXPECT_NE(sanitizationPayload().find("signed at import by the bench after checking"), std::string::npos)
        << sanitizationPayload();
    EXPECT_TRUE(mediaSanitization(*db, getUnit(*db, unit.tag).value())->allSanitized);
    replayAgrees();
}

TEST_F(InPlaceWipeImport, ATamperedOrForeignSignatureIsRefusedAndNothingIsImported) {
    auto s = t450("PF0STICK");
    auto w = clearZero(s);
    signOnStick(w, benchKey);
    auto changedText = w;
    auto at = changedText.certificate.find("\"zero\"");
    ASSERT_NE(at, std::string::npos);
    changedText.certificate.replace(at, 6, "\"one\" ");  // a pass that never ran
    refusedNaming(withWipe(s, changedText), "wipes[0].signature: does not verify with the workshop's key");
    auto flipped = w;
    flipped.signature[10] = flipped.signature[10] == '0' ? '1' : '0';
    refusedNaming(withWipe(s, flipped), "wipes[0].signature");
    auto foreign = clearZero(s);
    signOnStick(foreign, dir + "/another-ed25519.pem");  // a key that is not the workshop's
    refusedNaming(withWipe(s, foreign), "wipes[0].signature: does not verify");
    // Signed on a stick told another unit's tag (--unit): not this unit's certificate.
    auto otherUnit = clearZero(s);
    {
        auto key = WorkshopKey::loadOrCreate(benchKey).value();
        InPlaceWipeConfig stick;
        stick.unitTag = "RE-999999";
        ASSERT_TRUE(signOnMachine(otherUnit, key, stick));
    }
    refusedNaming(withWipe(s, otherUnit), "wipes[0].certificate: signed for RE-999999, but the snapshot is " + unit.tag + "'s");
    // A record changed after signing: the certificate verifies but no longer says the same.
    auto edited = w;
    edited.endedAt = "2026-12-01T09:50:00.000Z";
    refusedNaming(withWipe(s, edited), "wipes[0].ended_at: the record says");
}

TEST_F(InPlaceWipeImport, ASerialOfNoDiskOfTheSnapshotIsRefused) {
    auto s = t450("PF0STICK");
    auto w = clearZero(s);
    w.serial = "S3Z-SOMEONE-ELSE";
    refusedNaming(withWipe(s, w), "wipes[0].serial: \"S3Z-SOMEONE-ELSE\" is not the serial of a disk of this snapshot");
    auto signedForeign = clearZero(s);
    signedForeign.serial = "S3Z-SOMEONE-ELSE";
    signOnStick(signedForeign, benchKey);  // even signed with the workshop's key
    refusedNaming(withWipe(s, signedForeign), "wipes[0].serial");
    auto none = clearZero(s);
    none.serial.clear();
    refusedNaming(withWipe(s, none), "wipes[0].serial: none");
}

TEST_F(InPlaceWipeImport, ALevelAboveTheMethodsIsRefused) {
    auto s = t450("PF0STICK");
    auto w = clearZero(s);
    w.level = "purge";  // an overwrite is Clear, on any disk
    refusedNaming(withWipe(s, w), "wipes[0].level: purge is above what clear-zero reaches on sda (clear)");
    auto signedInflated = clearZero(s);
    signedInflated.level = "purge";
    signOnStick(signedInflated, benchKey);
    refusedNaming(withWipe(s, signedInflated), "wipes[0].level: purge is above");
    // SECURITY ERASE is Purge on a hard disk only: on this SSD it is Clear.
    auto secureErase = clearZero(s);
    secureErase.method = "purge-secure-erase";
    secureErase.level = "purge";
    refusedNaming(withWipe(s, secureErase), "wipes[0].level: purge is above what purge-secure-erase reaches on sda (clear)");
}

TEST_F(InPlaceWipeImport, OtherIncoherentRecordsAreRefusedNamingTheField) {
    auto s = t450("PF0STICK");
    auto unknown = clearZero(s);
    unknown.method = "clear-magic";
    refusedNaming(withWipe(s, unknown), "wipes[0].method: \"clear-magic\" is not a disk method");
    auto unverified = clearZero(s);
    unverified.verificationResult = "failed";
    refusedNaming(withWipe(s, unverified), "wipes[0].verification_result");
    auto backwards = clearZero(s);
    backwards.endedAt = "2026-12-01T08:00:00.000Z";
    refusedNaming(withWipe(s, backwards), "wipes[0].ended_at: 2026-12-01T08:00:00.000Z is before started_at");
    auto future = clearZero(s);
    future.endedAt = "2999-01-01T00:00:00.000Z";
    refusedNaming(withWipe(s, future), "wipes[0].ended_at: 2999-01-01T00:00:00.000Z is after now");
    auto smaller = clearZero(s);
    smaller.sizeBytes -= 4096;
    refusedNaming(withWipe(s, smaller), "wipes[0].size_bytes");
    auto outcome = clearZero(s);
    outcome.result = "mostly";
    refusedNaming(withWipe(s, outcome), "wipes[0].result");
}

TEST_F(InPlaceWipeImport, TheSameSnapshotTwiceRecordsNothingNew) {
    auto s = t450("PF0STICK");
    auto signedHere = clearZero(s);
    signOnStick(signedHere, benchKey);
    auto failedFirst = clearZero(s);  // an earlier try, interrupted: recorded too, never certified
    failedFirst.result = "interrupted";
    failedFirst.verificationResult = "not run";
    failedFirst.startedAt = "2026-12-01T08:00:00.000Z";
    failedFirst.endedAt = "2026-12-01T08:10:00.000Z";
    failedFirst.failure = "stopped by a signal";
    s.wipes = {failedFirst, signedHere};
    auto json = snapshotJson(s);
    auto first = importSnapshot(*db, json, std::nullopt, trainee, bench());
    ASSERT_TRUE(first) << first.error().message;
    ASSERT_EQ(first->wipes.size(), 2u);
    EXPECT_EQ(first->wipes[0].record.result, SanitizationResult::Interrupted);
    EXPECT_TRUE(first->wipes[0].record.certificateId.empty());
    EXPECT_EQ(records(), 2);
    auto before = events();
    auto second = importSnapshot(*db, json, std::nullopt, trainee, bench());
    ASSERT_TRUE(second) << second.error().message;
    ASSERT_EQ(second->wipes.size(), 2u);
    EXPECT_TRUE(second->wipes[0].alreadyRecorded);
    EXPECT_TRUE(second->wipes[1].alreadyRecorded);
    EXPECT_EQ(second->wipes[1].record.id, first->wipes[1].record.id);
    EXPECT_EQ(records(), 2);
    EXPECT_EQ(events(), before);
    // An unsigned record, signed at import the first time, is not signed again.
    auto unsignedOne = clearZero(s);
    unsignedOne.startedAt = "2026-12-01T09:45:00.000Z";
    unsignedOne.endedAt = "2026-12-01T10:20:00.000Z";
    s.wipes = {unsignedOne};
    ASSERT_TRUE(importSnapshot(*db, snapshotJson(s), std::nullopt, trainee, bench()));
    auto again = importSnapshot(*db, snapshotJson(s), std::nullopt, trainee, bench());
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_TRUE(again->wipes[0].alreadyRecorded);
    EXPECT_EQ(again->wipes[0].signedWhere, kSignedAtImport);
    EXPECT_EQ(records(), 3);
    replayAgrees();
}

TEST_F(InPlaceWipeImport, APassedRecordNeedsTheBenchsKeyToBeSigned) {
    auto s = t450("PF0STICK");
    auto json = withWipe(s, clearZero(s));
    auto before = events();
    auto refused = importSnapshot(*db, json, std::nullopt, trainee, ImportSigning{});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::Refused);
    EXPECT_NE(refused.error().message.find("REEMPLOI_KEY"), std::string::npos) << refused.error().message;
    auto signedHere = clearZero(s);
    signOnStick(signedHere, benchKey);
    auto unchecked = importSnapshot(*db, withWipe(s, signedHere), std::nullopt, trainee, ImportSigning{});
    ASSERT_FALSE(unchecked);
    EXPECT_EQ(unchecked.error().code, Errc::Refused);
    EXPECT_NE(unchecked.error().message.find("wipes[0].signature: cannot be checked without the workshop key"),
              std::string::npos)
        << unchecked.error().message;
    EXPECT_EQ(events(), before);
    EXPECT_EQ(records(), 0);
}

}  // namespace

TEST(SnapshotSchema, VersionOneIsStillReadAndVersionTwoCarriesTheWipes) {
    auto one = parseSnapshotJson(R"({"schema_version": 1, "machine": {"vendor": "LENOVO", "serial": "PF0OLD"}})");
    ASSERT_TRUE(one) << one.error().message;
    EXPECT_EQ(one->schemaVersion, 1);
    EXPECT_TRUE(one->wipes.empty());
    auto oneWithWipes = parseSnapshotJson(R"({"schema_version": 1, "machine": {}, "wipes": []})");
    ASSERT_FALSE(oneWithWipes);
    EXPECT_NE(oneWithWipes.error().message.find("wipes: not in schema_version 1"), std::string::npos);
    auto three = parseSnapshotJson(R"({"schema_version": 3, "machine": {}})");
    ASSERT_FALSE(three);
    EXPECT_NE(three.error().message.find("schema_version 3 is not 1 to 2"), std::string::npos) << three.error().message;

    Snapshot s;
    s.probedAt = "2026-12-01T10:00:00.000Z";
    s.disks.push_back({"nvme0n1", "SAMSUNG MZVLB512", "S4EWNX0M", "EXA7301Q", 512'110'190'592, false, false, "nvme", {}});
    InPlaceWipe w;
    w.disk = "nvme0n1";
    w.serial = "S4EWNX0M";
    w.method = "purge-nvme-sanitize";
    w.level = "purge";
    w.result = "passed";
    w.lastLba = 42;
    w.errors = {{7, "read error"}};
    w.certificate = "{}";
    w.signature = "00";
    s.wipes = {w};
    auto json = snapshotJson(s);
    EXPECT_NE(json.find("\"schema_version\":2"), std::string::npos) << json;
    auto back = parseSnapshotJson(json);
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_EQ(back->wipes.size(), 1u);
    EXPECT_EQ(back->wipes[0].method, "purge-nvme-sanitize");
    EXPECT_EQ(back->wipes[0].lastLba, 42);
    ASSERT_EQ(back->wipes[0].errors.size(), 1u);
    EXPECT_EQ(back->wipes[0].errors[0].message, "read error");
    EXPECT_EQ(snapshotJson(*back), json);
    auto negative = parseSnapshotJson(R"({"schema_version": 2, "machine": {}, "wipes": [{"bytes_written": -1}]})");
    ASSERT_FALSE(negative);
    EXPECT_NE(negative.error().message.find("wipes[0]."), std::string::npos) << negative.error().message;
}
