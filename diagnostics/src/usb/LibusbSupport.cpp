// libusb error codes as our errors, and the fix for each reason a device cannot be opened.
#include "usb/LibusbSupport.hpp"

namespace reemploi::diagnostics {

AccessIssue accessIssue(int code) {
    switch (code) {
    case LIBUSB_ERROR_ACCESS:
        return {Errc::Io, "no access (permission denied)",
                "install the udev rule diagnostics/data/70-reemploi.rules (see README), then replug the device"};
    case LIBUSB_ERROR_BUSY:
        return {Errc::Device, "busy (another program holds it)", "close the other program using the device"};
    case LIBUSB_ERROR_NO_DEVICE:
        return {Errc::Device, "gone (unplugged while being identified)", "plug it in again"};
    case LIBUSB_ERROR_NOT_FOUND:
        return {Errc::Io, "no device node", "check that /dev/bus/usb exists (udev running, usbfs mounted)"};
    case LIBUSB_ERROR_NOT_SUPPORTED:
        return {Errc::Unsupported, "not supported by libusb here", "run on Linux with usbfs (/dev/bus/usb) available"};
    case LIBUSB_ERROR_NO_MEM:
        return {Errc::Internal, "out of memory", "close other programs and retry"};
    default:
        return {Errc::Io, std::string("cannot open (") + libusb_error_name(code) + ")",
                "replug the device; if it persists, try another port or cable"};
    }
}

Error libusbError(int code, const std::string &what) {
    switch (code) {
    case LIBUSB_ERROR_TIMEOUT:
        return makeError(Errc::Timeout, what + ": timed out");
    case LIBUSB_ERROR_PIPE:
        return makeError(Errc::Device, what + ": stall (the device refused the request)");
    case LIBUSB_ERROR_NO_DEVICE:
        return makeError(Errc::Device, what + ": device disconnected");
    case LIBUSB_ERROR_OVERFLOW:
        return makeError(Errc::Device, what + ": overflow (the device sent more than asked)");
    case LIBUSB_ERROR_BUSY:
        return makeError(Errc::Device, what + ": busy (claimed by another program or driver)");
    case LIBUSB_ERROR_ACCESS:
        return makeError(Errc::Io, what + ": permission denied");
    case LIBUSB_ERROR_INVALID_PARAM:
        return makeError(Errc::InvalidInput, what + ": invalid parameter");
    case LIBUSB_ERROR_NOT_SUPPORTED:
        return makeError(Errc::Unsupported, what + ": not supported");
    case LIBUSB_ERROR_NOT_FOUND:
        return makeError(Errc::NotFound, what + ": not found");
    default:
        return makeError(Errc::Io, what + ": " + libusb_error_name(code));
    }
}

}  // namespace reemploi::diagnostics
