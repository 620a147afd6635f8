// PNG and PDF through cairo: the page is drawn in printer dots (PDF scales dots to points), bars
// as whole-dot rectangles without antialiasing, text in kLabelFont.
#include <reemploi/labels/Render.hpp>

#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#include "DarkRuns.hpp"
#include "Fonts.hpp"

#include <zlib.h>

namespace reemploi::labels {
namespace {

cairo_status_t appendToString(void *closure, const unsigned char *data, unsigned int length) {
    static_cast<std::string *>(closure)->append(reinterpret_cast<const char *>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

// Dark modules as rectangles (see DarkRuns.hpp).
void addSymbol(cairo_t *cr, const PlacedBarcode &b) {
    forEachDarkRun(b, [cr](int x, int y, int w, int h) { cairo_rectangle(cr, x, y, w, h); });
}

enum class Target {
    Vector,  // PDF: white paper painted, text antialiased by whoever rasterises it
    Bitmap,  // ink only, dots on or off: exactly what a label printer can print
};

void drawPage(cairo_t *cr, const Page &page, Target target) {
    // Unhinted advances, as the layout measured them, so that a line is as wide as it planned.
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    if (target == Target::Bitmap) cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_NONE);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
    if (target == Target::Vector) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (const PlacedLabel &pl : page.labels) {
        cairo_save(cr);
        cairo_translate(cr, pl.x, pl.y);
        if (target == Target::Vector) {  // a bitmap gets its bars from paintBars
            cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
            for (const PlacedBarcode &b : pl.layout.barcodes) addSymbol(cr, b);
            cairo_fill(cr);
            cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
        }
        for (const PlacedText &t : pl.layout.texts) {
            cairo_set_font_face(cr, labelFontFace(t.bold));
            cairo_set_font_size(cr, t.size);
            cairo_move_to(cr, t.x, t.baseline);
            cairo_show_text(cr, t.text.c_str());
        }
        cairo_restore(cr);
    }
}

// Bars and modules straight into the bitmap: they are boxes on whole dots, and a row of them is
// a few memsets, many times faster than asking pixman to rasterise each box.
void paintBars(cairo_surface_t *s, const Page &page) {
    auto *data = cairo_image_surface_get_data(s);
    const int stride = cairo_image_surface_get_stride(s);
    std::vector<std::pair<int, int>> runs;
    for (const PlacedLabel &pl : page.labels)
        for (const PlacedBarcode &b : pl.layout.barcodes) {
            const BitMatrix &m = b.matrix;
            const int rowHeight = m.linear() ? b.height : b.module;
            for (int my = 0; my < m.height; ++my) {
                runs.clear();
                for (int mx = 0; mx < m.width;) {
                    if (!m.get(mx, my)) {
                        ++mx;
                        continue;
                    }
                    const int start = mx;
                    while (mx < m.width && m.get(mx, my)) ++mx;
                    const int x0 = std::max(0, pl.x + b.x + start * b.module);
                    const int x1 = std::min(page.width, pl.x + b.x + mx * b.module);
                    if (x1 > x0) runs.emplace_back(x0, x1);
                }
                const int y0 = pl.y + b.y + my * rowHeight;
                for (int y = std::max(0, y0); y < std::min(page.height, y0 + rowHeight); ++y) {
                    unsigned char *row = data + static_cast<std::size_t>(y) * stride;
                    for (const auto &[x0, x1] : runs) std::memset(row + x0, 255, static_cast<std::size_t>(x1 - x0));
                }
            }
        }
}

// The page as ink coverage, one byte per printer dot (A8: glyphs composite fast into it, unlike
// A1), text not antialiased because a label printer's dots are on or off.
cairo_surface_t *drawBitmap(const Page &page) {
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, page.width, page.height);
    cairo_t *cr = cairo_create(s);
    drawPage(cr, page, Target::Bitmap);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    paintBars(s, page);
    cairo_surface_mark_dirty(s);
    return s;
}

// One row of ink (A8, each dot 0 or 255) as 1-bit PNG pixels: most significant bit first, 1 for
// white paper. Eight dots at a time: their top bits gathered by one multiplication (dot k lands
// in bit k), then put in PNG order by a table.
void packRow(const unsigned char *ink, int width, unsigned char *out) {
    static const std::array<unsigned char, 256> reversed = [] {
        std::array<unsigned char, 256> t{};
        for (int v = 0; v < 256; ++v) {
            int r = 0;
            for (int bit = 0; bit < 8; ++bit)
                if (v & (1 << bit)) r |= 0x80 >> bit;
            t[static_cast<std::size_t>(v)] = static_cast<unsigned char>(r);
        }
        return t;
    }();
    const int full = width / 8;
    for (int i = 0; i < full; ++i) {
        std::uint64_t eight;
        std::memcpy(&eight, ink + i * 8, 8);
        if constexpr (std::endian::native != std::endian::little) eight = __builtin_bswap64(eight);
        const auto gathered = static_cast<unsigned>(((eight & 0x8080808080808080ull) * 0x0002040810204081ull) >> 56);
        out[i] = static_cast<unsigned char>(~reversed[gathered & 0xff]);
    }
    if (width % 8) {
        unsigned char v = 0;
        for (int x = full * 8; x < width; ++x) v |= static_cast<unsigned char>((ink[x] & 0x80) >> (x % 8));
        out[full] = static_cast<unsigned char>(~v);
    }
}

void putBigEndian(std::string &out, std::uint32_t v) {
    const char bytes[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                           static_cast<char>(v)};
    out.append(bytes, 4);
}

void putChunk(std::string &png, const char *type, const std::string &data) {
    putBigEndian(png, static_cast<std::uint32_t>(data.size()));
    const std::size_t start = png.size();
    png.append(type, 4);
    png += data;
    putBigEndian(png, static_cast<std::uint32_t>(
                          crc32(0, reinterpret_cast<const Bytef *>(png.data() + start), static_cast<uInt>(png.size() - start))));
}

// A grey PNG (8 bits, or 1 bit for a label bitmap), written here rather than by cairo: a label
// is mostly white and its bars repeat row after row, so the "Up" filter turns most rows into
// zeros and zlib's run-length strategy packs them fast (cairo writes RGB through libpng's
// defaults, many times slower). `row(y)` gives row y's bytes as the PNG holds them, `rowBytes`
// long. The pHYs chunk records the printer's resolution, so that viewers know the label's size.
template <class RowOf>
Result<std::string> encodeGreyPng(int width, int height, int bitDepth, std::size_t rowBytes, RowOf row, int dpi) {
    if (width <= 0 || height <= 0) return makeError(Errc::InvalidInput, "cannot write an empty image as PNG");
    // Reused between calls: fresh buffers of this size cost more in page faults than the work.
    thread_local std::vector<unsigned char> raw, idat, previous, current;
    raw.resize((rowBytes + 1) * static_cast<std::size_t>(height));
    previous.assign(rowBytes, 0);
    current.resize(rowBytes);
    for (int y = 0; y < height; ++y) {
        unsigned char *out = raw.data() + static_cast<std::size_t>(y) * (rowBytes + 1);
        row(y, current.data());
        out[0] = y == 0 ? 0 : 2;  // filter None first, then Up: difference from the row above, mod 256
        for (std::size_t x = 0; x < rowBytes; ++x) out[1 + x] = static_cast<unsigned char>(current[x] - previous[x]);
        previous.swap(current);
    }
    z_stream z{};
    if (deflateInit2(&z, 1, Z_DEFLATED, 15, 8, Z_RLE) != Z_OK) return makeError(Errc::Internal, "cannot start zlib");
    idat.resize(deflateBound(&z, static_cast<uLong>(raw.size())));
    z.next_in = raw.data();
    z.avail_in = static_cast<uInt>(raw.size());
    z.next_out = idat.data();
    z.avail_out = static_cast<uInt>(idat.size());
    const int rc = deflate(&z, Z_FINISH);
    const std::size_t compressed = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) return makeError(Errc::Internal, "cannot compress PNG data");

    std::string png("\x89PNG\r\n\x1a\n", 8);
    png.reserve(compressed + 128);
    std::string ihdr;
    putBigEndian(ihdr, static_cast<std::uint32_t>(width));
    putBigEndian(ihdr, static_cast<std::uint32_t>(height));
    ihdr += static_cast<char>(bitDepth);
    ihdr += std::string("\x00\x00\x00\x00", 4);  // grey, deflate, adaptive filters, no interlace
    putChunk(png, "IHDR", ihdr);
    if (dpi > 0) {
        std::string phys;
        const auto perMetre = static_cast<std::uint32_t>(dpi / 0.0254 + 0.5);
        putBigEndian(phys, perMetre);
        putBigEndian(phys, perMetre);
        phys += '\x01';  // unit: metre
        putChunk(png, "pHYs", phys);
    }
    putChunk(png, "IDAT", std::string(reinterpret_cast<const char *>(idat.data()), compressed));
    putChunk(png, "IEND", "");
    return png;
}

}  // namespace

GreyImage rasterize(const Page &page) {
    cairo_surface_t *s = drawBitmap(page);
    GreyImage img;
    img.width = page.width;
    img.height = page.height;
    img.pixels.resize(static_cast<std::size_t>(img.width) * img.height);
    const unsigned char *data = cairo_image_surface_get_data(s);
    const int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < img.height; ++y) {
        const unsigned char *ink = data + static_cast<std::size_t>(y) * stride;
        std::uint8_t *out = img.pixels.data() + static_cast<std::size_t>(y) * img.width;
        for (int x = 0; x < img.width; ++x) out[x] = ink[x] >= 128 ? 0 : 255;  // as the PNG holds it
    }
    cairo_surface_destroy(s);
    return img;
}

Result<std::string> renderPng(const Page &page) {
    cairo_surface_t *s = drawBitmap(page);
    const unsigned char *data = cairo_image_surface_get_data(s);
    const int stride = cairo_image_surface_get_stride(s);
    auto png = encodeGreyPng(
        page.width, page.height, 1, (static_cast<std::size_t>(page.width) + 7) / 8,
        [&](int y, unsigned char *out) { packRow(data + static_cast<std::size_t>(y) * stride, page.width, out); },
        page.dpi);
    cairo_surface_destroy(s);
    return png;
}

Result<std::string> encodePng(const GreyImage &image, int dpi) {
    if (image.pixels.size() != static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height))
        return makeError(Errc::InvalidInput, "cannot write an inconsistent grey image as PNG");
    return encodeGreyPng(image.width, image.height, 8, static_cast<std::size_t>(image.width),
                         [&](int y, unsigned char *out) {
                             std::memcpy(out, image.pixels.data() + static_cast<std::size_t>(y) * image.width,
                                         static_cast<std::size_t>(image.width));
                         },
                         dpi);
}

Result<std::string> renderPdf(const std::vector<Page> &pages) {
    if (pages.empty()) return makeError(Errc::InvalidInput, "no label to render");
    std::string out;
    constexpr double kPointsPerMm = 72.0 / 25.4;
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(appendToString, &out, pages[0].widthMm * kPointsPerMm,
                                                             pages[0].heightMm * kPointsPerMm);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "reemploi");
    cairo_t *cr = cairo_create(s);
    for (const Page &page : pages) {
        cairo_pdf_surface_set_size(s, page.widthMm * kPointsPerMm, page.heightMm * kPointsPerMm);
        cairo_save(cr);
        cairo_scale(cr, 72.0 / page.dpi, 72.0 / page.dpi);
        drawPage(cr, page, Target::Vector);
        cairo_restore(cr);
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_finish(s);
    const cairo_status_t status = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (status != CAIRO_STATUS_SUCCESS)
        return makeError(Errc::Internal, std::string("cannot write PDF: ") + cairo_status_to_string(status));
    return out;
}

}  // namespace reemploi::labels
