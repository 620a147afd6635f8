// PNG and PDF through cairo: the page is drawn in printer dots (PDF scales dots to points), bars
// as whole-dot rectangles without antialiasing, text in kLabelFont.
#include <reemploi/labels/Render.hpp>

#include <cairo-pdf.h>
#include <cairo.h>

#include <cstring>

namespace reemploi::labels {
namespace {

cairo_status_t appendToString(void *closure, const unsigned char *data, unsigned int length) {
    static_cast<std::string *>(closure)->append(reinterpret_cast<const char *>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

// Dark modules as rectangles: runs of bars in a row become one rectangle, and a linear symbol
// is one row drawn `height` dots tall.
void addSymbol(cairo_t *cr, const PlacedBarcode &b) {
    const BitMatrix &m = b.matrix;
    const int rowHeight = m.linear() ? b.height : b.module;
    for (int y = 0; y < m.height; ++y) {
        int x = 0;
        while (x < m.width) {
            if (!m.get(x, y)) {
                ++x;
                continue;
            }
            const int start = x;
            while (x < m.width && m.get(x, y)) ++x;
            cairo_rectangle(cr, b.x + start * b.module, b.y + y * rowHeight, (x - start) * b.module, rowHeight);
        }
    }
}

void drawPage(cairo_t *cr, const Page &page) {
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (const PlacedLabel &pl : page.labels) {
        cairo_save(cr);
        cairo_translate(cr, pl.x, pl.y);
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
        for (const PlacedBarcode &b : pl.layout.barcodes) addSymbol(cr, b);
        cairo_fill(cr);
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
        for (const PlacedText &t : pl.layout.texts) {
            cairo_select_font_face(cr, kLabelFont, CAIRO_FONT_SLANT_NORMAL,
                                   t.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
            cairo_set_font_size(cr, t.size);
            cairo_move_to(cr, t.x, t.baseline);
            cairo_show_text(cr, t.text.c_str());
        }
        cairo_restore(cr);
    }
}

cairo_surface_t *drawRaster(const Page &page) {
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, page.width, page.height);
    cairo_t *cr = cairo_create(s);
    drawPage(cr, page);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    return s;
}

std::uint32_t crc32(const unsigned char *data, std::size_t n, std::uint32_t crc = 0) {
    crc = ~crc;
    for (std::size_t i = 0; i < n; ++i) {
        crc ^= data[i];
        for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

void putBigEndian(unsigned char *p, std::uint32_t v) {
    p[0] = static_cast<unsigned char>(v >> 24);
    p[1] = static_cast<unsigned char>(v >> 16);
    p[2] = static_cast<unsigned char>(v >> 8);
    p[3] = static_cast<unsigned char>(v);
}

// cairo writes no resolution; a pHYs chunk after IHDR (8 + 25 bytes in) tells viewers and
// print dialogs the label's true size.
void insertResolution(std::string &png, int dpi) {
    unsigned char chunk[21];
    putBigEndian(chunk, 9);
    std::memcpy(chunk + 4, "pHYs", 4);
    const auto perMetre = static_cast<std::uint32_t>(dpi / 0.0254 + 0.5);
    putBigEndian(chunk + 8, perMetre);
    putBigEndian(chunk + 12, perMetre);
    chunk[16] = 1;  // unit: metre
    putBigEndian(chunk + 17, crc32(chunk + 4, 13));
    png.insert(33, reinterpret_cast<const char *>(chunk), sizeof chunk);
}

}  // namespace

GreyImage rasterize(const Page &page) {
    cairo_surface_t *s = drawRaster(page);
    GreyImage img;
    img.width = page.width;
    img.height = page.height;
    img.pixels.resize(static_cast<std::size_t>(img.width) * img.height);
    const unsigned char *data = cairo_image_surface_get_data(s);
    const int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < img.height; ++y) {
        const auto *row = reinterpret_cast<const std::uint32_t *>(data + static_cast<std::size_t>(y) * stride);
        for (int x = 0; x < img.width; ++x) img.pixels[static_cast<std::size_t>(y) * img.width + x] = row[x] & 0xff;
    }
    cairo_surface_destroy(s);
    return img;
}

Result<std::string> renderPng(const Page &page) {
    cairo_surface_t *s = drawRaster(page);
    std::string out;
    const cairo_status_t status = cairo_surface_write_to_png_stream(s, appendToString, &out);
    cairo_surface_destroy(s);
    if (status != CAIRO_STATUS_SUCCESS)
        return makeError(Errc::Internal, std::string("cannot write PNG: ") + cairo_status_to_string(status));
    insertResolution(out, page.dpi);
    return out;
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
        drawPage(cr, page);
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
