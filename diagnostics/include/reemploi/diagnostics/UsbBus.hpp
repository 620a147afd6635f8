// The USB bench: one libusb context, enumeration with identification, hotplug events delivered
// from its own threads, and transports to open devices for the handlers.
//
//   auto bus = UsbBus::open();                       // usb.ids + diagnostics/data/devices.tsv
//   for (auto &d : bus.value()->list().value()) …   // UsbDeviceInfo: where, what, handler, access
//   bus.value()->watch([](const UsbEvent &e) { … }); // arrivals and departures until stopWatching()
//   auto transport = bus.value()->open(device);      // LibusbTransport for the device's handler
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/diagnostics/DeviceTable.hpp>
#include <reemploi/diagnostics/LibusbTransport.hpp>
#include <reemploi/diagnostics/UsbDevice.hpp>
#include <reemploi/diagnostics/UsbIds.hpp>

namespace reemploi::diagnostics {

struct UsbBusOptions {
    std::string usbIdsPath;       // empty: UsbIds::DefaultPath; a missing file gives bare ids
    std::string deviceTablePath;  // empty: DeviceTable::defaultPath()
    // Open each device while identifying it, to report access problems and read a serial number
    // the kernel did not cache. Off: descriptors and sysfs only.
    bool probeAccess = true;
};

struct UsbEvent {
    enum class Kind { Arrived, Left };
    Kind kind = Kind::Arrived;
    UsbDeviceInfo device;

    json::Object toJson() const;  // {"event":"arrived"|"left","device":{…}}
    std::string toLine() const;   // "+ 1-1.4 …" / "- 1-1.4 …"
};

class UsbBus {
public:
    static Result<std::unique_ptr<UsbBus>> open(UsbBusOptions options = {});
    ~UsbBus();
    UsbBus(const UsbBus &) = delete;
    UsbBus &operator=(const UsbBus &) = delete;

    // Every device on every bus (root hubs included), identified, ordered by bus and port path.
    Result<std::vector<UsbDeviceInfo>> list();

    // Calls `listener` for each arrival and departure, from a thread of the bus's own, until
    // stopWatching() (or destruction). Devices present at the start are reported as arrivals when
    // `includePresent`. One watch at a time: Conflict otherwise; Unsupported without hotplug.
    // The listener must stay valid until stopWatching() returns or the bus is destroyed, and must
    // not call stopWatching() itself.
    using Listener = std::function<void(const UsbEvent &)>;
    Status watch(Listener listener, bool includePresent = false);
    void stopWatching();

    // A transport to the device at `bus`/`address` (from a UsbDeviceInfo); the error says why the
    // device cannot be opened, with the fix ("no access (permission denied): install the udev rule…").
    Result<std::unique_ptr<LibusbTransport>> open(std::uint8_t bus, std::uint8_t address);
    Result<std::unique_ptr<LibusbTransport>> open(const UsbDeviceInfo &device) { return open(device.bus, device.address); }

    const UsbIds &ids() const;
    const DeviceTable &table() const;

    struct Impl;

private:
    explicit UsbBus(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> _impl;
};

}  // namespace reemploi::diagnostics
