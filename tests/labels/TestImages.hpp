// Test images for the decoder: symbols drawn, turned, skewed, blurred and saved as PNG or JPEG,
// as a phone photo or a scanner would give them.
#pragma once

#include <cairo.h>
#include <cstdio>
#include <jpeglib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <reemploi/labels/Decode.hpp>

namespace reemploi::labels::test {

// A fresh empty directory under the system's temp dir, removed with the object.
class TempDir {
public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "reemploi-labels-XXXXXX").string();
        _path = mkdtemp(tmpl.data());
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(_path, ec);
    }
    std::string file(const std::string &name) const { return (_path / name).string(); }
    const std::filesystem::path &path() const { return _path; }

private:
    std::filesystem::path _path;
};

// Grey image → cairo RGB24 surface (caller destroys).
inline cairo_surface_t *toSurface(const GreyImage &img) {
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, img.width, img.height);
    cairo_surface_flush(s);
    unsigned char *data = cairo_image_surface_get_data(s);
    const int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < img.height; ++y) {
        auto *row = reinterpret_cast<std::uint32_t *>(data + static_cast<std::size_t>(y) * stride);
        for (int x = 0; x < img.width; ++x) {
            const std::uint32_t v = img.at(x, y);
            row[x] = 0xff000000u | (v << 16) | (v << 8) | v;
        }
    }
    cairo_surface_mark_dirty(s);
    return s;
}

inline GreyImage fromSurface(cairo_surface_t *s) {
    cairo_surface_flush(s);
    GreyImage img;
    img.width = cairo_image_surface_get_width(s);
    img.height = cairo_image_surface_get_height(s);
    img.pixels.resize(static_cast<std::size_t>(img.width) * img.height);
    const unsigned char *data = cairo_image_surface_get_data(s);
    const int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < img.height; ++y) {
        const auto *row = reinterpret_cast<const std::uint32_t *>(data + static_cast<std::size_t>(y) * stride);
        for (int x = 0; x < img.width; ++x) img.pixels[static_cast<std::size_t>(y) * img.width + x] = row[x] & 0xff;
    }
    return img;
}

// Places `symbol` on a `width`×`height` grey page (paper a little off-white), turned by
// `degrees` about its centre, sheared by `skew` (x += skew·y) and scaled by `scale`, centred.
inline GreyImage photograph(const GreyImage &symbol, int width, int height, double degrees, double skew = 0,
                            double scale = 1.0, int paper = 235) {
    cairo_surface_t *page = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    cairo_t *cr = cairo_create(page);
    cairo_set_source_rgb(cr, paper / 255.0, paper / 255.0, paper / 255.0);
    cairo_paint(cr);
    cairo_translate(cr, width / 2.0, height / 2.0);
    cairo_rotate(cr, degrees * M_PI / 180.0);
    cairo_matrix_t shear;
    cairo_matrix_init(&shear, 1, 0, skew, 1, 0, 0);
    cairo_transform(cr, &shear);
    cairo_scale(cr, scale, scale);
    cairo_surface_t *sym = toSurface(symbol);
    cairo_set_source_surface(cr, sym, -symbol.width / 2.0, -symbol.height / 2.0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_BILINEAR);
    cairo_paint(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(sym);
    GreyImage out = fromSurface(page);
    cairo_surface_destroy(page);
    return out;
}

// Box blur of the given radius, then Gaussian-ish sensor noise; both seeded, so repeatable.
inline GreyImage blur(const GreyImage &in, int radius, double noise = 0, unsigned seed = 7) {
    GreyImage tmp = in, out = in;
    const int n = 2 * radius + 1;
    for (int y = 0; y < in.height; ++y)
        for (int x = 0; x < in.width; ++x) {
            int sum = 0;
            for (int k = -radius; k <= radius; ++k) sum += in.at(std::clamp(x + k, 0, in.width - 1), y);
            tmp.pixels[static_cast<std::size_t>(y) * in.width + x] = static_cast<std::uint8_t>(sum / n);
        }
    std::mt19937 rng(seed);
    std::normal_distribution<double> gauss(0, noise > 0 ? noise : 1);
    for (int y = 0; y < in.height; ++y)
        for (int x = 0; x < in.width; ++x) {
            int sum = 0;
            for (int k = -radius; k <= radius; ++k) sum += tmp.at(x, std::clamp(y + k, 0, in.height - 1));
            double v = static_cast<double>(sum) / n + (noise > 0 ? gauss(rng) : 0);
            out.pixels[static_cast<std::size_t>(y) * in.width + x] = static_cast<std::uint8_t>(std::clamp(v, 0.0, 255.0));
        }
    return out;
}

inline void savePng(const GreyImage &img, const std::string &path) {
    cairo_surface_t *s = toSurface(img);
    cairo_surface_write_to_png(s, path.c_str());
    cairo_surface_destroy(s);
}

inline void saveJpeg(const GreyImage &img, const std::string &path, int quality) {
    jpeg_compress_struct cinfo;
    jpeg_error_mgr jerr;
    cinfo.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&cinfo);
    FILE *f = std::fopen(path.c_str(), "wb");
    jpeg_stdio_dest(&cinfo, f);
    cinfo.image_width = static_cast<JDIMENSION>(img.width);
    cinfo.image_height = static_cast<JDIMENSION>(img.height);
    cinfo.input_components = 3;  // colour, as phones write them
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    std::vector<unsigned char> row(static_cast<std::size_t>(img.width) * 3);
    while (cinfo.next_scanline < cinfo.image_height) {
        for (int x = 0; x < img.width; ++x) {
            const unsigned char v = img.at(x, static_cast<int>(cinfo.next_scanline));
            row[3 * x] = v;
            row[3 * x + 1] = v;
            row[3 * x + 2] = static_cast<unsigned char>(std::min(255, v + 10));  // a warm cast
        }
        JSAMPROW r = row.data();
        jpeg_write_scanlines(&cinfo, &r, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    std::fclose(f);
}

}  // namespace reemploi::labels::test
