// What fuzzing the decoder (fuzz/barcode.cpp) found, kept in the normal test suite: Debian's
// ZXing-cpp 1.4 aborted the process on a photo holding the same linear symbol twice (an
// assertion in its duplicate check); Decode.cpp replaces that check (see there).
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

// The input fuzz_barcode found (its format: width - 1, height - 1, option bits, grey pixels): an
// EAN-13 (a UPC-A) that ZXing reads twice at two places.
TEST(FuzzFindings, TheFuzzersDuplicateEanDecodes) {
    std::ifstream in(std::string(REEMPLOI_TEST_FIXTURES) + "/labels/zxing-duplicate-ean.grey", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    ASSERT_GT(bytes.size(), 3u);
    GreyImage image;
    image.width = static_cast<unsigned char>(bytes[0]) + 1;
    image.height = static_cast<unsigned char>(bytes[1]) + 1;
    image.pixels.assign(static_cast<std::size_t>(image.width) * image.height, 255);
    std::copy_n(bytes.begin() + 3, std::min(bytes.size() - 3, image.pixels.size()), image.pixels.begin());
    auto found = decode(image);  // try harder, rotate, downscale: the fuzzer's flags 0x07
    ASSERT_TRUE(found.ok()) << found.error().message;
    ASSERT_FALSE(found->empty());
    for (const auto &b : *found) {  // as UPC-A and as EAN-13 (its leading 0)
        EXPECT_TRUE(b.format == "UPC-A" || b.format == "EAN-13") << b.format;
        EXPECT_NE(b.text.find("889894123459"), std::string::npos) << b.text;
    }
}

// The same through the binary: the replacement must take effect in `reemploi` itself.
TEST(FuzzFindings, LabelScanOfTwoIdenticalLabelsExitsZero) {
    TempDir dir;
    test::savePng(copiesOf("RE-000042", 2), dir.file("two.png"));
    auto r = test::run("timeout -s KILL 60 " + test::shellQuote(REEMPLOI_BINARY) + " label scan " +
                       test::shellQuote(dir.file("two.png")) + " 2>/dev/null");
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_EQ(r.out, "Code128\tRE-000042\nCode128\tRE-000042\n");
}
