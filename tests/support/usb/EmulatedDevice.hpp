// An emulated USB device for tests: descriptors plus a C++ object that answers transfers.
//
// README — the emulated-device framework (tests/support/usb, library reemploi_usb_emulation)
//
// Real code (our libusb calls) runs against devices that umockdev emulates: the test binary runs
// under `umockdev-wrapper`, a UsbTestbed (UsbTestbed.hpp) adds each device to a fake sysfs/dev
// tree (busnum, devnum, speed, serial, the binary `descriptors`, …) and answers the usbdevfs
// ioctls libusb makes (SUBMITURB/REAPURB/DISCARDURB, claim/release, DISCONNECT_CLAIM, GETDRIVER,
// clear halt, reset, GET_CAPABILITIES) by calling the device object below.
//
// To emulate a device, subclass EmulatedDevice and override what it does on the wire:
//   - onControl(setup, data): control transfers on endpoint 0. The default answers the standard
//     requests (GET_DESCRIPTOR device/config/string, GET_STATUS, SET_CONFIGURATION, …) from the
//     DeviceSpec, so override it only for class or vendor requests and call the base otherwise.
//   - onBulkOut(endpoint, bytes) and onBulkIn(endpoint, maxLength): bulk transfers.
// Each returns a Reply: Reply::data(bytes) (IN: the bytes sent; OUT: accepted), Reply::stall()
// (the endpoint halts until CLEAR_HALT, as on real hardware), Reply::never() (the transfer never
// completes: the host times out and cancels it), or Reply::disconnect() (the device is yanked
// right now: this and every pending transfer fail with "no device", later calls with ENODEV).
// A device that has nothing to say yet answers an IN transfer with Reply::never() and, when its
// data is ready (another thread, a later OUT), hands it over with sendIn(endpoint, bytes): the
// oldest transfer waiting on that endpoint completes with it, as when a real device answers late.
// The callbacks run on umockdev's ioctl thread, one at a time per device; tests that share
// state with them must lock. The testbed's unplug() removes a device (hot-unplug uevent).
//
//   class EchoDevice : public EmulatedDevice {
//       using EmulatedDevice::EmulatedDevice;
//       Reply onBulkOut(std::uint8_t, std::span<const std::uint8_t> b) override { _last.assign(b.begin(), b.end()); return Reply::data({}); }
//       Reply onBulkIn(std::uint8_t, std::size_t) override { return Reply::data(_last); }
//       std::vector<std::uint8_t> _last;
//   };
//   UsbTestbed bed;                                         // requires umockdev-wrapper
//   auto dev = bed.plug(std::make_shared<EchoDevice>(fixture("realtek-rtl9210").value()), "1-1");
//
// Device descriptions come from fixtures (tests/fixtures/usb/*.usbdev: public `lsusb -v` dumps, or
// reconstructed from public id tables where no dump was at hand, each saying which and its source)
// or from DescriptorBuilder (Descriptors.hpp). Test binaries: reemploi_usb_test() in
// tests/support/CMakeLists.txt runs them under umockdev-wrapper.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "support/usb/Descriptors.hpp"

namespace reemploi::testing::usb {

// The 8-byte SETUP packet of a control transfer.
struct SetupPacket {
    std::uint8_t requestType = 0;
    std::uint8_t request = 0;
    std::uint16_t value = 0;
    std::uint16_t index = 0;
    std::uint16_t length = 0;

    bool isIn() const { return (requestType & 0x80) != 0; }
};

// What the device does with one transfer.
struct Reply {
    enum class Kind { Data, Stall, Never, Disconnect };
    Kind kind = Kind::Data;
    std::vector<std::uint8_t> bytes;  // IN: the bytes returned (truncated with an overflow if longer)
    std::optional<std::size_t> accepted;  // OUT: bytes accepted (default: all)

    static Reply data(std::vector<std::uint8_t> bytes) { return Reply{Kind::Data, std::move(bytes), {}}; }
    static Reply acceptOnly(std::size_t n) { return Reply{Kind::Data, {}, n}; }
    static Reply stall() { return Reply{Kind::Stall, {}, {}}; }
    static Reply never() { return Reply{Kind::Never, {}, {}}; }
    static Reply disconnect() { return Reply{Kind::Disconnect, {}, {}}; }
};

class EmulatedDevice {
public:
    explicit EmulatedDevice(DeviceSpec spec);
    virtual ~EmulatedDevice() = default;
    EmulatedDevice(const EmulatedDevice &) = delete;
    EmulatedDevice &operator=(const EmulatedDevice &) = delete;

    virtual Reply onControl(const SetupPacket &setup, std::span<const std::uint8_t> data);
    virtual Reply onBulkOut(std::uint8_t endpoint, std::span<const std::uint8_t> bytes);
    virtual Reply onBulkIn(std::uint8_t endpoint, std::size_t maxLength);
    // USBDEVFS_RESET (libusb_reset_device): the default does nothing beyond what the framework
    // does itself (halts cleared).
    virtual void onReset() {}

    const DeviceSpec &spec() const { return _spec; }

    // Completes the oldest IN transfer waiting (after Reply::never()) on `endpoint` with `bytes`.
    // False when none waits (keep the bytes for the next onBulkIn) or the device is not plugged.
    // Callable from any thread, including from inside a callback.
    bool sendIn(std::uint8_t endpoint, std::vector<std::uint8_t> bytes);

    // What the host did, for assertions (updated by the framework; safe from any thread).
    struct Counters {
        std::atomic<int> claims{0};
        std::atomic<int> releases{0};
        std::atomic<int> driverDetaches{0};
        std::atomic<int> driverAttaches{0};
        std::atomic<int> clearHalts{0};
        std::atomic<int> resets{0};
        std::atomic<int> discarded{0};  // transfers the host cancelled (timeouts)
    };
    Counters &counters() { return _counters; }

    // The kernel driver bound to an interface ("usb-storage"), empty when none; the framework
    // unbinds on DISCONNECT and rebinds on CONNECT like the kernel.
    std::string kernelDriver(std::uint8_t interface) const;
    std::set<std::uint8_t> claimedInterfaces() const;

    // Framework side (UsbTestbed's ioctl handler): kernel-like driver binding and claims.
    // Each returns an errno value, 0 on success.
    int claim(std::uint8_t interface);
    int release(std::uint8_t interface);
    int unbindDriver(std::uint8_t interface);  // ENODATA when no driver is bound
    int rebindDriver(std::uint8_t interface);  // binds the spec's driver back, if any
    using InSender = std::function<bool(std::uint8_t, std::vector<std::uint8_t>)>;
    void connectSender(InSender sender);  // set by the testbed while plugged

private:
    DeviceSpec _spec;
    Counters _counters;
    mutable std::mutex _lock;  // guards _bound and _claimed, never held during callbacks
    std::map<std::uint8_t, std::string> _bound;
    std::set<std::uint8_t> _claimed;
    InSender _sender;  // guarded by _lock
};

}  // namespace reemploi::testing::usb
