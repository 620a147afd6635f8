// What fuzzing the decoder (fuzz/barcode.cpp) found, kept in the normal test suite: Debian's
// ZXing-cpp 1.4 aborted the process on a photo holding the same linear symbol twice (an
// assertion in its duplicate check; Decode.cpp replaces that check), and its Aztec detector threw
// std::out_of_range on a 44x4 image (Decode.cpp stops ZXing's exceptions).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "labels/TestImages.hpp"
#include "labels/Tools.hpp"
#include <reemploi/labels/Decode.hpp>
#include <reemploi/labels/Encode.hpp>

using namespace reemploi;
using namespace reemploi::labels;
using labels::test::TempDir;

namespace {

// An input of fuzz_barcode (width - 1, height - 1, option bits, grey pixels) as an image.
GreyImage fuzzImage(const std::string &name) {
    std::ifstream in(std::string(REEMPLOI_TEST_FIXTURES) + "/labels/" + name, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    EXPECT_GT(bytes.size(), 3u);
    GreyImage image;
    if (bytes.size() < 3) return image;
    image.width = static_cast<unsigned char>(bytes[0]) + 1;
    image.height = static_cast<unsigned char>(bytes[1]) + 1;
    image.pixels.assign(static_cast<std::size_t>(image.width) * image.height, 255);
    std::copy_n(bytes.begin() + 3, std::min(bytes.size() - 3, image.pixels.size()), image.pixels.begin());
    return image;
}

// `count` copies of a Code 128 side by side on a white page.
GreyImage copiesOf(const std::string &text, int count) {
    auto m = encode(Symbology::Code128, text);
    EXPECT_TRUE(m.ok());
    GreyImage symbol = rasterize(*m, Symbology::Code128, 3, 90);
    const int gap = 60;
    GreyImage page{count * (symbol.width + gap) + gap, symbol.height + 2 * gap, {}};
    page.pixels.assign(static_cast<std::size_t>(page.width) * page.height, 255);
    for (int c = 0; c < count; ++c)
        for (int y = 0; y < symbol.height; ++y)
            for (int x = 0; x < symbol.width; ++x)
                page.pixels[static_cast<std::size_t>(gap + y) * page.width + gap + c * (symbol.width + gap) + x] =
                    symbol.at(x, y);
    return page;
}

}  // namespace

TEST(FuzzFindings, TheSameCode128TwiceIsTwoSymbolsNotAnAbort) {
    auto found = decode(copiesOf("RE-000001", 2));
    ASSERT_TRUE(found.ok()) << found.error().message;
    ASSERT_EQ(found->size(), 2u);
    EXPECT_EQ((*found)[0].text, "RE-000001");
    EXPECT_EQ((*found)[1].text, "RE-000001");
    EXPECT_NE((*found)[0].position[0].x, (*found)[1].position[0].x);
}

// The input fuzz_barcode found: an EAN-13 (a UPC-A) that ZXing reads twice at two places.
TEST(FuzzFindings, TheFuzzersDuplicateEanDecodes) {
    GreyImage image = fuzzImage("zxing-duplicate-ean.grey");
    auto found = decode(image);  // try harder, rotate, downscale: the fuzzer's flags 0x07
    ASSERT_TRUE(found.ok()) << found.error().message;
    ASSERT_FALSE(found->empty());
    for (const auto &b : *found) {  // as UPC-A and as EAN-13 (its leading 0)
        EXPECT_TRUE(b.format == "UPC-A" || b.format == "EAN-13") << b.format;
        EXPECT_NE(b.text.find("889894123459"), std::string::npos) << b.text;
    }
}

// A 44x4 image on which ZXing's Aztec detector throws: no symbol, and no exception out of decode.
TEST(FuzzFindings, AReaderThatThrowsLeavesTheOthersReading) {
    GreyImage image = fuzzImage("zxing-aztec-out-of-range.grey");
    ASSERT_EQ(image.width, 44);
    ASSERT_EQ(image.height, 4);
    DecodeOptions options;
    options.tryHarder = options.tryRotate = options.tryDownscale = false;  // the fuzzer's flags 0x00
    auto found = decode(image, options);
    ASSERT_TRUE(found.ok()) << found.error().message;
    EXPECT_TRUE(found->empty());
    options.formats = {"Aztec"};
    EXPECT_TRUE(decode(image, options).ok());
    // A Code 128 beside such a strip is still read.
    GreyImage page = copiesOf("RE-000007", 1);
    for (int y = 0; y < image.height; ++y)
        for (int x = 0; x < image.width; ++x) page.pixels[static_cast<std::size_t>(y) * page.width + x] = image.at(x, y);
    auto withCode = decode(page, options = DecodeOptions{});
    ASSERT_TRUE(withCode.ok()) << withCode.error().message;
    ASSERT_EQ(withCode->size(), 1u);
    EXPECT_EQ(withCode->front().text, "RE-000007");
}

// The same through the binary: the replacement must take effect in `reemploi` itself.
TEST(FuzzFindings, LabelScanOfTheseImagesExitsZero) {
    TempDir dir;
    test::savePng(copiesOf("RE-000042", 2), dir.file("two.png"));
    auto r = test::run("timeout -s KILL 60 " + test::shellQuote(REEMPLOI_BINARY) + " label scan " +
                       test::shellQuote(dir.file("two.png")) + " 2>/dev/null");
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_EQ(r.out, "Code128\tRE-000042\nCode128\tRE-000042\n");

    // Was "internal error" (exit 1): ZXing's exception reached the command line.
    test::savePng(fuzzImage("zxing-aztec-out-of-range.grey"), dir.file("strip.png"));
    auto strip = test::run("timeout -s KILL 60 " + test::shellQuote(REEMPLOI_BINARY) + " label scan " +
                           test::shellQuote(dir.file("strip.png")) + " 2>&1");
    EXPECT_EQ(strip.exitCode, 0) << strip.out;
    EXPECT_EQ(strip.out, "no barcode found in " + dir.file("strip.png") + "\n");
}

// fuzz_barcode's 256x199 image on which ZXing 1.4 fails an assert() in its concentric-pattern
// finder and aborts the process. In-process that is the end of the program (the death test shows
// it is ZXing's, not ours); the front ends read images through decodeIsolated, where it is an
// error naming the reader, and the caller goes on.
TEST(FuzzFindings, AnImageThatAbortsZxingIsAnErrorNotTheEndOfTheServer) {
    GreyImage image = fuzzImage("zxing-concentric-assert.grey");
    ASSERT_EQ(image.width, 256);
    ASSERT_EQ(image.height, 199);
    DecodeOptions options;
    options.tryDownscale = false;  // the fuzzer's flags 0x03: try harder, rotate
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_DEATH((void)decode(image, options), "");
    auto isolated = decodeIsolated(image, options);
    ASSERT_FALSE(isolated);
    EXPECT_EQ(isolated.error().code, Errc::InvalidInput);
    EXPECT_EQ(isolated.error().message,
              "the barcode reader (ZXing) failed on this image (Aborted): nothing was read; take another photo, or type the code");
    // The same reader, isolated, answers what decode answers on a sound image.
    auto page = copiesOf("RE-000042", 2);
    auto direct = decode(page);
    auto viaChild = decodeIsolated(page);
    ASSERT_TRUE(direct && viaChild);
    ASSERT_EQ(viaChild->size(), direct->size());
    for (std::size_t i = 0; i < direct->size(); ++i) {
        EXPECT_EQ((*viaChild)[i].text, (*direct)[i].text);
        EXPECT_EQ((*viaChild)[i].format, (*direct)[i].format);
        EXPECT_EQ((*viaChild)[i].position, (*direct)[i].position);
    }
    // A reader that takes too long is stopped.
    auto late = decodeIsolated(page, {}, std::chrono::milliseconds(1));
    ASSERT_FALSE(late);
    EXPECT_EQ(late.error().code, Errc::Timeout);
}

TEST(FuzzFindings, LabelScanOfAnImageThatAbortsZxingExitsTwoNamingIt) {
    TempDir dir;
    test::savePng(fuzzImage("zxing-concentric-assert.grey"), dir.file("photo.png"));
    auto r = test::run("timeout -s KILL 60 " + test::shellQuote(REEMPLOI_BINARY) + " label scan " +
                       test::shellQuote(dir.file("photo.png")) + " 2>&1");
    EXPECT_EQ(r.exitCode, 2) << r.out;
    EXPECT_EQ(r.out, "reemploi: " + dir.file("photo.png") +
                         ": the barcode reader (ZXing) failed on this image (Aborted): nothing was read; take another "
                         "photo, or type the code\n");
}
