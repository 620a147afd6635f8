// What an emulated USB device looks like from the host: raw descriptors, strings, speed, the kernel
// drivers bound to its interfaces. Built by DescriptorBuilder or read from a fixture file.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <reemploi/common/Result.hpp>

namespace reemploi::testing::usb {

struct DeviceSpec {
    // The device descriptor followed by the configuration descriptor(s) with everything under
    // them, exactly as the kernel exposes them in sysfs `descriptors` (and as lsusb reads them).
    std::vector<std::uint8_t> descriptors;
    std::map<std::uint8_t, std::string> strings;  // string index -> text (served as UTF-16LE)
    std::string speed = "480";                    // sysfs `speed`: 1.5, 12, 480, 5000, 10000
    std::map<std::uint8_t, std::string> drivers;  // interface -> kernel driver bound at plug time
    std::string source;                           // where the descriptors come from

    std::uint16_t vendorId() const;   // 0 when the descriptors are too short
    std::uint16_t productId() const;
    std::uint8_t serialIndex() const;  // iSerialNumber, 0 when absent
};

// Hex bytes with any whitespace between them ("12 01 00 02", "12010002").
Result<std::vector<std::uint8_t>> parseHex(std::string_view text);
std::string toHex(const std::vector<std::uint8_t> &bytes);

// A fixture file (tests/fixtures/usb/*.usbdev):
//   # comments (the lsusb -v excerpt and its source)
//   source <where the dump comes from>
//   speed 480
//   string <index> <text>
//   driver <interface> <kernel driver>
//   descriptors
//   <hex bytes until the end of the file>
Result<DeviceSpec> parseFixture(std::string_view text, std::string_view origin);
Result<DeviceSpec> loadFixture(const std::string &path);
// A fixture by name from REEMPLOI_TEST_FIXTURES/usb ("jmicron-jms578" or "jmicron-jms578.usbdev").
Result<DeviceSpec> fixture(const std::string &name);

// Builds well-formed descriptors for synthetic devices (benchmarks, composite tests).
class DescriptorBuilder {
public:
    DescriptorBuilder(std::uint16_t vendorId, std::uint16_t productId);

    DescriptorBuilder &usbVersion(std::uint16_t bcd);
    DescriptorBuilder &deviceClass(std::uint8_t cls, std::uint8_t subclass = 0, std::uint8_t protocol = 0);
    DescriptorBuilder &deviceRelease(std::uint16_t bcd);
    DescriptorBuilder &maxPacket0(std::uint8_t size);
    DescriptorBuilder &manufacturer(std::string text);
    DescriptorBuilder &product(std::string text);
    DescriptorBuilder &serial(std::string text);
    DescriptorBuilder &speed(std::string sysfsSpeed);
    // Adds an interface (alternate setting 0) to the single configuration.
    DescriptorBuilder &interface(std::uint8_t cls, std::uint8_t subclass, std::uint8_t protocol,
                                 std::vector<std::pair<std::uint8_t, std::uint16_t>> bulkEndpoints = {},
                                 std::string driver = {});
    // A hub: class 09 device with one interrupt endpoint.
    DescriptorBuilder &hub();

    DeviceSpec build() const;

private:
    struct Iface {
        std::uint8_t cls, subclass, protocol;
        std::vector<std::pair<std::uint8_t, std::uint16_t>> endpoints;  // address, max packet
        std::uint8_t attributes;  // 2 bulk, 3 interrupt
        std::string driver;
    };
    std::uint16_t _vid, _pid, _bcdUsb = 0x0200, _bcdDevice = 0x0100;
    std::uint8_t _class = 0, _subclass = 0, _protocol = 0, _maxPacket0 = 64;
    std::string _manufacturer, _product, _serial, _speed = "480";
    std::vector<Iface> _interfaces;
};

}  // namespace reemploi::testing::usb
