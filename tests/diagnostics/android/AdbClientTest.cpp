// Our ADB client against the emulated tablet over TCP: handshake, authorization, flow control,
// facts, and a tablet that vanishes mid-answer.
#include <chrono>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <reemploi/diagnostics/android/AdbClient.hpp>
#include <reemploi/diagnostics/android/AndroidDevice.hpp>
#include <reemploi/diagnostics/android/AndroidFacts.hpp>

#include "support/android/TabletServer.hpp"

using namespace std::chrono_literals;
using namespace reemploi;
using namespace reemploi::diagnostics::android;
using namespace reemploi::testing::android;

namespace {

struct Bench {
    explicit Bench(const std::string &profile, TabletOptions options = {})
        : state(TabletProfile::load(profile).value(), options), server(TabletServer::start(state).value()) {}
    Result<std::unique_ptr<AdbClient>> connect(const AdbKey &key, AdbConnectOptions options = {}) {
        auto tcp = connectTcp(server->address(), 2s);
        if (!tcp) return tcp.error();
        return AdbClient::connect(std::move(*tcp), key, options);
    }
    TabletState state;
    std::unique_ptr<TabletServer> server;
};

const AdbKey &benchKey() {
    static AdbKey key = AdbKey::generate().value();
    return key;
}

TEST(AdbClient, FirstConnectionOffersTheKeyThenTheSignatureSuffices) {
    Bench bench("xiaomi-pad-6");
    auto adb = bench.connect(benchKey());
    ASSERT_TRUE(adb) << adb.error().message;
    EXPECT_EQ((*adb)->banner().state, "device");
    EXPECT_EQ((*adb)->banner().properties.at("ro.product.model"), "23043RP34G");
    EXPECT_EQ((*adb)->version(), kVersion);
    auto model = (*adb)->shell("getprop ro.product.model");
    ASSERT_TRUE(model) << model.error().message;
    EXPECT_EQ(*model, "23043RP34G\n");
    EXPECT_EQ(bench.state.trustedKeys().size(), 1u);
}

TEST(AdbClient, AKnownKeyIsAcceptedOnItsSignatureWithoutAPrompt) {
    TabletOptions deny;
    deny.denyNewKeys = true;  // a prompt would never be answered
    Bench bench("xiaomi-pad-6", deny);
    bench.state.trust(AdbPublicKey::parse(benchKey().publicKey())->encoded());
    auto adb = bench.connect(benchKey());
    ASSERT_TRUE(adb) << adb.error().message;
    auto other = bench.connect(AdbKey::generate().value(), AdbConnectOptions{2s, 200ms, "x@y"});
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().message, kUnauthorized);
}

TEST(AdbClient, UnauthorizedIsReportedWithinTheBoundInsteadOfHanging) {
    TabletOptions options;
    options.denyNewKeys = true;
    Bench bench("xiaomi-pad-6", options);
    AdbConnectOptions bounded;
    bounded.promptWait = 300ms;
    const AdbKey &key = benchKey();  // generated before the clock starts: RSA key generation is slow
    auto started = std::chrono::steady_clock::now();
    auto adb = bench.connect(key, bounded);
    auto took = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(adb);
    EXPECT_EQ(adb.error().code, Errc::Refused);
    EXPECT_EQ(adb.error().message, kUnauthorized);
    EXPECT_LT(took, 3s);
    EXPECT_TRUE(bench.state.trustedKeys().empty());
}

TEST(AdbClient, SmallPayloadsCarryLongAnswersOneAcknowledgedMessageAtATime) {
    TabletOptions options;
    options.maxPayload = 4096;  // what a device of protocol version 1 accepts
    Bench bench("xiaomi-pad-6", options);
    auto adb = bench.connect(benchKey());
    ASSERT_TRUE(adb);
    EXPECT_EQ((*adb)->maxPayload(), 4096u);
    auto display = (*adb)->shell("dumpsys display");
    ASSERT_TRUE(display) << display.error().message;
    EXPECT_EQ(display->size(), bench.state.profile().outputs.at("dumpsys display").size());
    EXPECT_EQ(*display, bench.state.profile().outputs.at("dumpsys display"));
}

TEST(AdbClient, AnOldDeviceGetsVersionOneAndItsChecksumsAreChecked) {
    TabletOptions old;
    old.version = kVersionMin;
    Bench bench("asus-tf201", old);
    auto adb = bench.connect(benchKey());
    ASSERT_TRUE(adb) << adb.error().message;
    EXPECT_EQ((*adb)->version(), kVersionMin);
    auto model = (*adb)->shell("getprop ro.product.model");
    ASSERT_TRUE(model) << model.error().message;
    EXPECT_EQ(*model, "TF201\n");

    TabletOptions garbled = old;
    garbled.corruptChecksums = true;
    Bench noisy("asus-tf201", garbled);
    auto refused = noisy.connect(benchKey());
    ASSERT_FALSE(refused);  // its CNXN banner already fails the check
    EXPECT_NE(refused.error().message.find("data checksum (bytes 16-19) does not match"), std::string::npos)
        << refused.error().message;
    // A current device does not check checksums, and neither do we with it.
    TabletOptions current;
    current.corruptChecksums = true;
    Bench modern("xiaomi-pad-6", current);
    EXPECT_TRUE(modern.connect(benchKey()));
}

TEST(AdbClient, FactsOfBothProfiles) {
    {
        Bench bench("xiaomi-pad-6");
        auto adb = bench.connect(benchKey());
        ASSERT_TRUE(adb);
        auto f = readFacts(**adb);
        ASSERT_TRUE(f) << f.error().message;
        EXPECT_EQ(f->model, "23043RP34G");
        EXPECT_EQ(f->kind, "tablet");
        EXPECT_EQ(f->battery.levelPercent, 22);
        EXPECT_EQ(f->ramBytes, 7803768LL * 1024);
        EXPECT_EQ(f->dataTotalBytes, 241158768LL * 1024);
        EXPECT_EQ(f->screenWidthPx, 1800);
        EXPECT_EQ(f->densityDpi, 400);
        EXPECT_EQ(f->screenInches, 11.0);
        EXPECT_EQ(f->encryption, Encryption::FileBased);
        EXPECT_EQ(f->googleAccounts, 1);
        // The profile has no fuel gauge readings: said, not invented.
        ASSERT_EQ(f->unavailable.size(), 2u);
        EXPECT_EQ(f->unavailable[0], "cat /sys/class/power_supply/battery/cycle_count: cat: "
                                     "/sys/class/power_supply/battery/cycle_count: No such file or directory");
        EXPECT_FALSE(f->battery.cycles);
    }
    {
        Bench bench("asus-tf201");
        auto adb = bench.connect(benchKey());
        ASSERT_TRUE(adb);
        auto f = readFacts(**adb);
        ASSERT_TRUE(f) << f.error().message;
        EXPECT_EQ(f->model, "TF201");
        EXPECT_EQ(f->encryption, Encryption::None);
        EXPECT_EQ(f->googleAccounts, 0);
        EXPECT_FALSE(f->screenWidthPx);
        // wm and the display service do not exist there: said, not invented.
        ASSERT_GE(f->unavailable.size(), 4u);
        EXPECT_EQ(f->unavailable[2], "wm size: /system/bin/sh: wm: not found");
    }
}

TEST(AdbClient, BatteryWearFromTheFuelGaugeWhereTheShellMayReadIt) {
    auto profile = TabletProfile::load("xiaomi-pad-6").value();
    const std::string gauge = "cat /sys/class/power_supply/battery/";
    profile.outputs[gauge + "cycle_count"] = "412\n";
    profile.outputs[gauge + "charge_full"] = "7912000\n";
    profile.outputs[gauge + "charge_full_design"] = "8840000\n";
    TabletState state(std::move(profile), {});
    auto server = TabletServer::start(state).value();
    auto adb = AdbClient::connect(connectTcp(server->address(), 2s).value(), benchKey());
    ASSERT_TRUE(adb);
    auto f = readFacts(**adb);
    ASSERT_TRUE(f) << f.error().message;
    EXPECT_EQ(f->battery.cycles, 412);
    EXPECT_EQ(f->battery.healthPercent, 90);  // 7912000 of 8840000 µAh
    EXPECT_TRUE(f->unavailable.empty());
}

TEST(AdbClient, ATabletVanishingMidAnswerIsACleanDeviceError) {
    TabletOptions options;
    options.vanishOn = "dumpsys battery";
    Bench bench("xiaomi-pad-6", options);
    auto adb = bench.connect(benchKey());
    ASSERT_TRUE(adb);
    auto f = readFacts(**adb);
    ASSERT_FALSE(f);
    EXPECT_EQ(f.error().code, Errc::Device);
    EXPECT_NE(f.error().message.find("disconnected"), std::string::npos) << f.error().message;
    EXPECT_NE(f.error().message.find("dumpsys battery"), std::string::npos) << f.error().message;
}

TEST(AdbClient, APeerThatIsNoAdbDeviceIsRefusedCleanly) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
    ::listen(fd, 1);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    std::thread http([fd] {
        int c = ::accept(fd, nullptr, nullptr);
        char request[24];  // the client's CNXN header, then an answer in another protocol
        (void)!::read(c, request, sizeof request);
        const char reply[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
        (void)!::write(c, reply, sizeof reply - 1);
        ::shutdown(c, SHUT_WR);
        char rest[256];
        while (::read(c, rest, sizeof rest) > 0) {
        }
        ::close(c);
    });
    auto tcp = connectTcp("127.0.0.1:" + std::to_string(ntohs(a.sin_port)), 2s);
    ASSERT_TRUE(tcp);
    auto adb = AdbClient::connect(std::move(*tcp), benchKey());
    http.join();
    ::close(fd);
    ASSERT_FALSE(adb);
    EXPECT_EQ(adb.error().code, Errc::Device);
    EXPECT_NE(adb.error().message.find("magic"), std::string::npos) << adb.error().message;
}

TEST(AdbClient, BadAddressesAreInputErrors) {
    auto e = connectTcp("localhost", 1s);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, Errc::InvalidInput);
    EXPECT_NE(e.error().message.find("HOST:PORT"), std::string::npos);
    EXPECT_FALSE(connectTcp("127.0.0.1:12ab", 1s));
    EXPECT_EQ(AndroidTarget::parse("usb:1-1").error().code, Errc::InvalidInput);
    EXPECT_NE(AndroidTarget::parse("adb:bad serial").error().message.find("no spaces"), std::string::npos);
    EXPECT_EQ(AndroidTarget::parse("adb:10.0.0.5:5555")->tcp, "10.0.0.5:5555");
    EXPECT_EQ(AndroidTarget::parse("adb:R52W60BEDXD")->serial, "R52W60BEDXD");
}

}  // namespace
