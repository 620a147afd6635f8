// The probe on five real machines recorded as sysfs/procfs trees (tests/fixtures/probe, SOURCE in
// each): the snapshot's fields, and its JSON read back the same.
#include <filesystem>

#include <gtest/gtest.h>

#include <reemploi/diagnostics/probe/Probe.hpp>

using namespace reemploi::diagnostics::probe;
namespace fs = std::filesystem;

namespace {

Snapshot probe(const std::string &machine) {
    ProbeOptions options;
    options.root = fs::path(REEMPLOI_TEST_FIXTURES) / "probe" / machine;
    options.now = "2026-12-01T10:00:00.000Z";
    auto s = probeMachine(options);
    if (!s) throw std::runtime_error(s.error().message);
    return *s;
}

bool mentions(const Snapshot &s, const std::string &what) {
    for (const auto &u : s.unavailable)
        if (u.find(what) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST(RecordedMachines, ThinkPadT450WithTwoBatteries) {
    auto s = probe("lenovo-thinkpad-t450");
    EXPECT_EQ(s.machine.vendor, "LENOVO");
    EXPECT_EQ(s.machine.product, "20BUS00700");
    EXPECT_EQ(s.machine.model, "ThinkPad T450");
    EXPECT_EQ(s.machine.kind, "laptop");
    EXPECT_EQ(s.machine.biosDate, "2019-08-14");
    EXPECT_EQ(s.machine.serial, "");  // masked in the collection: no product_serial
    EXPECT_TRUE(mentions(s, "product_serial"));
    EXPECT_EQ(s.cpu.model, "Intel(R) Core(TM) i5-5300U CPU @ 2.30GHz");
    EXPECT_EQ(s.cpu.cores, 2);
    EXPECT_EQ(s.cpu.threads, 4);
    EXPECT_EQ(s.memory.totalMib, 16384);
    EXPECT_EQ(s.memory.source, "smbios");
    ASSERT_EQ(s.memory.modules.size(), 2u);
    EXPECT_EQ(s.memory.modules[1].locator, "ChannelB-DIMM0");
    ASSERT_EQ(s.batteries.size(), 2u);
    EXPECT_EQ(s.batteries[0].name, "BAT0");
    EXPECT_EQ(s.batteries[0].healthPercent, 82);  // 18930 of 23200 mWh
    EXPECT_EQ(s.batteries[1].healthPercent, 97);  // 22530 of 23200 mWh
    EXPECT_FALSE(s.batteries[1].cycleCount);      // not supported by the pack
    EXPECT_EQ(s.batteryHealthPercent(), 89);      // 41460 of 46400 mWh together
    ASSERT_EQ(s.screens.size(), 1u);              // the unplugged HDMI connector is not a screen
    EXPECT_TRUE(s.screens[0].internal);
    EXPECT_EQ(s.internalScreenInches(), 14.0);
    ASSERT_EQ(s.network.size(), 2u);  // lo has no device
    EXPECT_EQ(s.network[0].name, "enp0s25");
    EXPECT_EQ(s.network[0].kind, "wired");
    EXPECT_EQ(s.network[1].kind, "wireless");
    EXPECT_EQ(s.network[1].mac, "00:00:5e:00:53:02");
    ASSERT_EQ(s.disks.size(), 1u);  // loop0 left out
    EXPECT_EQ(s.disks[0].name, "sda");
    EXPECT_EQ(s.disks[0].transport, "sata");
    EXPECT_EQ(s.disks[0].model, "Samsung SSD 850");
    EXPECT_EQ(s.disks[0].sizeBytes, 250'059'350'016);
    EXPECT_FALSE(s.disks[0].rotational);
    EXPECT_TRUE(mentions(s, "disk sda: no serial"));
}

TEST(RecordedMachines, HpPavilionPowerChargeBattery) {
    auto s = probe("hp-pavilion-power-15-cb0xx");
    EXPECT_EQ(s.machine.vendor, "HP");
    EXPECT_EQ(s.machine.model, "HP Pavilion Power Laptop 15-cb0xx");
    EXPECT_EQ(s.machine.kind, "laptop");
    EXPECT_EQ(s.cpu.cores, 4);
    EXPECT_EQ(s.cpu.threads, 8);
    EXPECT_EQ(s.memory.totalMib, 16384);
    ASSERT_EQ(s.memory.modules.size(), 1u);
    EXPECT_EQ(s.memory.modules[0].type, "DDR4");
    ASSERT_EQ(s.batteries.size(), 1u);  // AC0 is mains
    EXPECT_EQ(s.batteries[0].unit, "µAh");
    EXPECT_EQ(s.batteries[0].designCapacity, 4'576'000);
    EXPECT_EQ(s.batteries[0].healthPercent, 100);
    EXPECT_EQ(s.batteries[0].status, "Full");
    EXPECT_EQ(s.internalScreenInches(), 15.6);
    EXPECT_EQ(s.screens[0].nativeWidth, 1920);
    ASSERT_EQ(s.disks.size(), 1u);
    EXPECT_EQ(s.disks[0].transport, "nvme");
    EXPECT_EQ(s.disks[0].model, "SAMSUNG KUS030202M-B000");
    EXPECT_EQ(s.disks[0].firmware, "DXY8AM1Q");
    EXPECT_EQ(s.disks[0].sizeBytes, 256'060'514'304);
}

TEST(RecordedMachines, ThinkPadX1ExtremeWornBatteryNoDrive) {
    auto s = probe("lenovo-thinkpad-x1-extreme");
    EXPECT_EQ(s.machine.model, "ThinkPad X1 Extreme");
    EXPECT_EQ(s.cpu.model, "Intel(R) Core(TM) i7-8850H CPU @ 2.60GHz");
    EXPECT_EQ(s.cpu.threads, 12);
    EXPECT_EQ(s.memory.totalMib, 32768);
    ASSERT_EQ(s.batteries.size(), 1u);  // the mouse's battery (scope Device) is not the computer's
    EXPECT_EQ(s.batteries[0].cycleCount, 326);
    EXPECT_EQ(s.batteries[0].healthPercent, 86);  // 69240 of 80400 mWh
    EXPECT_EQ(s.batteryHealthPercent(), 86);
    EXPECT_EQ(s.internalScreenInches(), 15.6);
    EXPECT_TRUE(s.disks.empty());
}

TEST(RecordedMachines, OptiPlexDesktopNoBattery) {
    auto s = probe("dell-optiplex-7010");
    EXPECT_EQ(s.machine.vendor, "Dell Inc.");
    EXPECT_EQ(s.machine.model, "OptiPlex 7010");
    EXPECT_EQ(s.machine.chassisType, 16);
    EXPECT_EQ(s.machine.kind, "desktop");
    EXPECT_EQ(s.machine.biosDate, "2013-01-10");
    EXPECT_EQ(s.memory.totalMib, 4096);
    EXPECT_TRUE(s.batteries.empty());
    EXPECT_FALSE(s.batteryHealthPercent());
    ASSERT_EQ(s.screens.size(), 1u);
    EXPECT_FALSE(s.screens[0].internal);  // a monitor on DisplayPort: not the unit's screen
    EXPECT_EQ(s.screens[0].name, "DELL U2412M");
    EXPECT_FALSE(s.internalScreenInches());
    ASSERT_EQ(s.disks.size(), 1u);
    EXPECT_EQ(s.disks[0].serial, "S5STNF0W706332M");
    EXPECT_EQ(s.disks[0].sizeBytes, 7'814'037'168LL * 512);
    EXPECT_EQ(s.disks[0].transport, "sata");
}

TEST(RecordedMachines, LatitudeBatteryWithoutDesignCapacity) {
    auto s = probe("dell-latitude-e7450");
    EXPECT_EQ(s.machine.model, "Latitude E7450");
    EXPECT_EQ(s.machine.kind, "laptop");
    EXPECT_EQ(s.memory.totalMib, 8192);
    ASSERT_EQ(s.batteries.size(), 1u);
    EXPECT_EQ(s.batteries[0].model, "DELL WV7G035");
    EXPECT_FALSE(s.batteries[0].designCapacity);
    EXPECT_FALSE(s.batteries[0].healthPercent);  // not measured, never 0 %
    EXPECT_FALSE(s.batteryHealthPercent());
    auto json = snapshotJson(s);
    EXPECT_NE(json.find(R"("health":"not measured")"), std::string::npos);
    EXPECT_NE(json.find(R"("health_percent":null)"), std::string::npos);
}

TEST(RecordedMachines, JsonReadsBackTheSameSnapshot) {
    for (const char *machine : {"lenovo-thinkpad-t450", "hp-pavilion-power-15-cb0xx", "lenovo-thinkpad-x1-extreme",
                                "dell-optiplex-7010", "dell-latitude-e7450"}) {
        auto s = probe(machine);
        auto json = snapshotJson(s);
        EXPECT_NE(json.find(R"("schema_version":2)"), std::string::npos);
        auto back = parseSnapshotJson(json);
        ASSERT_TRUE(back) << machine << ": " << back.error().message;
        EXPECT_EQ(snapshotJson(*back), json) << machine;
    }
}

TEST(RecordedMachines, RootThatIsNotASystemIsRefused) {
    ProbeOptions options;
    options.root = fs::path(REEMPLOI_TEST_FIXTURES) / "probe";
    auto s = probeMachine(options);
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("not the root of a Linux system"), std::string::npos);
}
