// The decoder on real rendered symbols: straight, turned, skewed, blurred, as PNG and JPEG files.
#include <gtest/gtest.h>

// As the labels library reads ZXing: text() as UTF-8 std::string.
#define ZX_USE_UTF8
#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <ZXing/ReadBarcode.h>

#include <fstream>

#include "labels/TestImages.hpp"
#include <reemploi/labels/Decode.hpp>
#include <reemploi/labels/Encode.hpp>

#include "../../labels/src/QrEncoder.hpp"

using namespace reemploi;
using namespace reemploi::labels;
using labels::test::TempDir;

namespace {

GreyImage symbolImage(Symbology s, const std::string &text, int module = 4) {
    auto m = encode(s, text);
    EXPECT_TRUE(m.ok()) << m.error().message;
    return rasterize(*m, s, module, 60 * module / 2);
}

// A Code 39 symbol as printed on a manufacturer's sticker (we never print Code 39 ourselves).
GreyImage code39Image(const std::string &text, int module) {
    ZXing::BitMatrix m = ZXing::MultiFormatWriter(ZXing::BarcodeFormat::Code39).setMargin(0).encode(text, 0, 0);
    BitMatrix bm{m.width(), 1, {}};
    for (int x = 0; x < m.width(); ++x) bm.bits.push_back(m.get(x, 0));
    return rasterize(bm, Symbology::Code128, module, 40 * module);
}

std::vector<DecodedBarcode> decodeOk(const GreyImage &img, const DecodeOptions &o = {}) {
    auto r = decode(img, o);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : std::vector<DecodedBarcode>{};
}

}  // namespace

TEST(Decode, RoundTripsEverySymbologyWeEncode) {
    for (Symbology s : {Symbology::Code128, Symbology::QRCode, Symbology::DataMatrix}) {
        const std::string text = s == Symbology::Code128 ? "RE-000123" : "https://reemploi.example.org/u/RE-000123";
        auto found = decodeOk(symbolImage(s, text));
        ASSERT_EQ(found.size(), 1u) << toString(s);
        EXPECT_EQ(found[0].format, toString(s));
        EXPECT_EQ(found[0].text, text);
    }
}

TEST(Decode, QrCarriesUtf8AndEveryEcLevel) {
    for (QrEcLevel l : {QrEcLevel::L, QrEcLevel::M, QrEcLevel::Q, QrEcLevel::H}) {
        auto m = encode(Symbology::QRCode, "Ordinateur réemployé — école Jean-Jaurès", {l});
        ASSERT_TRUE(m.ok());
        auto found = decodeOk(rasterize(*m, Symbology::QRCode, 3));
        ASSERT_EQ(found.size(), 1u) << toString(l);
        EXPECT_EQ(found[0].text, "Ordinateur réemployé — école Jean-Jaurès");
    }
    // Higher levels need more modules for the same text.
    auto low = encode(Symbology::QRCode, std::string(60, 'x'), {QrEcLevel::L});
    auto high = encode(Symbology::QRCode, std::string(60, 'x'), {QrEcLevel::H});
    ASSERT_TRUE(low.ok() && high.ok());
    EXPECT_LT(low->width, high->width);
}

TEST(Decode, ReportsPositionOfTheSymbol) {
    GreyImage sym = symbolImage(Symbology::QRCode, "RE-000042", 5);
    // Put the symbol at (300, 200) on a white 800x600 page.
    GreyImage page{800, 600, std::vector<std::uint8_t>(800 * 600, 255)};
    for (int y = 0; y < sym.height; ++y)
        for (int x = 0; x < sym.width; ++x) page.pixels[(200 + y) * 800 + 300 + x] = sym.at(x, y);
    auto found = decodeOk(page);
    ASSERT_EQ(found.size(), 1u);
    const int q = 4 * 5, side = sym.width - 2 * q;
    const Point tl{300 + q, 200 + q};
    EXPECT_NEAR(found[0].position[0].x, tl.x, 3);
    EXPECT_NEAR(found[0].position[0].y, tl.y, 3);
    EXPECT_NEAR(found[0].position[2].x, tl.x + side - 1, 3);
    EXPECT_NEAR(found[0].position[2].y, tl.y + side - 1, 3);
    EXPECT_EQ(found[0].orientation, 0);
}

TEST(Decode, FindsEverySymbolOnAPage) {
    GreyImage a = symbolImage(Symbology::Code128, "RE-000001", 3);
    GreyImage b = symbolImage(Symbology::QRCode, "RE-000002", 4);
    GreyImage c = symbolImage(Symbology::DataMatrix, "RE-000003", 5);
    GreyImage page{1000, 700, std::vector<std::uint8_t>(1000 * 700, 255)};
    auto put = [&](const GreyImage &s, int ox, int oy) {
        for (int y = 0; y < s.height; ++y)
            for (int x = 0; x < s.width; ++x) page.pixels[(oy + y) * 1000 + ox + x] = s.at(x, y);
    };
    put(a, 20, 20);
    put(b, 600, 40);
    put(c, 200, 400);
    auto found = decodeOk(page);
    std::set<std::pair<std::string, std::string>> got;
    for (const auto &f : found) got.insert({f.format, f.text});
    EXPECT_EQ(got, (std::set<std::pair<std::string, std::string>>{
                       {"Code128", "RE-000001"}, {"QRCode", "RE-000002"}, {"DataMatrix", "RE-000003"}}));

    DecodeOptions onlyQr;
    onlyQr.formats = {"QRCode"};
    found = decodeOk(page, onlyQr);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].text, "RE-000002");
}

TEST(Decode, ReadsTurnedSkewedAndBlurredPhotos) {
    struct Case {
        Symbology s;
        double degrees, skew, scale;
        int blurRadius;
        double noise;
    };
    const Case cases[] = {
        {Symbology::Code128, 90, 0, 1, 0, 0},    {Symbology::Code128, 180, 0, 1, 1, 4},
        {Symbology::Code128, 7, 0.05, 1.3, 1, 6}, {Symbology::QRCode, 33, 0.1, 1.7, 2, 6},
        {Symbology::QRCode, 270, 0, 1.2, 1, 4},  {Symbology::DataMatrix, 20, 0.08, 2.1, 2, 5},
    };
    for (const Case &c : cases) {
        const std::string text = "RE-0" + std::to_string(4000 + static_cast<int>(c.degrees));
        GreyImage photo = test::blur(test::photograph(symbolImage(c.s, text, 3), 900, 700, c.degrees, c.skew, c.scale),
                                     c.blurRadius, c.noise);
        auto found = decodeOk(photo);
        ASSERT_EQ(found.size(), 1u) << toString(c.s) << " turned " << c.degrees;
        EXPECT_EQ(found[0].format, toString(c.s));
        EXPECT_EQ(found[0].text, text);
    }
}

TEST(Decode, ReadsAManufacturersCode39Sticker) {
    GreyImage photo = test::blur(test::photograph(code39Image("5CG1234XYZ", 3), 1000, 600, -4, 0, 1.4), 1, 5);
    auto found = decodeOk(photo);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].format, "Code39");
    EXPECT_EQ(found[0].text, "5CG1234XYZ");
}

TEST(Decode, ReadsPngAndJpegFiles) {
    TempDir dir;
    GreyImage photo = test::blur(test::photograph(symbolImage(Symbology::DataMatrix, "SN: C02XK1ZJJG5J", 4),
                                                  1200, 900, 12, 0.03, 1.5), 1, 3);
    test::savePng(photo, dir.file("scan.png"));
    test::saveJpeg(photo, dir.file("photo.jpg"), 70);
    // The kind is told by the content: a JPEG named .png still reads.
    test::saveJpeg(photo, dir.file("misnamed.png"), 85);
    for (const char *name : {"scan.png", "photo.jpg", "misnamed.png"}) {
        auto loaded = loadGreyImage(dir.file(name));
        ASSERT_TRUE(loaded.ok()) << loaded.error().message;
        EXPECT_EQ(loaded->width, 1200);
        EXPECT_EQ(loaded->height, 900);
        auto found = decodeFile(dir.file(name));
        ASSERT_TRUE(found.ok()) << found.error().message;
        ASSERT_EQ(found->size(), 1u) << name;
        EXPECT_EQ((*found)[0].text, "SN: C02XK1ZJJG5J");
    }
}

TEST(Decode, TransparentPngIsPaperNotInk) {
    TempDir dir;
    // Black modules on a fully transparent background, as some label designers export.
    GreyImage sym = symbolImage(Symbology::QRCode, "RE-000777", 4);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, sym.width, sym.height);
    cairo_surface_flush(s);
    unsigned char *data = cairo_image_surface_get_data(s);
    for (int y = 0; y < sym.height; ++y)
        for (int x = 0; x < sym.width; ++x)
            reinterpret_cast<std::uint32_t *>(data + y * cairo_image_surface_get_stride(s))[x] =
                sym.at(x, y) == 0 ? 0xff000000u : 0u;
    cairo_surface_mark_dirty(s);
    cairo_surface_write_to_png(s, dir.file("alpha.png").c_str());
    cairo_surface_destroy(s);
    auto found = decodeFile(dir.file("alpha.png"));
    ASSERT_TRUE(found.ok()) << found.error().message;
    ASSERT_EQ(found->size(), 1u);
    EXPECT_EQ((*found)[0].text, "RE-000777");
}

TEST(Decode, NothingReadableIsAnEmptyListNotAnError) {
    TempDir dir;
    GreyImage blank{640, 480, std::vector<std::uint8_t>(640 * 480, 200)};
    test::savePng(test::blur(blank, 0, 20), dir.file("noise.png"));
    auto found = decodeFile(dir.file("noise.png"));
    ASSERT_TRUE(found.ok()) << found.error().message;
    EXPECT_TRUE(found->empty());
}

TEST(Decode, MissingOrCorruptFilesAreErrorsNamingTheFile) {
    TempDir dir;
    auto missing = decodeFile(dir.file("nope.png"));
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, Errc::NotFound);
    EXPECT_NE(missing.error().message.find(dir.file("nope.png")), std::string::npos) << missing.error().message;

    test::savePng(symbolImage(Symbology::QRCode, "RE-000001"), dir.file("good.png"));
    test::saveJpeg(symbolImage(Symbology::QRCode, "RE-000001"), dir.file("good.jpg"), 90);
    auto truncate = [&](const std::string &from, const std::string &to, std::size_t keep) {
        std::ifstream in(dir.file(from), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), {});
        std::ofstream(dir.file(to), std::ios::binary) << bytes.substr(0, keep);
    };
    truncate("good.png", "cut.png", 60);
    truncate("good.jpg", "cut.jpg", 40);
    std::ofstream(dir.file("notes.png")) << "this is not an image\n";
    std::ofstream(dir.file("empty.jpg")).close();
    for (const char *name : {"cut.png", "cut.jpg", "notes.png", "empty.jpg"}) {
        auto r = decodeFile(dir.file(name));
        ASSERT_FALSE(r.ok()) << name;
        EXPECT_EQ(r.error().code, Errc::InvalidInput) << name;
        EXPECT_NE(r.error().message.find(dir.file(name)), std::string::npos) << r.error().message;
    }
}

TEST(Decode, RejectsUnknownFormatNamesAndBadBuffers) {
    DecodeOptions o;
    o.formats = {"Code128", "Barcode9000"};
    auto r = decode(symbolImage(Symbology::Code128, "RE-1"), o);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("Barcode9000"), std::string::npos);

    GreyImage wrong{10, 10, std::vector<std::uint8_t>(50, 255)};
    EXPECT_FALSE(decode(wrong).ok());
}

TEST(Encode, RefusesWhatASymbologyCannotCarry) {
    auto e = encode(Symbology::Code128, "école");
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().code, Errc::InvalidInput);
    EXPECT_NE(e.error().message.find("byte 0"), std::string::npos) << e.error().message;
    EXPECT_FALSE(encode(Symbology::QRCode, "").ok());
    EXPECT_FALSE(encode(Symbology::QRCode, std::string(3000, 'x'), {QrEcLevel::H}).ok());
    EXPECT_EQ(quietZoneModules(Symbology::Code128), 10);
    EXPECT_EQ(*parseSymbology("qrcode"), Symbology::QRCode);
    EXPECT_FALSE(parseQrEcLevel("X").ok());
}

TEST(Decode, FindsAnOffCentreDataMatrixInALargePhoto) {
    // A 1600x1200 photo (searched at half size for DataMatrix) with a serial sticker's
    // DataMatrix away from both centre lines, next to a Code 128 that crosses them.
    GreyImage page{1600, 1200, std::vector<std::uint8_t>(1600 * 1200, 225)};
    auto put = [&](const GreyImage &s, int ox, int oy) {
        for (int y = 0; y < s.height; ++y)
            for (int x = 0; x < s.width; ++x) page.pixels[(oy + y) * 1600 + ox + x] = s.at(x, y);
    };
    put(symbolImage(Symbology::Code128, "5CG7301XYZ", 4), 500, 560);
    put(symbolImage(Symbology::DataMatrix, "S/N C02XK1ZJJG5J", 6), 150, 150);
    put(symbolImage(Symbology::DataMatrix, "P/N 45N0545", 5), 1300, 950);
    auto found = decodeOk(test::blur(page, 1, 3));
    std::set<std::pair<std::string, std::string>> got;
    for (const auto &f : found) got.insert({f.format, f.text});
    EXPECT_EQ(got, (std::set<std::pair<std::string, std::string>>{{"Code128", "5CG7301XYZ"},
                                                                  {"DataMatrix", "S/N C02XK1ZJJG5J"},
                                                                  {"DataMatrix", "P/N 45N0545"}}));
    // Positions are in the photo's pixels, whichever scale found the symbol.
    for (const auto &f : found)
        if (f.text == "S/N C02XK1ZJJG5J") {
            EXPECT_NEAR(f.position[0].x, 150 + 6, 8);
            EXPECT_NEAR(f.position[0].y, 150 + 6, 8);
        }
}

namespace {

std::string eciFixture(const std::string &name) {
    return std::string(REEMPLOI_TEST_FIXTURES) + "/labels/eci/" + name;
}

}  // namespace

// Symbols that declare their character set (ECI) come out as the text they hold, whatever the
// set: ISO-8859-1 bytes, Cyrillic ISO-8859-5, UTF-8 (images made by zint: make_images.sh).
TEST(Decode, HonoursTheCharacterSetASymbolDeclares) {
    struct Case {
        const char *file;
        const char *format;
        const char *text;
    };
    for (const Case &c : {Case{"datamatrix_eci3_latin1.png", "DataMatrix", "S/N: CAFÉ-12"},
                          Case{"qr_eci3_latin1.png", "QRCode", "S/N: CAFÉ-12"},
                          Case{"datamatrix_eci7_cyrillic.png", "DataMatrix", "Сер-123"},
                          Case{"datamatrix_eci26_utf8.png", "DataMatrix", "N° série ÉÀ-42"}}) {
        auto found = decodeFile(eciFixture(c.file));
        ASSERT_TRUE(found.ok()) << c.file << ": " << found.error().message;
        ASSERT_EQ(found->size(), 1u) << c.file;
        EXPECT_EQ(found->front().format, c.format) << c.file;
        EXPECT_EQ(found->front().text, c.text) << c.file;
    }
}

// A symbol holding no text is not a barcode to report (a caller would take "" for a serial),
// while a symbol beside it still is.
TEST(Decode, LeavesOutASymbolWithEmptyText) {
    // encode() refuses empty text; its QR encoder makes the symbol (a numeric segment of length 0).
    auto empty = detail::encodeQr("", QrEcLevel::M);
    ASSERT_TRUE(empty.has_value());
    GreyImage sym = rasterize(*empty, Symbology::QRCode, 6, 0);
    // ZXing reads it as a valid QR code with empty text: the case the decoder leaves out.
    ZXing::ImageView view(sym.pixels.data(), sym.width, sym.height, ZXing::ImageFormat::Lum);
    auto raw = ZXing::ReadBarcodes(view, ZXing::DecodeHints().setFormats(ZXing::BarcodeFormat::QRCode));
    ASSERT_EQ(raw.size(), 1u);
    EXPECT_TRUE(raw.front().isValid());
    EXPECT_TRUE(raw.front().text().empty());
    EXPECT_TRUE(decodeOk(sym).empty());

    GreyImage other = symbolImage(Symbology::Code128, "RE-000007", 3);
    GreyImage page{sym.width + other.width + 40, std::max(sym.height, other.height) + 40,
                   std::vector<std::uint8_t>(static_cast<std::size_t>(sym.width + other.width + 40) *
                                                 (std::max(sym.height, other.height) + 40),
                                             255)};
    auto put = [&](const GreyImage &s, int ox, int oy) {
        for (int y = 0; y < s.height; ++y)
            for (int x = 0; x < s.width; ++x)
                page.pixels[static_cast<std::size_t>(oy + y) * page.width + ox + x] =
                    s.pixels[static_cast<std::size_t>(y) * s.width + x];
    };
    put(sym, 10, 10);
    put(other, sym.width + 30, 10);
    auto found = decodeOk(page);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found.front().text, "RE-000007");
}
