// What the bench knows about one plugged USB device: where it is, what it is in plain words,
// which handler takes it, and whether we may talk to it (and if not, why and how to fix it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <reemploi/common/Json.hpp>
#include <reemploi/diagnostics/DeviceTable.hpp>

namespace reemploi::diagnostics {

struct UsbInterfaceInfo {
    std::uint8_t number = 0;
    ClassTriple triple;
    std::string className;  // from usb.ids ("Mass Storage"), empty when unknown
    std::string subclassName;
    std::string protocolName;
    int endpoints = 0;
};

struct UsbDeviceInfo {
    // Where: bus number, port path ("1-1.4"; "usb1" for the root hub of bus 1), address on the bus.
    std::uint8_t bus = 0;
    std::string portPath;
    std::uint8_t address = 0;

    // What.
    std::uint16_t vendorId = 0;
    std::uint16_t productId = 0;
    std::uint16_t release = 0;  // bcdDevice
    std::string vendorName;     // usb.ids, else the device's manufacturer string, else empty
    std::string productName;    // usb.ids, else the device's product string, else empty
    ClassTriple deviceClass;
    std::string className;      // the device class, or the first interface's when 00 (per interface)
    std::vector<UsbInterfaceInfo> interfaces;
    std::string descriptorProblem;  // why the configuration could not be read, empty when fine
    std::string speed;              // "low", "full", "high", "super", "super+", "unknown"
    double speedMbps = 0;

    // Serial number, or why there is none.
    std::optional<std::string> serial;
    std::string serialUnavailable;

    // Whom it goes to.
    Handler handler = Handler::Unknown;
    std::vector<std::string> quirks;
    std::string handlerLabel;

    // Whether we may open it; when not, the reason and how to fix it.
    bool accessible = true;
    std::string accessProblem;  // "no access (permission denied)"
    std::string accessHint;     // "install the udev rule diagnostics/data/70-reemploi.rules, see README"

    std::string ids() const;          // "152d:0578"
    std::string displayName() const;  // vendor + product names, or the bare ids
    json::Object toJson() const;
    std::string toLine() const;       // one human-readable line
};

}  // namespace reemploi::diagnostics
