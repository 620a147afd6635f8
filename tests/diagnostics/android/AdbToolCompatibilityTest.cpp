// The emulated tablet is faithful enough for Debian's own adb client: connect, authenticate with
// adb's key, run a shell command. The adb server runs on a private port with a private HOME (its
// key in ~/.android), and is killed at the end.
#include <filesystem>

#include <gtest/gtest.h>

#include "diagnostics/android/Processes.hpp"
#include "support/Tools.hpp"

namespace fs = std::filesystem;
using namespace reemploi::test::android;

namespace {

class AdbToolTest : public ::testing::Test {
protected:
    void SetUp() override {
        _home = fs::temp_directory_path() / ("reemploi-adb-" + std::to_string(::getpid()));
        fs::create_directories(_home);
        // A port of our own for the adb server: never the developer's running one (5037).
        _env = {{"HOME", _home.string()}, {"ANDROID_ADB_SERVER_PORT", std::to_string(20000 + ::getpid() % 20000)}};
    }
    void TearDown() override {
        if (_started) run({"adb", "kill-server"}, _env, 20);
        fs::remove_all(_home);
    }
    Ran adb(std::vector<std::string> args) {
        _started = true;
        args.insert(args.begin(), "adb");
        return run(args, _env, 60);
    }

    fs::path _home;
    std::map<std::string, std::string> _env;
    bool _started = false;
};

TEST_F(AdbToolTest, DebianAdbConnectsAndReadsTheProfilesModel) {
    REQUIRE_TOOL("adb", "adb");
    for (auto [profile, model] : {std::pair{"xiaomi-pad-6", "23043RP34G"}, std::pair{"asus-tf201", "TF201"}}) {
        TabletProcess tablet({"--profile", profile});
        ASSERT_FALSE(tablet.address().empty()) << "the emulated tablet did not start";
        auto connected = adb({"connect", tablet.address()});
        ASSERT_EQ(connected.exitCode, 0) << connected.output;
        auto out = adb({"-s", tablet.address(), "wait-for-device", "shell", "getprop", "ro.product.model"});
        EXPECT_EQ(out.exitCode, 0) << out.output;
        EXPECT_EQ(out.output, std::string(model) + "\n") << profile;
        // A long answer (130 KB: many messages, each acknowledged before the next) arrives whole.
        if (std::string(profile) == "xiaomi-pad-6") {
            auto display = adb({"-s", tablet.address(), "shell", "dumpsys", "display"});
            EXPECT_EQ(display.output.size(), fs::file_size(fs::path(REEMPLOI_TEST_FIXTURES) / "android" / profile /
                                                           "dumpsys-display.txt"));
        }
        adb({"disconnect", tablet.address()});
    }
}

TEST_F(AdbToolTest, ATabletNobodyAnswersStaysUnauthorizedForAdb) {
    REQUIRE_TOOL("adb", "adb");
    TabletProcess tablet({"--deny-new-keys"});
    ASSERT_FALSE(tablet.address().empty());
    adb({"connect", tablet.address()});
    auto devices = adb({"devices"});
    EXPECT_NE(devices.output.find(tablet.address() + "\tunauthorized"), std::string::npos) << devices.output;
    auto shell = adb({"-s", tablet.address(), "shell", "getprop", "ro.product.model"});
    EXPECT_NE(shell.exitCode, 0);
    EXPECT_NE(shell.output.find("unauthorized"), std::string::npos) << shell.output;
}

}  // namespace
