// Facts parsed from the real outputs of two tablets (tests/fixtures/android, SOURCES.md there).
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include <reemploi/diagnostics/android/AndroidBench.hpp>
#include <reemploi/diagnostics/android/AndroidFacts.hpp>

using namespace reemploi::diagnostics::android;

namespace {

std::string fixture(const std::string &profile, const std::string &file) {
    std::ifstream in(std::filesystem::path(REEMPLOI_TEST_FIXTURES) / "android" / profile / file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(AndroidFacts, XiaomiPad6Getprop) {
    AndroidFacts f;
    applyGetprop(parseGetprop(fixture("xiaomi-pad-6", "getprop.txt")), f);
    EXPECT_EQ(f.manufacturer, "Xiaomi");
    EXPECT_EQ(f.brand, "Xiaomi");
    EXPECT_EQ(f.model, "23043RP34G");
    EXPECT_EQ(f.device, "pipa");
    EXPECT_EQ(f.serial, "89d53c64");
    EXPECT_EQ(f.androidVersion, "14");
    EXPECT_EQ(f.sdk, 34);
    EXPECT_EQ(f.fingerprint, "Xiaomi/pipa_eea/pipa:14/UKQ1.240624.001/OS2.0.12.0.UMZEUXM:user/release-keys");
    EXPECT_EQ(f.kind, "tablet");
    EXPECT_EQ(f.encryption, Encryption::FileBased);
    EXPECT_TRUE(f.persistentDataBlock);
    EXPECT_EQ(f.bootloaderUnlocked, false);
    EXPECT_EQ(f.oemUnlockAllowed, true);
    EXPECT_EQ(f.rootPossible, false);
}

TEST(AndroidFacts, AsusTf201GetpropWithCrLf) {
    AndroidFacts f;
    applyGetprop(parseGetprop(fixture("asus-tf201", "getprop.txt")), f);
    EXPECT_EQ(f.manufacturer, "asus");
    EXPECT_EQ(f.model, "TF201");
    EXPECT_EQ(f.serial, "C1OKAS051559");
    EXPECT_EQ(f.androidVersion, "3.2.1");
    EXPECT_EQ(f.sdk, 13);
    EXPECT_EQ(f.kind, "tablet");
    EXPECT_EQ(f.encryption, Encryption::None);
    EXPECT_FALSE(f.persistentDataBlock);
    EXPECT_FALSE(f.bootloaderUnlocked.has_value());
}

TEST(AndroidFacts, Battery) {
    auto b = parseBattery(fixture("xiaomi-pad-6", "dumpsys-battery.txt"));
    ASSERT_TRUE(b.read);
    EXPECT_EQ(b.levelPercent, 22);
    EXPECT_EQ(b.health, "good");
    EXPECT_EQ(b.status, "charging");
    EXPECT_DOUBLE_EQ(*b.temperatureC, 33.7);
    EXPECT_EQ(b.voltageMv, 3826);
    EXPECT_EQ(b.present, true);
    EXPECT_EQ(b.technology, "Li-poly");
    EXPECT_FALSE(b.cycles.has_value());  // Android 14 on this device does not print them
    auto withCycles = parseBattery("Current Battery Service state:\n  level: 50\n  scale: 200\n  health: 3\n  cycle count: 412\n");
    EXPECT_EQ(withCycles.levelPercent, 25);
    EXPECT_EQ(withCycles.health, "overheat");
    EXPECT_EQ(withCycles.cycles, 412);
    EXPECT_FALSE(parseBattery("Can't find service: battery\n").read);
}

TEST(AndroidFacts, StorageInBothDfLayouts) {
    auto toybox = parseDf(fixture("xiaomi-pad-6", "df-data.txt"));
    ASSERT_TRUE(toybox);
    EXPECT_EQ(toybox->totalBytes, 241158768LL * 1024);
    EXPECT_EQ(toybox->freeBytes, 199464592LL * 1024);
    auto toolbox = parseDf(fixture("asus-tf201", "df-data.txt"));
    ASSERT_TRUE(toolbox);
    EXPECT_EQ(toolbox->totalBytes, 56LL << 30);
    EXPECT_EQ(toolbox->freeBytes, 55LL << 30);
    EXPECT_FALSE(parseDf("df: /data: Permission denied\n"));
}

TEST(AndroidFacts, MemoryScreenAccounts) {
    EXPECT_EQ(parseMemTotal(fixture("asus-tf201", "meminfo.txt")), 1008528LL * 1024);
    EXPECT_EQ(parseWmSize(fixture("xiaomi-pad-6", "wm-size.txt")), std::make_pair(1800, 2880));
    EXPECT_EQ(parseWmSize("Physical size: 1080x1920\nOverride size: 720x1280\n"), std::make_pair(1080, 1920));
    EXPECT_EQ(parseWmDensity(fixture("xiaomi-pad-6", "wm-density.txt")), 400);
    // 1800 x 2880 pixels at 308.918 x 309.049 dpi: the Pad 6's 11-inch panel.
    EXPECT_EQ(parseDisplayInches(fixture("xiaomi-pad-6", "dumpsys-display.txt")), 11.0);
    EXPECT_FALSE(parseDisplayInches("/system/bin/sh: dumpsys: not found\n"));
    auto a = parseAccounts(fixture("xiaomi-pad-6", "dumpsys-account.txt"));
    ASSERT_TRUE(a);
    EXPECT_EQ(a->google, 1);
    EXPECT_EQ(a->other, 1);
    auto none = parseAccounts(fixture("asus-tf201", "dumpsys-account.txt"));
    ASSERT_TRUE(none);
    EXPECT_EQ(none->google, 0);
    EXPECT_FALSE(parseAccounts("Can't find service: account\n"));
}

TEST(AndroidFacts, JsonCarriesCountsNeverAccountNames) {
    AndroidFacts f;
    applyGetprop(parseGetprop(fixture("xiaomi-pad-6", "getprop.txt")), f);
    auto a = parseAccounts(fixture("xiaomi-pad-6", "dumpsys-account.txt"));
    f.googleAccounts = a->google;
    f.otherAccounts = a->other;
    auto json = f.toJson().str();
    EXPECT_NE(json.find("\"google_accounts\":1"), std::string::npos) << json;
    EXPECT_NE(json.find("\"account_lock_risk\":true"), std::string::npos);
    EXPECT_EQ(json.find("example.invalid"), std::string::npos);
    EXPECT_TRUE(f.accountLockRisk());
    f.googleAccounts = 0;
    EXPECT_FALSE(f.accountLockRisk());
}

}  // namespace

namespace {

TEST(AndroidFacts, WhatGoesOnTheUnit) {
    AndroidFacts f;
    applyGetprop(parseGetprop(fixture("xiaomi-pad-6", "getprop.txt")), f);
    f.ramBytes = 7803768LL * 1024;
    f.battery.healthPercent = 90;
    f.screenInches = 11.0;
    f.dataTotalBytes = 246946578432;
    auto d = unitFactsFrom(f);
    EXPECT_EQ(d.kind, reemploi::inventory::UnitKind::Tablet);
    EXPECT_EQ(d.make, "Xiaomi");
    EXPECT_EQ(d.model, "23043RP34G");
    EXPECT_EQ(d.serial, "89d53c64");
    EXPECT_EQ(d.ramMib, 7620);
    EXPECT_EQ(d.batteryHealthPercent, 90);
    EXPECT_EQ(d.screenInches, 11.0);
    EXPECT_EQ(d.os, "Android 14 (SDK 34)");
    EXPECT_EQ(d.internalCapacityBytes, 246946578432);
}

}  // namespace

// Fuzz finding (android_facts, first minute): a device printing bytes that are not UTF-8 (a
// vendor's Latin-1 market name, a corrupted property) put them into the facts' JSON, the page and
// the unit. Each such byte is now U+FFFD; the rest of the text is kept.
TEST(AndroidFacts, FuzzFindingDeviceTextThatIsNotUtf8BecomesValidText) {
    auto props = parseGetprop("[ro.product.manufacturer]: [Acme]\n[ro.product.marketname]: [Tablette \xe9" "cole]\n"
                              "[ro.product.model]: [X\xff\xfe" "1]\n[ro.build.characteristics]: [tablet]\n");
    AndroidFacts f;
    applyGetprop(props, f);
    EXPECT_EQ(f.marketName, "Tablette \xEF\xBF\xBD" "cole");
    EXPECT_EQ(f.model, "X\xEF\xBF\xBD\xEF\xBF\xBD" "1");
    EXPECT_EQ(f.plainName(), "Acme Tablette \xEF\xBF\xBD" "cole");
    auto battery = parseBattery("Current Battery Service state:\n  level: 50\n  technology: Li-\xc3\n");
    EXPECT_EQ(battery.technology, "Li-\xEF\xBF\xBD");
    auto banner = parseBanner("device::ro.product.model=Pad\xe9;features=cmd");
    EXPECT_EQ(banner.properties["ro.product.model"], "Pad\xEF\xBF\xBD");
    // A valid multi-byte character stays as it is.
    EXPECT_EQ(parseGetprop("[ro.product.marketname]: [Écran 10\"]\n")["ro.product.marketname"], "Écran 10\"");
}
