// UsbTransport over libusb's synchronous API. The device handle is shared with the claim guards so
// that a guard outliving its transport still gives the interface back safely.
#include <reemploi/diagnostics/LibusbTransport.hpp>

#include <cstdio>
#include <limits>

#include <reemploi/common/Text.hpp>

#include "usb/LibusbSupport.hpp"

namespace reemploi::diagnostics {

struct LibusbTransport::Handle {
    std::shared_ptr<detail::LibusbContext> context;
    libusb_device_handle *handle = nullptr;
    ~Handle() {
        if (handle) libusb_close(handle);
    }
};

namespace {

unsigned int timeoutMs(std::chrono::milliseconds timeout) {
    // libusb reads 0 as "wait forever": never ask for that by accident.
    auto ms = timeout.count();
    if (ms <= 0) return 1;
    return ms > std::numeric_limits<unsigned int>::max() ? std::numeric_limits<unsigned int>::max() : static_cast<unsigned int>(ms);
}

std::string endpointName(std::uint8_t endpoint) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "endpoint 0x%02x", endpoint);
    return buf;
}

}  // namespace

LibusbTransport::LibusbTransport(std::shared_ptr<detail::LibusbContext> context, libusb_device_handle *handle)
    : _handle(std::make_shared<Handle>()) {
    // Filled in place: a temporary Handle would close the device when it dies.
    _handle->context = std::move(context);
    _handle->handle = handle;
}

LibusbTransport::~LibusbTransport() = default;

Result<std::size_t> LibusbTransport::control(std::uint8_t requestType, std::uint8_t request, std::uint16_t value,
                                             std::uint16_t index, std::span<std::uint8_t> data,
                                             std::chrono::milliseconds timeout) {
    if (data.size() > 0xffff) return makeError(Errc::InvalidInput, "control transfer: more than 65535 bytes");
    int rc = libusb_control_transfer(_handle->handle, requestType, request, value, index, data.data(),
                                     static_cast<std::uint16_t>(data.size()), timeoutMs(timeout));
    if (rc < 0) {
        char what[64];
        std::snprintf(what, sizeof what, "control request 0x%02x/0x%02x", requestType, request);
        return libusbError(rc, what);
    }
    return static_cast<std::size_t>(rc);
}

Result<std::size_t> LibusbTransport::bulkIn(std::uint8_t endpoint, std::span<std::uint8_t> data,
                                            std::chrono::milliseconds timeout) {
    if ((endpoint & LIBUSB_ENDPOINT_IN) == 0)
        return makeError(Errc::InvalidInput, "bulk in: " + endpointName(endpoint) + " is an OUT endpoint");
    if (data.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        return makeError(Errc::InvalidInput, "bulk in: buffer too large");
    int moved = 0;
    int rc = libusb_bulk_transfer(_handle->handle, endpoint, data.data(), static_cast<int>(data.size()), &moved,
                                  timeoutMs(timeout));
    if (rc < 0) return libusbError(rc, "bulk in on " + endpointName(endpoint));
    return static_cast<std::size_t>(moved);
}

Result<std::size_t> LibusbTransport::bulkOut(std::uint8_t endpoint, std::span<const std::uint8_t> data,
                                             std::chrono::milliseconds timeout) {
    if ((endpoint & LIBUSB_ENDPOINT_IN) != 0)
        return makeError(Errc::InvalidInput, "bulk out: " + endpointName(endpoint) + " is an IN endpoint");
    if (data.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        return makeError(Errc::InvalidInput, "bulk out: buffer too large");
    int moved = 0;
    // libusb takes a non-const buffer for both directions; it does not write to OUT data.
    int rc = libusb_bulk_transfer(_handle->handle, endpoint, const_cast<unsigned char *>(data.data()),
                                  static_cast<int>(data.size()), &moved, timeoutMs(timeout));
    if (rc < 0) return libusbError(rc, "bulk out on " + endpointName(endpoint));
    return static_cast<std::size_t>(moved);
}

Status LibusbTransport::clearHalt(std::uint8_t endpoint) {
    int rc = libusb_clear_halt(_handle->handle, endpoint);
    if (rc < 0) return libusbError(rc, "clear halt on " + endpointName(endpoint));
    return {};
}

Status LibusbTransport::resetDevice() {
    int rc = libusb_reset_device(_handle->handle);
    // After a reset that changed the descriptors, libusb says NOT_FOUND: the device must be
    // re-enumerated, which for us is the same as a disconnection.
    if (rc == LIBUSB_ERROR_NOT_FOUND) return makeError(Errc::Device, "reset: device disconnected (re-enumerated)");
    if (rc < 0) return libusbError(rc, "reset");
    return {};
}

Result<InterfaceClaim> LibusbTransport::claimInterface(std::uint8_t interface) {
    libusb_device_handle *h = _handle->handle;
    const std::string where = "interface " + std::to_string(interface);
    bool detached = false;
    int active = libusb_kernel_driver_active(h, interface);
    if (active == 1) {
        int rc = libusb_detach_kernel_driver(h, interface);
        if (rc < 0 && rc != LIBUSB_ERROR_NOT_FOUND) return libusbError(rc, "cannot detach the kernel driver of " + where);
        detached = rc == 0;
    } else if (active < 0 && active != LIBUSB_ERROR_NOT_SUPPORTED) {
        return libusbError(active, "cannot query the kernel driver of " + where);
    }
    int rc = libusb_claim_interface(h, interface);
    if (rc < 0) {
        if (detached) libusb_attach_kernel_driver(h, interface);
        return libusbError(rc, "cannot claim " + where);
    }
    return InterfaceClaim(interface, [handle = _handle, interface, detached] {
        libusb_release_interface(handle->handle, interface);
        // Gives the disk back to usb-storage (or the tablet to its driver) once we are done.
        if (detached) libusb_attach_kernel_driver(handle->handle, interface);
    });
}

Result<std::string> LibusbTransport::stringDescriptor(std::uint8_t index, std::chrono::milliseconds timeout) {
    if (index == 0) return makeError(Errc::NotFound, "the device has no such string (index 0)");
    // Language ids first (string 0), then the string in the first language, as UTF-16LE.
    unsigned char langs[4] = {};
    int rc = libusb_get_string_descriptor(_handle->handle, 0, 0, langs, sizeof langs);
    if (rc < 0) return libusbError(rc, "string descriptor 0");
    if (rc < 4 || langs[1] != LIBUSB_DT_STRING) return makeError(Errc::Device, "string descriptor 0: malformed language list");
    std::uint16_t lang = static_cast<std::uint16_t>(langs[2] | langs[3] << 8);
    unsigned char buf[255] = {};
    rc = libusb_control_transfer(_handle->handle, LIBUSB_ENDPOINT_IN, LIBUSB_REQUEST_GET_DESCRIPTOR,
                                 static_cast<std::uint16_t>(LIBUSB_DT_STRING << 8 | index), lang, buf, sizeof buf,
                                 timeoutMs(timeout));
    if (rc < 0) return libusbError(rc, "string descriptor " + std::to_string(index));
    return parseStringDescriptor({buf, static_cast<std::size_t>(rc)}).context("string descriptor " + std::to_string(index));
}

Result<std::string> parseStringDescriptor(std::span<const std::uint8_t> buf) {
    const std::size_t rc = buf.size();
    if (rc < 2 || buf[1] != LIBUSB_DT_STRING || buf[0] > rc || buf[0] % 2 != 0)
        return makeError(Errc::Device, "malformed (length " + std::to_string(rc) + ", bLength " +
                                           std::to_string(rc ? buf[0] : 0) + ")");
    // UTF-16LE: characters past U+FFFF come as surrogate pairs; a lone surrogate (a broken device)
    // becomes U+FFFD, so that what reaches the screen, JSON and the database is valid UTF-8.
    const std::size_t units = buf[0] >= 2 ? (buf[0] - 2u) / 2 : 0;
    auto unitAt = [&](std::size_t i) { return static_cast<char32_t>(buf[2 + 2 * i] | buf[3 + 2 * i] << 8); };
    std::string out;
    for (std::size_t i = 0; i < units; ++i) {
        char32_t unit = unitAt(i);
        if (unit >= 0xD800 && unit <= 0xDBFF && i + 1 < units && unitAt(i + 1) >= 0xDC00 && unitAt(i + 1) <= 0xDFFF) {
            text::appendUtf8(out, 0x10000 + ((unit - 0xD800) << 10) + (unitAt(i + 1) - 0xDC00));
            ++i;
        } else if (unit >= 0xD800 && unit <= 0xDFFF) {
            text::appendUtf8(out, 0xFFFD);
        } else {
            text::appendUtf8(out, unit);
        }
    }
    return out;
}

}  // namespace reemploi::diagnostics
