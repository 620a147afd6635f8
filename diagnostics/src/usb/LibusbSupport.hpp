// Private to the USB layer: the shared libusb context and the translation of libusb's error codes
// into our errors, with the reason and the fix for devices we cannot open.
#pragma once

#include <libusb.h>

#include <string>

#include <reemploi/common/Result.hpp>

namespace reemploi::diagnostics {

namespace detail {

// Owns the libusb context; transports and the bus share it, so it ends with the last of them.
struct LibusbContext {
    libusb_context *ctx = nullptr;
    ~LibusbContext() {
        if (ctx) libusb_exit(ctx);
    }
};

}  // namespace detail

// Why a device cannot be opened, in plain words, and what fixes it.
struct AccessIssue {
    Errc code = Errc::Io;
    std::string problem;
    std::string hint;
};
AccessIssue accessIssue(int libusbError);

// A failed transfer or request: stalls, timeouts and disconnections get the wording that
// UsbTransport promises ("stall", Timeout, "disconnected").
Error libusbError(int code, const std::string &what);

}  // namespace reemploi::diagnostics
