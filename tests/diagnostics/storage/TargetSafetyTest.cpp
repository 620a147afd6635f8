// What a wipe refuses before writing anything: the database, its companions and the key under
// any name (hard link, symlink), a loop device or partition whose file system holds them, the
// image behind such a loop device, a mounted file system, the disk the system runs from. Real
// loop devices, partition tables and ext4 mounts (the tests run as root).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <reemploi/diagnostics/storage/TargetSafety.hpp>

#include "diagnostics/storage/StorageTestSupport.hpp"
#include "support/Tools.hpp"

using namespace reemploi;
using namespace reemploi::diagnostics::storage;


namespace {

std::string refusal(const std::string &target, const TargetSafety &safety) {
    auto st = checkTargetIsSafe(target, safety);
    if (st) return "";
    EXPECT_EQ(st.error().code, Errc::Refused) << st.error().message;
    return st.error().message;
}

}  // namespace

TEST(TargetSafety, TheDatabaseItsCompanionsAndTheKeyAreRefusedUnderAnyName) {
    test::TempDir dir;
    auto db = dir.file("reemploi.db"), key = dir.file("keys/workshop.pem");
    std::filesystem::create_directories(dir.file("keys"));
    for (const auto &f : {db, db + "-wal", db + "-shm", key}) std::ofstream(f) << "x";
    TargetSafety safety{protectedFilesFor(db, key)};

    EXPECT_NE(refusal(db, safety).find("is the inventory database"), std::string::npos);
    EXPECT_NE(refusal(db + "-wal", safety).find("write-ahead log"), std::string::npos);
    EXPECT_NE(refusal(db + "-shm", safety).find("shared memory"), std::string::npos);
    EXPECT_NE(refusal(key, safety).find("signing key"), std::string::npos);
    // The same inode through a hard link and a symbolic link.
    std::filesystem::create_hard_link(db, dir.file("backup-looking.img"));
    std::filesystem::create_symlink(key, dir.file("disk.img"));
    EXPECT_NE(refusal(dir.file("backup-looking.img"), safety).find("inventory database"), std::string::npos);
    EXPECT_NE(refusal(dir.file("disk.img"), safety).find("signing key"), std::string::npos);
    // A copy is another file: it may be wiped.
    std::filesystem::copy_file(db, dir.file("copy.db"));
    EXPECT_TRUE(checkTargetIsSafe(dir.file("copy.db"), safety));
    EXPECT_TRUE(checkTargetIsSafe(dir.file("absent.img"), safety));  // opening it will say why not
}

TEST(TargetSafety, APartitionedLoopDeviceHoldingTheDatabaseIsRefusedWholeOrByPartition) {
    REQUIRE_TOOL("mkfs.ext4", "e2fsprogs");
    REQUIRE_TOOL("partx", "util-linux");
    test::TempDir dir;
    auto image = dir.file("disk.img");
    test::writePartitionedImage(image, 32 << 20);
    test::LoopDevice loop(image, true);
    ASSERT_TRUE(loop.ok());
    auto part = loop.device() + "p1";
    // A kernel built without MBR support does not read the table itself: partx hands it the
    // partition (BLKPG).
    if (!std::filesystem::exists(part)) test::run("partx -a " + loop.device() + " 2>&1");
    ASSERT_TRUE(std::filesystem::exists(part)) << part;
    ASSERT_EQ(std::system(("mkfs.ext4 -q -F " + part + " >/dev/null 2>&1").c_str()), 0);
    test::Mounted fs(part, dir.file("mnt"), "ext4");
    ASSERT_TRUE(fs.ok());
    auto db = dir.file("mnt/reemploi.db");
    std::ofstream(db) << "x";
    TargetSafety safety{protectedFilesFor(db, "")};

    auto whole = refusal(loop.device(), safety);
    EXPECT_NE(whole.find("holds the inventory database (" + db + ")"), std::string::npos) << whole;
    auto partition = refusal(part, safety);
    EXPECT_NE(partition.find("holds the inventory database"), std::string::npos) << partition;
    auto behind = refusal(image, safety);
    EXPECT_NE(behind.find("the file behind " + loop.device()), std::string::npos) << behind;
    EXPECT_NE(behind.find("inventory database"), std::string::npos) << behind;
}

TEST(TargetSafety, AMountedFileSystemIsRefusedAndTheSameDeviceUnmountedIsNot) {
    REQUIRE_TOOL("mkfs.ext4", "e2fsprogs");
    test::TempDir dir;
    auto image = dir.file("disk.img");
    { std::ofstream(image).flush(); }
    ASSERT_EQ(::truncate(image.c_str(), 16 << 20), 0);
    test::LoopDevice loop(image);
    ASSERT_TRUE(loop.ok());
    ASSERT_EQ(std::system(("mkfs.ext4 -q -F " + loop.device() + " >/dev/null 2>&1").c_str()), 0);
    TargetSafety safety;
    EXPECT_TRUE(checkTargetIsSafe(loop.device(), safety));
    EXPECT_TRUE(checkTargetIsSafe(image, safety));
    {
        test::Mounted fs(loop.device(), dir.file("mnt"), "ext4");
        ASSERT_TRUE(fs.ok());
        auto mounted = refusal(loop.device(), safety);
        EXPECT_NE(mounted.find("mounted at " + dir.file("mnt")), std::string::npos) << mounted;
        EXPECT_NE(mounted.find("unmount it first"), std::string::npos) << mounted;
        auto behind = refusal(image, safety);
        EXPECT_NE(behind.find("mounted at"), std::string::npos) << behind;
    }
    EXPECT_TRUE(checkTargetIsSafe(loop.device(), safety));
}

TEST(TargetSafety, TheDiskTheSystemRunsFromIsRefused) {
    REQUIRE_TOOL("mkfs.ext4", "e2fsprogs");
    test::TempDir dir;
    auto image = dir.file("root.img");
    { std::ofstream(image).flush(); }
    ASSERT_EQ(::truncate(image.c_str(), 16 << 20), 0);
    test::LoopDevice loop(image);
    ASSERT_TRUE(loop.ok());
    ASSERT_EQ(std::system(("mkfs.ext4 -q -F " + loop.device() + " >/dev/null 2>&1").c_str()), 0);
    test::Mounted fs(loop.device(), dir.file("root"), "ext4");
    ASSERT_TRUE(fs.ok());
    TargetSafety safety;
    safety.systemRoot = dir.file("root");  // as if the system ran from this loop device
    auto system = refusal(loop.device(), safety);
    EXPECT_NE(system.find("the disk the system runs from"), std::string::npos) << system;

    // The real one, through a device node of our own: checked, never opened.
    struct stat root {};
    ASSERT_EQ(::stat("/", &root), 0);
    if (major(root.st_dev) == 0) GTEST_SKIP() << "/ is not on a block device here (overlay, tmpfs)";
    auto node = dir.file("rootdev");
    ASSERT_EQ(::mknod(node.c_str(), S_IFBLK | 0600, root.st_dev), 0);
    auto real = refusal(node, TargetSafety{});
    EXPECT_NE(real.find("the disk the system runs from"), std::string::npos) << real;
}
