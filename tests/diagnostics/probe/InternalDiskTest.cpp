// The wipe runner's firmware methods on internal disks: NVMe Sanitize and Format NVM through a
// controller answering from a real drive's recorded pages (the namespace is a file here), and ATA
// SANITIZE over SG_IO on the emulated drive of the real Samsung 870 QVO dump. The runner reads
// reference sectors first and checks them after: a drive that only pretends is caught.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include <reemploi/diagnostics/storage/InternalDisk.hpp>
#include <reemploi/diagnostics/storage/ScsiBlockTarget.hpp>
#include <reemploi/diagnostics/storage/WipeRunner.hpp>

#include "diagnostics/probe/FakeSgIoDrive.hpp"

using namespace reemploi;
using namespace reemploi::diagnostics::storage;
namespace fs = std::filesystem;

namespace {

std::vector<std::uint8_t> page(const std::string &name) {
    std::ifstream in(fs::path(REEMPLOI_TEST_FIXTURES) / "storage" / "nvme" / name);
    std::vector<std::uint8_t> out;
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream row(line.substr(line.find(':') + 1));
        for (std::string hex; row >> hex;) out.push_back(static_cast<std::uint8_t>(std::stoul(hex, nullptr, 16)));
    }
    return out;
}

// The recorded Samsung controller; its namespace is `file`, which Sanitize and Format erase
// (unless the drive only pretends).
class RecordedController final : public NvmeAdminDevice {
public:
    explicit RecordedController(std::string file) : _file(std::move(file)) {}
    bool pretends = false;
    std::vector<std::uint8_t> opcodes;

    Result<std::uint32_t> admin(const NvmeAdminCommand &c, std::span<std::uint8_t> data) override {
        opcodes.push_back(c.opcode);
        std::vector<std::uint8_t> answer;
        if (c.opcode == 0x06) answer = page((c.cdw10 & 0xff) == 1 ? "samsung-pm1733-id-ctrl.hex" : "id-ns-4k.hex");
        else if (c.opcode == 0x02 && (c.cdw10 & 0xff) == 0x02) answer = page("samsung-pm1733-smart-log.hex");
        else if (c.opcode == 0x02 && (c.cdw10 & 0xff) == 0x81) answer = page("sanitize-log-block-erase.hex");
        else if (c.opcode == 0x84 || c.opcode == 0x80) erase();
        std::copy_n(answer.begin(), std::min(answer.size(), data.size()), data.begin());
        return 0u;
    }

private:
    void erase() {
        if (pretends) return;
        auto size = fs::file_size(_file);
        std::ofstream(_file, std::ios::binary | std::ios::trunc) << std::string(size, '\0');
    }
    std::string _file;
};

struct Namespace {
    Namespace() {
        path = (fs::temp_directory_path() / ("reemploi-nvme-" + std::to_string(::getpid()) + ".img")).string();
        std::string data(4u << 20, '\0');
        for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 2654435761u) >> 13);
        std::ofstream(path, std::ios::binary) << data;
    }
    ~Namespace() { fs::remove(path); }
    bool allZero() const {
        std::ifstream in(path, std::ios::binary);
        std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        return s.find_first_not_of('\0') == std::string::npos;
    }
    std::string path;
};

WipeOptions sample() {
    WipeOptions o;
    o.verification = Verification::Sample;
    o.chunkBytes = 1 << 20;
    return o;
}

}  // namespace

TEST(InternalDisk, NvmeSanitizeThroughTheControllerIsPurgeAndVerified) {
    Namespace ns;
    auto file = openTarget(ns.path, true);
    ASSERT_TRUE(file) << file.error().message;
    auto controller = std::make_unique<RecordedController>(ns.path);
    auto *seen = controller.get();
    auto disk = withNvmeCommands(std::move(*file), std::move(controller), 1);
    const auto &m = **findWipeMethod("purge-nvme-sanitize");
    ASSERT_TRUE(checkWipeSupported(*disk, m));
    auto r = runWipe(*disk, m, sample());
    EXPECT_EQ(r.outcome, WipeOutcome::Passed) << r.failure;
    EXPECT_EQ(r.level, NistLevel::Purge);
    EXPECT_EQ(r.verificationResult, "passed");
    EXPECT_TRUE(ns.allZero());
    EXPECT_NE(std::find(seen->opcodes.begin(), seen->opcodes.end(), 0x84), seen->opcodes.end());
    auto smart = disk->smart();
    ASSERT_TRUE(smart.available) << smart.unavailableWhy;
    EXPECT_EQ(smart.powerOnHours, 408u);
    EXPECT_EQ(smart.wearPercentLeft, 100);
}

TEST(InternalDisk, NvmeFormatCryptoAndADriveThatOnlyPretends) {
    Namespace ns;
    auto controller = std::make_unique<RecordedController>(ns.path);
    controller->pretends = true;
    auto file = openTarget(ns.path, true);
    ASSERT_TRUE(file) << file.error().message;
    auto disk = withNvmeCommands(std::move(*file), std::move(controller), 1);
    auto r = runWipe(*disk, **findWipeMethod("purge-nvme-crypto-format"), sample());
    EXPECT_EQ(r.outcome, WipeOutcome::Failed);
    EXPECT_EQ(r.verificationResult, "failed") << r.failure;
    EXPECT_FALSE(ns.allZero());
}

TEST(InternalDisk, NvmeMethodsOnAFileOrAtaMethodsOnNvmeSayWhy) {
    Namespace ns;
    auto plain = openTarget(ns.path, true);
    ASSERT_TRUE(plain);
    auto refused = checkWipeSupported(**plain, **findWipeMethod("purge-nvme-sanitize"));
    ASSERT_FALSE(refused);
    auto nvme = withNvmeCommands(std::move(*plain), std::make_unique<RecordedController>(ns.path), 1);
    auto ata = checkWipeSupported(*nvme, **findWipeMethod("purge-sanitize"));
    ASSERT_FALSE(ata);
    EXPECT_NE(ata.error().message.find("purge-nvme-sanitize"), std::string::npos) << ata.error().message;
}

TEST(InternalDisk, AtaSanitizeOverSgIoWipesAndVerifies) {
    auto drive = std::make_shared<test::EmulatedSataBridge>(test::loadAtaDump("samsung-870-qvo-4tb.ata"), 8u << 20);
    drive->enableSanitize();
    for (std::size_t i = 0; i < drive->image().size(); ++i) drive->image()[i] = static_cast<std::uint8_t>(i * 7 + 3);
    test::FakeSgIoDrive sg(drive);
    SgIoTransport scsi(sg, "/dev/sda");
    auto target = ScsiBlockTarget::open(scsi, {"/dev/sda"});
    ASSERT_TRUE(target) << target.error().message;
    auto r = runWipe(**target, **findWipeMethod("purge-sanitize"), sample());
    EXPECT_EQ(r.outcome, WipeOutcome::Passed) << r.failure;
    EXPECT_EQ(r.level, NistLevel::Purge);
    EXPECT_EQ(drive->image()[4096], 0);
}

TEST(InternalDisk, SecurityEraseOverSgIoAndAFrozenInternalDiskSaysHowToUnfreezeIt) {
    {
        // Computers' firmware freezes security at boot: the wrapper of a kernel SATA disk says
        // what to do inside a computer (suspend and wake), and nothing is written.
        auto drive = std::make_shared<test::EmulatedSataBridge>(test::loadAtaDump("samsung-870-qvo-4tb.ata"), 8u << 20);
        Namespace file;  // the kernel's block I/O stands in as a file
        auto kernel = openTarget(file.path, true);
        ASSERT_TRUE(kernel) << kernel.error().message;
        auto disk = withAtaCommands(std::move(*kernel), std::make_unique<test::FakeSgIoDrive>(drive));
        auto st = checkWipeSupported(*disk, **findWipeMethod("purge-secure-erase"));
        ASSERT_FALSE(st);
        EXPECT_EQ(st.error().code, Errc::Refused);
        EXPECT_NE(st.error().message.find("suspend the computer and wake it"), std::string::npos) << st.error().message;
        auto smart = disk->smart();
        ASSERT_TRUE(smart.available) << smart.unavailableWhy;
        EXPECT_EQ(smart.powerOnHours, 1379u);
        EXPECT_FALSE(drive->securityEnabled());
    }
    auto drive = std::make_shared<test::EmulatedSataBridge>(test::loadAtaDump("samsung-870-qvo-4tb.ata"), 8u << 20);
    drive->powerCycle();  // woken unfrozen
    for (std::size_t i = 0; i < drive->image().size(); ++i) drive->image()[i] = static_cast<std::uint8_t>(i * 13 + 1);
    test::FakeSgIoDrive sg(drive);
    SgIoTransport scsi(sg, "/dev/sda");
    auto target = ScsiBlockTarget::open(scsi, {"/dev/sda"});
    ASSERT_TRUE(target) << target.error().message;
    auto r = runWipe(**target, **findWipeMethod("purge-secure-erase"), sample());
    EXPECT_EQ(r.outcome, WipeOutcome::Passed) << r.failure;
    EXPECT_EQ(r.level, NistLevel::Clear);  // an SSD: SECURITY ERASE may skip spare blocks
    EXPECT_TRUE(std::all_of(drive->image().begin(), drive->image().end(), [](auto c) { return c == 0; }));
    EXPECT_FALSE(drive->securityEnabled());
}
