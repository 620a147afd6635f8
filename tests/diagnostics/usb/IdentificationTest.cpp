// Identification without devices: the usb.ids reader, the handler table (diagnostics/data/devices.tsv)
// and the udev rules that must cover it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <reemploi/diagnostics/DeviceTable.hpp>
#include <reemploi/diagnostics/UsbIds.hpp>

#include "support/Tools.hpp"

using namespace reemploi;
using namespace reemploi::diagnostics;

namespace {

std::string read(const std::string &path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

const DeviceTable &seeded() {
    static const DeviceTable table = [] {
        auto t = DeviceTable::loadDefault();
        if (!t) throw std::runtime_error(t.error().message);
        return std::move(*t);
    }();
    return table;
}

constexpr ClassTriple BulkOnly{0x08, 0x06, 0x50};
constexpr ClassTriple Adb{0xff, 0x42, 0x01};

std::string errorOf(std::string_view text) {
    auto t = DeviceTable::parse(text, "t.tsv");
    return t ? std::string("(parsed)") : t.error().message;
}

}  // namespace

TEST(UsbIds, ReadsVendorsProductsAndClassesAndSkipsMalformedLines) {
    auto ids = UsbIds::load(REEMPLOI_TEST_FIXTURES "/usb/usb.ids.sample");
    ASSERT_TRUE(ids) << ids.error().message;
    EXPECT_EQ(ids->vendor(0x152d).value_or(""), "JMicron Technology Corp. / JMicron USA Technology Corp.");
    EXPECT_EQ(ids->product(0x152d, 0x0578).value_or(""), "JMS578 SATA 6Gb/s");
    EXPECT_EQ(ids->product(0x152d, 0x0567).value_or(""), "JMS567 SATA 6Gb/s bridge");
    EXPECT_FALSE(ids->product(0x152d, 0x0583));
    EXPECT_EQ(ids->product(0x18d1, 0x4ee7).value_or(""), "Nexus/Pixel Device (charging + debug)");
    EXPECT_EQ(ids->product(0x1d6b, 0x0002).value_or(""), "2.0 root hub");  // CRLF line end trimmed
    EXPECT_FALSE(ids->vendor(0xabcd));  // one space is not the separator
    EXPECT_FALSE(ids->vendor(0x0000));
    EXPECT_EQ(ids->className(0x08).value_or(""), "Mass Storage");
    EXPECT_EQ(ids->subclassName(0x08, 0x06).value_or(""), "SCSI");
    EXPECT_EQ(ids->protocolName(0x08, 0x06, 0x50).value_or(""), "Bulk-Only");
    EXPECT_EQ(ids->protocolName(0x08, 0x06, 0x62).value_or(""), "UAS");
    EXPECT_FALSE(ids->protocolName(0x08, 0x06, 0x00));  // 00 belongs to subclass 01, not 06
    EXPECT_EQ(ids->protocolName(0x08, 0x01, 0x00).value_or(""), "Control/Bulk/Interrupt");
    EXPECT_EQ(ids->protocolName(0x09, 0x00, 0x01).value_or(""), "Single TT");
    EXPECT_FALSE(ids->className(0x22));  // "HID 22" is another section
    EXPECT_EQ(ids->protocolName(0xff, 0xff, 0xff).value_or(""), "Vendor Specific Protocol");  // no final newline
}

TEST(UsbIds, MissingFileIsNotFoundAndDegradesToNoNames) {
    auto missing = UsbIds::load("/nonexistent/usb.ids");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, Errc::NotFound);
    UsbIds none = UsbIds::loadOrEmpty("/nonexistent/usb.ids");
    EXPECT_TRUE(none.empty());
    EXPECT_FALSE(none.vendor(0x152d));
    EXPECT_FALSE(none.protocolName(0x08, 0x06, 0x50));
    EXPECT_TRUE(UsbIds::parse("").empty());
    EXPECT_FALSE(UsbIds::parse("\t\t\n\n152d").vendor(0x152d));
}

TEST(UsbIds, WhatIsNotAFileIsRefusedBeforeReading) {
    auto zero = UsbIds::load("/dev/zero");
    ASSERT_FALSE(zero);
    EXPECT_EQ(zero.error().code, Errc::InvalidInput);
    EXPECT_EQ(zero.error().message, "/dev/zero is not a regular file");
    EXPECT_TRUE(UsbIds::loadOrEmpty("/dev/zero").empty());
    auto dir = UsbIds::load("/tmp");
    ASSERT_FALSE(dir);
    EXPECT_EQ(dir.error().message, "/tmp is a directory, not a file");
}

TEST(UsbIds, ReadsTheInstalledDatabase) {
    REQUIRE_FILE(UsbIds::DefaultPath, "usb.ids");
    auto ids = UsbIds::load();
    ASSERT_TRUE(ids);
    EXPECT_EQ(ids->product(0x1d6b, 0x0002).value_or(""), "2.0 root hub");
    EXPECT_EQ(ids->product(0x0bda, 0x9210).value_or(""), "RTL9210 M.2 NVME Adapter");
    EXPECT_EQ(ids->className(0x03).value_or(""), "Human Interface Device");
}

TEST(DeviceTable, SeededTableKnowsTheDriveDockBridges) {
    const auto &t = seeded();
    auto bridge = [&](std::uint16_t vid, std::uint16_t pid) { return t.lookup(vid, pid, std::vector{BulkOnly}); };
    for (auto [vid, pid] : std::vector<std::pair<std::uint16_t, std::uint16_t>>{
             {0x152d, 0x0578}, {0x152d, 0x0567}, {0x174c, 0x5106}, {0x174c, 0x55aa}, {0x174c, 0x1153},
             {0x2109, 0x0716}, {0x05e3, 0x0731}, {0x13fd, 0x3910}}) {
        DeviceMatch m = bridge(vid, pid);
        EXPECT_EQ(m.handler, Handler::MassStorage) << std::hex << vid << ":" << pid;
        EXPECT_TRUE(m.quirks.empty()) << std::hex << vid << ":" << pid;
        EXPECT_GT(m.line, 0);
    }
    for (auto [vid, pid] : std::vector<std::pair<std::uint16_t, std::uint16_t>>{{0x152d, 0x0583}, {0x174c, 0x2362}, {0x0bda, 0x9210}}) {
        DeviceMatch m = bridge(vid, pid);
        EXPECT_EQ(m.handler, Handler::MassStorage);
        EXPECT_TRUE(m.has(quirk::NvmeBridge)) << std::hex << vid << ":" << pid;
        EXPECT_TRUE(m.has(quirk::NoAtaPassthrough));
    }
    EXPECT_TRUE(bridge(0x152d, 0x0583).has(quirk::NvmePassthroughJmicron));
    EXPECT_TRUE(bridge(0x13fd, 0x1640).has(quirk::Sat12Only));
    EXPECT_TRUE(bridge(0x2109, 0x0700).has(quirk::Sat12Only));
    EXPECT_TRUE(bridge(0x05e3, 0x0702).has(quirk::NoAtaPassthrough));
    EXPECT_TRUE(bridge(0x152d, 0x2338).has(quirk::AtaPassthroughJmicron));
    EXPECT_EQ(bridge(0x152d, 0x0578).label, "JMicron JMS578 SATA bridge");
}

TEST(DeviceTable, ClassesAndVendorsPickTheHandler) {
    const auto &t = seeded();
    // An unknown dock: any Bulk-Only interface is mass storage, without quirks.
    EXPECT_EQ(t.lookup(0x1234, 0x0001, std::vector{BulkOnly}).handler, Handler::MassStorage);
    // adb, from a listed Android vendor or any other.
    EXPECT_EQ(t.lookup(0x18d1, 0x4ee7, std::vector{Adb}).handler, Handler::AndroidAdb);
    EXPECT_EQ(t.lookup(0x9999, 0x0001, std::vector{Adb}).handler, Handler::AndroidAdb);
    // A phone showing MTP then adb: adb wins (earlier row, same specificity) and says which interface.
    std::vector<ClassTriple> phone{{0xff, 0xff, 0x00}, Adb};
    DeviceMatch m = t.lookup(0x04e8, 0x6860, phone);
    EXPECT_EQ(m.handler, Handler::AndroidAdb);
    EXPECT_EQ(m.interface, std::optional<std::size_t>(1));
    EXPECT_EQ(t.lookup(0x04e8, 0x6860, std::vector<ClassTriple>{{0xff, 0xff, 0x00}}).handler, Handler::Mtp);
    // An unlisted vendor's ff/ff/00 interface is not MTP: nothing says so.
    EXPECT_EQ(t.lookup(0x9999, 0x0001, std::vector<ClassTriple>{{0xff, 0xff, 0x00}}).handler, Handler::Unknown);
    EXPECT_EQ(t.lookup(0x04a9, 0x31c0, std::vector<ClassTriple>{{0x06, 0x01, 0x01}}).handler, Handler::Mtp);
    // Apple: usbmux interface; an Apple keyboard is just HID.
    EXPECT_EQ(t.lookup(0x05ac, 0x12a8, std::vector<ClassTriple>{{0x06, 0x01, 0x01}, {0xff, 0xfe, 0x02}}).handler, Handler::Apple);
    EXPECT_EQ(t.lookup(0x05ac, 0x024f, std::vector<ClassTriple>{{0x03, 0x01, 0x01}}).handler, Handler::Hid);
    EXPECT_EQ(t.lookup(0x1d6b, 0x0002, std::vector<ClassTriple>{{0x09, 0, 0}}, ClassTriple{0x09, 0, 1}).handler, Handler::Hub);
    DeviceMatch none = t.lookup(0x0b75, 0x039f, std::vector<ClassTriple>{{0x07, 0x01, 0x02}});
    EXPECT_EQ(none.handler, Handler::Unknown);
    EXPECT_EQ(none.line, 0);
    EXPECT_TRUE(none.label.empty());
}

TEST(DeviceTable, MostSpecificRowWinsAndTiesGoToTheEarlierRow) {
    auto t = DeviceTable::parse("*\tif:08/*/*\tunknown\t-\tany storage\n"
                                "abcd:*\t*\thid\t-\tvendor\n"
                                "*\tif:08/06/50\tmass-storage\t-\tbot\n"
                                "abcd:0001\t*\tmass-storage\tsat12-only\tproduct\n"
                                "*\tif:08/06/50\tmtp\t-\tsame as bot, later\n",
                                "t.tsv");
    ASSERT_TRUE(t) << t.error().message;
    EXPECT_EQ(t->lookup(0x1111, 1, std::vector{BulkOnly}).label, "bot");
    EXPECT_EQ(t->lookup(0xabcd, 2, std::vector{BulkOnly}).label, "vendor");
    EXPECT_EQ(t->lookup(0xabcd, 1, std::vector{BulkOnly}).label, "product");
    EXPECT_EQ(t->lookup(0x1111, 1, std::vector<ClassTriple>{{0x08, 0x02, 0x00}}).label, "any storage");
    EXPECT_EQ(t->lookup(0x1111, 1, std::vector<ClassTriple>{}).handler, Handler::Unknown);
}

TEST(DeviceTable, ErrorsNameTheLineAndTheColumn) {
    EXPECT_EQ(errorOf("# comment\n\n15x2:0578\t*\tmass-storage\t-\n"),
              "t.tsv:3: match: expected VVVV:PPPP, VVVV:* or *, got '15x2:0578'");
    EXPECT_EQ(errorOf("152d:0578\t*\tstorage\t-\n"),
              "t.tsv:1: handler: unknown handler 'storage' (expected mass-storage, android-adb, mtp, apple, hid, hub or unknown)");
    EXPECT_EQ(errorOf("152d:0578\t*\tmass-storage\tsat12-only,fast\n"), "t.tsv:1: quirks: unknown quirk 'fast'");
    EXPECT_EQ(errorOf("152d:0578 * mass-storage -\n"),
              "t.tsv:1: row: expected tab-separated columns match, class, handler, quirks[, label[, source]], found 1");
    EXPECT_EQ(errorOf("*\tif:08/06\tmass-storage\t-\n"), "t.tsv:1: class: expected three fields CC/SS/PP, got 'if:08/06'");
    EXPECT_EQ(errorOf("*\tif:08/6/50\tmass-storage\t-\n"), "t.tsv:1: class: expected two hex digits or *, got '6'");
    EXPECT_EQ(errorOf("*\tiface:08/06/50\tmass-storage\t-\n"), "t.tsv:1: class: expected if:CC/SS/PP, dev:CC/SS/PP or *, got 'iface:08/06/50'");
    EXPECT_EQ(errorOf("*\t*\tmass-storage\t-\n"), "t.tsv:1: match: a row must name a vendor or a class");
    auto missing = DeviceTable::load("/nonexistent/devices.tsv");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, Errc::Io);
    EXPECT_EQ(missing.error().message, "cannot read the device table /nonexistent/devices.tsv: cannot open (No such file or directory)");
}

// A path set by REEMPLOI_DEVICES_TABLE or REEMPLOI_USB_IDS that is not a file is refused before
// anything is read: a directory, or /dev/zero that would otherwise be read until memory runs out.
TEST(DeviceTable, WhatIsNotAFileIsRefusedBeforeReading) {
    auto zero = DeviceTable::load("/dev/zero");
    ASSERT_FALSE(zero);
    EXPECT_EQ(zero.error().code, Errc::InvalidInput);
    EXPECT_EQ(zero.error().message, "the device table: /dev/zero is not a regular file");
    auto dir = DeviceTable::load("/tmp");
    ASSERT_FALSE(dir);
    EXPECT_EQ(dir.error().message, "the device table: /tmp is a directory, not a file");
}

TEST(DeviceTable, EveryRowSaysWhatItIsAndWhereItComesFrom) {
    ASSERT_GT(seeded().rows().size(), 40u);
    for (const auto &row : seeded().rows()) {
        EXPECT_FALSE(row.label.empty()) << "line " << row.line;
        EXPECT_FALSE(row.source.empty()) << "line " << row.line;
    }
}

// Every vendor, product and interface class the table hands to a handler (hubs and HID aside)
// must be reachable without root through diagnostics/data/70-reemploi.rules.
TEST(DeviceTable, UdevRulesCoverTheTable) {
    std::string rules = read(REEMPLOI_SOURCE_DIR "/diagnostics/data/70-reemploi.rules");
    ASSERT_FALSE(rules.empty());
    auto hex = [](unsigned v, int digits) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "%0*x", digits, v);
        return std::string(buf);
    };
    auto triple = [&](const DeviceTable::Row &row) {
        auto field = [&](const std::optional<std::uint8_t> &f) { return f ? hex(*f, 2) : std::string("??"); };
        return field(row.cls) + field(row.subclass) + field(row.protocol);
    };
    for (const auto &row : seeded().rows()) {
        if (row.handler == Handler::Hid || row.handler == Handler::Hub) continue;
        std::string expected;
        if (row.vendorId && row.productId) {
            expected = "ATTR{idVendor}==\"" + hex(*row.vendorId, 4) + "\", ATTR{idProduct}==\"" + hex(*row.productId, 4) + "\"";
        } else if (row.vendorId) {
            expected = "ATTR{idVendor}==\"" + hex(*row.vendorId, 4) + "\"";
            if (row.scope == DeviceTable::Row::Scope::Interface) expected += ", ENV{ID_USB_INTERFACES}==\"*:" + triple(row) + ":*\"";
        } else {
            expected = "ENV{ID_USB_INTERFACES}==\"*:" + triple(row) + ":*\"";
        }
        EXPECT_NE(rules.find(expected + ", MODE=\"0660\", GROUP=\"reemploi\""), std::string::npos)
            << "devices.tsv line " << row.line << " has no udev rule: " << expected;
    }
}
