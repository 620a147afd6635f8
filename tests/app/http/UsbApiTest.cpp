// The USB bench over HTTP, under umockdev: the devices listed as `diag list --json` lists them,
// and arrivals and departures published as "usb" live events while the server runs.
#include <gtest/gtest.h>

#include "app/http/ApiServer.hpp"
#include "support/usb/UsbTestbed.hpp"

using namespace reemploi;
using namespace reemploi::test;
using namespace reemploi::testing::usb;

namespace {
DeviceSpec spec(const std::string &name) {
    auto s = fixture(name);
    if (!s) throw std::runtime_error(s.error().message);
    return std::move(*s);
}
bool isUsb(const app::http::LiveEvent &e, const std::string &kind, const std::string &port) {
    if (e.name != "usb") return false;
    auto o = parseJson(e.data);
    return o->getValue<std::string>("event") == kind && e.data.find("\"" + port + "\"") != std::string::npos;
}
}  // namespace

TEST(UsbApi, DevicesAreListedAndHotplugIsPublished) {
    UsbTestbed bed;
    bed.plug(spec("linux-root-hub-2.0"), "usb1");
    bed.plug(spec("jmicron-jms578"), "1-1");
    ApiServer api;
    auto c = api.as("tom");
    auto list = c.get("/api/usb/devices");
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_NE(list.body.find("152d"), std::string::npos) << list.body;
    EXPECT_NE(list.body.find("\"1-1\""), std::string::npos) << list.body;

    auto sub = api.server->state().events.subscribe();
    auto tablet = bed.plug(spec("android-adb-tablet"), "1-3");
    ASSERT_TRUE(waitForEvent(*sub, [](const app::http::LiveEvent &e) { return isUsb(e, "arrived", "1-3"); }, std::chrono::seconds(30)));
    bed.unplug(tablet);
    ASSERT_TRUE(waitForEvent(*sub, [](const app::http::LiveEvent &e) { return isUsb(e, "left", "1-3"); }, std::chrono::seconds(30)));
    api.server->stop();  // stops the watch before the testbed goes
}
