// The USB bench against emulated devices: enumeration of a hub full of devices, names, handlers,
// hotplug while running, transfers that stall, time out or lose their device, malformed
// descriptors, devices we may not open.
#include <gtest/gtest.h>

#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include <reemploi/diagnostics/UsbBus.hpp>

#include "support/Tools.hpp"
#include "support/usb/UsbTestbed.hpp"

using namespace reemploi;
using namespace reemploi::diagnostics;
using namespace reemploi::testing::usb;
using namespace std::chrono_literals;

namespace {

DeviceSpec spec(const std::string &name) {
    auto s = fixture(name);
    if (!s) throw std::runtime_error(s.error().message);
    return std::move(*s);
}

std::unique_ptr<UsbBus> openBus(UsbBusOptions options = {}) {
    auto bus = UsbBus::open(std::move(options));
    if (!bus) throw std::runtime_error(bus.error().message);
    return std::move(*bus);
}

const UsbDeviceInfo *at(const std::vector<UsbDeviceInfo> &devices, const std::string &portPath) {
    for (const auto &d : devices)
        if (d.portPath == portPath) return &d;
    return nullptr;
}

// Raised once by the device's thread, waited for by the test's: the event itself, not a delay.
class Flag {
public:
    void raise() {
        {
            std::lock_guard guard(_mutex);
            _raised = true;
        }
        _changed.notify_all();
    }
    bool waitFor(std::chrono::milliseconds timeout) {
        std::unique_lock lock(_mutex);
        return _changed.wait_for(lock, timeout, [&] { return _raised; });
    }

private:
    std::mutex _mutex;
    std::condition_variable _changed;
    bool _raised = false;
};

// A bridge that answers bulk OUT and never sends anything on bulk IN, unless told to stall or go.
class QuietBridge : public EmulatedDevice {
public:
    using EmulatedDevice::EmulatedDevice;
    Flag inWaiting;  // an IN transfer waits (raised inside the ioctl: unplug() waits for it to end)
    Reply onBulkOut(std::uint8_t, std::span<const std::uint8_t> bytes) override {
        std::string text(bytes.begin(), bytes.end());
        if (text == "stall") return Reply::stall();
        if (text == "yank") return Reply::disconnect();
        return Reply::data({});
    }
    Reply onBulkIn(std::uint8_t, std::size_t) override {
        inWaiting.raise();
        return Reply::never();
    }
};

// Records hotplug events and lets the test wait for them.
struct EventLog {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<UsbEvent> events;

    UsbBus::Listener listener() {
        return [this](const UsbEvent &e) {
            {
                std::lock_guard guard(mutex);
                events.push_back(e);
            }
            changed.notify_all();
        };
    }
    std::optional<UsbEvent> waitFor(UsbEvent::Kind kind, const std::string &portPath) {
        std::unique_lock lock(mutex);
        std::optional<UsbEvent> found;
        changed.wait_for(lock, 5s, [&] {
            for (auto &e : events)
                if (e.kind == kind && e.device.portPath == portPath) found = e;
            return found.has_value();
        });
        return found;
    }
};

// Drops the calling thread's root powers over file permissions for its lifetime (no-op when the
// tests do not run as root), so that a chmod 000 device node is refused as for a normal user.
class NoFileOverride {
public:
    NoFileOverride() {
        _header.version = _LINUX_CAPABILITY_VERSION_3;
        _header.pid = 0;
        if (syscall(SYS_capget, &_header, _saved) != 0) return;
        __user_cap_data_struct reduced[2] = {_saved[0], _saved[1]};
        reduced[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH) | (1u << CAP_FOWNER));
        _dropped = syscall(SYS_capset, &_header, reduced) == 0;
    }
    ~NoFileOverride() {
        if (_dropped) syscall(SYS_capset, &_header, _saved);
    }

private:
    __user_cap_header_struct _header{};
    __user_cap_data_struct _saved[2]{};
    bool _dropped = false;
};

}  // namespace

TEST(UsbBench, EnumeratesAHubFullOfDevices) {
    UsbTestbed bed;
    bed.plugHub("1-1");
    const std::vector<std::pair<std::string, std::string>> plugged = {
        {"1-1.1", "jmicron-jms578"},     {"1-1.2", "asmedia-asm1153e"},   {"1-1.3", "realtek-rtl9210"},
        {"1-1.4", "via-vl716"},          {"1-1.5", "android-adb-tablet"}, {"1-1.6", "lenovo-tablet-mtp"},
        {"1-1.7", "canon-powershot-sx200"}};
    for (auto &[port, name] : plugged) bed.plug(spec(name), port);

    auto bus = openBus();
    auto devices = bus->list();
    ASSERT_TRUE(devices) << devices.error().message;
    ASSERT_EQ(devices->size(), 9u);  // root hub, hub, seven devices
    EXPECT_EQ((*devices)[0].portPath, "usb1");
    EXPECT_EQ((*devices)[1].portPath, "1-1");
    EXPECT_EQ((*devices)[0].handler, Handler::Hub);
    EXPECT_EQ((*devices)[1].handler, Handler::Hub);

    const UsbDeviceInfo *jms578 = at(*devices, "1-1.1");
    ASSERT_NE(jms578, nullptr);
    EXPECT_EQ(jms578->ids(), "152d:0578");
    EXPECT_EQ(jms578->bus, 1);
    EXPECT_EQ(jms578->address, 3);  // after the root hub (1) and the hub (2)
    EXPECT_EQ(jms578->handler, Handler::MassStorage);
    EXPECT_TRUE(jms578->quirks.empty());
    EXPECT_EQ(jms578->serial.value_or(""), "0000000000A1");
    EXPECT_EQ(jms578->speed, "super");
    EXPECT_TRUE(jms578->accessible);
    ASSERT_EQ(jms578->interfaces.size(), 1u);
    EXPECT_EQ(jms578->interfaces[0].triple, (ClassTriple{0x08, 0x06, 0x50}));

    const UsbDeviceInfo *rtl = at(*devices, "1-1.3");
    ASSERT_NE(rtl, nullptr);
    EXPECT_EQ(rtl->handler, Handler::MassStorage);
    EXPECT_EQ(rtl->quirks, (std::vector<std::string>{"nvme-bridge", "no-ata-passthrough", "nvme-passthrough-realtek"}));

    const UsbDeviceInfo *vl716 = at(*devices, "1-1.4");
    ASSERT_NE(vl716, nullptr);
    EXPECT_FALSE(vl716->serial);
    EXPECT_EQ(vl716->serialUnavailable, "the device reports no serial number");
    EXPECT_EQ(vl716->speed, "super+");

    const UsbDeviceInfo *adb = at(*devices, "1-1.5");
    ASSERT_NE(adb, nullptr);
    EXPECT_EQ(adb->handler, Handler::AndroidAdb);
    EXPECT_EQ(adb->serial.value_or(""), "35091FDJH000RR");

    const UsbDeviceInfo *mtp = at(*devices, "1-1.6");
    ASSERT_NE(mtp, nullptr);
    EXPECT_EQ(mtp->handler, Handler::Mtp);

    // The camera announces serial string 3 but has none: the list says why.
    const UsbDeviceInfo *camera = at(*devices, "1-1.7");
    ASSERT_NE(camera, nullptr);
    EXPECT_EQ(camera->handler, Handler::Mtp);
    EXPECT_FALSE(camera->serial);
    EXPECT_NE(camera->serialUnavailable.find("stall"), std::string::npos) << camera->serialUnavailable;
}

// What `reemploi diag list --json` prints (DiagCommandsTest.cpp, same bench): the service's list,
// each device's toJson(), with every key the README names, absent values as null.
TEST(UsbBench, ListAsJsonCarriesEveryFieldOfDiagList) {
    UsbTestbed bed;
    bed.plugHub("1-1");
    bed.plug(spec("jmicron-jms578"), "1-1.1");
    bed.plug(spec("via-vl716"), "1-1.3");
    auto devices = openBus()->list();
    ASSERT_TRUE(devices) << devices.error().message;
    const UsbDeviceInfo *jms578 = at(*devices, "1-1.1");
    ASSERT_NE(jms578, nullptr);
    const std::string json = jms578->toJson().str();
    for (const char *key : {"bus", "port_path", "address", "vid", "pid", "release", "vendor", "product", "class",
                            "class_name", "interfaces", "serial", "serial_unavailable", "speed", "speed_mbps", "handler",
                            "handler_label", "quirks", "accessible", "access_problem", "access_hint", "descriptor_problem"})
        EXPECT_NE(json.find("\"" + std::string(key) + "\":"), std::string::npos) << key << " in " << json;
    for (const char *pair : {R"("bus":1)", R"("port_path":"1-1.1")", R"("vid":"152d")", R"("pid":"0578")",
                             R"("class":"00")", R"("serial":"0000000000A1")", R"("speed":"super")",
                             R"("handler":"mass-storage")", R"("quirks":[])", R"("accessible":true)"})
        EXPECT_NE(json.find(pair), std::string::npos) << pair << " in " << json;
    const UsbDeviceInfo *vl716 = at(*devices, "1-1.3");
    ASSERT_NE(vl716, nullptr);
    const std::string noSerial = vl716->toJson().str();
    EXPECT_NE(noSerial.find(R"("serial":null)"), std::string::npos) << noSerial;
    EXPECT_NE(noSerial.find(R"("serial_unavailable":"the device reports no serial number")"), std::string::npos) << noSerial;
}

TEST(UsbBench, NamesComeFromUsbIds) {
    REQUIRE_FILE(UsbIds::DefaultPath, "usb.ids");
    UsbTestbed bed;
    bed.plug(spec("jmicron-jms578"), "1-1");
    bed.plug(spec("lenovo-tablet-mtp"), "1-2");
    auto devices = openBus()->list();
    ASSERT_TRUE(devices);
    const UsbDeviceInfo *jms578 = at(*devices, "1-1");
    ASSERT_NE(jms578, nullptr);
    EXPECT_EQ(jms578->vendorName, "JMicron Technology Corp. / JMicron USA Technology Corp.");
    EXPECT_EQ(jms578->productName, "JMS578 SATA 6Gb/s");
    EXPECT_EQ(jms578->className, "Mass Storage");
    EXPECT_EQ(jms578->interfaces[0].subclassName, "SCSI");
    EXPECT_EQ(jms578->interfaces[0].protocolName, "Bulk-Only");
    const UsbDeviceInfo *root = at(*devices, "usb1");
    ASSERT_NE(root, nullptr);
    EXPECT_EQ(root->displayName(), "Linux Foundation 2.0 root hub");
    EXPECT_EQ(root->className, "Hub");
    // usb.ids knows Lenovo but not this tablet: the device's own product string fills in.
    const UsbDeviceInfo *tablet = at(*devices, "1-2");
    ASSERT_NE(tablet, nullptr);
    EXPECT_EQ(tablet->vendorName, "Lenovo");
    EXPECT_EQ(tablet->productName, "Android");
}

TEST(UsbBench, WithoutUsbIdsNamesDegradeToDeviceStringsThenBareIds) {
    UsbTestbed bed;
    bed.plug(spec("jmicron-jms578"), "1-1");
    bed.plug(DescriptorBuilder(0x1234, 0x5678).interface(0xff, 0, 0).build(), "1-2");
    UsbBusOptions options;
    options.usbIdsPath = "/nonexistent/usb.ids";
    auto bus = openBus(options);
    EXPECT_TRUE(bus->ids().empty());
    auto devices = bus->list();
    ASSERT_TRUE(devices);
    const UsbDeviceInfo *jms578 = at(*devices, "1-1");
    ASSERT_NE(jms578, nullptr);
    EXPECT_EQ(jms578->displayName(), "JMicron USB to ATA/ATAPI Bridge");
    EXPECT_EQ(jms578->className, "");
    EXPECT_EQ(jms578->handler, Handler::MassStorage);
    const UsbDeviceInfo *bare = at(*devices, "1-2");
    ASSERT_NE(bare, nullptr);
    EXPECT_EQ(bare->displayName(), "1234:5678");
    EXPECT_EQ(bare->handler, Handler::Unknown);
}

TEST(UsbBench, HotplugArrivalAndRemovalWhileWatching) {
    UsbTestbed bed;
    bed.plug(spec("linux-root-hub-2.0"), "usb1");
    EventLog log;  // before the bus: the bus's thread calls into it until the bus goes
    auto bus = openBus();
    ASSERT_TRUE(bus->watch(log.listener()));

    auto bridge = bed.plug(spec("jmicron-jms578"), "1-2");
    auto arrived = log.waitFor(UsbEvent::Kind::Arrived, "1-2");
    ASSERT_TRUE(arrived) << "no arrival event";
    EXPECT_EQ(arrived->device.ids(), "152d:0578");
    EXPECT_EQ(arrived->device.handler, Handler::MassStorage);
    EXPECT_EQ(arrived->device.serial.value_or(""), "0000000000A1");

    auto tablet = bed.plug(spec("android-adb-tablet"), "1-3");
    ASSERT_TRUE(log.waitFor(UsbEvent::Kind::Arrived, "1-3"));

    bed.unplug(bridge);
    auto left = log.waitFor(UsbEvent::Kind::Left, "1-2");
    ASSERT_TRUE(left) << "no departure event";
    EXPECT_EQ(left->device.ids(), "152d:0578");
    EXPECT_EQ(left->device.serial.value_or(""), "0000000000A1");  // what arrival learnt

    auto devices = bus->list();
    ASSERT_TRUE(devices);
    EXPECT_EQ(at(*devices, "1-2"), nullptr);
    EXPECT_NE(at(*devices, "1-3"), nullptr);
    bus->stopWatching();

    // Stopped: later changes are not reported, and watching can start again. A second bus, still
    // watching, sees the departure: once it has, the stopped one would have had it too.
    EventLog witness;
    auto other = openBus();
    ASSERT_TRUE(other->watch(witness.listener()));
    bed.unplug(tablet);
    ASSERT_TRUE(witness.waitFor(UsbEvent::Kind::Left, "1-3")) << "the departure never happened";
    other.reset();
    {
        std::lock_guard guard(log.mutex);
        for (auto &e : log.events)
            EXPECT_FALSE(e.kind == UsbEvent::Kind::Left && e.device.portPath == "1-3") << "departure reported after stopWatching";
        EXPECT_EQ(log.events.size(), 3u);
    }
    EXPECT_TRUE(bus->watch(log.listener()));
    EXPECT_FALSE(bus->watch(log.listener()));  // one watch at a time
}

TEST(UsbBench, WatchReportsPresentDevicesWhenAsked) {
    UsbTestbed bed;
    bed.plug(spec("via-vl716"), "1-4");
    EventLog log;
    auto bus = openBus();
    ASSERT_TRUE(bus->watch(log.listener(), /*includePresent=*/true));
    auto present = log.waitFor(UsbEvent::Kind::Arrived, "1-4");
    ASSERT_TRUE(present);
    EXPECT_EQ(present->device.ids(), "2109:0716");
}

TEST(UsbBench, DeviceYankedDuringABulkTransferFailsCleanly) {
    UsbTestbed bed;
    auto bridge = std::make_shared<QuietBridge>(spec("jmicron-jms578"));
    auto device = bed.plug(bridge, "1-1");
    auto bus = openBus();
    auto transport = bus->open(1, static_cast<std::uint8_t>(bed.address(device)));
    ASSERT_TRUE(transport) << transport.error().message;
    auto claim = (*transport)->claimInterface(0);
    ASSERT_TRUE(claim) << claim.error().message;

    std::thread yank([&] {
        EXPECT_TRUE(bridge->inWaiting.waitFor(5s)) << "the transfer never reached the device";
        bed.unplug(device);
    });
    std::uint8_t buffer[512];
    auto start = std::chrono::steady_clock::now();
    auto got = (*transport)->bulkIn(0x81, buffer, 10s);
    auto elapsed = std::chrono::steady_clock::now() - start;
    yank.join();
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, Errc::Device);
    EXPECT_NE(got.error().message.find("disconnected"), std::string::npos) << got.error().message;
    EXPECT_LT(elapsed, 3s) << "the transfer waited for its timeout instead of failing at once";

    // Later calls fail the same way; giving the claim back to a gone device does not hang.
    const std::uint8_t command[] = {'x'};
    auto again = (*transport)->bulkOut(0x02, command, 1s);
    ASSERT_FALSE(again);
    EXPECT_NE(again.error().message.find("disconnected"), std::string::npos) << again.error().message;
    claim->release();
    transport->reset();
}

TEST(UsbBench, DeviceThatVanishesOnACommandFailsCleanly) {
    UsbTestbed bed;
    auto device = bed.plug(std::make_shared<QuietBridge>(spec("asmedia-asm1153e")), "1-2");
    auto bus = openBus();
    auto transport = bus->open(1, static_cast<std::uint8_t>(bed.address(device)));
    ASSERT_TRUE(transport);
    auto claim = (*transport)->claimInterface(0);
    ASSERT_TRUE(claim);
    const std::uint8_t yank[] = {'y', 'a', 'n', 'k'};
    auto sent = (*transport)->bulkOut(0x02, yank, 1s);
    ASSERT_FALSE(sent);
    EXPECT_NE(sent.error().message.find("disconnected"), std::string::npos) << sent.error().message;
    auto devices = bus->list();
    ASSERT_TRUE(devices);
    EXPECT_EQ(at(*devices, "1-2"), nullptr);
}

TEST(UsbBench, TransferTimeoutIsReportedAndTheDeviceStaysUsable) {
    UsbTestbed bed;
    auto device = bed.plug(std::make_shared<QuietBridge>(spec("realtek-rtl9210")), "1-1");
    auto bus = openBus();
    auto transport = bus->open(1, static_cast<std::uint8_t>(bed.address(device)));
    ASSERT_TRUE(transport);
    auto claim = (*transport)->claimInterface(0);
    ASSERT_TRUE(claim);
    std::uint8_t buffer[64];
    auto start = std::chrono::steady_clock::now();
    auto got = (*transport)->bulkIn(0x81, buffer, 150ms);
    auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, Errc::Timeout);
    EXPECT_GE(elapsed, 100ms);
    EXPECT_LT(elapsed, 2s);
    EXPECT_EQ(device->counters().discarded.load(), 1);  // libusb cancelled the URB
    const std::uint8_t command[] = {'o', 'k'};
    auto sent = (*transport)->bulkOut(0x02, command, 1s);
    ASSERT_TRUE(sent) << sent.error().message;
    EXPECT_EQ(*sent, 2u);
}

TEST(UsbBench, StallIsReportedUntilTheHaltIsCleared) {
    UsbTestbed bed;
    auto device = bed.plug(std::make_shared<QuietBridge>(spec("jmicron-jms583")), "1-1");
    auto bus = openBus();
    auto transport = bus->open(1, static_cast<std::uint8_t>(bed.address(device)));
    ASSERT_TRUE(transport);
    auto claim = (*transport)->claimInterface(0);
    ASSERT_TRUE(claim);
    const std::uint8_t stall[] = {'s', 't', 'a', 'l', 'l'}, ok[] = {'o', 'k'};
    auto first = (*transport)->bulkOut(0x02, stall, 1s);
    ASSERT_FALSE(first);
    EXPECT_NE(first.error().message.find("stall"), std::string::npos);
    EXPECT_FALSE((*transport)->bulkOut(0x02, ok, 1s));  // still halted
    ASSERT_TRUE((*transport)->clearHalt(0x02));
    EXPECT_TRUE((*transport)->bulkOut(0x02, ok, 1s));
    EXPECT_EQ(device->counters().clearHalts.load(), 1);
}

TEST(UsbBench, ClaimDetachesTheKernelDriverAndGivesItBack) {
    UsbTestbed bed;
    auto device = bed.plug(std::make_shared<QuietBridge>(spec("jmicron-jms578")), "1-1");
    auto bus = openBus();
    auto transport = bus->open(1, static_cast<std::uint8_t>(bed.address(device)));
    ASSERT_TRUE(transport);
    EXPECT_EQ(device->kernelDriver(0), "usb-storage");
    {
        auto claim = (*transport)->claimInterface(0);
        ASSERT_TRUE(claim) << claim.error().message;
        EXPECT_TRUE(claim->active());
        EXPECT_EQ(device->kernelDriver(0), "");
        EXPECT_EQ(device->claimedInterfaces(), (std::set<std::uint8_t>{0}));
    }
    EXPECT_EQ(device->kernelDriver(0), "usb-storage");
    EXPECT_TRUE(device->claimedInterfaces().empty());
    EXPECT_EQ(device->counters().driverDetaches.load(), 1);
    EXPECT_EQ(device->counters().driverAttaches.load(), 1);

    // A device with no kernel driver: claimed and released, nothing detached or re-attached.
    auto tablet = bed.plug(std::make_shared<QuietBridge>(spec("android-adb-tablet")), "1-2");
    auto other = bus->open(1, static_cast<std::uint8_t>(bed.address(tablet)));
    ASSERT_TRUE(other);
    {
        auto claim = (*other)->claimInterface(0);
        ASSERT_TRUE(claim);
        auto moved = std::move(*claim);  // the guard moves; only the last holder gives back
        EXPECT_EQ(tablet->claimedInterfaces().size(), 1u);
    }
    EXPECT_TRUE(tablet->claimedInterfaces().empty());
    EXPECT_EQ(tablet->counters().releases.load(), 1);
    EXPECT_EQ(tablet->counters().driverAttaches.load(), 0);
}

TEST(UsbBench, OpeningAMissingDeviceNamesIt) {
    UsbTestbed bed;
    bed.plug(spec("linux-root-hub-2.0"), "usb1");
    auto bus = openBus();
    auto transport = bus->open(1, 77);
    ASSERT_FALSE(transport);
    EXPECT_EQ(transport.error().code, Errc::NotFound);
    EXPECT_NE(transport.error().message.find("001:077"), std::string::npos);
}

TEST(UsbBench, DeviceWithoutAccessIsListedWithTheReasonAndTheFix) {
    UsbTestbed bed;
    auto device = bed.plug(spec("jmicron-jms578"), "1-1");
    ASSERT_EQ(chmod(bed.devNodeFile(device).c_str(), 0), 0);
    auto bus = openBus();
    std::vector<UsbDeviceInfo> devices;
    Result<std::unique_ptr<LibusbTransport>> transport = makeError(Errc::Internal, "not tried");
    {
        NoFileOverride asAnOrdinaryUser;
        auto listed = bus->list();
        ASSERT_TRUE(listed);
        devices = *listed;
        transport = bus->open(1, static_cast<std::uint8_t>(bed.address(device)));
    }
    const UsbDeviceInfo *d = at(devices, "1-1");
    ASSERT_NE(d, nullptr);
    EXPECT_FALSE(d->accessible);
    EXPECT_EQ(d->accessProblem, "no access (permission denied)");
    EXPECT_NE(d->accessHint.find("70-reemploi.rules"), std::string::npos);
    EXPECT_EQ(d->serial.value_or(""), "0000000000A1");  // from sysfs: no access needed
    EXPECT_EQ(d->handler, Handler::MassStorage);
    ASSERT_FALSE(transport);
    EXPECT_NE(transport.error().message.find("no access (permission denied): install the udev rule"), std::string::npos)
        << transport.error().message;
}

// Malformed descriptors: each device below is wrong in one way; nothing may crash or hang, and
// what can be listed is listed (libusb parses descriptors; we only report what it refuses).
TEST(UsbBench, MalformedDescriptorsNeverCrash) {
    UsbTestbed bed;
    auto base = spec("jmicron-jms578").descriptors;  // 18 + 9 + 9 + 7 + 7 = 50 bytes
    auto variant = [&](auto change) {
        DeviceSpec s = spec("jmicron-jms578");
        change(s.descriptors);
        return s;
    };
    std::vector<std::pair<std::string, DeviceSpec>> cases = {
        {"1-1", variant([](auto &d) { d.resize(10); })},                      // truncated device descriptor
        {"1-2", variant([](auto &d) { d.resize(30); })},                      // truncated configuration
        {"1-3", variant([](auto &d) { d[18 + 2] = 0xff; d[18 + 3] = 0x0f; })},  // wTotalLength far too long
        {"1-4", variant([](auto &d) { d[18 + 9] = 0; })},                     // interface bLength 0
        {"1-5", variant([](auto &d) { d.resize(18 + 9 + 9); d[18 + 2] = 18; })},  // endpoints announced, absent
        {"1-6", variant([](auto &d) { d[18 + 4] = 5; })},                     // bNumInterfaces 5, one present
        {"1-7", variant([](auto &d) { d[17] = 0; d.resize(18); })},           // no configuration at all
        {"1-8", variant([](auto &d) { d[18 + 9 + 9] = 0xff; })},              // endpoint bLength 255
        {"1-9", variant([](auto &d) { d[18 + 9 + 4] = 0; d.resize(18 + 9 + 9); d[18 + 2] = 18; })},  // zero endpoints
        {"1-10", variant([](auto &d) { d[0] = 9; })},                         // device bLength wrong
        {"1-11", variant([](auto &d) { d[18 + 1] = 0x21; })},                 // configuration of the wrong type
    };
    for (auto &[port, s] : cases) bed.plug(std::move(s), port);
    auto bus = openBus();
    auto devices = bus->list();
    ASSERT_TRUE(devices) << devices.error().message;
    for (const auto &d : *devices) {
        EXPECT_FALSE(d.portPath.empty());
        EXPECT_FALSE(d.toLine().empty());
        EXPECT_FALSE(d.toJson().str().empty());
    }
    // A device with a valid configuration and no endpoints is fine: listed with its interface.
    const UsbDeviceInfo *zeroEndpoints = at(*devices, "1-9");
    ASSERT_NE(zeroEndpoints, nullptr);
    ASSERT_EQ(zeroEndpoints->interfaces.size(), 1u);
    EXPECT_EQ(zeroEndpoints->interfaces[0].endpoints, 0);
    EXPECT_EQ(zeroEndpoints->handler, Handler::MassStorage);
    // No configuration at all: listed, and the problem said.
    const UsbDeviceInfo *noConfig = at(*devices, "1-7");
    ASSERT_NE(noConfig, nullptr);
    EXPECT_EQ(noConfig->descriptorProblem, "the device declares no configuration");
    // A configuration libusb refuses: listed by its device descriptor, the problem said.
    const UsbDeviceInfo *truncated = at(*devices, "1-2");
    if (truncated) {
        EXPECT_FALSE(truncated->descriptorProblem.empty() && truncated->interfaces.empty()) << truncated->toJson().str();
    }
}

// Deterministic randomised descriptors: byte flips, truncations and insertions of a real device's
// descriptors, enumerated, opened and asked for a string. The same seed gives the same cases on
// every run. The configuration header (the 9 bytes after the device descriptor) is kept: the
// kernel refuses a device whose header is invalid, so such bytes never reach sysfs (and libusb
// 1.0.26 would loop forever on a zero-length descriptor there).
TEST(UsbBench, RandomlyDamagedDescriptorsNeverCrash) {
    UsbTestbed bed;
    std::mt19937 random(20261123);
    const auto good = spec("jmicron-jms578");
    constexpr std::size_t header = 18 + 9;
    int plugged = 0;
    for (int bus = 2; bus <= 7; ++bus) {
        for (int port = 1; port <= 15; ++port, ++plugged) {
            DeviceSpec s = good;
            auto &d = s.descriptors;
            int edits = 1 + static_cast<int>(random() % 4);
            for (int e = 0; e < edits; ++e) {
                bool inDevice = random() % 4 == 0;  // a device descriptor field, else the configuration body
                std::size_t at = inDevice ? 2 + random() % 16 : header + random() % (d.size() > header ? d.size() - header : 1);
                switch (random() % 5) {
                case 0: if (at < d.size()) d[at] = static_cast<std::uint8_t>(random()); break;
                case 1: if (!inDevice) d.resize(std::min(d.size(), at)); break;
                case 2: if (!inDevice && at <= d.size()) d.insert(d.begin() + static_cast<long>(at), static_cast<std::uint8_t>(random())); break;
                case 3: d[18 + 2 + random() % 2] = static_cast<std::uint8_t>(random()); break;  // wTotalLength
                default: if (at < d.size()) d[at] ^= static_cast<std::uint8_t>(1u << (random() % 8)); break;
                }
            }
            bed.plug(std::move(s), std::to_string(bus) + "-" + std::to_string(port));
        }
    }
    auto usb = openBus();
    auto devices = usb->list();
    ASSERT_TRUE(devices) << devices.error().message;
    EXPECT_LE(devices->size(), static_cast<std::size_t>(plugged + 6));
    EXPECT_GT(devices->size(), static_cast<std::size_t>(plugged / 2));  // most damaged devices still show
    for (const auto &d : *devices) {
        EXPECT_FALSE(d.toJson().str().empty());
        auto transport = usb->open(d);
        if (transport) (void)(*transport)->stringDescriptor(2, 200ms);
    }
}

// String descriptors are the one thing we parse ourselves: damaged replies give an error, never
// a crash or a read past the reply.
class BadStrings : public EmulatedDevice {
public:
    using EmulatedDevice::EmulatedDevice;
    Reply onControl(const SetupPacket &setup, std::span<const std::uint8_t> data) override {
        if (setup.request == 0x06 && (setup.value >> 8) == 3 && (setup.value & 0xff) != 0) {
            switch (setup.value & 0xff) {
            case 1: return Reply::data({});                       // nothing
            case 2: return Reply::data({9});                      // one byte
            case 3: return Reply::data({40, 3, 'a', 0});          // bLength beyond the reply
            case 4: return Reply::data({5, 3, 'a', 0, 'b'});      // odd length
            case 5: return Reply::data({6, 2, 'a', 0, 'b', 0});   // not a string descriptor
            case 6: return Reply::data({6, 3, 0xe9, 0x00, 0x3b, 0x26});  // "é☻": fine, non-ASCII
            default: break;
            }
        }
        return EmulatedDevice::onControl(setup, data);
    }
};

TEST(UsbBench, DamagedStringDescriptorsAreErrorsNamingTheProblem) {
    UsbTestbed bed;
    auto device = bed.plug(std::make_shared<BadStrings>(spec("android-adb-tablet")), "1-1");
    auto usb = openBus();
    auto transport = usb->open(1, static_cast<std::uint8_t>(bed.address(device)));
    ASSERT_TRUE(transport);
    for (std::uint8_t index = 1; index <= 5; ++index) {
        auto text = (*transport)->stringDescriptor(index);
        ASSERT_FALSE(text) << "string " << int(index) << " gave '" << *text << "'";
        EXPECT_NE(text.error().message.find("string descriptor " + std::to_string(index)), std::string::npos)
            << text.error().message;
    }
    auto fine = (*transport)->stringDescriptor(6);
    ASSERT_TRUE(fine) << fine.error().message;
    EXPECT_EQ(*fine, "\xc3\xa9\xe2\x98\xbb");
    EXPECT_EQ((*transport)->stringDescriptor(0).error().code, Errc::NotFound);
}

// Vendor control requests, both directions, a refused one, and misuse caught before the wire.
class VendorDevice : public EmulatedDevice {
public:
    using EmulatedDevice::EmulatedDevice;
    Reply onControl(const SetupPacket &setup, std::span<const std::uint8_t> data) override {
        if ((setup.requestType & 0x60) == 0x40) {  // vendor
            if (setup.request == 0x01 && setup.isIn()) return Reply::data({0xde, 0xad, 0xbe, 0xef, 0x00, 0x01});
            if (setup.request == 0x02 && !setup.isIn()) {
                received.assign(data.begin(), data.end());
                value = setup.value;
                index = setup.index;
                return Reply::data({});
            }
            return Reply::stall();
        }
        return EmulatedDevice::onControl(setup, data);
    }
    std::vector<std::uint8_t> received;
    std::uint16_t value = 0, index = 0;
};

TEST(UsbBench, TransportControlRequestsAndMisuse) {
    UsbTestbed bed;
    auto device = std::make_shared<VendorDevice>(spec("android-adb-tablet"));
    bed.plug(device, "1-1");
    auto bus = openBus();
    auto transport = bus->open(1, static_cast<std::uint8_t>(bed.address(device)));
    ASSERT_TRUE(transport);
    auto &t = **transport;

    std::uint8_t in[4] = {};
    auto got = t.control(0xc0, 0x01, 0, 0, in, 1s);  // asks for 4 of the 6 bytes the device has
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(*got, 4u);
    EXPECT_EQ(in[0], 0xde);
    EXPECT_EQ(in[3], 0xef);

    std::uint8_t out[3] = {1, 2, 3};
    auto sent = t.control(0x40, 0x02, 0x1234, 0x0005, out, 1s);
    ASSERT_TRUE(sent) << sent.error().message;
    EXPECT_EQ(*sent, 3u);
    EXPECT_EQ(device->received, (std::vector<std::uint8_t>{1, 2, 3}));
    EXPECT_EQ(device->value, 0x1234);
    EXPECT_EQ(device->index, 0x0005);

    auto refused = t.control(0xc0, 0x7f, 0, 0, in, 1s);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("control request 0xc0/0x7f: stall"), std::string::npos) << refused.error().message;

    std::vector<std::uint8_t> huge(70000);
    EXPECT_EQ(t.control(0xc0, 0x01, 0, 0, huge, 1s).error().code, Errc::InvalidInput);
    EXPECT_EQ(t.bulkIn(0x01, in, 1s).error().code, Errc::InvalidInput);   // an OUT endpoint
    EXPECT_EQ(t.bulkOut(0x81, out, 1s).error().code, Errc::InvalidInput); // an IN endpoint

    ASSERT_TRUE(t.resetDevice());
    EXPECT_EQ(device->counters().resets.load(), 1);
}

TEST(UsbBench, DeviceWhoseNodeVanishedIsListedAsGone) {
    UsbTestbed bed;
    auto device = bed.plug(spec("via-vl716"), "1-1");
    ASSERT_EQ(unlink(bed.devNodeFile(device).c_str()), 0);  // as when unplugged mid-scan
    auto devices = openBus()->list();
    ASSERT_TRUE(devices);
    const UsbDeviceInfo *d = at(*devices, "1-1");
    ASSERT_NE(d, nullptr);
    EXPECT_FALSE(d->accessible);
    EXPECT_EQ(d->accessProblem, "gone (unplugged while being identified)");
    EXPECT_EQ(d->accessHint, "plug it in again");
}
