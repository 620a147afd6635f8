// The USB mass-storage path: our Bulk-Only Transport, SCSI and SAT code against an emulated
// USB-SATA bridge with a disk image behind it, answering with a real drive's IDENTIFY and SMART.
#include <gtest/gtest.h>

#include <algorithm>

#include <reemploi/diagnostics/storage/AtaPassThrough.hpp>
#include <reemploi/diagnostics/storage/BulkOnlyTransport.hpp>
#include <reemploi/diagnostics/storage/ScsiBlockTarget.hpp>
#include <reemploi/diagnostics/storage/WipeRunner.hpp>

#include "diagnostics/storage/DirectUsbTransport.hpp"
#include "diagnostics/storage/EmulatedSataBridge.hpp"

using namespace reemploi;
using namespace reemploi::diagnostics::storage;

namespace {

constexpr std::size_t kImage = 8u << 20;

struct Bench {
    explicit Bench(std::size_t image = kImage)
        : bridge(std::make_shared<test::EmulatedSataBridge>(test::loadAtaDump("samsung-870-qvo-4tb.ata"), image)),
          usb(bridge), bot(usb, 0, test::EmulatedSataBridge::kIn, test::EmulatedSataBridge::kOut) {
        // Random content: what the donor left on the disk.
        std::uint64_t x = 0x9e3779b97f4a7c15ULL;
        for (auto &b : bridge->image()) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            b = static_cast<std::uint8_t>(x);
        }
    }
    Result<std::unique_ptr<ScsiBlockTarget>> open(bool passThrough = true) {
        ScsiTargetOptions o;
        o.path = "usb:1-1";
        o.ataPassThrough = passThrough;
        return ScsiBlockTarget::open(bot, o);
    }
    std::shared_ptr<test::EmulatedSataBridge> bridge;
    test::DirectUsbTransport usb;
    BulkOnlyTransport bot;
};

WipeOptions options(Verification v) {
    WipeOptions o;
    o.verification = v;
    o.chunkBytes = 1 << 20;
    return o;
}

}  // namespace

TEST(UsbMassStorage, IdentifiesTheDriveBehindTheBridge) {
    Bench b;
    auto t = b.open();
    ASSERT_TRUE(t) << t.error().message;
    const auto &info = (*t)->info();
    EXPECT_EQ(info.kind, "usb");
    EXPECT_EQ(info.sizeBytes, kImage);
    EXPECT_EQ(info.logicalSectorSize, 512u);
    EXPECT_EQ(info.model, "Samsung SSD 870 QVO 4TB");
    EXPECT_EQ(info.serial, "S5STNF0W706332M");
    EXPECT_EQ(info.firmware, "SVQ02B6Q");
    ASSERT_TRUE(info.rotational.has_value());
    EXPECT_FALSE(*info.rotational);
    EXPECT_EQ(info.mediaType(), "flash");
    EXPECT_EQ((*t)->inquiry().vendor, "ATA");  // SAT: the bridge speaks for an ATA drive
    EXPECT_EQ((*t)->inquiry().product, "Samsung SSD 870");
    ASSERT_TRUE((*t)->ataIdentity());
    EXPECT_TRUE((*t)->ataIdentity()->trimSupported);
    EXPECT_TRUE((*t)->ataIdentity()->securitySupported);
}

TEST(UsbMassStorage, ReadsSmartFromARealDrivesDump) {
    Bench b;
    auto t = b.open();
    ASSERT_TRUE(t);
    auto s = (*t)->smart();
    ASSERT_TRUE(s.available) << s.unavailableWhy;
    EXPECT_EQ(s.attributes.size(), 14u);
    ASSERT_TRUE(s.healthy.has_value());
    EXPECT_TRUE(*s.healthy);
    EXPECT_EQ(s.reallocated, 0u);
    EXPECT_EQ(s.powerOnHours, 1379u);  // 0x563, as CrystalDiskInfo showed
    EXPECT_EQ(s.uncorrectable, 0u);
    EXPECT_EQ(s.wearPercentLeft, 99);
}

TEST(UsbMassStorage, AFullWipeThroughOurBulkOnlyCodeLeavesNothing) {
    Bench b;
    auto before = b.bridge->image();
    auto t = b.open();
    ASSERT_TRUE(t);
    auto r = runWipe(**t, **findWipeMethod("clear-random"), options(Verification::Full));
    EXPECT_EQ(r.outcome, WipeOutcome::Passed) << r.failure;
    EXPECT_EQ(r.bytesVerified, kImage);
    EXPECT_EQ(r.level, NistLevel::Clear);
    const auto &after = b.bridge->image();
    std::size_t same = 0;
    for (std::size_t i = 0; i < kImage; i += 512)
        same += std::equal(after.begin() + i, after.begin() + i + 512, before.begin() + i);
    EXPECT_EQ(same, 0u);
    EXPECT_EQ(b.bot.resetRecoveries(), 0);
}

TEST(UsbMassStorage, AStalledCswIsClearedAndReadAgain) {
    Bench b;
    auto t = b.open();
    ASSERT_TRUE(t);
    b.bridge->stallNextCswRead = 1;
    std::vector<std::byte> buf(4096);
    ASSERT_TRUE((*t)->read(0, buf));
    EXPECT_EQ(std::memcmp(buf.data(), b.bridge->image().data(), buf.size()), 0);
    EXPECT_EQ(b.usb.clearHalts, 1);
    EXPECT_EQ(b.bot.resetRecoveries(), 0);
}

TEST(UsbMassStorage, AStalledDataStageIsClearedAndTheCommandFailsWithItsSense) {
    Bench b;
    auto t = b.open();
    ASSERT_TRUE(t);
    b.bridge->stallNextDataIn = 1;
    std::array<std::uint8_t, 10> read10 = {0x28, 0, 0, 0, 0, 0, 0, 0, 8, 0};
    std::vector<std::uint8_t> buf(4096);
    auto st = b.bot.execute(read10, DataDirection::In, buf, std::chrono::milliseconds(1000));
    ASSERT_TRUE(st) << st.error().message;
    EXPECT_TRUE(st->checkCondition);
    EXPECT_EQ(st->sense.key, sense::AbortedCommand);
    EXPECT_NE(st->sense.describe().find("ABORTED COMMAND"), std::string::npos);
    // The pipe is usable again: the same read now succeeds.
    st = b.bot.execute(read10, DataDirection::In, buf, std::chrono::milliseconds(1000));
    ASSERT_TRUE(st);
    EXPECT_FALSE(st->checkCondition);
    EXPECT_EQ(st->transferred, 4096u);
}

TEST(UsbMassStorage, APhaseErrorTriggersResetRecoveryAndARetry) {
    Bench b;
    auto t = b.open();
    ASSERT_TRUE(t);
    b.bridge->phaseErrorNext = 1;
    std::vector<std::byte> data(8192, std::byte{0x42});
    ASSERT_TRUE((*t)->write(1 << 20, data));
    EXPECT_EQ(b.bot.resetRecoveries(), 1);
    EXPECT_EQ(b.bridge->classResets(), 1);
    EXPECT_GE(b.usb.clearHalts, 2);  // both endpoints, per the BOT spec
    EXPECT_EQ(b.bridge->image()[(1 << 20) + 100], 0x42);
}

TEST(UsbMassStorage, ABridgeWithoutPassThroughStillWipes) {
    Bench b;
    b.bridge->passThrough = false;
    auto t = b.open();
    ASSERT_TRUE(t) << t.error().message;
    EXPECT_FALSE((*t)->ataIdentity());
    EXPECT_NE((*t)->ataUnavailableWhy().find("does not pass ATA commands through"), std::string::npos)
        << (*t)->ataUnavailableWhy();
    EXPECT_EQ((*t)->info().model, "Samsung SSD 870");  // what INQUIRY says, 16 characters
    auto s = (*t)->smart();
    EXPECT_FALSE(s.available);
    EXPECT_FALSE(s.unavailableWhy.empty());
    auto r = runWipe(**t, **findWipeMethod("clear-zero"), options(Verification::Sample));
    EXPECT_EQ(r.outcome, WipeOutcome::Passed) << r.failure;
    EXPECT_TRUE(std::all_of(b.bridge->image().begin(), b.bridge->image().end(), [](auto c) { return c == 0; }));
}

TEST(UsbMassStorage, AYankedBridgeFailsTheWipeWithTheLastLba) {
    Bench b;
    auto t = b.open();
    ASSERT_TRUE(t);
    b.bridge->disconnectAfterWrites = 3;  // 3 MiB in
    auto r = runWipe(**t, **findWipeMethod("clear-zero"), options(Verification::Sample));
    EXPECT_EQ(r.outcome, WipeOutcome::Failed);
    EXPECT_NE(r.failure.find("disconnected"), std::string::npos) << r.failure;
    ASSERT_TRUE(r.lastLba.has_value());
    EXPECT_EQ(*r.lastLba, (3u << 20) / 512 - 1);
}

TEST(UsbMassStorage, ADriveClaimingMoreThanItHoldsFailsAtItsRealEnd) {
    Bench b;
    b.bridge->setCapacitySectors(2 * kImage / 512);  // a "16 MiB" drive with 8 MiB behind it
    auto t = b.open();
    ASSERT_TRUE(t);
    EXPECT_EQ((*t)->info().sizeBytes, 2 * kImage);
    auto r = runWipe(**t, **findWipeMethod("clear-zero"), options(Verification::Sample));
    EXPECT_EQ(r.outcome, WipeOutcome::Failed);
    EXPECT_NE(r.failure.find("claimed size"), std::string::npos) << r.failure;
    ASSERT_TRUE(r.lastLba.has_value());
    EXPECT_EQ(*r.lastLba, kImage / 512 - 1);
}

TEST(Sense, FixedAndDescriptorFormatsAreDecoded) {
    std::vector<std::uint8_t> fixed = {0x70, 0, 0x03, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x11, 0x00, 0, 0, 0, 0};
    auto s = parseSense(fixed);
    EXPECT_EQ(s.describe(), "MEDIUM ERROR: unrecovered read error (asc 0x11, ascq 0x00)");
    std::vector<std::uint8_t> desc = {0x72, 0x01, 0x00, 0x1d, 0, 0, 0, 14, 0x09, 0x0c, 0, 0,
                                      0,    0,    0,    0,    0, 0x4f, 0, 0xc2, 0, 0x50};
    auto d = parseSense(desc);
    EXPECT_EQ(d.key, sense::RecoveredError);
    ASSERT_TRUE(d.ataReturn);
    EXPECT_EQ((*d.ataReturn)[13], 0x50);
    EXPECT_FALSE(parseSense(std::vector<std::uint8_t>{0x70, 0, 3}).valid);  // truncated
}

TEST(AtaIdentify, ACorruptedDumpIsRefusedNamingTheChecksum) {
    auto dump = test::loadAtaDump("samsung-870-qvo-4tb.ata");
    auto ok = parseIdentify(dump.identify);
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->sectors, 7814037168u);  // 4 TB, as the drive reports it
    EXPECT_EQ(ok->model, "Samsung SSD 870 QVO 4TB");
    dump.identify[54] ^= 0x01;
    auto bad = parseIdentify(dump.identify);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("word 255"), std::string::npos);
    dump.smart[3] ^= 0x10;
    auto badSmart = parseSmartData(dump.smart);
    ASSERT_FALSE(badSmart);
    EXPECT_NE(badSmart.error().message.find("byte 511"), std::string::npos);
    EXPECT_FALSE(parseInquiry(std::vector<std::uint8_t>(20, 0)));
}

TEST(UsbMassStorage, SecureEraseOfAFrozenDriveIsRefusedBeforeAnythingChanges) {
    Bench b;
    auto before = b.bridge->image();
    auto t = b.open();
    ASSERT_TRUE(t);
    const auto &m = **findWipeMethod("purge-secure-erase");
    auto st = checkWipeSupported(**t, m);
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, Errc::Refused);
    EXPECT_NE(st.error().message.find("frozen"), std::string::npos) << st.error().message;
    auto r = runWipe(**t, m, options(Verification::Sample));
    EXPECT_EQ(r.outcome, WipeOutcome::Failed);
    EXPECT_EQ(b.bridge->image(), before);
    EXPECT_FALSE(b.bridge->securityEnabled());
}

TEST(UsbMassStorage, SecureEraseAfterAPowerCycleErasesAndIsOnlyClearOnFlash) {
    Bench b;
    b.bridge->powerCycle();
    auto t = b.open();
    ASSERT_TRUE(t);
    auto r = runWipe(**t, **findWipeMethod("purge-secure-erase"), options(Verification::Sample));
    EXPECT_EQ(r.outcome, WipeOutcome::Passed) << r.failure;
    EXPECT_EQ(r.level, NistLevel::Clear);  // an SSD: secure erase may skip spare blocks
    EXPECT_EQ(r.verificationResult, "passed");
    EXPECT_TRUE(std::all_of(b.bridge->image().begin(), b.bridge->image().end(), [](auto c) { return c == 0; }));
    EXPECT_FALSE(b.bridge->securityEnabled());  // the throwaway password went with the erase
}

TEST(UsbMassStorage, SanitizeIsRefusedOnADriveWithoutItAndPurgesOneWithIt) {
    {
        Bench b;
        auto t = b.open();
        ASSERT_TRUE(t);
        auto st = checkWipeSupported(**t, **findWipeMethod("purge-sanitize"));
        ASSERT_FALSE(st);
        EXPECT_EQ(st.error().code, Errc::Unsupported);
        EXPECT_NE(st.error().message.find("does not support ATA SANITIZE"), std::string::npos) << st.error().message;
    }
    Bench b;
    b.bridge->enableSanitize();
    auto t = b.open();
    ASSERT_TRUE(t);
    std::vector<std::string> phases;
    auto o = options(Verification::Full);
    o.progressInterval = std::chrono::milliseconds(0);
    o.onProgress = [&](const WipeProgress &p) {
        if (phases.empty() || phases.back() != p.phase) phases.push_back(p.phase);
    };
    auto r = runWipe(**t, **findWipeMethod("purge-sanitize"), o);
    EXPECT_EQ(r.outcome, WipeOutcome::Passed) << r.failure;
    EXPECT_EQ(r.level, NistLevel::Purge);
    EXPECT_EQ(r.bytesVerified, kImage);
    EXPECT_EQ(phases, (std::vector<std::string>{"erase", "verify"}));
    EXPECT_TRUE(std::all_of(b.bridge->image().begin(), b.bridge->image().end(), [](auto c) { return c == 0; }));
}

TEST(UsbMassStorage, ADriveThatOnlyClaimsToSanitizeFailsVerification) {
    Bench b;
    b.bridge->enableSanitize();
    b.bridge->sanitizeDoesNothing = true;
    auto t = b.open();
    ASSERT_TRUE(t);
    auto r = runWipe(**t, **findWipeMethod("purge-sanitize"), options(Verification::Sample));
    EXPECT_EQ(r.outcome, WipeOutcome::Failed);
    EXPECT_EQ(r.verificationResult, "failed");
    ASSERT_FALSE(r.errors.empty());
    EXPECT_EQ(r.errors[0].lba, 0u);
    EXPECT_NE(r.errors[0].message.find("still holds its content"), std::string::npos);
    EXPECT_TRUE(r.recommendDestroy);
}

TEST(UsbMassStorage, AHiddenAreaIsRestoredBeforeTheWipeAndRecorded) {
    Bench b;
    b.bridge->hideSectors(2048);  // the last MiB hidden behind an HPA
    auto t = b.open();
    ASSERT_TRUE(t);
    EXPECT_EQ((*t)->info().sizeBytes, kImage - (1u << 20));
    auto hidden = (*t)->hiddenSectors();
    ASSERT_TRUE(hidden) << hidden.error().message;
    EXPECT_EQ(*hidden, 2048u);
    auto r = runWipe(**t, **findWipeMethod("clear-zero"), options(Verification::Sample));
    EXPECT_EQ(r.outcome, WipeOutcome::Passed) << r.failure;
    EXPECT_EQ(r.hiddenArea, "restored 2048 sectors");
    EXPECT_EQ(r.bytesWritten, kImage);  // the hidden MiB too
    EXPECT_TRUE(std::all_of(b.bridge->image().begin(), b.bridge->image().end(), [](auto c) { return c == 0; }));
}

TEST(UsbMassStorage, ALockedHiddenAreaFailsTheWipeBeforeWriting) {
    Bench b;
    b.bridge->hideSectors(2048);
    b.bridge->allowSetMax = false;
    auto before = b.bridge->image();
    auto t = b.open();
    ASSERT_TRUE(t);
    auto r = runWipe(**t, **findWipeMethod("clear-zero"), options(Verification::Sample));
    EXPECT_EQ(r.outcome, WipeOutcome::Failed);
    EXPECT_NE(r.failure.find("hidden area (HPA) of 2048 sectors"), std::string::npos) << r.failure;
    EXPECT_EQ(r.bytesWritten, 0u);
    EXPECT_EQ(b.bridge->image(), before);
}

TEST(UsbMassStorage, SectorsBehindADcoAreFoundAndGivenBackBeforeTheWipe) {
    Bench b;
    b.bridge->dcoHideSectors(4096);  // 2 MiB configured away by a DCO
    auto t = b.open();
    ASSERT_TRUE(t);
    EXPECT_EQ((*t)->info().sizeBytes, kImage - (2u << 20));
    auto hidden = (*t)->hiddenSectors();
    ASSERT_TRUE(hidden) << hidden.error().message;
    EXPECT_EQ(*hidden, 4096u);
    auto r = runWipe(**t, **findWipeMethod("clear-zero"), options(Verification::Sample));
    EXPECT_EQ(r.outcome, WipeOutcome::Passed) << r.failure;
    EXPECT_EQ(r.hiddenArea, "restored 4096 sectors");
    EXPECT_TRUE(std::all_of(b.bridge->image().begin(), b.bridge->image().end(), [](auto c) { return c == 0; }));
}

TEST(UsbMassStorage, AFrozenDcoFailsTheWipeBeforeWriting) {
    Bench b;
    b.bridge->dcoHideSectors(4096);
    b.bridge->dcoFrozen = true;
    auto before = b.bridge->image();
    auto t = b.open();
    ASSERT_TRUE(t);
    auto r = runWipe(**t, **findWipeMethod("clear-zero"), options(Verification::Sample));
    EXPECT_EQ(r.outcome, WipeOutcome::Failed);
    EXPECT_NE(r.failure.find("DEVICE CONFIGURATION RESTORE"), std::string::npos) << r.failure;
    EXPECT_EQ(b.bridge->image(), before);
}
