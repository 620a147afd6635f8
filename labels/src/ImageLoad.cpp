// Loading PNG (through cairo) and JPEG (through libjpeg) files as 8-bit grey for the decoder.
// Hostile files are refused before they cost anything: size from the file system, dimensions
// from the image's header (PNG's IHDR, JPEG's SOF), and a truncated image is corrupt, not grey.
#include <reemploi/labels/Decode.hpp>

#include <cairo.h>
#include <csetjmp>
#include <cstdio>
#include <cstring>

#include <jpeglib.h>
#include <jerror.h>

#include <reemploi/common/File.hpp>

namespace reemploi::labels {
namespace {

// "48,213"
std::string withThousands(std::uint64_t n) {
    std::string digits = std::to_string(n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

// Refuses an image whose header declares more pixels than the limit, before decoding it.
Result<void> checkDimensions(std::uint64_t width, std::uint64_t height, const ImageLimits &limits,
                             const std::string &name) {
    if (width * height <= limits.maxPixels) return {};
    char mp[32];
    std::snprintf(mp, sizeof mp, "%.0f", static_cast<double>(width * height) / 1e6);
    return makeError(Errc::InvalidInput, "image " + name + " is " + withThousands(width) + " x " +
                                             withThousands(height) + " pixels (" + mp + " megapixels), over the " +
                                             withThousands(limits.maxPixels / 1'000'000) + " megapixel limit");
}

std::uint32_t bigEndian32(const unsigned char *p) {
    return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
           static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}

struct PngSource {
    std::string_view bytes;
    std::size_t offset = 0;
};

cairo_status_t readPngChunk(void *closure, unsigned char *data, unsigned int length) {
    auto *src = static_cast<PngSource *>(closure);
    if (src->bytes.size() - src->offset < length) return CAIRO_STATUS_READ_ERROR;
    std::memcpy(data, src->bytes.data() + src->offset, length);
    src->offset += length;
    return CAIRO_STATUS_SUCCESS;
}

Result<GreyImage> loadPng(std::string_view bytes, const std::string &path, const ImageLimits &limits) {
    // The IHDR chunk comes first (PNG spec §5.6): width and height are bytes 16-23. Cairo would
    // allocate width × height × 4 bytes from them before reading a single pixel.
    const auto *b = reinterpret_cast<const unsigned char *>(bytes.data());
    if (bytes.size() < 33 || bigEndian32(b + 8) != 13 || std::memcmp(b + 12, "IHDR", 4) != 0)
        return makeError(Errc::InvalidInput, "corrupt PNG image " + path + ": no IHDR header at its start");
    const std::uint32_t width = bigEndian32(b + 16), height = bigEndian32(b + 20);
    if (width == 0 || height == 0 || width > 0x7fffffffu || height > 0x7fffffffu)
        return makeError(Errc::InvalidInput, "corrupt PNG image " + path + ": its header declares " +
                                                 std::to_string(width) + " x " + std::to_string(height) + " pixels");
    auto fits = checkDimensions(width, height, limits, path);
    if (!fits) return fits.error();
    PngSource src{bytes};
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

// libjpeg's default error_exit prints and calls exit(): ours jumps back to decompressJpeg, which
// reports the message as a corrupt image.
struct JpegErrorManager {
    jpeg_error_mgr pub;
    jpeg_progress_mgr progress;
    std::jmp_buf jump;
    int maxScans = 0;
    std::uint64_t width = 0, height = 0;  // as the header declares them
    char message[JMSG_LENGTH_MAX] = {};
};

[[noreturn]] void jpegErrorExit(j_common_ptr cinfo) {
    auto *err = reinterpret_cast<JpegErrorManager *>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, err->message);
    std::longjmp(err->jump, 1);
}

// Warnings are silent, except running out of data: jpeg_mem_src would then make up an end of
// image and the rest of the photo would come out grey, so a file that ends before its end marker
// is an error. (libjpeg's decoder reads ahead, so "all rows were there" cannot be told apart.)
void jpegEmitMessage(j_common_ptr cinfo, int level) {
    if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
        auto *err = reinterpret_cast<JpegErrorManager *>(cinfo->err);
        std::snprintf(err->message, sizeof err->message, "the file is truncated (it ends before the image does)");
        std::longjmp(err->jump, 1);
    }
}

// A progressive JPEG has about ten scans; one of tiny scans by the thousand costs minutes of CPU.
void jpegProgress(j_common_ptr cinfo) {
    auto *err = reinterpret_cast<JpegErrorManager *>(cinfo->err);
    if (!cinfo->is_decompressor) return;
    const int scans = reinterpret_cast<j_decompress_ptr>(cinfo)->input_scan_number;
    if (scans > err->maxScans) {
        std::snprintf(err->message, sizeof err->message, "more than %d scans", err->maxScans);
        std::longjmp(err->jump, 1);
    }
}

// Kept free of C++ objects with destructors between setjmp and longjmp.
bool decompressJpeg(jpeg_decompress_struct *cinfo, JpegErrorManager *err, std::string_view bytes,
                    const ImageLimits *limits, GreyImage *image, bool *tooLarge) {
    cinfo->err = jpeg_std_error(&err->pub);
    err->pub.error_exit = jpegErrorExit;
    err->pub.emit_message = jpegEmitMessage;
    err->maxScans = limits->maxJpegScans;
    err->progress.progress_monitor = jpegProgress;
    if (setjmp(err->jump)) {
        jpeg_destroy_decompress(cinfo);
        return false;
    }
    jpeg_create_decompress(cinfo);
    cinfo->progress = &err->progress;
    jpeg_mem_src(cinfo, reinterpret_cast<const unsigned char *>(bytes.data()),
                 static_cast<unsigned long>(bytes.size()));
    jpeg_read_header(cinfo, TRUE);
    err->width = cinfo->image_width;
    err->height = cinfo->image_height;
    if (err->width * err->height > limits->maxPixels) {
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

Result<GreyImage> loadJpeg(std::string_view bytes, const std::string &path, const ImageLimits &limits) {
    jpeg_decompress_struct cinfo;
    JpegErrorManager err;
    GreyImage image;
    bool tooLarge = false;
    if (!decompressJpeg(&cinfo, &err, bytes, &limits, &image, &tooLarge)) {
        if (tooLarge) {
            auto fits = checkDimensions(err.width, err.height, limits, path);
            if (!fits) return fits.error();
        }
        return makeError(Errc::InvalidInput, "corrupt JPEG image " + path + ": " + err.message);
    }
    return image;
}

}  // namespace

Result<GreyImage> decodeImageBytes(std::string_view b, const std::string &name, const ImageLimits &limits) {
    static const unsigned char pngMagic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (b.size() >= 8 && std::memcmp(b.data(), pngMagic, 8) == 0) return loadPng(b, name, limits);
    if (b.size() >= 3 && static_cast<unsigned char>(b[0]) == 0xff && static_cast<unsigned char>(b[1]) == 0xd8 &&
        static_cast<unsigned char>(b[2]) == 0xff)
        return loadJpeg(b, name, limits);
    if (b.empty()) return makeError(Errc::InvalidInput, "image " + name + " is empty");
    return makeError(Errc::InvalidInput, "image " + name + " is neither PNG nor JPEG");
}

Result<GreyImage> loadGreyImage(const std::string &path, const ImageLimits &limits) {
    auto bytes = file::readRegularFile(path, limits.maxBytes);
    if (!bytes) return bytes.error();
    return decodeImageBytes(*bytes, path, limits);
}

Result<std::vector<DecodedBarcode>> decodeFile(const std::string &path, const DecodeOptions &options) {
    auto image = loadGreyImage(path, options.limits);
    if (!image) return image.error();
    auto found = decodeIsolated(*image, options);
    if (!found) return found.error().withContext(path);
    return found;
}

}  // namespace reemploi::labels
