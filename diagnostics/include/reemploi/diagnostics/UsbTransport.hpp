// The seam between device handlers and libusb: a handler (mass-storage bridge, ADB tablet, …)
// talks to its device only through this interface. LibusbTransport implements it over libusb;
// tests run the same libusb code against umockdev-emulated devices.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

#include <reemploi/common/Result.hpp>

namespace reemploi::diagnostics {

class UsbTransport {
public:
    virtual ~UsbTransport() = default;

    // A control transfer on endpoint 0; `data` is read into (IN) or sent (OUT) per requestType's
    // direction bit. Returns the bytes transferred.
    virtual Result<std::size_t> control(std::uint8_t requestType, std::uint8_t request, std::uint16_t value,
                                        std::uint16_t index, std::span<std::uint8_t> data,
                                        std::chrono::milliseconds timeout) = 0;
    // Bulk transfers on the given endpoint address (IN endpoints have bit 7 set). A stall is an
    // Error with code Device and a message containing "stall"; a timeout has code Timeout; a
    // device gone has code Device and a message containing "disconnected".
    virtual Result<std::size_t> bulkIn(std::uint8_t endpoint, std::span<std::uint8_t> data,
                                       std::chrono::milliseconds timeout) = 0;
    virtual Result<std::size_t> bulkOut(std::uint8_t endpoint, std::span<const std::uint8_t> data,
                                        std::chrono::milliseconds timeout) = 0;
    virtual Status clearHalt(std::uint8_t endpoint) = 0;
    virtual Status resetDevice() = 0;
};

}  // namespace reemploi::diagnostics
