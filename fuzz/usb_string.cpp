// A USB string descriptor (serial, manufacturer, product) as a device may send it. Besides
// crashes: the text is valid UTF-8, since it reaches the screen, JSON and the database.
#include <reemploi/diagnostics/LibusbTransport.hpp>

#include "FuzzInput.hpp"

using namespace reemploi;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    auto text = diagnostics::parseStringDescriptor({data, std::min<std::size_t>(size, 255)});
    if (text) REEMPLOI_FUZZ_CHECK(fuzz::isValidUtf8(*text), *text);
    return 0;
}
