// The barcode decoder (ZXing-cpp behind our pyramid, binarizer and DataMatrix strips) on small
// grey images: width and height (1-256) and option bits first, then the pixels (white past the
// end).
#include <reemploi/labels/Decode.hpp>

#include "FuzzInput.hpp"

using namespace reemploi;
using namespace reemploi::labels;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    fuzz::Input in(data, size);
    GreyImage image;
    image.width = in.u8() + 1;
    image.height = in.u8() + 1;
    const std::uint8_t flags = in.u8();
    image.pixels.assign(static_cast<std::size_t>(image.width) * image.height, 255);
    in.bytes(image.pixels);
    DecodeOptions options;
    options.tryHarder = flags & 1;
    options.tryRotate = flags & 2;
    options.tryDownscale = flags & 4;
    options.pure = flags & 8;
    (void)decode(image, options);
    return 0;
}
