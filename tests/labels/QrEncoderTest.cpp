// Our QR encoder, read back by ZXing across every version and level, every mode, and by zbar.
#include <gtest/gtest.h>

#include <ZXing/BitMatrix.h>
#include <ZXing/CharacterSet.h>
#include <ZXing/MultiFormatWriter.h>

#include <random>

#include "labels/TestImages.hpp"
#include "labels/Tools.hpp"
#include <reemploi/labels/Decode.hpp>
#include <reemploi/labels/Encode.hpp>

using namespace reemploi;
using namespace reemploi::labels;

namespace {

std::string readBack(const BitMatrix &m, int module) {
    DecodeOptions o;
    o.formats = {"QRCode"};
    auto found = decode(rasterize(m, Symbology::QRCode, module), o);
    EXPECT_TRUE(found.ok());
    if (!found.ok() || found->size() != 1) {
        std::string what = "<symbols: ";
        what += std::to_string(found.ok() ? found->size() : 0);
        return what + ">";
    }
    return (*found)[0].text;
}

std::string randomText(std::mt19937 &rng, std::size_t length, const std::string &alphabet) {
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::string s;
    for (std::size_t i = 0; i < length; ++i) s += alphabet[pick(rng)];
    return s;
}

}  // namespace

TEST(QrEncoder, EveryVersionAndLevelReadsBack) {
    std::mt19937 rng(18004);
    const std::string bytes = "abcdefghijklmnopqrstuvwxyz/:.-_?=&ABC0123456789";
    for (QrEcLevel level : {QrEcLevel::L, QrEcLevel::M, QrEcLevel::Q, QrEcLevel::H}) {
        std::set<int> sizes;
        // Lengths that walk through the versions until the largest symbol of the level is full.
        // (Byte capacity of version 40: 2953 at L, 2331 at M, 1663 at Q, 1273 at H.)
        for (std::size_t length = 1;; length = length * 9 / 8 + 3) {
            const std::string text = randomText(rng, length, bytes);
            auto m = encode(Symbology::QRCode, text, {level});
            if (!m.ok()) {
                EXPECT_GT(length, 1273u) << m.error().message;
                break;
            }
            ASSERT_EQ(m->width, m->height);
            ASSERT_EQ((m->width - 17) % 4, 0);
            sizes.insert((m->width - 17) / 4);
            EXPECT_EQ(readBack(*m, 3), text) << "level " << toString(level) << ", " << length << " bytes, version "
                                             << (m->width - 17) / 4;
        }
        EXPECT_GE(sizes.size(), 25u) << toString(level);
        EXPECT_GE(*sizes.rbegin(), 38) << toString(level);
    }
    // The largest symbol.
    const std::string big = randomText(rng, 2953, bytes);
    auto v40 = encode(Symbology::QRCode, big, {QrEcLevel::L});
    ASSERT_TRUE(v40.ok());
    EXPECT_EQ(v40->width, 177);
    EXPECT_EQ(readBack(*v40, 3), big);
    EXPECT_FALSE(encode(Symbology::QRCode, big + "x", {QrEcLevel::L}).ok());
}

TEST(QrEncoder, ChoosesTheDensestMode) {
    // Digits, upper-case tags and URLs: numeric, alphanumeric and byte mode, each read back.
    for (const std::string text : {"0123456789012345678901234567890123456789", "RE-000123", "RE-000123 $%*+-./:",
                                   "https://reemploi.example.org/u/RE-000123", "école: réemployé ✓"}) {
        auto m = encode(Symbology::QRCode, text, {QrEcLevel::M});
        ASSERT_TRUE(m.ok());
        EXPECT_EQ(readBack(*m, 4), text);
    }
    // 41 digits fit version 1-L only in numeric mode; a 25-character tag only in alphanumeric.
    EXPECT_EQ(encode(Symbology::QRCode, std::string(41, '7'), {QrEcLevel::L})->width, 21);
    EXPECT_EQ(encode(Symbology::QRCode, "RE-0001234567890ABCDEFGHI", {QrEcLevel::L})->width, 21);
    EXPECT_EQ(encode(Symbology::QRCode, "re-0001234567890abcdefghi", {QrEcLevel::L})->width, 25);
}

TEST(QrEncoder, ZbarReadsItToo) {
    REQUIRE_TOOL("zbarimg", "zbar-tools");
    test::TempDir dir;
    std::mt19937 rng(7);
    for (std::size_t length : {9u, 40u, 150u, 600u}) {
        const std::string text = randomText(rng, length, "abcdefghijklmnopqrstuvwxyz0123456789/:.-");
        auto m = encode(Symbology::QRCode, text, {QrEcLevel::Q});
        ASSERT_TRUE(m.ok());
        const std::string path = dir.file("qr" + std::to_string(length) + ".png");
        test::savePng(rasterize(*m, Symbology::QRCode, 3), path);
        auto r = test::run("zbarimg -q --raw " + test::shellQuote(path) + " 2>/dev/null");
        EXPECT_EQ(r.exitCode, 0);
        EXPECT_EQ(r.out, text + "\n") << length;
    }
}

// ZXing's writer, which we replaced for speed (see labels/src/QrEncoder.hpp), is the reference:
// same segments, error correction, placement and mask choice, hence the very same symbol.
TEST(QrEncoder, MakesExactlyTheSymbolsZxingMakes) {
    std::mt19937 rng(42);
    const int zxingLevel[] = {2, 4, 6, 8};  // ZXing's 0-8 scale: L, M, Q, H
    int compared = 0;
    for (int level = 0; level < 4; ++level) {
        std::vector<std::string> texts = {"RE-000123", "0123456789", "https://reemploi.example.org/u/RE-000123"};
        for (std::size_t length : {5u, 17u, 60u, 130u, 400u, 900u})
            texts.push_back(randomText(rng, length, "abcdefghijklmnopqrstuvwxyz0123456789/:.-?=&"));
        texts.push_back(randomText(rng, 55, "0123456789"));
        texts.push_back(randomText(rng, 70, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 $%*+-./:"));
        for (int i = 0; i < 40; ++i) texts.push_back("https://reemploi.example.org/u/RE-" + std::to_string(100000 + i * 7919));
        for (const std::string &text : texts) {
            auto ours = encode(Symbology::QRCode, text, {static_cast<QrEcLevel>(level)});
            ASSERT_TRUE(ours.ok());
            ZXing::BitMatrix theirs = ZXing::MultiFormatWriter(ZXing::BarcodeFormat::QRCode)
                                          .setMargin(0)
                                          .setEccLevel(zxingLevel[level])
                                          .encode(text, 0, 0);
            ASSERT_EQ(ours->width, theirs.width()) << text;
            int differ = 0;
            for (int y = 0; y < theirs.height(); ++y)
                for (int x = 0; x < theirs.width(); ++x) differ += ours->get(x, y) != theirs.get(x, y);
            EXPECT_EQ(differ, 0) << "level " << level << ", " << text.size() << " characters: " << text.substr(0, 40);
            ++compared;
        }
    }
    EXPECT_EQ(compared, 4 * 51);
}
