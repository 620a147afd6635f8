// The wipe runner on real files and loop devices: nothing of the old content survives, the
// sample follows NIST SP 800-88, interruptions and short targets are never recorded as passed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <string_view>
#include <unordered_set>

#include <reemploi/diagnostics/storage/BlockTarget.hpp>
#include <reemploi/diagnostics/storage/PatternStream.hpp>
#include <reemploi/diagnostics/storage/WipeRunner.hpp>

#include "diagnostics/storage/StorageTestSupport.hpp"

using namespace reemploi;
using namespace reemploi::diagnostics::storage;

namespace {

// How many 512-byte sectors of `after` are a sector of `before` (anywhere).
std::size_t survivingSectors(const std::vector<unsigned char> &before, const std::vector<unsigned char> &after) {
    std::unordered_set<std::string_view> old;
    for (std::size_t i = 0; i + 512 <= before.size(); i += 512)
        old.insert(std::string_view(reinterpret_cast<const char *>(before.data() + i), 512));
    std::size_t n = 0;
    for (std::size_t i = 0; i + 512 <= after.size(); i += 512)
        n += old.count(std::string_view(reinterpret_cast<const char *>(after.data() + i), 512));
    return n;
}

const WipeMethod &method(std::string_view id) { return **findWipeMethod(id); }

WipeOptions quickOptions(Verification v) {
    WipeOptions o;
    o.verification = v;
    o.chunkBytes = 1 << 20;
    return o;
}

// A drive that lies: reads of one LBA return what was there before the wipe (as a drive that
// remaps a sector and keeps the stale copy would). Everything else reaches the real target.
class StaleSectorTarget final : public BlockTarget {
public:
    StaleSectorTarget(BlockTarget &inner, std::uint64_t lba) : _inner(inner), _lba(lba) {}
    const TargetInfo &info() const override { return _inner.info(); }
    std::size_t alignment() const override { return _inner.alignment(); }
    Status write(std::uint64_t offset, std::span<const std::byte> data) override { return _inner.write(offset, data); }
    Status flush() override { return _inner.flush(); }
    Status read(std::uint64_t offset, std::span<std::byte> data) override {
        REEMPLOI_TRY(_inner.read(offset, data));
        std::uint64_t at = _lba * 512;
        if (at >= offset && at < offset + data.size()) std::memset(data.data() + (at - offset), 0x5A, 512);
        return {};
    }

private:
    BlockTarget &_inner;
    std::uint64_t _lba;
};

}  // namespace

TEST(WipeMethods, TableStatesHonestNistLevels) {
    EXPECT_EQ(method("clear-zero").levelFor(false), NistLevel::Clear);
    EXPECT_EQ(method("clear-random").levelFor(true), NistLevel::Clear);
    EXPECT_EQ(method("purge-sanitize").levelFor(true), NistLevel::Purge);
    EXPECT_EQ(method("purge-secure-erase").levelFor(false), NistLevel::Purge);
    EXPECT_EQ(method("purge-secure-erase").levelFor(true), NistLevel::Clear);  // flash: only Clear
    auto unknown = findWipeMethod("dod-7-pass");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, Errc::InvalidInput);
    EXPECT_NE(unknown.error().message.find("clear-zero"), std::string::npos);
}

TEST(PatternStream, RandomStreamIsAddressableByOffsetAndFreshPerWipe) {
    PatternStream a(Pattern::Random), b(Pattern::Random);
    std::vector<std::byte> whole(1 << 16), part(4096), other(4096);
    a.fill(0, whole);
    a.fill(8192, part);
    EXPECT_EQ(std::memcmp(whole.data() + 8192, part.data(), part.size()), 0);
    b.fill(8192, other);
    EXPECT_NE(std::memcmp(part.data(), other.data(), part.size()), 0);
    std::set<std::byte> distinct(whole.begin(), whole.end());
    EXPECT_EQ(distinct.size(), 256u);
}

TEST(WipeRunner, ClearZeroOnAFileLeavesNoOriginalSector) {
    test::TempDir dir;
    auto path = dir.file("disk.img");
    auto before = test::writeRandomFile(path, (3 << 20) + 1000);  // an unaligned tail too
    {
        auto t = openTarget(path, true);
        ASSERT_TRUE(t);
        auto r = runWipe(**t, method("clear-zero"), quickOptions(Verification::Full));
        EXPECT_EQ(r.outcome, WipeOutcome::Passed) << r.failure;
        EXPECT_EQ(r.verificationResult, "passed");
        EXPECT_EQ(r.bytesWritten, before.size());
        EXPECT_EQ(r.bytesVerified, before.size());
        EXPECT_EQ(*r.lastLba, before.size() / 512 - 1);
        EXPECT_TRUE(r.errors.empty());
    }
    auto after = test::readFile(path);
    ASSERT_EQ(after.size(), before.size());
    EXPECT_TRUE(std::all_of(after.begin(), after.end(), [](unsigned char c) { return c == 0; }));
}

TEST(WipeRunner, ClearRandomOnALoopDeviceLeavesNoOriginalSector) {
    test::TempDir dir;
    auto backing = dir.file("backing.img");
    auto before = test::writeRandomFile(backing, 16 << 20);
    {
        test::LoopDevice loop(backing);
        ASSERT_TRUE(loop.ok());
        auto t = openTarget(loop.device(), true);
        ASSERT_TRUE(t) << t.error().message;
        int progressCalls = 0;
        auto options = quickOptions(Verification::Sample);
        options.progressInterval = std::chrono::milliseconds(0);
        options.onProgress = [&](const WipeProgress &p) {
            ++progressCalls;
            EXPECT_LE(p.bytesDone, p.bytesTotal);
            EXPECT_GE(p.percent, 0.0);
        };
        auto r = runWipe(**t, method("clear-random"), options);
        EXPECT_EQ(r.outcome, WipeOutcome::Passed) << r.failure;
        EXPECT_EQ(r.verificationResult, "passed");
        EXPECT_EQ(r.sampleSubsections, 1000u);
        EXPECT_GE(r.bytesVerified, before.size() / 10);
        EXPECT_GT(progressCalls, 0);
        EXPECT_EQ(r.level, NistLevel::Clear);
    }
    auto after = test::readFile(backing);
    ASSERT_EQ(after.size(), before.size());
    EXPECT_EQ(survivingSectors(before, after), 0u);
    EXPECT_FALSE(std::all_of(after.begin(), after.end(), [](unsigned char c) { return c == 0; }));
}

TEST(SamplePlan, CoversTenPercentInAThousandSubsectionsWithFirstAndLastLba) {
    for (std::uint64_t sectors : {10000ull, 123457ull, 1953525168ull /* a 1 TB disk */}) {
        auto plan = samplePlan(sectors, 7);
        ASSERT_EQ(plan.size(), 1000u);
        std::uint64_t covered = 0;
        for (std::size_t i = 0; i < plan.size(); ++i) {
            covered += plan[i].count;
            if (i) {
                EXPECT_GE(plan[i].lba, plan[i - 1].lba + plan[i - 1].count) << "overlap at " << i;
            }
        }
        EXPECT_EQ(plan.front().lba, 0u);
        EXPECT_EQ(plan.back().lba + plan.back().count, sectors);
        EXPECT_GE(covered * 10, sectors) << sectors;
    }
    EXPECT_NE(samplePlan(123457, 7)[500].lba, samplePlan(123457, 8)[500].lba);  // seeded, not fixed
    auto tiny = samplePlan(4000, 1);
    ASSERT_EQ(tiny.size(), 1u);
    EXPECT_EQ(tiny[0].count, 4000u);
}

TEST(WipeRunner, SampleVerificationCatchesAStaleFirstOrLastLba) {
    test::TempDir dir;
    auto path = dir.file("disk.img");
    test::writeRandomFile(path, 8 << 20);
    auto t = openTarget(path, true);
    ASSERT_TRUE(t);
    const std::uint64_t last = (8 << 20) / 512 - 1;
    for (std::uint64_t lba : {std::uint64_t(0), last}) {
        StaleSectorTarget liar(**t, lba);
        auto r = runWipe(liar, method("clear-zero"), quickOptions(Verification::Sample));
        EXPECT_EQ(r.outcome, WipeOutcome::Failed) << lba;
        EXPECT_EQ(r.verificationResult, "failed");
        ASSERT_EQ(r.errors.size(), 1u);
        EXPECT_EQ(r.errors[0].lba, lba);
        EXPECT_TRUE(r.recommendDestroy);
    }
}

TEST(WipeRunner, CancelStopsAsInterruptedWithTheLastLbaWritten) {
    test::TempDir dir;
    auto path = dir.file("disk.img");
    test::writeRandomFile(path, 32 << 20);
    auto t = openTarget(path, true);
    ASSERT_TRUE(t);
    diagnostics::CancelToken cancel;
    auto options = quickOptions(Verification::Full);
    options.cancel = &cancel;
    options.progressInterval = std::chrono::milliseconds(0);
    options.onProgress = [&](const WipeProgress &p) {
        if (p.bytesDone >= (4u << 20)) cancel.cancel();
    };
    auto r = runWipe(**t, method("clear-random"), options);
    EXPECT_EQ(r.outcome, WipeOutcome::Interrupted);
    ASSERT_TRUE(r.lastLba.has_value());
    EXPECT_GE(*r.lastLba, (4u << 20) / 512 - 1);
    EXPECT_LT(*r.lastLba, (32u << 20) / 512 - 1);
    EXPECT_EQ(r.verificationResult, "not run");
}

TEST(WipeRunner, AFileShorterThanItClaimsIsAFailedWipe) {
    test::TempDir dir;
    auto mount = dir.file("tiny");
    test::TinyTmpfs fs(mount, 1 << 20);
    ASSERT_TRUE(fs.ok()) << "cannot mount tmpfs (needs root)";
    auto path = mount + "/claims-8MiB.img";
    { std::ofstream(path).flush(); }
    ASSERT_EQ(::truncate(path.c_str(), 8 << 20), 0);
    auto t = openTarget(path, true);
    ASSERT_TRUE(t);
    auto r = runWipe(**t, method("clear-zero"), quickOptions(Verification::Sample));
    EXPECT_EQ(r.outcome, WipeOutcome::Failed);
    EXPECT_NE(r.failure.find("ends before its claimed size"), std::string::npos) << r.failure;
    ASSERT_TRUE(r.lastLba.has_value());
    EXPECT_LT(*r.lastLba, (1u << 20) / 512);
}

TEST(WipeRunner, ALoopDeviceShorterThanItClaimsIsAFailedWipe) {
    test::TempDir dir;
    auto mount = dir.file("tiny");
    test::TinyTmpfs fs(mount, 2 << 20);
    ASSERT_TRUE(fs.ok()) << "cannot mount tmpfs (needs root)";
    auto backing = mount + "/sparse.img";
    { std::ofstream(backing).flush(); }
    ASSERT_EQ(::truncate(backing.c_str(), 16 << 20), 0);
    test::LoopDevice loop(backing);
    ASSERT_TRUE(loop.ok());
    auto t = openTarget(loop.device(), true);
    ASSERT_TRUE(t) << t.error().message;
    EXPECT_EQ((*t)->info().sizeBytes, 16u << 20);
    auto r = runWipe(**t, method("clear-random"), quickOptions(Verification::Sample));
    EXPECT_EQ(r.outcome, WipeOutcome::Failed);
    EXPECT_NE(r.failure.find("claimed size"), std::string::npos) << r.failure;
    ASSERT_TRUE(r.lastLba.has_value());
    EXPECT_LT(*r.lastLba, (2u << 20) / 512);
}

TEST(WipeRunner, FirmwareMethodsAreRefusedOnAFileBeforeWriting) {
    test::TempDir dir;
    auto path = dir.file("disk.img");
    auto before = test::writeRandomFile(path, 1 << 20);
    auto t = openTarget(path, true);
    ASSERT_TRUE(t);
    auto st = checkWipeSupported(**t, method("purge-sanitize"));
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, Errc::Unsupported);
    auto r = runWipe(**t, method("purge-secure-erase"), quickOptions(Verification::Sample));
    EXPECT_EQ(r.outcome, WipeOutcome::Failed);
    EXPECT_EQ(r.bytesWritten, 0u);
    EXPECT_EQ(test::readFile(path), before);
}
