// The seam between device handlers and libusb: a handler (mass-storage bridge, ADB tablet, …)
// talks to its device only through this interface. LibusbTransport implements it over libusb;
// tests run the same libusb code against umockdev-emulated devices.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <utility>

#include <reemploi/common/Result.hpp>

namespace reemploi::diagnostics {

// An interface held for exclusive use. Destroying it (or release()) gives the interface back and
// re-attaches the kernel driver that claiming it displaced, on every path out of a handler.
class InterfaceClaim {
public:
    InterfaceClaim() = default;
    InterfaceClaim(std::uint8_t interface, std::function<void()> giveBack)
        : _interface(interface), _giveBack(std::move(giveBack)) {}
    InterfaceClaim(InterfaceClaim &&other) noexcept
        : _interface(other._interface), _giveBack(std::exchange(other._giveBack, nullptr)) {}
    InterfaceClaim &operator=(InterfaceClaim &&other) noexcept {
        if (this != &other) {
            release();
            _interface = other._interface;
            _giveBack = std::exchange(other._giveBack, nullptr);
        }
        return *this;
    }
    InterfaceClaim(const InterfaceClaim &) = delete;
    InterfaceClaim &operator=(const InterfaceClaim &) = delete;
    ~InterfaceClaim() { release(); }

    void release() {
        if (auto giveBack = std::exchange(_giveBack, nullptr)) giveBack();
    }
    bool active() const { return static_cast<bool>(_giveBack); }
    std::uint8_t interface() const { return _interface; }

private:
    std::uint8_t _interface = 0;
    std::function<void()> _giveBack;
};

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

    // Claims an interface (detaching its kernel driver first, e.g. usb-storage) for as long as the
    // returned guard lives. Transports with nothing to claim (in-memory emulations) keep this
    // default, an inactive guard.
    virtual Result<InterfaceClaim> claimInterface(std::uint8_t interface) { return InterfaceClaim(interface, nullptr); }
};

}  // namespace reemploi::diagnostics
