// The ATA command layer (AtaPassThrough, ScsiBlockTarget) over SG_IO, the second transport under
// the same commands as the USB bridges': a fake SG_IO device answers as the Samsung SSD 870 QVO
// whose real IDENTIFY and SMART data are kept in tests/fixtures/storage.
#include <gtest/gtest.h>

#include <reemploi/diagnostics/storage/AtaPassThrough.hpp>
#include <reemploi/diagnostics/storage/ScsiBlockTarget.hpp>
#include <reemploi/diagnostics/storage/SgIoTransport.hpp>

#include "diagnostics/probe/FakeSgIoDrive.hpp"

using namespace reemploi;
using namespace reemploi::diagnostics::storage;

namespace {

struct Drive {
    explicit Drive(std::size_t image = 8u << 20)
        : emulated(std::make_shared<test::EmulatedSataBridge>(test::loadAtaDump("samsung-870-qvo-4tb.ata"), image)),
          sg(emulated), scsi(sg, "/dev/sda") {}
    std::shared_ptr<test::EmulatedSataBridge> emulated;
    test::FakeSgIoDrive sg;
    SgIoTransport scsi;
};

}  // namespace

TEST(SgIo, IdentifyAndSmartOfTheRealDriveThroughAtaPassThrough) {
    Drive d;
    // The power-on UNIT ATTENTION comes first, as from any real disk: the target clears it.
    auto target = ScsiBlockTarget::open(d.scsi, {"/dev/sda"});
    ASSERT_TRUE(target) << target.error().message;
    const auto &info = (*target)->info();
    EXPECT_EQ(info.model, "Samsung SSD 870 QVO 4TB");
    EXPECT_EQ(info.serial, "S5STNF0W706332M");
    EXPECT_EQ(info.firmware, "SVQ02B6Q");
    EXPECT_EQ(info.rotational, false);
    auto smart = (*target)->smart();
    ASSERT_TRUE(smart.available) << smart.unavailableWhy;
    EXPECT_EQ(smart.healthy, true);
    EXPECT_EQ(smart.powerOnHours, 1379u);
    EXPECT_EQ(smart.wearPercentLeft, 99);
    EXPECT_GT(d.sg.calls, 4);
}

TEST(SgIo, ReadsAndWritesTheDriveThroughScsiBlockCommands) {
    Drive d(4u << 20);
    auto target = ScsiBlockTarget::open(d.scsi, {"/dev/sda"});
    ASSERT_TRUE(target) << target.error().message;
    EXPECT_EQ((*target)->info().sizeBytes, 4u << 20);
    AlignedBuffer buf(4096);
    std::memset(buf.data(), 0xA5, 4096);
    ASSERT_TRUE((*target)->write(8192, buf.span(4096)));
    EXPECT_EQ(static_cast<std::uint8_t>(d.emulated->image()[8192]), 0xA5);
    AlignedBuffer back(4096);
    ASSERT_TRUE((*target)->read(8192, back.span(4096)));
    EXPECT_EQ(std::memcmp(back.data(), buf.data(), 4096), 0);
}

TEST(SgIo, SanitizeReachesTheDriveAndErasesIt) {
    Drive d;
    d.emulated->enableSanitize();
    AtaPassThrough ata(d.scsi);
    (void)ata.identify();  // the UNIT ATTENTION is consumed by the first command
    auto id = ata.identify();
    ASSERT_TRUE(id) << id.error().message;
    EXPECT_TRUE(id->sanitizeSupported);
    std::memset(d.emulated->image().data(), 0x5A, d.emulated->image().size());
    ASSERT_TRUE(ata.sanitize(AtaPassThrough::SanitizeKind::BlockErase));
    AtaPassThrough::SanitizeStatus status;
    for (int i = 0; i < 100; ++i) {  // the emulated drive reports progress for a few polls
        auto s = ata.sanitizeStatus();
        ASSERT_TRUE(s) << s.error().message;
        status = *s;
        if (!status.inProgress) break;
    }
    EXPECT_TRUE(status.completedWithoutError);
    EXPECT_EQ(static_cast<std::uint8_t>(d.emulated->image()[12345]), 0);
}

TEST(SgIo, ADriveWithoutPassThroughAndAVanishedDiskAreNamed) {
    Drive d;
    d.emulated->passThrough = false;
    AtaPassThrough ata(d.scsi);
    (void)ata.identify();
    auto refused = ata.identify();
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::Unsupported);
    d.sg.gone = true;
    auto gone = ata.identify();
    ASSERT_FALSE(gone);
    EXPECT_NE(gone.error().message.find("/dev/sda: disconnected"), std::string::npos) << gone.error().message;
}
