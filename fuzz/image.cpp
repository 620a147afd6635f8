// The image loader (PNG through cairo, JPEG through libjpeg) on any bytes, with a 4-megapixel
// limit so that each run stays quick. Besides crashes: an image it accepts is within the limit
// and holds exactly width × height pixels.
#include <reemploi/labels/Decode.hpp>

#include "FuzzInput.hpp"

using namespace reemploi;
using namespace reemploi::labels;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    ImageLimits limits;
    limits.maxPixels = 4'000'000;
    limits.maxJpegScans = 100;
    auto image = decodeImageBytes(std::string_view(reinterpret_cast<const char *>(data), size), "fuzz", limits);
    if (!image) return 0;
    REEMPLOI_FUZZ_CHECK(image->width > 0 && image->height > 0, {});
    REEMPLOI_FUZZ_CHECK(static_cast<std::uint64_t>(image->width) * image->height <= limits.maxPixels, {});
    REEMPLOI_FUZZ_CHECK(image->pixels.size() == static_cast<std::size_t>(image->width) * image->height, {});
    return 0;
}
