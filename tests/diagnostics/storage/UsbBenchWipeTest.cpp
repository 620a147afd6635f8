// The whole USB path under umockdev: the bench finds the emulated bridge by port, the device
// table gives its quirks, LibusbTransport detaches usb-storage and claims the interface, our
// Bulk-Only/SCSI/SAT code wipes the disk image behind it, and the kernel driver comes back.
#include <gtest/gtest.h>

#include <algorithm>

#include <reemploi/diagnostics/storage/BlockTarget.hpp>
#include <reemploi/diagnostics/storage/WipeRunner.hpp>

#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Migrations.hpp>
#include <reemploi/inventory/Units.hpp>

#include "diagnostics/storage/EmulatedSataBridge.hpp"
#include "diagnostics/storage/ReemploiProcess.hpp"
#include "diagnostics/storage/StorageTestSupport.hpp"
#include "support/usb/UsbTestbed.hpp"

using namespace reemploi;
using namespace reemploi::diagnostics::storage;
using reemploi::testing::usb::UsbTestbed;
namespace inv = reemploi::inventory;

namespace {

std::shared_ptr<test::EmulatedSataBridge> makeBridge(std::uint16_t productId) {
    auto b = std::make_shared<test::EmulatedSataBridge>(test::loadAtaDump("samsung-870-qvo-4tb.ata"), 4u << 20, productId);
    std::fill(b->image().begin(), b->image().end(), 0xA5);
    return b;
}

}  // namespace

TEST(UsbBenchWipe, WipesTheDiskBehindAnEmulatedBridgeThroughLibusb) {
    ASSERT_TRUE(UsbTestbed::inMockEnvironment()) << "run under umockdev-wrapper";
    UsbTestbed bed;
    auto bridge = makeBridge(0x0578);
    bed.plug(bridge, "1-1");
    {
        auto t = openTarget("usb:1-1", true);
        ASSERT_TRUE(t) << t.error().message;
        EXPECT_EQ((*t)->info().kind, "usb");
        EXPECT_EQ((*t)->info().serial, "S5STNF0W706332M");
        EXPECT_EQ(bridge->kernelDriver(0), "");  // usb-storage detached while we drive it
        auto smart = (*t)->smart();
        EXPECT_TRUE(smart.available) << smart.unavailableWhy;
        WipeOptions o;
        o.verification = Verification::Full;
        o.chunkBytes = 1 << 20;
        auto r = runWipe(**t, **findWipeMethod("clear-zero"), o);
        EXPECT_EQ(r.outcome, WipeOutcome::Passed) << r.failure;
    }
    EXPECT_TRUE(std::all_of(bridge->image().begin(), bridge->image().end(), [](auto c) { return c == 0; }));
    EXPECT_EQ(bridge->kernelDriver(0), "usb-storage");  // given back when the target closed
    EXPECT_TRUE(bridge->claimedInterfaces().empty());
}

TEST(UsbBenchWipe, ABridgeTheTableMarksWithoutPassThroughIsNotAskedForSmart) {
    ASSERT_TRUE(UsbTestbed::inMockEnvironment());
    UsbTestbed bed;
    auto bridge = makeBridge(0x0583);  // JMS583: no-ata-passthrough in diagnostics/data/devices.tsv
    bed.plug(bridge, "1-2");
    auto t = openTarget("usb:1-2", true);
    ASSERT_TRUE(t) << t.error().message;
    auto smart = (*t)->smart();
    EXPECT_FALSE(smart.available);
    EXPECT_NE(smart.unavailableWhy.find("device table"), std::string::npos) << smart.unavailableWhy;
    EXPECT_EQ((*t)->info().model, "Samsung SSD 870");  // INQUIRY only
    WipeOptions o;
    o.verification = Verification::Sample;
    o.chunkBytes = 1 << 20;
    auto r = runWipe(**t, **findWipeMethod("clear-random"), o);
    EXPECT_EQ(r.outcome, WipeOutcome::Passed) << r.failure;
}

TEST(UsbBenchWipe, UnknownPortsAndNonStorageDevicesAreRefusedByName) {
    ASSERT_TRUE(UsbTestbed::inMockEnvironment());
    UsbTestbed bed;
    bed.plug(reemploi::testing::usb::DescriptorBuilder(0x046d, 0xc077).interface(0x03, 0x01, 0x02).build(), "1-3");
    auto none = openTarget("usb:1-9", true);
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, Errc::NotFound);
    EXPECT_NE(none.error().message.find("1-9"), std::string::npos);
    auto mouse = openTarget("usb:1-3", true);
    ASSERT_FALSE(mouse);
    EXPECT_EQ(mouse.error().code, Errc::Refused);
    EXPECT_NE(mouse.error().message.find("not a mass-storage device"), std::string::npos) << mouse.error().message;
}

// `reemploi wipe usb:1-1` as a child process sharing this test's testbed: the record and the
// certificate carry the drive's own identity read through the bridge.
TEST(UsbBenchWipe, TheWipeCommandWipesAUsbTargetAndCertifiesTheDrive) {
    ASSERT_TRUE(UsbTestbed::inMockEnvironment());
    UsbTestbed bed;
    auto bridge = makeBridge(0x0578);
    bed.plug(bridge, "1-1");
    test::TempDir dir;
    auto dbPath = dir.file("reemploi.db");
    std::string tag;
    {
        auto db = inv::Database::open(dbPath);
        ASSERT_TRUE(db);
        ASSERT_TRUE(inv::migrate(**db));
        inv::Actor actor{"setup"};
        auto donor = inv::addDonor(**db, {"Lycée Ampère", inv::DonorKind::Administration, ""}, actor);
        auto donation = inv::addDonation(**db, {donor->id, "2026-11-20", "", ""}, actor);
        inv::NewUnit u;
        u.donationId = donation->id;
        u.kind = inv::UnitKind::Laptop;
        u.make = "Lenovo";
        u.serial = "PF0ABCDE";
        auto unit = inv::addUnit(**db, u, actor);
        ASSERT_TRUE(unit);
        tag = unit->tag;
    }
    auto cert = dir.file("c.json");
    auto r = test::runReemploi({"--db", dbPath, "wipe", "usb:1-1", "--unit", tag, "--method", "clear-zero", "--verify",
                                "sample", "--certificate", cert},
                               dir.file("key.pem"));
    ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
    EXPECT_TRUE(std::all_of(bridge->image().begin(), bridge->image().end(), [](auto c) { return c == 0; }));
    auto db = inv::Database::open(dbPath);
    ASSERT_TRUE(db);
    auto unit = inv::getUnit(**db, tag);
    ASSERT_TRUE(unit);
    ASSERT_EQ(unit->storage.size(), 1u);
    EXPECT_EQ(unit->storage[0].serial, "S5STNF0W706332M");
    EXPECT_EQ(unit->storage[0].model, "Samsung SSD 870 QVO 4TB");
    EXPECT_EQ(unit->storage[0].type, inv::MediumType::Flash);
    auto text = test::readFile(cert);
    std::string json(text.begin(), text.end());
    EXPECT_NE(json.find("\"serial\":\"S5STNF0W706332M\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"hidden_area\":\"none\""), std::string::npos) << json;
}
