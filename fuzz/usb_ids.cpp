// The usb.ids database (a third-party file, REEMPLOI_USB_IDS) on any text, then lookups of the
// ids the input itself names.
#include <reemploi/diagnostics/UsbIds.hpp>

#include "FuzzInput.hpp"

using namespace reemploi;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    fuzz::Input in(data, size);
    const std::uint16_t vid = in.u16(), pid = in.u16();
    const std::uint8_t cls = in.u8(), sub = in.u8(), proto = in.u8();
    auto ids = diagnostics::UsbIds::parse(std::string(in.rest()));
    (void)ids.vendor(vid);
    (void)ids.product(vid, pid);
    (void)ids.className(cls);
    (void)ids.subclassName(cls, sub);
    (void)ids.protocolName(cls, sub, proto);
    return 0;
}
