// Reading barcodes from photos and scans (PNG, JPEG, or grey pixels in memory) through ZXing-cpp.
// An image in which nothing is readable is a value (an empty list); only a file that cannot be
// opened or decoded as an image is an Error, and it names the file.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <reemploi/common/Result.hpp>

namespace reemploi::labels {

struct Point {
    int x = 0;
    int y = 0;
    friend bool operator==(const Point &, const Point &) = default;
};

// One symbol found in an image.
struct DecodedBarcode {
    std::string format;              // ZXing's name: "Code128", "QRCode", "DataMatrix", "Code39", "EAN13", …
    std::string text;                // the content, UTF-8
    std::array<Point, 4> position;   // corners in image pixels: top-left, top-right, bottom-right,
                                     // bottom-left (of the symbol as read, so rotated with it)
    int orientation = 0;             // degrees the symbol is turned in the image (0, 90, …)
};

// An 8-bit grey image, rows top to bottom, `width` bytes per row (0 black, 255 white).
struct GreyImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;

    std::uint8_t at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
};

// What an image file may cost, checked before any pixel is decoded: its size on disk, and its
// width × height as its header declares them (a 96 KB PNG can declare 23,000 × 23,000 pixels).
struct ImageLimits {
    std::uint64_t maxBytes = 100'000'000;   // 100 MB
    std::uint64_t maxPixels = 50'000'000;   // 50 megapixels; phones take 12 to 50
    int maxJpegScans = 500;                 // a progressive JPEG has about 10; thousands is an attack
};

struct DecodeOptions {
    bool tryHarder = true;     // scan more lines, more thresholds: slower, finds more
    bool tryRotate = true;     // also look for symbols turned by 90 degrees
    bool tryDownscale = true;  // also look at reduced copies of large photos (blurred, big modules)
    bool pure = false;         // the image holds one synthetic symbol and nothing else (fastest)
    // Formats to look for, by the names above ("Code128", "QRCode", …); empty means all.
    std::vector<std::string> formats;
    ImageLimits limits;  // for decodeFile
};

// Every barcode ZXing finds in `image`. An unknown name in options.formats is InvalidInput.
Result<std::vector<DecodedBarcode>> decode(const GreyImage &image, const DecodeOptions &options = {});

// decode() in a child process, stopped past `limit`: what the front ends call on images that
// reach the workshop from outside (photos, scans). ZXing 1.4 aborts the process on some images
// (an assert found by fuzzing); here that is an InvalidInput naming it, and the caller lives on.
// Timeout past the limit.
Result<std::vector<DecodedBarcode>> decodeIsolated(const GreyImage &image, const DecodeOptions &options = {},
                                                   std::chrono::milliseconds limit = std::chrono::seconds(60));

// Same, over grey pixels the caller owns (`rowStride` bytes from one row to the next).
Result<std::vector<DecodedBarcode>> decode(const std::uint8_t *pixels, int width, int height, int rowStride,
                                           const DecodeOptions &options = {});

// Loads a PNG or JPEG file (recognised by its first bytes, not its name) as grey.
// Transparent pixels count as white paper. Errors name the file: NotFound (no such file), Io
// (unreadable), InvalidInput (empty, corrupt or truncated, neither PNG nor JPEG, not a regular
// file, over the limits: refused from the file's size and the image's header, before decoding).
Result<GreyImage> loadGreyImage(const std::string &path, const ImageLimits &limits = {});
// The same from the bytes of a file; `name` names it in errors.
Result<GreyImage> decodeImageBytes(std::string_view bytes, const std::string &name, const ImageLimits &limits = {});

// loadGreyImage then decodeIsolated: the usual call for `scan IMAGE`.
Result<std::vector<DecodedBarcode>> decodeFile(const std::string &path, const DecodeOptions &options = {});

}  // namespace reemploi::labels
