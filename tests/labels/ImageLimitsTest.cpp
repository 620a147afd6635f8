// Hostile images, made in the test: a 64 KB PNG whose header claims 23,000 × 23,000 pixels (with
// a valid zlib stream of zeros for all of them), a JPEG whose header claims 60 megapixels, a
// truncated JPEG, a progressive JPEG of 694 scans; and files that are not images at all. Each is
// refused before it costs memory or time, with exit code 2 through the binary.
#include <gtest/gtest.h>

#include <zlib.h>

#include <chrono>
#include <filesystem>

#include "labels/TestImages.hpp"
#include "labels/Tools.hpp"
#include <reemploi/labels/Decode.hpp>

using namespace reemploi;
using namespace reemploi::labels;
using labels::test::TempDir;

namespace {

void putBigEndian32(std::string &out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

std::string pngChunk(const char *type, const std::string &data) {
    std::string out;
    putBigEndian32(out, static_cast<std::uint32_t>(data.size()));
    std::string body = std::string(type, 4) + data;
    out += body;
    putBigEndian32(out, static_cast<std::uint32_t>(
                            crc32(0, reinterpret_cast<const Bytef *>(body.data()), static_cast<uInt>(body.size()))));
    return out;
}

// A 1-bit grey PNG of width × height black pixels, deflated row by row (64 KB for 23,000²).
std::string zeroPng(std::uint32_t width, std::uint32_t height) {
    std::string ihdr;
    putBigEndian32(ihdr, width);
    putBigEndian32(ihdr, height);
    ihdr += std::string("\x01\x00\x00\x00\x00", 5);  // bit depth 1, grey, deflate, no filter, no interlace
    z_stream z{};
    EXPECT_EQ(deflateInit(&z, 9), Z_OK);
    std::string row(1 + (width + 7) / 8, '\0');  // filter byte + packed pixels
    std::string idat;
    unsigned char out[65536];
    for (std::uint32_t y = 0; y <= height; ++y) {
        const bool last = y == height;
        z.next_in = reinterpret_cast<Bytef *>(row.data());
        z.avail_in = last ? 0 : static_cast<uInt>(row.size());
        do {
            z.next_out = out;
            z.avail_out = sizeof out;
            deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
            idat.append(reinterpret_cast<char *>(out), sizeof out - z.avail_out);
        } while (z.avail_out == 0);
    }
    deflateEnd(&z);
    return std::string("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", ihdr) + pngChunk("IDAT", idat) + pngChunk("IEND", "");
}

// A grey picture with detail everywhere, so that its JPEG has entropy-coded data to cut.
GreyImage texture(int width, int height) {
    GreyImage img{width, height, std::vector<std::uint8_t>(static_cast<std::size_t>(width) * height)};
    std::uint32_t seed = 12345;
    for (auto &p : img.pixels) {
        seed = seed * 1664525u + 1013904223u;
        p = static_cast<std::uint8_t>(seed >> 24);
    }
    return img;
}

std::string jpegBytes(const GreyImage &img, const std::string &path) {
    test::saveJpeg(img, path, 90);
    return test::readFile(path);
}

// A progressive grey JPEG written with one scan per coefficient and bit: 1 DC scan, then for each
// of the 63 AC coefficients a first scan and ten refinements.
std::string manyScanJpeg(int *scanCount) {
    std::vector<jpeg_scan_info> scans;
    scans.push_back({1, {0, 0, 0, 0}, 0, 0, 0, 0});
    for (int k = 1; k < 64; ++k) {
        scans.push_back({1, {0, 0, 0, 0}, k, k, 0, 10});
        for (int al = 9; al >= 0; --al) scans.push_back({1, {0, 0, 0, 0}, k, k, al + 1, al});
    }
    *scanCount = static_cast<int>(scans.size());
    GreyImage img = texture(64, 64);
    jpeg_compress_struct cinfo;
    jpeg_error_mgr jerr;
    cinfo.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&cinfo);
    unsigned char *buffer = nullptr;
    unsigned long size = 0;
    jpeg_mem_dest(&cinfo, &buffer, &size);
    cinfo.image_width = 64;
    cinfo.image_height = 64;
    cinfo.input_components = 1;
    cinfo.in_color_space = JCS_GRAYSCALE;
    jpeg_set_defaults(&cinfo);
    cinfo.scan_info = scans.data();
    cinfo.num_scans = *scanCount;
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = img.pixels.data() + static_cast<std::size_t>(cinfo.next_scanline) * 64;
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    std::string bytes(reinterpret_cast<char *>(buffer), size);
    free(buffer);
    return bytes;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST(ImageLimits, APngClaimingHugeDimensionsIsRefusedFromItsHeader) {
    TempDir dir;
    const std::string png = zeroPng(23000, 23000);
    ASSERT_LT(png.size(), 200'000u);  // small on disk: the danger is in the header
    test::writeFile(dir.file("huge.png"), png);
    auto start = std::chrono::steady_clock::now();
    auto r = loadGreyImage(dir.file("huge.png"));
    EXPECT_LT(secondsSince(start), 1.0);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::InvalidInput);
    EXPECT_EQ(r.error().message, "image " + dir.file("huge.png") +
                                     " is 23,000 x 23,000 pixels (529 megapixels), over the 50 megapixel limit");
    auto decoded = decodeFile(dir.file("huge.png"));
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.error().code, Errc::InvalidInput);
}

TEST(ImageLimits, ThePixelLimitIsConfigurableAndAppliesToEveryFormat) {
    TempDir dir;
    test::savePng(texture(200, 100), dir.file("small.png"));
    jpegBytes(texture(200, 100), dir.file("small.jpg"));
    ImageLimits tight;
    tight.maxPixels = 10'000;
    for (const char *name : {"small.png", "small.jpg"}) {
        ASSERT_TRUE(loadGreyImage(dir.file(name)).ok()) << name;
        auto r = loadGreyImage(dir.file(name), tight);
        ASSERT_FALSE(r.ok()) << name;
        EXPECT_NE(r.error().message.find("is 200 x 100 pixels"), std::string::npos) << r.error().message;
        DecodeOptions options;
        options.limits = tight;
        EXPECT_FALSE(decodeFile(dir.file(name), options).ok()) << name;
    }
    ImageLimits tinyFile;
    tinyFile.maxBytes = 100;
    auto big = loadGreyImage(dir.file("small.png"), tinyFile);
    ASSERT_FALSE(big.ok());
    EXPECT_NE(big.error().message.find("over the 100 bytes limit"), std::string::npos) << big.error().message;
}

// 10,000 × 6,000 in the SOF of a small JPEG: refused before libjpeg allocates anything.
TEST(ImageLimits, AJpegClaimingHugeDimensionsIsRefusedFromItsHeader) {
    TempDir dir;
    std::string jpeg = jpegBytes(texture(64, 48), dir.file("small.jpg"));
    std::size_t sof = jpeg.find("\xff\xc0", 2);
    ASSERT_NE(sof, std::string::npos);
    jpeg[sof + 5] = static_cast<char>(6000 >> 8);
    jpeg[sof + 6] = static_cast<char>(6000 & 0xff);
    jpeg[sof + 7] = static_cast<char>(10000 >> 8);
    jpeg[sof + 8] = static_cast<char>(10000 & 0xff);
    auto start = std::chrono::steady_clock::now();
    auto r = decodeImageBytes(jpeg, "big.jpg");
    EXPECT_LT(secondsSince(start), 1.0);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "image big.jpg is 10,000 x 6,000 pixels (60 megapixels), over the 50 megapixel limit");
}

TEST(ImageLimits, ATruncatedJpegIsCorruptNotGrey) {
    TempDir dir;
    std::string jpeg = jpegBytes(texture(640, 480), dir.file("photo.jpg"));
    ASSERT_TRUE(decodeImageBytes(jpeg, "photo.jpg").ok());
    // Cut in its header, in its middle, or just before its end marker.
    for (std::size_t keep : {std::size_t{700}, jpeg.size() / 2, jpeg.size() - 2}) {
        test::writeFile(dir.file("cut.jpg"), jpeg.substr(0, keep));
        auto r = loadGreyImage(dir.file("cut.jpg"));
        ASSERT_FALSE(r.ok()) << "kept " << keep << " of " << jpeg.size();
        EXPECT_EQ(r.error().code, Errc::InvalidInput);
        EXPECT_EQ(r.error().message, "corrupt JPEG image " + dir.file("cut.jpg") +
                                         ": the file is truncated (it ends before the image does)");
    }
}

TEST(ImageLimits, AProgressiveJpegOfHundredsOfScansIsRefused) {
    int scans = 0;
    std::string jpeg = manyScanJpeg(&scans);
    ASSERT_EQ(scans, 694);
    auto r = decodeImageBytes(jpeg, "scans.jpg");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "corrupt JPEG image scans.jpg: more than 500 scans");
    ImageLimits generous;
    generous.maxJpegScans = 1000;
    auto ok = decodeImageBytes(jpeg, "scans.jpg", generous);
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok->width, 64);
}

TEST(ImageLimits, ACorruptPngHeaderIsRefused) {
    std::string png = zeroPng(40, 40);
    std::string noHeader = png.substr(0, 8) + pngChunk("IDAT", "x") + png.substr(33);
    auto r = decodeImageBytes(noHeader, "odd.png");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "corrupt PNG image odd.png: no IHDR header at its start");
    std::string zero = png;
    zero.replace(16, 4, std::string(4, '\0'));
    auto z = decodeImageBytes(zero, "zero.png");
    ASSERT_FALSE(z.ok());
    EXPECT_NE(z.error().message.find("declares 0 x 40 pixels"), std::string::npos) << z.error().message;
    auto fine = decodeImageBytes(png, "fine.png");
    ASSERT_TRUE(fine.ok()) << fine.error().message;
    EXPECT_EQ(fine->width, 40);
}

TEST(ImageLimits, DirectoriesAndFifosAreNotImages) {
    TempDir dir;
    std::filesystem::create_directory(dir.file("photo.jpg"));
    auto d = loadGreyImage(dir.file("photo.jpg"));
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.error().message, dir.file("photo.jpg") + " is a directory, not a file");
    ASSERT_EQ(mkfifo(dir.file("pipe.png").c_str(), 0600), 0);
    auto f = loadGreyImage(dir.file("pipe.png"));  // opened O_NONBLOCK: no writer needed
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.error().message, dir.file("pipe.png") + " is not a regular file");
}

// Through the binary, bounded by `timeout` so that a regression fails rather than hangs.
class ImageLimitsCli : public ::testing::Test {
protected:
    test::Run cli(const std::string &args) {
        const std::string errFile = _dir.file("stderr");
        auto r = test::run("REEMPLOI_DB=" + test::shellQuote(_dir.file("t.db")) + " timeout -s KILL 30 " +
                           test::shellQuote(REEMPLOI_BINARY) + " " + args + " 2>" + test::shellQuote(errFile));
        _stderr = test::readFile(errFile);
        return r;
    }
    TempDir _dir;
    std::string _stderr;
};

TEST_F(ImageLimitsCli, HostileImagesExitTwo) {
    std::string jpeg = jpegBytes(texture(640, 480), _dir.file("photo.jpg"));
    test::writeFile(_dir.file("cut.jpg"), jpeg.substr(0, jpeg.size() / 2));
    for (const char *command : {"intake scan-serial", "label scan"}) {
        auto r = cli(std::string(command) + " " + test::shellQuote(_dir.file("cut.jpg")));
        EXPECT_EQ(r.exitCode, 2) << command << ": " << _stderr;
        EXPECT_NE(_stderr.find("corrupt JPEG image " + _dir.file("cut.jpg") + ": the file is truncated"),
                  std::string::npos)
            << _stderr;
    }

    test::writeFile(_dir.file("huge.png"), zeroPng(23000, 23000));
    auto start = std::chrono::steady_clock::now();
    auto huge = cli("intake scan-serial " + test::shellQuote(_dir.file("huge.png")));
    EXPECT_LT(secondsSince(start), 5.0);
    EXPECT_EQ(huge.exitCode, 2) << _stderr;
    EXPECT_NE(_stderr.find("over the 50 megapixel limit"), std::string::npos) << _stderr;

    auto zero = cli("label scan /dev/zero");
    EXPECT_EQ(zero.exitCode, 2) << _stderr;
    EXPECT_EQ(_stderr, "reemploi: /dev/zero is not a regular file\n");
}
