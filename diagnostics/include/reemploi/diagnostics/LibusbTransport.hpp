// UsbTransport over libusb: synchronous control and bulk transfers on an open device, interface
// claims that detach and re-attach the kernel driver. Obtained from UsbBus::open().
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include <reemploi/diagnostics/UsbTransport.hpp>

struct libusb_device_handle;

namespace reemploi::diagnostics {

namespace detail {
struct LibusbContext;
}

// Decodes a string descriptor as the device sent it (bLength, bDescriptorType 3, UTF-16LE text)
// into UTF-8; `received` holds the bytes the transfer gave. Device error, naming the lengths,
// when it is malformed.
Result<std::string> parseStringDescriptor(std::span<const std::uint8_t> received);

class LibusbTransport final : public UsbTransport {
public:
    // Takes ownership of an open handle; keeps the libusb context alive as long as it lives.
    LibusbTransport(std::shared_ptr<detail::LibusbContext> context, libusb_device_handle *handle);
    ~LibusbTransport() override;
    LibusbTransport(const LibusbTransport &) = delete;
    LibusbTransport &operator=(const LibusbTransport &) = delete;

    Result<std::size_t> control(std::uint8_t requestType, std::uint8_t request, std::uint16_t value, std::uint16_t index,
                                std::span<std::uint8_t> data, std::chrono::milliseconds timeout) override;
    Result<std::size_t> bulkIn(std::uint8_t endpoint, std::span<std::uint8_t> data, std::chrono::milliseconds timeout) override;
    Result<std::size_t> bulkOut(std::uint8_t endpoint, std::span<const std::uint8_t> data,
                                std::chrono::milliseconds timeout) override;
    Status clearHalt(std::uint8_t endpoint) override;
    Status resetDevice() override;
    // Detaches the interface's kernel driver if one is bound (usb-storage, …), claims the
    // interface, and gives both back when the guard goes.
    Result<InterfaceClaim> claimInterface(std::uint8_t interface) override;

    // A string descriptor (manufacturer, product, serial) as UTF-8; NotFound for index 0.
    Result<std::string> stringDescriptor(std::uint8_t index, std::chrono::milliseconds timeout = std::chrono::milliseconds(1000));

private:
    struct Handle;  // closes the device when the transport and its last claim guard are gone
    std::shared_ptr<Handle> _handle;
};

}  // namespace reemploi::diagnostics
