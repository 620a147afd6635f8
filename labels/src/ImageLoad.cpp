// Loading PNG (through cairo) and JPEG (through libjpeg) files as 8-bit grey for the decoder.
#include <reemploi/labels/Decode.hpp>

#include <cairo.h>
#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include <jpeglib.h>

namespace reemploi::labels {
namespace {

// Photos from phones are ~12 Mpx; anything far larger is more likely a hostile file.
constexpr long long kMaxPixels = 120LL * 1000 * 1000;

Result<std::string> readWholeFile(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int e = errno;
        return makeError(e == ENOENT ? Errc::NotFound : Errc::Io, "cannot open image " + path + ": " + std::strerror(e));
    }
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return makeError(Errc::Io, "cannot read image " + path);
    return bytes;
}

struct PngSource {
    const std::string *bytes;
    std::size_t offset = 0;
};

cairo_status_t readPngChunk(void *closure, unsigned char *data, unsigned int length) {
    auto *src = static_cast<PngSource *>(closure);
    if (src->bytes->size() - src->offset < length) return CAIRO_STATUS_READ_ERROR;
    std::memcpy(data, src->bytes->data() + src->offset, length);
    src->offset += length;
    return CAIRO_STATUS_SUCCESS;
}

Result<GreyImage> loadPng(const std::string &bytes, const std::string &path) {
    PngSource src{&bytes};
    cairo_surface_t *surface = cairo_image_surface_create_from_png_stream(readPngChunk, &src);
    cairo_status_t status = cairo_surface_status(surface);
    if (status != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return makeError(Errc::InvalidInput,
                         "corrupt PNG image " + path + ": " + cairo_status_to_string(status));
    }
    cairo_surface_flush(surface);
    GreyImage image;
    image.width = cairo_image_surface_get_width(surface);
    image.height = cairo_image_surface_get_height(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    const unsigned char *data = cairo_image_surface_get_data(surface);
    const cairo_format_t format = cairo_image_surface_get_format(surface);
    image.pixels.resize(static_cast<std::size_t>(image.width) * image.height);
    for (int y = 0; y < image.height; ++y) {
        const unsigned char *row = data + static_cast<std::size_t>(y) * stride;
        std::uint8_t *out = image.pixels.data() + static_cast<std::size_t>(y) * image.width;
        if (format == CAIRO_FORMAT_A8) {
            // A mask: coverage is ink.
            for (int x = 0; x < image.width; ++x) out[x] = static_cast<std::uint8_t>(255 - row[x]);
            continue;
        }
        const auto *px = reinterpret_cast<const std::uint32_t *>(row);
        const bool hasAlpha = format == CAIRO_FORMAT_ARGB32;
        for (int x = 0; x < image.width; ++x) {
            const std::uint32_t p = px[x];
            const unsigned a = hasAlpha ? (p >> 24) : 255;
            const unsigned r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
            // Premultiplied colour over white paper: lum + (255 - alpha).
            const unsigned lum = (306 * r + 601 * g + 117 * b + 512) >> 10;
            out[x] = static_cast<std::uint8_t>(std::min(255u, lum + 255 - a));
        }
    }
    cairo_surface_destroy(surface);
    return image;
}

struct JpegErrorManager {
    jpeg_error_mgr pub;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX] = {};
};

void jpegErrorExit(j_common_ptr cinfo) {
    auto *err = reinterpret_cast<JpegErrorManager *>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, err->message);
    std::longjmp(err->jump, 1);
}

void jpegSilence(j_common_ptr, int) {}

// Kept free of C++ objects with destructors between setjmp and longjmp.
bool decompressJpeg(jpeg_decompress_struct *cinfo, JpegErrorManager *err, const std::string &bytes,
                    GreyImage *image, bool *tooLarge) {
    cinfo->err = jpeg_std_error(&err->pub);
    err->pub.error_exit = jpegErrorExit;
    err->pub.emit_message = jpegSilence;
    if (setjmp(err->jump)) {
        jpeg_destroy_decompress(cinfo);
        return false;
    }
    jpeg_create_decompress(cinfo);
    jpeg_mem_src(cinfo, reinterpret_cast<const unsigned char *>(bytes.data()),
                 static_cast<unsigned long>(bytes.size()));
    jpeg_read_header(cinfo, TRUE);
    if (static_cast<long long>(cinfo->image_width) * cinfo->image_height > kMaxPixels) {
        *tooLarge = true;
        jpeg_destroy_decompress(cinfo);
        return false;
    }
    cinfo->out_color_space = JCS_GRAYSCALE;  // libjpeg converts YCbCr by taking Y
    jpeg_start_decompress(cinfo);
    image->width = static_cast<int>(cinfo->output_width);
    image->height = static_cast<int>(cinfo->output_height);
    image->pixels.resize(static_cast<std::size_t>(image->width) * image->height);
    while (cinfo->output_scanline < cinfo->output_height) {
        JSAMPROW row = image->pixels.data() + static_cast<std::size_t>(cinfo->output_scanline) * image->width;
        jpeg_read_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_decompress(cinfo);
    jpeg_destroy_decompress(cinfo);
    return true;
}

Result<GreyImage> loadJpeg(const std::string &bytes, const std::string &path) {
    jpeg_decompress_struct cinfo;
    JpegErrorManager err;
    GreyImage image;
    bool tooLarge = false;
    if (!decompressJpeg(&cinfo, &err, bytes, &image, &tooLarge)) {
        if (tooLarge) return makeError(Errc::InvalidInput, "JPEG image " + path + " is too large to scan");
        return makeError(Errc::InvalidInput, "corrupt JPEG image " + path + ": " + err.message);
    }
    return image;
}

}  // namespace

Result<GreyImage> loadGreyImage(const std::string &path) {
    auto bytes = readWholeFile(path);
    if (!bytes) return bytes.error();
    return loadGreyImageBytes(*bytes, path);
}

Result<GreyImage> loadGreyImageBytes(const std::string &b, const std::string &path) {
    static const unsigned char pngMagic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (b.size() >= 8 && std::memcmp(b.data(), pngMagic, 8) == 0) return loadPng(b, path);
    if (b.size() >= 3 && static_cast<unsigned char>(b[0]) == 0xff && static_cast<unsigned char>(b[1]) == 0xd8 &&
        static_cast<unsigned char>(b[2]) == 0xff)
        return loadJpeg(b, path);
    if (b.empty()) return makeError(Errc::InvalidInput, "image " + path + " is empty");
    return makeError(Errc::InvalidInput, "image " + path + " is neither PNG nor JPEG");
}

Result<std::vector<DecodedBarcode>> decodeFile(const std::string &path, const DecodeOptions &options) {
    auto image = loadGreyImage(path);
    if (!image) return image.error();
    return decode(*image, options);
}

}  // namespace reemploi::labels
