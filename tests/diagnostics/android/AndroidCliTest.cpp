// `reemploi diag android` and `reemploi wipe adb:…` end to end: the built binary against the
// emulated tablet over TCP (in this process, so its state can be checked), a database of its own.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include "diagnostics/android/Processes.hpp"
#include "support/android/TabletServer.hpp"

namespace fs = std::filesystem;
using namespace reemploi;
using namespace reemploi::test::android;
using namespace reemploi::testing::android;

namespace {

class AndroidCli : public ::testing::Test {
protected:
    void SetUp() override {
        _dir = fs::temp_directory_path() /
               ("reemploi-android-cli-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(_dir);
        fs::create_directories(_dir);
        ASSERT_EQ(reemploi({"init"}).exitCode, 0);
        ASSERT_EQ(reemploi({"donor", "add", "--name", "Acme"}).exitCode, 0);
        ASSERT_EQ(reemploi({"donation", "add", "--donor", "1", "--received", "2026-11-02"}).exitCode, 0);
        // RE-000001: the Xiaomi Pad 6; RE-000002: the ASUS TF201; RE-000003: a laptop.
        ASSERT_EQ(reemploi({"unit", "add", "--donation", "1", "--kind", "tablet", "--serial", "89d53c64"}).exitCode, 0);
        ASSERT_EQ(reemploi({"unit", "add", "--donation", "1", "--kind", "other", "--serial", "C1OKAS051559"}).exitCode, 0);
        ASSERT_EQ(reemploi({"unit", "add", "--donation", "1", "--kind", "laptop", "--serial", "PF12345"}).exitCode, 0);
    }
    void TearDown() override { fs::remove_all(_dir); }

    Ran reemploi(std::vector<std::string> args) {
        args.insert(args.begin(), REEMPLOI_BINARY);
        return run(args, {{"REEMPLOI_DB", (_dir / "db.sqlite").string()},
                          {"REEMPLOI_ACTOR", "tester"},
                          {"REEMPLOI_ADB_PROMPT_SECONDS", "1"},
                          {"REEMPLOI_ADB_REBOOT_SECONDS", "2"}},
                   60);
    }
    std::unique_ptr<TabletServer> serve(TabletState &state) { return TabletServer::start(state).value(); }
    static TabletState tablet(const std::string &profile, TabletOptions options = {}) {
        return TabletState(TabletProfile::load(profile).value(), options);
    }
    static bool resetAsked(const TabletState &state) {
        for (const auto &c : state.commands())
            if (c.starts_with("am broadcast")) return true;
        return false;
    }

    fs::path _dir;
};

Poco::JSON::Object::Ptr json(const std::string &text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

TEST_F(AndroidCli, DiagAndroidPrintsTheFactsAndStoresThemOnTheUnit) {
    auto state = tablet("asus-tf201");
    auto server = serve(state);
    auto printed = reemploi({"diag", "android", "--tcp", server->address()});
    ASSERT_EQ(printed.exitCode, 0) << printed.output;
    EXPECT_NE(printed.output.find("asus TF201 (tablet) on tcp " + server->address()), std::string::npos) << printed.output;
    EXPECT_NE(printed.output.find("encryption          none"), std::string::npos) << printed.output;

    auto stored = reemploi({"--json", "diag", "android", "--tcp", server->address(), "--unit", "RE-000002"});
    ASSERT_EQ(stored.exitCode, 0) << stored.output;
    auto o = json(stored.output);
    EXPECT_EQ(o->getValue<std::string>("model"), "TF201");
    auto unit = o->getObject("unit");
    EXPECT_EQ(unit->getValue<std::string>("kind"), "tablet");  // was "other"
    EXPECT_EQ(unit->getValue<std::string>("model"), "TF201");
    EXPECT_EQ(unit->getValue<std::string>("os"), "Android 3.2.1 (SDK 13)");
    EXPECT_EQ(unit->getValue<int>("ram_mib"), 984);
    auto storage = unit->getArray("storage");
    ASSERT_EQ(storage->size(), 1u);
    EXPECT_EQ(storage->getObject(0)->getValue<std::string>("type"), "flash");
    auto shown = reemploi({"unit", "show", "RE-000002"});
    EXPECT_NE(shown.output.find("unit_updated"), std::string::npos) << shown.output;
}

TEST_F(AndroidCli, FactsGoOnlyOnATabletOrPhone) {
    auto state = tablet("asus-tf201");
    auto server = serve(state);
    auto refused = reemploi({"diag", "android", "--tcp", server->address(), "--unit", "RE-000003"});
    EXPECT_EQ(refused.exitCode, 2);
    EXPECT_NE(refused.output.find("RE-000003 is recorded as a laptop"), std::string::npos) << refused.output;
    auto missing = reemploi({"diag", "android", "--tcp", server->address(), "--unit", "RE-000099"});
    EXPECT_EQ(missing.exitCode, 2) << missing.output;
    EXPECT_EQ(server->connections(), 1);  // the unknown tag is refused before the device is touched
    auto both = reemploi({"diag", "android", "--tcp", server->address(), "--serial", "X"});
    EXPECT_EQ(both.exitCode, 2);
    EXPECT_NE(both.output.find("give --serial or --tcp, not both"), std::string::npos);
    auto bad = reemploi({"diag", "android", "--tcp", "nowhere"});
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_NE(bad.output.find("--tcp nowhere: expected HOST:PORT"), std::string::npos) << bad.output;
}

TEST_F(AndroidCli, UnauthorizedSaysToAcceptThePrompt) {
    TabletOptions deny;
    deny.denyNewKeys = true;
    auto state = tablet("xiaomi-pad-6", deny);
    auto server = serve(state);
    auto r = reemploi({"diag", "android", "--tcp", server->address()});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_EQ(r.output, "reemploi: unauthorized: accept the prompt on the tablet's screen\n");
}

TEST_F(AndroidCli, WipeRefusesWhileAGoogleAccountIsSignedIn) {
    TabletOptions allow;
    allow.resetAllowed = true;
    auto state = tablet("xiaomi-pad-6", allow);  // its accounts: one Google, one Xiaomi
    auto server = serve(state);
    auto r = reemploi({"wipe", "adb:" + server->address(), "--unit", "RE-000001", "--method", "android-factory-reset"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.output.find("1 Google account is still signed in"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("Remove it on the device"), std::string::npos) << r.output;
    EXPECT_FALSE(resetAsked(state));
    EXPECT_EQ(state.resets(), 0);
    auto shown = reemploi({"unit", "show", "RE-000001"});
    EXPECT_EQ(shown.output.find("sanitization"), std::string::npos) << shown.output;
}

TEST_F(AndroidCli, AnEncryptedTabletsResetIsRecordedAsPurgeWithACertificate) {
    TabletOptions options;
    options.resetAllowed = true;
    options.googleAccounts = 0;  // the donor removed the account
    auto state = tablet("xiaomi-pad-6", options);
    auto server = serve(state);
    auto cert = (_dir / "cert.json").string();
    auto r = reemploi({"--json", "wipe", "adb:" + server->address(), "--unit", "RE-000001", "--method",
                       "android-factory-reset", "--certificate", cert});
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_EQ(state.resets(), 1);
    EXPECT_TRUE(state.trustedKeys().empty());  // a reset forgets the hosts it trusted
    auto o = json(r.output);
    EXPECT_EQ(o->getValue<std::string>("level"), "purge");
    EXPECT_NE(o->getValue<std::string>("why").find("file-based encryption"), std::string::npos);
    auto record = o->getObject("record");
    EXPECT_EQ(record->getValue<std::string>("method"), "android-factory-reset");
    EXPECT_EQ(record->getValue<std::string>("level"), "purge");
    EXPECT_EQ(record->getValue<std::string>("result"), "passed");
    auto verified = reemploi({"cert", "verify", cert});
    EXPECT_EQ(verified.exitCode, 0) << verified.output;
    // The record counts: the tablet may now be wiped (lifecycle).
    EXPECT_EQ(reemploi({"unit", "set-status", "RE-000001", "diagnosed", "--reason", "bench"}).exitCode, 0);
    auto wiped = reemploi({"unit", "set-status", "RE-000001", "wiped", "--reason", "reset over adb"});
    EXPECT_EQ(wiped.exitCode, 0) << wiped.output;
}

TEST_F(AndroidCli, AnUnencryptedTabletsResetIsClearAndSaysWhy) {
    auto state = tablet("asus-tf201");
    auto server = serve(state);
    ASSERT_EQ(reemploi({"diag", "android", "--tcp", server->address(), "--unit", "RE-000002"}).exitCode, 0);
    auto r = reemploi({"wipe", "adb:" + server->address(), "--unit", "RE-000002", "--method", "android-factory-reset"});
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("NIST clear"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("reported no encryption (ro.crypto.state=unencrypted)"), std::string::npos) << r.output;
    EXPECT_EQ(state.resets(), 1);
}

TEST_F(AndroidCli, ATabletThatRefusesTheShellGoesToRecoveryAndNothingIsRecorded) {
    TabletOptions options;
    options.googleAccounts = 0;
    auto state = tablet("xiaomi-pad-6", options);  // Android 14: the shell may not reset it
    auto server = serve(state);
    auto r = reemploi({"wipe", "adb:" + server->address(), "--unit", "RE-000001", "--method", "android-factory-reset"});
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("Permission Denial: not allowed to send broadcast"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("reemploi unit factory-reset RE-000001 --checked-setup-screen"), std::string::npos);
    EXPECT_TRUE(state.inRecovery());
    EXPECT_EQ(state.resets(), 0);
    auto shown = reemploi({"unit", "show", "RE-000001"});
    EXPECT_EQ(shown.output.find("android-factory-reset"), std::string::npos) << shown.output;
}

TEST_F(AndroidCli, BadWipeRequestsChangeNothing) {
    auto state = tablet("asus-tf201");
    auto server = serve(state);
    auto method = reemploi({"wipe", "adb:" + server->address(), "--unit", "RE-000002", "--method", "clear-zero"});
    EXPECT_EQ(method.exitCode, 2);
    EXPECT_NE(method.output.find("an Android device is wiped with android-factory-reset"), std::string::npos)
        << method.output;
    auto laptop = reemploi({"wipe", "adb:" + server->address(), "--unit", "RE-000003", "--method", "android-factory-reset"});
    EXPECT_EQ(laptop.exitCode, 2);
    EXPECT_NE(laptop.output.find("RE-000003 is a laptop"), std::string::npos) << laptop.output;
    auto verify = reemploi({"wipe", "adb:" + server->address(), "--unit", "RE-000002", "--method",
                            "android-factory-reset", "--verify", "full"});
    EXPECT_EQ(verify.exitCode, 2);
    EXPECT_EQ(server->connections(), 0);
    EXPECT_EQ(state.resets(), 0);
}

TEST_F(AndroidCli, ATabletVanishingMidAnswerIsACleanError) {
    TabletOptions options;
    options.vanishOn = "dumpsys account";
    auto state = tablet("xiaomi-pad-6", options);
    auto server = serve(state);
    auto r = reemploi({"diag", "android", "--tcp", server->address(), "--unit", "RE-000001"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.output.find("'shell:dumpsys account': tcp " + server->address() + ": disconnected"), std::string::npos)
        << r.output;
    auto shown = reemploi({"unit", "show", "RE-000001"});
    EXPECT_EQ(shown.output.find("unit_updated"), std::string::npos) << shown.output;  // nothing half-stored
}

}  // namespace
