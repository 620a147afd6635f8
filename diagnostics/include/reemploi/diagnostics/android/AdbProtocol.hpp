// The ADB wire protocol (system/core/adb/protocol.txt): 24-byte little-endian message headers,
// the commands, and the transports that carry whole messages (TCP, USB bulk endpoints). Shared by
// our client (AdbClient.hpp) and by the emulated tablet of the tests, which speaks the device side.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <reemploi/common/Result.hpp>

namespace reemploi::diagnostics {
class UsbTransport;
}

namespace reemploi::diagnostics::android {

// Commands: four ASCII letters read as a little-endian word.
inline constexpr std::uint32_t kCnxn = 0x4e584e43;
inline constexpr std::uint32_t kAuth = 0x48545541;
inline constexpr std::uint32_t kOpen = 0x4e45504f;
inline constexpr std::uint32_t kOkay = 0x59414b4f;
inline constexpr std::uint32_t kClse = 0x45534c43;
inline constexpr std::uint32_t kWrte = 0x45545257;
inline constexpr std::uint32_t kSync = 0x434e5953;
inline constexpr std::uint32_t kStls = 0x534c5453;

// AUTH arg0.
inline constexpr std::uint32_t kAuthToken = 1;
inline constexpr std::uint32_t kAuthSignature = 2;
inline constexpr std::uint32_t kAuthRsaPublicKey = 3;

// Versions: from 0x01000001 on, the data checksum is no longer checked (and may be 0).
inline constexpr std::uint32_t kVersionMin = 0x01000000;
inline constexpr std::uint32_t kVersionSkipChecksum = 0x01000001;
inline constexpr std::uint32_t kVersion = kVersionSkipChecksum;
// Payload limits: what old devices accept, and what we offer (adb's MAX_PAYLOAD, 1 MiB).
inline constexpr std::uint32_t kMaxPayloadV1 = 4096;
inline constexpr std::uint32_t kMaxPayload = 1024 * 1024;
inline constexpr std::size_t kHeaderSize = 24;
inline constexpr std::size_t kTokenSize = 20;

struct Message {
    std::uint32_t command = 0;
    std::uint32_t arg0 = 0;
    std::uint32_t arg1 = 0;
    std::vector<std::uint8_t> data;
    std::uint32_t dataCheck = 0;  // the header's checksum, as received (encodeHeader computes its own)

    std::string text() const { return std::string(data.begin(), data.end()); }
    static Message make(std::uint32_t command, std::uint32_t arg0, std::uint32_t arg1, std::string_view data = {});
};

// "CNXN", or "0x12345678" for a word that is no command.
std::string commandName(std::uint32_t command);
// The sum of the payload's bytes (adb's data_check).
std::uint32_t checksum(std::span<const std::uint8_t> data);

// The header of `message` (its data length and checksum filled in).
std::vector<std::uint8_t> encodeHeader(const Message &message);
struct Header {
    std::uint32_t command = 0, arg0 = 0, arg1 = 0, dataLength = 0, dataCheck = 0;
};
// Checks the magic (command ^ 0xffffffff), a known command and a length within `maxPayload`;
// the Device error names the field at fault.
Result<Header> decodeHeader(std::span<const std::uint8_t> bytes, std::uint32_t maxPayload);
// For connections still below kVersionSkipChecksum: the data's checksum must match the header's.
Status checkData(const Header &header, std::span<const std::uint8_t> data);

// Carries whole messages between a host and a device. A device gone (closed socket, unplugged
// cable) is a Device error whose message says "disconnected"; nothing arriving in time is Timeout.
class AdbTransport {
public:
    virtual ~AdbTransport() = default;
    virtual Status send(const Message &message) = 0;
    virtual Result<Message> receive(std::chrono::milliseconds timeout) = 0;
    // The largest payload the peer announced; receive() refuses longer ones.
    void setMaxPayload(std::uint32_t bytes) { _maxPayload = bytes; }
    std::uint32_t maxPayload() const { return _maxPayload; }
    // Below protocol version 0x01000001 a payload's checksum must match its header's.
    void setCheckData(bool on) { _checkData = on; }
    // Where it goes, for messages: "tcp 127.0.0.1:5555", "usb 1-1.4".
    virtual std::string describe() const = 0;

protected:
    std::uint32_t _maxPayload = kMaxPayload;
    bool _checkData = false;
};

// ADB over TCP (network debugging: `adb tcpip 5555` on the device, or the emulated tablet).
// `hostPort` is "HOST:PORT"; the connection is bounded by `timeout`.
Result<std::unique_ptr<AdbTransport>> connectTcp(const std::string &hostPort, std::chrono::milliseconds timeout);
// Wraps a connected socket (the device side of the emulated tablet); takes ownership of `fd`.
std::unique_ptr<AdbTransport> tcpTransportFromSocket(int fd, std::string describe);

// ADB over the bulk endpoints of the ADB interface (class ff/42/01): each header and each
// payload is one bulk transfer, as adb's usb_linux does. The transport must stay alive as long
// as this object; the interface must be claimed by the caller.
std::unique_ptr<AdbTransport> usbTransport(UsbTransport &usb, std::uint8_t endpointIn, std::uint8_t endpointOut,
                                           std::string describe);

}  // namespace reemploi::diagnostics::android
