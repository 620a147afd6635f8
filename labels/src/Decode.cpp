// The decoder: our small face over ZXing-cpp's ReadBarcodes.
#include <reemploi/labels/Decode.hpp>

#include <ZXing/BarcodeFormat.h>
#include <ZXing/Point.h>
#include <ZXing/Quadrilateral.h>
#include <ZXing/ReadBarcode.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <stdexcept>

// Debian 12's ZXing-cpp 1.4 is built with assertions on, and Result::operator== asserts that a
// linear symbol it compares was read on a single line. ReadBarcodes calls it to drop duplicates,
// so a photo holding the same Code 128 or EAN twice (the serial on the sticker and on the box,
// two copies of a label) aborted the whole process (found by fuzz/barcode.cpp; upstream issues
// zxing-cpp#516 and #740, fixed after 1.4). This definition takes the place of the library's:
// libZXing calls it through its PLT, so the dynamic linker binds those calls to the executable's
// copy (ELF interposition). It is 1.4's comparison without the assertion, i.e. what the library
// does when built without assertions. It must live in a file the link pulls in (this one), and
// tests/labels/FuzzFindingsTest.cpp fails if the interposition ever stops working.
namespace ZXing {
bool Result::operator==(const Result &o) const {
    // Two symbols may be the same if at least one of them has an error.
    if (!(format() == o.format() && (bytes() == o.bytes() || error() || o.error()))) return false;
    if (BarcodeFormats(BarcodeFormat::MatrixCodes).testFlag(format())) return IsInside(Center(o.position()), position());
    // If one line is less than half the length of the other away from the latter, they belong to
    // the same symbol.
    auto dTop = maxAbsComponent(o.position().topLeft() - position().topLeft());
    auto dBot = maxAbsComponent(o.position().bottomLeft() - position().topLeft());
    auto length = maxAbsComponent(position().topLeft() - position().bottomRight());
    return std::min(dTop, dBot) < length / 2;
}
}  // namespace ZXing

namespace reemploi::labels {
namespace {

// ZXing's own pyramid (tryDownscale) is not usable in Debian's 1.4 build: when a linear symbol
// is found on two layers, its duplicate check (Result::operator==) trips an assertion and aborts
// the process. So we build the same pyramid ourselves (layers reduced by 3 while the longer side
// exceeds 500 pixels, as ZXing does) and merge the layers' results here.
constexpr int kDownscaleThreshold = 500;
constexpr int kDownscaleFactor = 3;

std::vector<std::uint8_t> downscale(const std::uint8_t *pixels, int width, int height, int rowStride, int factor,
                                    int *outWidth, int *outHeight) {
    const int w = width / factor, h = height / factor;
    std::vector<std::uint8_t> out(static_cast<std::size_t>(w) * h);
    const int area = factor * factor;
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            int sum = 0;
            for (int dy = 0; dy < factor; ++dy) {
                const std::uint8_t *row = pixels + static_cast<std::size_t>(y * factor + dy) * rowStride + x * factor;
                for (int dx = 0; dx < factor; ++dx) sum += row[dx];
            }
            out[static_cast<std::size_t>(y) * w + x] = static_cast<std::uint8_t>(sum / area);
        }
    }
    *outWidth = w;
    *outHeight = h;
    return out;
}

double centreX(const DecodedBarcode &b) {
    return (b.position[0].x + b.position[1].x + b.position[2].x + b.position[3].x) / 4.0;
}
double centreY(const DecodedBarcode &b) {
    return (b.position[0].y + b.position[1].y + b.position[2].y + b.position[3].y) / 4.0;
}
double extent(const DecodedBarcode &b) {
    double e = 0;
    for (int i = 0; i < 4; ++i)
        e = std::max(e, std::hypot(b.position[i].x - centreX(b), b.position[i].y - centreY(b)));
    return e;
}

// The same symbol seen on two layers: same format and text, centres closer than its size.
// Two identical labels side by side stay two.
bool sameSymbol(const DecodedBarcode &a, const DecodedBarcode &b) {
    if (a.format != b.format || a.text != b.text) return false;
    const double d = std::hypot(centreX(a) - centreX(b), centreY(a) - centreY(b));
    return d <= std::max({extent(a), extent(b), 4.0});
}

// ZXing 1.4's readers throw on some degenerate images (its Aztec detector indexes a vector out of
// range on a 44x4 image: found by fuzz/barcode.cpp). The exception stops at this boundary: the
// formats are then read one by one and a reader that throws is left out, so that one broken
// reader does not hide the serial's Code 128.
ZXing::Results readBarcodes(const ZXing::ImageView &view, const ZXing::DecodeHints &hints) {
    try {
        return ZXing::ReadBarcodes(view, hints);
    } catch (const std::exception &) {
    }
    ZXing::Results all;
    const ZXing::BarcodeFormats wanted =
        hints.formats().empty() ? ZXing::BarcodeFormats(ZXing::BarcodeFormat::Any) : hints.formats();
    for (ZXing::BarcodeFormat format : wanted) {
        ZXing::DecodeHints one = hints;
        one.setFormats(format);
        try {
            ZXing::Results results = ZXing::ReadBarcodes(view, one);
            all.insert(all.end(), std::make_move_iterator(results.begin()), std::make_move_iterator(results.end()));
        } catch (const std::exception &) {
        }
    }
    return all;
}

void collect(const ZXing::Results &results, int scale, int dx, int dy, std::vector<DecodedBarcode> &found) {
    for (const ZXing::Result &r : results) {
        if (!r.isValid()) continue;
        // A symbol that holds nothing (an empty QR, a DataMatrix with only an ECI) is no barcode
        // to report: a caller would take "" for a serial or a tag. ZXing 1.4's text() already
        // honours ECI (ISO-8859-x, UTF-8, Cyrillic…): checked in tests/labels/DecodeTest.cpp.
        std::string text = r.text();
        if (text.empty()) continue;
        DecodedBarcode b;
        b.format = ZXing::ToString(r.format());
        b.text = std::move(text);
        const ZXing::Position &p = r.position();
        // Corners found on a reduced layer map back to the middle of the block they came from.
        for (int i = 0; i < 4; ++i)
            b.position[i] = Point{(p[i].x + dx) * scale + scale / 2, (p[i].y + dy) * scale + scale / 2};
        b.orientation = r.orientation();
        if (std::none_of(found.begin(), found.end(), [&](const DecodedBarcode &f) { return sameSymbol(f, b); }))
            found.push_back(std::move(b));
    }
}

// Black (0) and white (255) from grey, as ZXing's HybridBinarizer decides it: 8x8 blocks, each
// thresholded at the mean of the 5x5 blocks around it; a flat block counts as background. Done
// once so that the DataMatrix strips below can share it (ZXing would binarize every strip anew).
std::vector<std::uint8_t> binarize(const std::uint8_t *pixels, int width, int height, int rowStride) {
    constexpr int kBlock = 8, kMinRange = 24;
    const int bw = (width + kBlock - 1) / kBlock, bh = (height + kBlock - 1) / kBlock;
    std::vector<int> black(static_cast<std::size_t>(bw) * bh);
    for (int by = 0; by < bh; ++by) {
        const int y0 = std::min(by * kBlock, height - kBlock < 0 ? 0 : height - kBlock);
        for (int bx = 0; bx < bw; ++bx) {
            const int x0 = std::min(bx * kBlock, width - kBlock < 0 ? 0 : width - kBlock);
            int sum = 0, lo = 255, hi = 0, n = 0;
            for (int y = y0; y < std::min(y0 + kBlock, height); ++y) {
                const std::uint8_t *row = pixels + static_cast<std::size_t>(y) * rowStride;
                for (int x = x0; x < std::min(x0 + kBlock, width); ++x) {
                    sum += row[x];
                    lo = std::min<int>(lo, row[x]);
                    hi = std::max<int>(hi, row[x]);
                    ++n;
                }
            }
            int point = sum / std::max(n, 1);
            if (hi - lo <= kMinRange) {
                point = lo / 2;  // flat: assume background, unless the neighbours say it is ink
                if (by > 0 && bx > 0) {
                    const int neighbours = (black[(by - 1) * bw + bx] + 2 * black[by * bw + bx - 1] +
                                            black[(by - 1) * bw + bx - 1]) / 4;
                    if (lo < neighbours) point = neighbours;
                }
            }
            black[static_cast<std::size_t>(by) * bw + bx] = point;
        }
    }
    std::vector<std::uint8_t> out(static_cast<std::size_t>(width) * height);
    for (int by = 0; by < bh; ++by) {
        const int cy = std::clamp(by, 2, std::max(2, bh - 3));
        for (int bx = 0; bx < bw; ++bx) {
            const int cx = std::clamp(bx, 2, std::max(2, bw - 3));
            int sum = 0, n = 0;
            for (int y = std::max(0, cy - 2); y <= std::min(bh - 1, cy + 2); ++y)
                for (int x = std::max(0, cx - 2); x <= std::min(bw - 1, cx + 2); ++x) {
                    sum += black[static_cast<std::size_t>(y) * bw + x];
                    ++n;
                }
            const int threshold = sum / n;
            for (int y = by * kBlock; y < std::min((by + 1) * kBlock, height); ++y) {
                const std::uint8_t *row = pixels + static_cast<std::size_t>(y) * rowStride;
                std::uint8_t *o = out.data() + static_cast<std::size_t>(y) * width;
                for (int x = bx * kBlock; x < std::min((bx + 1) * kBlock, width); ++x) o[x] = row[x] <= threshold ? 0 : 255;
            }
        }
    }
    return out;
}

void readLayer(const std::uint8_t *pixels, int width, int height, int rowStride, const ZXing::DecodeHints &hints,
               int scale, std::vector<DecodedBarcode> &found) {
    ZXing::ImageView view(pixels, width, height, ZXing::ImageFormat::Lum, rowStride);
    collect(readBarcodes(view, hints), scale, 0, 0, found);
    // ZXing 1.4's DataMatrix detector only follows the two centre lines of the image (its
    // off-centre scan is compiled out), so it misses a symbol that does not cross them: a serial
    // sticker in a corner of the photo. Trying harder, we also run it on full-width and
    // full-height strips whose centre lines fall every sixth of the image, over one shared
    // binarization. A photo of 1000 pixels or more a side is searched at half size: a sticker's
    // DataMatrix then still has modules of 2 pixels or more, for a quarter of the work.
    const bool wantsDataMatrix =
        hints.formats().empty() || hints.formats().testFlag(ZXing::BarcodeFormat::DataMatrix);
    if (scale != 1 || !hints.tryHarder() || hints.isPure() || !wantsDataMatrix || std::min(width, height) < 60) return;
    std::vector<std::uint8_t> half;
    const std::uint8_t *src = pixels;
    int w = width, h = height, stride = rowStride, stripScale = 1;
    if (std::min(width, height) >= 1000) {
        half = downscale(pixels, width, height, rowStride, 2, &w, &h);
        src = half.data();
        stride = w;
        stripScale = 2;
    }
    const std::vector<std::uint8_t> bits = binarize(src, w, h, stride);
    const ZXing::ImageView binary(bits.data(), w, h, ZXing::ImageFormat::Lum);
    ZXing::DecodeHints dm = hints;
    dm.setFormats(ZXing::BarcodeFormat::DataMatrix).setBinarizer(ZXing::Binarizer::BoolCast);
    const int sh = h / 3, sw = w / 3;
    for (int k : {1, 2, 4, 5}) {
        const int y = std::clamp(k * h / 6 - sh / 2, 0, h - sh);
        collect(readBarcodes(binary.cropped(0, y, w, sh), dm), stripScale, 0, y, found);
        const int x = std::clamp(k * w / 6 - sw / 2, 0, w - sw);
        collect(readBarcodes(binary.cropped(x, 0, sw, h), dm), stripScale, x, 0, found);
    }
}

}  // namespace

Result<std::vector<DecodedBarcode>> decode(const std::uint8_t *pixels, int width, int height, int rowStride,
                                           const DecodeOptions &options) {
    if (width <= 0 || height <= 0 || pixels == nullptr || rowStride < width)
        return makeError(Errc::InvalidInput, "cannot decode an empty image (" + std::to_string(width) + "x" +
                                                 std::to_string(height) + ")");
    ZXing::BarcodeFormats formats = ZXing::BarcodeFormat::None;
    for (const std::string &name : options.formats) {
        ZXing::BarcodeFormat f = ZXing::BarcodeFormatFromString(name);
        if (f == ZXing::BarcodeFormat::None)
            return makeError(Errc::InvalidInput, "unknown barcode format '" + name + "'");
        formats |= f;
    }
    ZXing::DecodeHints hints;
    hints.setFormats(formats)
        .setTryHarder(options.tryHarder)
        .setTryRotate(options.tryRotate)
        .setTryDownscale(false)  // see kDownscaleThreshold
        .setIsPure(options.pure)
        .setTryCode39ExtendedMode(true);  // manufacturers' stickers use full-ASCII Code 39

    std::vector<DecodedBarcode> found;
    readLayer(pixels, width, height, rowStride, hints, 1, found);
    if (options.tryDownscale && !options.pure) {
        std::vector<std::uint8_t> layer;
        const std::uint8_t *src = pixels;
        int w = width, h = height, stride = rowStride, scale = 1;
        while (std::max(w, h) > kDownscaleThreshold && std::min(w, h) >= kDownscaleFactor) {
            int nw = 0, nh = 0;
            std::vector<std::uint8_t> next = downscale(src, w, h, stride, kDownscaleFactor, &nw, &nh);
            layer.swap(next);
            src = layer.data();
            w = nw;
            h = nh;
            stride = nw;
            scale *= kDownscaleFactor;
            readLayer(src, w, h, stride, hints, scale, found);
        }
    }
    return found;
}

Result<std::vector<DecodedBarcode>> decode(const GreyImage &image, const DecodeOptions &options) {
    if (image.pixels.size() != static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height))
        return makeError(Errc::InvalidInput, "grey image of " + std::to_string(image.width) + "x" +
                                                 std::to_string(image.height) + " holds " +
                                                 std::to_string(image.pixels.size()) + " pixels");
    return decode(image.pixels.data(), image.width, image.height, image.width, options);
}

}  // namespace reemploi::labels
