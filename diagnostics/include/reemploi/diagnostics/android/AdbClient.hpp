// Our ADB host: the connection handshake (CNXN, AUTH with the bench's key, version and payload
// negotiation) and shell commands on streams (OPEN, OKAY, WRTE, CLSE), over any AdbTransport.
//
//   auto key = AdbKey::loadOrCreate(path);
//   auto tcp = connectTcp("127.0.0.1:5555", 5s);
//   auto adb = AdbClient::connect(std::move(*tcp), *key);   // "unauthorized: accept the prompt…"
//   auto model = (*adb)->shell("getprop ro.product.model");
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include <reemploi/diagnostics/android/AdbKey.hpp>
#include <reemploi/diagnostics/android/AdbProtocol.hpp>

namespace reemploi::diagnostics::android {

// The message of the error a device that has not trusted our key gives (Errc::Refused).
inline constexpr std::string_view kUnauthorized = "unauthorized: accept the prompt on the tablet's screen";

struct AdbConnectOptions {
    // The longest wait for any one message from the device.
    std::chrono::milliseconds timeout{10000};  // dumpsys on a slow tablet takes seconds
    // After our public key is sent, how long a person has to tap "Allow" on the device's prompt.
    std::chrono::milliseconds promptWait{10000};
    std::string keyComment = "reemploi@bench";
};

// What the device said of itself in its CNXN ("device::ro.product.name=…;ro.product.model=…;
// ro.product.device=…;features=…").
struct DeviceBanner {
    std::string state;  // "device", "recovery", "sideload", "bootloader"
    std::map<std::string, std::string> properties;
    std::vector<std::string> features;
};
DeviceBanner parseBanner(std::string_view text);

class AdbClient {
public:
    static Result<std::unique_ptr<AdbClient>> connect(std::unique_ptr<AdbTransport> transport, const AdbKey &key,
                                                      const AdbConnectOptions &options = {});

    // Runs `command` through the device's "shell:" service and returns what it wrote. Output
    // beyond `maxOutput` bytes is an error (a device that never stops is not waited for).
    Result<std::string> shell(std::string_view command, std::size_t maxOutput = 16u << 20);
    // Opens a service ("reboot:recovery", "shell:…") and reads until the device closes it.
    Result<std::string> service(std::string_view name, std::size_t maxOutput = 16u << 20);
    // Waits until the device drops the connection (after a reboot), up to `bound`: true if it did.
    bool waitForDisconnect(std::chrono::milliseconds bound);

    const DeviceBanner &banner() const { return _banner; }
    std::uint32_t version() const { return _version; }
    std::uint32_t maxPayload() const { return _transport->maxPayload(); }
    std::string describe() const { return _transport->describe(); }

private:
    AdbClient(std::unique_ptr<AdbTransport> transport, AdbConnectOptions options)
        : _transport(std::move(transport)), _options(std::move(options)) {}
    Status handshake(const AdbKey &key);

    std::unique_ptr<AdbTransport> _transport;
    AdbConnectOptions _options;
    DeviceBanner _banner;
    std::uint32_t _version = kVersionMin;
    std::uint32_t _nextLocalId = 1;
};

}  // namespace reemploi::diagnostics::android
