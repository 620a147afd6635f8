// Serials read from sticker images (rendered by zint, the photo turned, blurred and noised: see
// tests/fixtures/intake/images/make_images.py) through the labels module's decoder.
#include <gtest/gtest.h>

#include <reemploi/intake/Scan.hpp>

using namespace reemploi;
using namespace reemploi::intake;

namespace {

std::string image(const std::string &name) {
    return std::string(REEMPLOI_TEST_FIXTURES) + "/intake/images/" + name;
}

std::vector<SerialCandidate> readOk(const std::string &name) {
    auto found = readSerialsFromImage(image(name));
    EXPECT_TRUE(found.ok()) << (found.ok() ? "" : found.error().message);
    return found.ok() ? *found : std::vector<SerialCandidate>{};
}

}  // namespace

TEST(ScanImage, ReadsACode128Serial) {
    auto found = readOk("code128_serial.png");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].serial, "5CG7431JKL");
    EXPECT_EQ(found[0].format, "Code128");
    EXPECT_FALSE(found[0].labelled);
}

TEST(ScanImage, ReadsACode39Serial) {
    auto found = readOk("code39_serial.png");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].serial, "PF0ZXK4M");
    EXPECT_EQ(found[0].format, "Code39");
}

TEST(ScanImage, TakesTheSerialElementOfGs1DataMatrix) {
    auto found = readOk("datamatrix_gs1.png");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].serial, "SER12345");
    EXPECT_EQ(found[0].format, "DataMatrix");
    EXPECT_TRUE(found[0].labelled);
}

TEST(ScanImage, StripsTheLabelInsideAQrCode) {
    auto found = readOk("qr_labelled.png");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].serial, "R58M12ABCDE");
    EXPECT_EQ(found[0].raw, "S/N: R58M12ABCDE");
    EXPECT_TRUE(found[0].labelled);
}

TEST(ScanImage, PhotoOfAStickerPutsTheLabelledSerialFirstAndLeavesProductCodesOut) {
    auto found = readOk("sticker_photo.png");
    ASSERT_EQ(found.size(), 2u);  // the EAN-13 and the warranty URL are not serials
    EXPECT_EQ(found[0].serial, "5CG7431JKL");
    EXPECT_TRUE(found[0].labelled);
    EXPECT_EQ(found[1].serial, "1EM12EA#ABF");
}

TEST(ScanImage, ProductCodeAloneOrBlankImageGiveNothing) {
    EXPECT_TRUE(readOk("ean13_only.png").empty());
    EXPECT_TRUE(readOk("blank.png").empty());
}

TEST(ScanImage, UnreadableFilesAreErrorsNamingThem) {
    auto missing = readSerialsFromImage(image("no-such.png"));
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("no-such.png"), std::string::npos);
    auto garbage = readSerialsFromImage(image("not_an_image.png"));
    ASSERT_FALSE(garbage.ok());
    EXPECT_NE(garbage.error().message.find("not_an_image.png"), std::string::npos);
}
