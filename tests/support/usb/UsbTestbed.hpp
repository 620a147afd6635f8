// A umockdev testbed holding emulated USB devices: plug, unplug (hotplug uevents), yank.
// See the README at the top of EmulatedDevice.hpp. Needs the process to run under umockdev-wrapper.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/usb/EmulatedDevice.hpp"

namespace reemploi::testing::usb {

class UsbTestbed {
public:
    UsbTestbed();
    ~UsbTestbed();
    UsbTestbed(const UsbTestbed &) = delete;
    UsbTestbed &operator=(const UsbTestbed &) = delete;

    // True when the process runs under umockdev-wrapper (LD_PRELOAD of libumockdev-preload).
    static bool inMockEnvironment();

    // Plugs a device at a port path: "usb1" (root hub of bus 1), "1-1" (port 1 of root hub 1),
    // "1-1.4" (port 4 of the hub at 1-1). A missing root hub is added first (1d6b:0002). The device gets the next free address on
    // its bus; a uevent "add" is sent, as the kernel does.
    std::shared_ptr<EmulatedDevice> plug(std::shared_ptr<EmulatedDevice> device, const std::string &portPath);
    // Plugs a plain device that answers only the standard requests.
    std::shared_ptr<EmulatedDevice> plug(DeviceSpec spec, const std::string &portPath);
    // Adds a hub (Intel 8087:0020, tests/fixtures/usb/hub-intel-8087-0020.usbdev) at a port path.
    std::shared_ptr<EmulatedDevice> plugHub(const std::string &portPath);

    // Unplugs: pending transfers complete with "no device", later ioctls fail with ENODEV, and a
    // uevent "remove" is sent before the sysfs entry goes.
    void unplug(const std::shared_ptr<EmulatedDevice> &device);

    // Where the device is, once plugged.
    int busNumber(const std::shared_ptr<EmulatedDevice> &device) const;
    int address(const std::shared_ptr<EmulatedDevice> &device) const;
    std::string sysfsPath(const std::shared_ptr<EmulatedDevice> &device) const;  // "/sys/devices/usb1/1-1"
    std::string devNode(const std::shared_ptr<EmulatedDevice> &device) const;    // "/dev/bus/usb/001/002"
    // The device node's real path inside the testbed (to chmod it, for instance).
    std::string devNodeFile(const std::shared_ptr<EmulatedDevice> &device) const;

    struct Impl;

private:
    std::unique_ptr<Impl> _impl;
};

}  // namespace reemploi::testing::usb
