// A sticker's photo uploaded → its serial, as `intake scan-serial` reads it.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "app/http/ApiServer.hpp"

using namespace reemploi;
using namespace reemploi::test;

namespace {
std::string image(const std::string &name) {
    std::ifstream in(std::string(REEMPLOI_TEST_FIXTURES) + "/intake/images/" + name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
}  // namespace

TEST(ScanApi, APhotoOfAStickerGivesItsSerial) {
    ApiServer api;
    auto c = api.as("tom");
    auto r = c.upload("/api/scan", image("code128_serial.png"), "image/png");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("serial"), "5CG7431JKL");
    EXPECT_EQ(r.json()->getArray("others")->size(), 0u);
    EXPECT_EQ(r.json()->getArray("candidates")->getObject(0)->getValue<std::string>("format"), "Code128");

    auto blank = c.upload("/api/scan", image("blank.png"), "image/png");
    ASSERT_EQ(blank.status, 200) << blank.body;
    EXPECT_TRUE(blank.json()->isNull("serial"));

    auto garbage = c.upload("/api/scan", image("not_an_image.png"), "image/png");
    EXPECT_EQ(garbage.status, 422) << garbage.body;
    EXPECT_EQ(garbage.json()->getObject("error")->getValue<std::string>("field"), "image");
    EXPECT_EQ(c.upload("/api/scan", "", "image/png").status, 422);
}

// The photo on which ZXing 1.4 aborts (found by fuzz/barcode.cpp; its origin is
// tests/fixtures/labels/zxing-concentric-assert.grey): a clear 422, and the server still answers.
TEST(ScanApi, APhotoThatAbortsTheReaderIsRefusedAndTheServerLivesOn) {
    ApiServer api;
    auto c = api.as("tom");
    std::ifstream in(std::string(REEMPLOI_TEST_FIXTURES) + "/labels/zxing-concentric-assert.png", std::ios::binary);
    std::stringstream png;
    png << in.rdbuf();
    auto r = c.upload("/api/scan", png.str(), "image/png");
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_NE(r.json()->getObject("error")->getValue<std::string>("message").find("the barcode reader (ZXing) failed on this image"),
              std::string::npos)
        << r.body;
    auto again = c.upload("/api/scan", image("code128_serial.png"), "image/png");
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json()->getValue<std::string>("serial"), "5CG7431JKL");
}
