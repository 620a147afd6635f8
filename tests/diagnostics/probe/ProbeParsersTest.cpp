// The probe's parsers on their own: EDID, the SMBIOS table, cpuinfo, meminfo, batteries, the
// snapshot's JSON; and the clear errors bad input gets.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include <reemploi/diagnostics/probe/Edid.hpp>
#include <reemploi/diagnostics/probe/Probe.hpp>
#include <reemploi/diagnostics/probe/Smbios.hpp>
#include <reemploi/diagnostics/probe/Snapshot.hpp>

using namespace reemploi::diagnostics::probe;
namespace fs = std::filesystem;

namespace {

std::vector<std::uint8_t> bytes(const fs::path &relative) {
    std::ifstream in(fs::path(REEMPLOI_TEST_FIXTURES) / "probe" / relative, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST(Edid, RealPanelSizeAndResolution) {
    auto e = parseEdid(bytes("lenovo-thinkpad-t450/sys/class/drm/card0-eDP-1/edid"));
    ASSERT_TRUE(e) << e.error().message;
    EXPECT_EQ(e->manufacturer, "AUO");
    EXPECT_EQ(e->nativeWidth, 1366);
    EXPECT_EQ(e->nativeHeight, 768);
    EXPECT_EQ(e->widthMm, 309);
    EXPECT_EQ(e->heightMm, 174);
    EXPECT_DOUBLE_EQ(*e->diagonalInches, 14.0);
}

TEST(Edid, MonitorNameDescriptor) {
    auto e = parseEdid(bytes("dell-optiplex-7010/sys/class/drm/card0-DP-1/edid"));
    ASSERT_TRUE(e) << e.error().message;
    EXPECT_EQ(e->manufacturer, "DEL");
    EXPECT_EQ(e->name, "DELL U2412M");
    EXPECT_EQ(e->nativeWidth, 1920);
    EXPECT_EQ(e->nativeHeight, 1200);
    EXPECT_DOUBLE_EQ(*e->diagonalInches, 24.1);
}

TEST(Edid, WrongChecksumNamesTheByte) {
    auto b = bytes("lenovo-thinkpad-t450/sys/class/drm/card0-eDP-1/edid");
    b[127] ^= 0x01;
    auto e = parseEdid(b);
    ASSERT_FALSE(e);
    EXPECT_NE(e.error().message.find("checksum byte 127"), std::string::npos) << e.error().message;
}

TEST(Edid, ShortBlockAndWrongHeaderAreRefused) {
    auto b = bytes("lenovo-thinkpad-t450/sys/class/drm/card0-eDP-1/edid");
    auto shortBlock = parseEdid(std::span(b.data(), 100));
    ASSERT_FALSE(shortBlock);
    EXPECT_NE(shortBlock.error().message.find("100 bytes"), std::string::npos);
    b[3] = 0x00;
    auto header = parseEdid(b);
    ASSERT_FALSE(header);
    EXPECT_NE(header.error().message.find("byte 3"), std::string::npos) << header.error().message;
}

TEST(Smbios, MemoryModulesOfARealTable) {
    auto m = parseSmbiosMemory(bytes("lenovo-thinkpad-x1-extreme/sys/firmware/dmi/tables/DMI"));
    ASSERT_TRUE(m) << m.error().message;
    ASSERT_EQ(m->size(), 2u);
    EXPECT_EQ((*m)[0].sizeMib, 16384);
    EXPECT_EQ((*m)[0].type, "DDR4");
    EXPECT_EQ((*m)[0].speedMts, 2667);
    EXPECT_EQ((*m)[0].locator, "ChannelA-DIMM0");
    EXPECT_EQ((*m)[1].manufacturer, "Micron");
}

TEST(Smbios, EmptySlotsAreLeftOut) {
    auto m = parseSmbiosMemory(bytes("dell-optiplex-7010/sys/firmware/dmi/tables/DMI"));
    ASSERT_TRUE(m) << m.error().message;
    ASSERT_EQ(m->size(), 1u);
    EXPECT_EQ((*m)[0].sizeMib, 4096);
    EXPECT_EQ((*m)[0].type, "DDR3");
}

TEST(Smbios, CutTableNamesTheStructure) {
    auto b = bytes("lenovo-thinkpad-x1-extreme/sys/firmware/dmi/tables/DMI");
    auto m = parseSmbiosMemory(std::span(b.data(), 20));
    ASSERT_FALSE(m);
    EXPECT_NE(m.error().message.find("structure at byte 0 (type 17) runs past the end"), std::string::npos)
        << m.error().message;
}

TEST(Cpuinfo, CoresAreDistinctCoreIds) {
    auto c = parseCpuinfo("processor\t: 0\nmodel name\t: Intel(R) Core(TM)  i3-3225 CPU\nphysical id\t: 0\ncore id\t: 0\n\n"
                          "processor\t: 1\nmodel name\t: Intel(R) Core(TM)  i3-3225 CPU\nphysical id\t: 0\ncore id\t: 0\n\n"
                          "processor\t: 2\nphysical id\t: 0\ncore id\t: 1\n");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->threads, 3);
    EXPECT_EQ(c->cores, 2);
    EXPECT_EQ(c->model, "Intel(R) Core(TM) i3-3225 CPU");
}

// Fuzz finding (probe_machine): a processor entry whose "processor" line is unreadable (bytes
// before the key) left its core id to be counted before the first entry: more cores than threads.
TEST(Cpuinfo, FuzzFindingCoreIdsBeforeTheFirstEntryCountNoCore) {
    auto c = parseCpuinfo("\x01\x02processor\t: 0\nphysical id\t: 0\ncore id\t: 0\n\n"
                          "processor\t: 1\nphysical id\t: 0\ncore id\t: 1\n");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->threads, 1);
    EXPECT_EQ(c->cores, 1);
    EXPECT_LE(c->cores, c->threads);
}

TEST(Cpuinfo, BadInputNamesTheLine) {
    auto none = parseCpuinfo("model name : x\n");
    ASSERT_FALSE(none);
    EXPECT_NE(none.error().message.find("no \"processor\""), std::string::npos);
    auto garbage = parseCpuinfo("processor : 0\nthis line has no colon\n");
    ASSERT_FALSE(garbage);
    EXPECT_NE(garbage.error().message.find("line 2"), std::string::npos) << garbage.error().message;
}

TEST(Meminfo, TotalAndInstalledEstimate) {
    auto kib = parseMemTotalKib("MemTotal:        3938424 kB\nMemFree:          123 kB\n");
    ASSERT_TRUE(kib);
    EXPECT_EQ(*kib, 3938424);
    EXPECT_EQ(estimateInstalledMib(*kib), 4096);          // 3846 MiB seen: a 4 GiB machine
    EXPECT_EQ(estimateInstalledMib(16'303'000), 16384);
    EXPECT_EQ(estimateInstalledMib(1'000'000), 1024);     // below 2 GiB, half-GiB steps
    auto bad = parseMemTotalKib("MemTotal: lots\n");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("MemTotal"), std::string::npos);
}

TEST(Battery, NoDesignCapacityIsNotMeasuredNeverZero) {
    auto zero = parseBattery("BAT0", {{"type", "Battery"}, {"energy_full_design", "0"}, {"energy_full", "41000000"}});
    EXPECT_FALSE(zero.healthPercent);
    auto missing = parseBattery("BAT0", {{"type", "Battery"}, {"charge_full", "3000000"}});
    EXPECT_FALSE(missing.healthPercent);
    EXPECT_EQ(missing.unit, "µAh");
    auto over = parseBattery("BAT0", {{"energy_full_design", "93960000"}, {"energy_full", "94860000"}});
    EXPECT_EQ(over.healthPercent, 100);  // a new pack can report more than its design: full health, not more
}

TEST(Chassis, KindsAndDates) {
    EXPECT_EQ(chassisKind(10), "laptop");
    EXPECT_EQ(chassisKind(31), "laptop");
    EXPECT_EQ(chassisKind(16), "desktop");
    EXPECT_EQ(chassisKind(30), "tablet");
    EXPECT_EQ(chassisKind(23), "other");
    EXPECT_EQ(isoBiosDate("08/14/2019"), "2019-08-14");
    EXPECT_EQ(isoBiosDate("2019"), "");
    EXPECT_TRUE(placeholderSerial("To be filled by O.E.M."));
    EXPECT_TRUE(placeholderSerial("0000000"));
    EXPECT_FALSE(placeholderSerial("PF0ABCDE"));
    std::string page = std::string("\0\x80\0\x14", 4) + "     S5STNF0W706332M";
    EXPECT_EQ(parseVpdSerial(page), "S5STNF0W706332M");
}

TEST(SnapshotJson, RefusesAnotherSchemaAndNamesTheMember) {
    auto other = parseSnapshotJson(R"({"schema_version": 3, "machine": {}})");
    ASSERT_FALSE(other);
    EXPECT_NE(other.error().message.find("schema_version 3"), std::string::npos);
    auto none = parseSnapshotJson(R"({"machine": {}})");
    ASSERT_FALSE(none);
    EXPECT_NE(none.error().message.find("schema_version"), std::string::npos);
    auto badDisk = parseSnapshotJson(R"({"schema_version": 1, "machine": {}, "disks": [{"size_bytes": "big"}]})");
    ASSERT_FALSE(badDisk);
    EXPECT_NE(badDisk.error().message.find("disks[0].size_bytes"), std::string::npos) << badDisk.error().message;
    auto notJson = parseSnapshotJson("{");
    ASSERT_FALSE(notJson);
    EXPECT_NE(notJson.error().message.find("not JSON"), std::string::npos);
}

TEST(SnapshotJson, DiskHealthReadsBackAndBadValuesAreNamed) {
    Snapshot s;
    s.probedAt = "2026-12-01T10:00:00.000Z";
    Disk d;
    d.name = "nvme0n1";
    d.transport = "nvme";
    d.sizeBytes = 512'110'190'592;
    DiskHealth h;
    h.available = true;
    h.healthy = true;
    h.powerOnHours = 408;
    h.wearPercentLeft = 100;
    d.health = h;
    s.disks.push_back(d);
    Disk unread = d;
    unread.name = "sda";
    unread.health = DiskHealth{false, "SG_IO to /dev/sda failed: Operation not permitted", {}, {}, {}, {}, {}, {}};
    s.disks.push_back(unread);
    auto json = snapshotJson(s);
    auto back = parseSnapshotJson(json);
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_TRUE(back->disks[0].health);
    EXPECT_EQ(back->disks[0].health->powerOnHours, 408u);
    EXPECT_EQ(back->disks[0].health->healthy, true);
    EXPECT_FALSE(back->disks[1].health->healthy);
    EXPECT_EQ(back->disks[1].health->unavailableWhy, "SG_IO to /dev/sda failed: Operation not permitted");
    EXPECT_EQ(snapshotJson(*back), json);
    auto bad = parseSnapshotJson(R"({"schema_version":1,"machine":{},"disks":[{"health":{"power_on_hours":"many"}}]})");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("disks[0].health.power_on_hours"), std::string::npos) << bad.error().message;
}
