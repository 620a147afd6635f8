// Our ADB client over USB: the emulated tablet plugged into the emulated bench (umockdev), the
// real libusb path (configuration descriptor, claim, bulk transfers) underneath. Then the
// commands end to end: the binary, a child of this test, sees this test's testbed.
#include <filesystem>

#include <gtest/gtest.h>

#include <reemploi/diagnostics/android/AndroidDevice.hpp>
#include <reemploi/diagnostics/android/AndroidFacts.hpp>

#include "diagnostics/android/Processes.hpp"
#include "support/android/EmulatedAdbDevice.hpp"
#include "support/usb/UsbTestbed.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace reemploi;
using namespace reemploi::diagnostics::android;
using namespace reemploi::testing::android;
using namespace reemploi::testing::usb;

namespace {

// The adb tablet's descriptors (tests/fixtures/usb/android-adb-tablet.usbdev) with the serial the
// profile's getprop gives, as a real device reports the same serial on both.
DeviceSpec tabletSpec(const TabletState &state) {
    auto spec = fixture("android-adb-tablet").value();
    spec.strings[3] = state.profile().prop("ro.serialno");
    return spec;
}

class AdbOverUsb : public ::testing::Test {
protected:
    void SetUp() override {
        _dir = fs::temp_directory_path() / ("reemploi-adb-usb-" + std::to_string(::getpid()));
        fs::create_directories(_dir);
        _options.keyPath = (_dir / "adb.pem").string();
        _options.adb.promptWait = 500ms;
    }
    void TearDown() override { fs::remove_all(_dir); }

    fs::path _dir;
    AndroidOpenOptions _options;
};

TEST_F(AdbOverUsb, FactsOfTheTabletFoundByItsSerial) {
    TabletState state(TabletProfile::load("xiaomi-pad-6").value(), {});
    UsbTestbed bed;
    auto device = bed.plug(std::make_shared<EmulatedAdbDevice>(tabletSpec(state), state), "1-2");
    auto opened = AndroidDevice::open(AndroidTarget::parse("adb:89d53c64").value(), _options);
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_NE((*opened)->where().find("usb 1-2"), std::string::npos) << (*opened)->where();
    auto facts = readFacts((*opened)->adb());
    ASSERT_TRUE(facts) << facts.error().message;
    EXPECT_EQ(facts->model, "23043RP34G");
    EXPECT_EQ(facts->googleAccounts, 1);
    EXPECT_EQ(facts->screenInches, 11.0);  // 130 KB of dumpsys display, 1 MiB messages, over bulk transfers
    EXPECT_EQ(device->claimedInterfaces().count(0), 1u);
    opened->reset();
    EXPECT_TRUE(device->claimedInterfaces().empty());  // given back when done
}

TEST_F(AdbOverUsb, OnlyOneTabletNeedsNoSerialAndAWrongSerialNamesThePluggedOnes) {
    TabletState state(TabletProfile::load("asus-tf201").value(), {});
    UsbTestbed bed;
    bed.plug(std::make_shared<EmulatedAdbDevice>(tabletSpec(state), state), "1-1");
    auto opened = AndroidDevice::open(AndroidTarget::parse("adb:").value(), _options);
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_EQ((*opened)->adb().banner().properties.at("ro.product.model"), "TF201");
    opened->reset();
    auto wrong = AndroidDevice::open(AndroidTarget::parse("adb:NOPE").value(), _options);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, Errc::NotFound);
    EXPECT_NE(wrong.error().message.find("plugged in: C1OKAS051559"), std::string::npos) << wrong.error().message;
}

TEST_F(AdbOverUsb, UnauthorizedOverUsbToo) {
    TabletOptions deny;
    deny.denyNewKeys = true;
    TabletState state(TabletProfile::load("xiaomi-pad-6").value(), deny);
    UsbTestbed bed;
    bed.plug(std::make_shared<EmulatedAdbDevice>(tabletSpec(state), state), "1-2");
    auto opened = AndroidDevice::open(AndroidTarget::parse("adb:").value(), _options);
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().message, kUnauthorized);
}

TEST_F(AdbOverUsb, ATabletUnpluggedMidAnswerIsACleanError) {
    TabletOptions vanish;
    vanish.vanishOn = "dumpsys display";
    TabletState state(TabletProfile::load("xiaomi-pad-6").value(), vanish);
    UsbTestbed bed;
    bed.plug(std::make_shared<EmulatedAdbDevice>(tabletSpec(state), state), "1-2");
    auto opened = AndroidDevice::open(AndroidTarget::parse("adb:").value(), _options);
    ASSERT_TRUE(opened) << opened.error().message;
    auto facts = readFacts((*opened)->adb());
    ASSERT_FALSE(facts);
    EXPECT_EQ(facts.error().code, Errc::Device);
    EXPECT_NE(facts.error().message.find("'shell:dumpsys display': usb 1-2"), std::string::npos) << facts.error().message;
}

TEST_F(AdbOverUsb, DiagListShowsTheTabletsHandlerAndModelThenTheWipeIsRecorded) {
    TabletOptions options;
    options.resetAllowed = true;
    options.googleAccounts = 0;
    TabletState state(TabletProfile::load("xiaomi-pad-6").value(), options);
    UsbTestbed bed;
    bed.plug(std::make_shared<EmulatedAdbDevice>(tabletSpec(state), state), "1-2");
    std::map<std::string, std::string> env = {{"REEMPLOI_DB", (_dir / "db.sqlite").string()},
                                              {"REEMPLOI_ACTOR", "tester"},
                                              {"REEMPLOI_ADB_REBOOT_SECONDS", "5"}};
    auto reemploi = [&](std::vector<std::string> args) {
        args.insert(args.begin(), REEMPLOI_BINARY);
        return reemploi::test::android::run(args, env, 120);
    };
    auto list = reemploi({"diag", "list"});
    ASSERT_EQ(list.exitCode, 0) << list.output;
    std::string line;
    for (std::size_t at = 0; at < list.output.size();) {
        auto nl = list.output.find('\n', at);
        auto l = list.output.substr(at, nl - at);
        if (l.starts_with("1-2 ")) line = l;
        at = nl == std::string::npos ? list.output.size() : nl + 1;
    }
    EXPECT_NE(line.find("-> android-adb"), std::string::npos) << list.output;
    EXPECT_NE(line.find("adb: 23043RP34G"), std::string::npos) << list.output;

    ASSERT_EQ(reemploi({"init"}).exitCode, 0);
    ASSERT_EQ(reemploi({"donor", "add", "--name", "Acme"}).exitCode, 0);
    ASSERT_EQ(reemploi({"donation", "add", "--donor", "1", "--received", "2026-11-02"}).exitCode, 0);
    ASSERT_EQ(reemploi({"unit", "add", "--donation", "1", "--kind", "tablet", "--serial", "89d53c64"}).exitCode, 0);
    auto wiped = reemploi({"wipe", "adb:89d53c64", "--unit", "RE-000001", "--method", "android-factory-reset"});
    ASSERT_EQ(wiped.exitCode, 0) << wiped.output;
    EXPECT_NE(wiped.output.find("NIST purge"), std::string::npos) << wiped.output;
    EXPECT_EQ(state.resets(), 1);
}

}  // namespace
