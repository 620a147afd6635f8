// One connected tablet or phone: found on the USB bench (the interface of class ff/42/01, by its
// serial or as the only one plugged in) or reached over TCP, authenticated with the bench's key.
//
//   auto target = AndroidTarget::parse("adb:R52W60BEDXD");      // or "adb:192.168.1.20:5555"
//   auto device = AndroidDevice::open(*target, {keyPath, busOptions, {}});
//   auto facts = readFacts((*device)->adb());
#pragma once

#include <reemploi/diagnostics/UsbDescriptors.hpp>

#include <map>
#include <memory>
#include <string>

#include <reemploi/diagnostics/UsbBus.hpp>
#include <reemploi/diagnostics/android/AdbClient.hpp>

namespace reemploi::diagnostics::android {

struct AndroidTarget {
    std::string serial;  // USB: the device's serial (empty: the only Android device plugged in)
    std::string tcp;     // or HOST:PORT
    // "adb:SERIAL", "adb:HOST:PORT", "adb:" (the only one on the bench). InvalidInput otherwise.
    static Result<AndroidTarget> parse(const std::string &spec);
    std::string describe() const;
};

struct AndroidOpenOptions {
    std::string keyPath;  // the bench's RSA key (created on first use)
    UsbBusOptions bus;
    AdbConnectOptions adb;
};

// The ADB interface of a configuration descriptor: class ff, subclass 42, protocol 01, with a
// bulk IN and a bulk OUT endpoint. Device error naming the byte at fault.
using AdbInterface = BulkInterface;
Result<AdbInterface> parseAdbInterface(std::span<const std::uint8_t> configuration);

class AndroidDevice {
public:
    static Result<std::unique_ptr<AndroidDevice>> open(const AndroidTarget &target, const AndroidOpenOptions &options);
    ~AndroidDevice();

    AdbClient &adb() { return *_adb; }
    // "usb 1-1.4 (Google Pixel Tablet, serial …)" or "tcp 127.0.0.1:5555".
    const std::string &where() const { return _where; }

    struct Usb;

private:
    AndroidDevice() = default;
    std::unique_ptr<Usb> _usb;  // the bus, the open device and the claimed interface (USB only)
    std::unique_ptr<AdbClient> _adb;
    std::string _where;
};

// What `diag list` says of an ADB device once connected: its state and the model its CNXN
// banner gives ("device", "23043RP34G"), or "unauthorized" (the device now shows the prompt), or
// "unreachable: why". The prompt is not waited for: listing never hangs on a person.
struct AdbIdentity {
    std::string state;
    std::string model;
    std::string line() const;  // "adb: 23043RP34G", "adb: unauthorized (accept the prompt on the tablet's screen)"
};
// For every accessible android-adb device of `devices` (by port path).
std::map<std::string, AdbIdentity> identifyAdbDevices(UsbBus &bus, const std::vector<UsbDeviceInfo> &devices,
                                                      const AndroidOpenOptions &options);

}  // namespace reemploi::diagnostics::android
