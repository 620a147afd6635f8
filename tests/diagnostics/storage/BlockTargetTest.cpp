// BlockTarget on regular files and loop devices: geometry, identity, I/O, exclusive open.
#include <gtest/gtest.h>

#include <cstring>
#include <set>

#include <reemploi/diagnostics/storage/BlockTarget.hpp>

#include "diagnostics/storage/StorageTestSupport.hpp"

using namespace reemploi;
using namespace reemploi::diagnostics::storage;

TEST(BlockTarget, RegularFileReportsSizeAndRoundTripsAlignedIo) {
    test::TempDir dir;
    auto path = dir.file("disk.img");
    test::writeRandomFile(path, 1 << 20);
    auto t = openTarget(path, true);
    ASSERT_TRUE(t) << t.error().message;
    auto &target = **t;
    EXPECT_EQ(target.info().kind, "file");
    EXPECT_EQ(target.info().sizeBytes, 1u << 20);
    EXPECT_EQ(target.info().mediaType(), "other");

    AlignedBuffer out(8192, target.alignment()), in(8192, target.alignment());
    std::memset(out.data(), 0xA5, out.size());
    ASSERT_TRUE(target.write(65536, out.span(8192)));
    ASSERT_TRUE(target.read(65536, in.span(8192)));
    EXPECT_EQ(std::memcmp(out.data(), in.data(), 8192), 0);
    ASSERT_TRUE(target.flush());
}

TEST(BlockTarget, LoopDeviceReportsGeometryFromTheKernel) {
    test::TempDir dir;
    auto backing = dir.file("backing.img");
    test::writeRandomFile(backing, 8 << 20);
    test::LoopDevice loop(backing);
    ASSERT_TRUE(loop.ok()) << "losetup failed";
    auto t = openTarget(loop.device(), true);
    ASSERT_TRUE(t) << t.error().message;
    const auto &info = (*t)->info();
    EXPECT_EQ(info.kind, "loop");
    EXPECT_EQ(info.sizeBytes, 8u << 20);
    EXPECT_EQ(info.logicalSectorSize, 512u);
    EXPECT_GE(info.physicalSectorSize, 512u);
    EXPECT_TRUE(info.rotational.has_value());
    EXPECT_EQ(info.serial, backing);  // a loop device is known by its backing file
    EXPECT_EQ(info.sectorCount(), (8u << 20) / 512);
}

TEST(BlockTarget, BlockDeviceIsOpenedExclusively) {
    test::TempDir dir;
    auto backing = dir.file("backing.img");
    test::writeRandomFile(backing, 1 << 20);
    test::LoopDevice loop(backing);
    ASSERT_TRUE(loop.ok());
    auto first = openTarget(loop.device(), true);
    ASSERT_TRUE(first) << first.error().message;
    auto second = openTarget(loop.device(), true);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, Errc::Refused);
    EXPECT_NE(second.error().message.find("in use"), std::string::npos) << second.error().message;
    first = makeError(Errc::Internal, "closed");  // releases the device
    EXPECT_TRUE(openTarget(loop.device(), true));
}

TEST(BlockTarget, MissingPathAndDirectoryAreNamed) {
    auto missing = openTarget("/nonexistent/disk.img", false);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, Errc::NotFound);
    EXPECT_NE(missing.error().message.find("/nonexistent/disk.img"), std::string::npos);
    test::TempDir dir;
    auto directory = openTarget(dir.path().string(), false);
    ASSERT_FALSE(directory);
    EXPECT_EQ(directory.error().code, Errc::InvalidInput);
}

TEST(BlockTarget, ReadPastTheEndOfAFileIsAShortRead) {
    test::TempDir dir;
    auto path = dir.file("small.img");
    test::writeRandomFile(path, 4096);
    auto t = openTarget(path, false);
    ASSERT_TRUE(t);
    AlignedBuffer in(8192);
    auto st = (*t)->read(0, in.span(8192));
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find("short read at byte 4096"), std::string::npos) << st.error().message;
}

#include <reemploi/diagnostics/storage/StorageDiagnostics.hpp>

namespace {

// A drive with unreadable sectors: reads touching them fail with a media error, as a disk's
// pending sectors do; the rest reads through to a real file.
class BadSectorsTarget final : public BlockTarget {
public:
    BadSectorsTarget(BlockTarget &inner, std::set<std::uint64_t> bad) : _inner(inner), _bad(std::move(bad)) {}
    const TargetInfo &info() const override { return _inner.info(); }
    Status write(std::uint64_t offset, std::span<const std::byte> data) override { return _inner.write(offset, data); }
    Status flush() override { return _inner.flush(); }
    Status read(std::uint64_t offset, std::span<std::byte> data) override {
        for (auto lba : _bad)
            if (lba * 512 >= offset && lba * 512 < offset + data.size())
                return makeError(Errc::Device, "read error at byte " + std::to_string(lba * 512) +
                                                   ": MEDIUM ERROR: unrecovered read error (asc 0x11, ascq 0x00)");
        return _inner.read(offset, data);
    }

private:
    BlockTarget &_inner;
    std::set<std::uint64_t> _bad;
};

}  // namespace

TEST(SurfaceScan, ReadsEverythingAndNamesTheUnreadableLbas) {
    test::TempDir dir;
    auto path = dir.file("disk.img");
    test::writeRandomFile(path, 16 << 20);
    auto t = openTarget(path, false);
    ASSERT_TRUE(t);
    BadSectorsTarget disk(**t, {0, 5000, 5001, (16u << 20) / 512 - 1});
    SurfaceOptions o;
    o.chunkBytes = 1 << 20;
    auto scan = surfaceScan(disk, o);
    EXPECT_EQ(scan.bytesRead, 16u << 20);
    EXPECT_EQ(scan.unreadableCount, 4u);
    EXPECT_EQ(scan.unreadableLbas, (std::vector<std::uint64_t>{0, 5000, 5001, (16u << 20) / 512 - 1}));
    EXPECT_FALSE(scan.interrupted);
    EXPECT_GT(scan.mbPerSecond, 0);
    StorageReport report;
    report.info = disk.info();
    report.surface = scan;
    auto json = toJson(report);
    EXPECT_NE(json.find("\"unreadable_lbas\":[0,5000,5001,32767]"), std::string::npos) << json;
}
