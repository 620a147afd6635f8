// The ADB wire format and the host key, on bytes alone (and against adb's own key files).
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include <reemploi/diagnostics/android/AdbKey.hpp>
#include <reemploi/diagnostics/android/AdbProtocol.hpp>

#include "diagnostics/android/Processes.hpp"
#include "support/Tools.hpp"

namespace fs = std::filesystem;
using namespace reemploi;
using namespace reemploi::diagnostics::android;

namespace {

TEST(AdbProtocol, HeaderIsTwentyFourLittleEndianBytesWithMagicAndChecksum) {
    auto m = Message::make(kOpen, 1, 0, std::string("shell:id") + '\0');
    auto h = encodeHeader(m);
    ASSERT_EQ(h.size(), kHeaderSize);
    EXPECT_EQ(std::string(h.begin(), h.begin() + 4), "OPEN");
    EXPECT_EQ(h[4], 1);
    EXPECT_EQ(h[12], 9);  // data length
    std::uint32_t sum = 0;
    for (char c : std::string("shell:id")) sum += static_cast<unsigned char>(c);
    EXPECT_EQ(h[16] | h[17] << 8, static_cast<int>(sum));
    EXPECT_EQ(h[20], static_cast<std::uint8_t>(~'O'));
    auto back = decodeHeader(h, kMaxPayload);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->command, kOpen);
    EXPECT_EQ(back->dataLength, 9u);
    EXPECT_TRUE(checkData(*back, m.data));
    EXPECT_FALSE(checkData(*back, std::vector<std::uint8_t>{1, 2, 3}));
}

TEST(AdbProtocol, BadHeadersNameWhatIsWrong) {
    auto h = encodeHeader(Message::make(kWrte, 1, 2, "abc"));
    auto badMagic = h;
    badMagic[20] ^= 1;
    auto e = decodeHeader(badMagic, kMaxPayload);
    ASSERT_FALSE(e);
    EXPECT_NE(e.error().message.find("magic"), std::string::npos);
    auto tooLong = encodeHeader(Message{kWrte, 1, 2, std::vector<std::uint8_t>(5000)});
    e = decodeHeader(tooLong, kMaxPayloadV1);
    ASSERT_FALSE(e);
    EXPECT_NE(e.error().message.find("exceeds the negotiated maximum 4096"), std::string::npos);
    auto unknown = encodeHeader(Message{0x41414141, 0, 0, {}});
    e = decodeHeader(unknown, kMaxPayload);
    ASSERT_FALSE(e);
    EXPECT_NE(e.error().message.find("unknown command 0x41414141"), std::string::npos);
    e = decodeHeader(std::span(h).first(10), kMaxPayload);
    ASSERT_FALSE(e);
    EXPECT_NE(e.error().message.find("10 bytes, expected 24"), std::string::npos);
}

TEST(AdbKey, SignaturesCheckWithThePublicKeyInAndroidsFormat) {
    auto key = AdbKey::generate();
    ASSERT_TRUE(key);
    auto text = key->publicKey("bench@workshop");
    EXPECT_TRUE(text.ends_with(" bench@workshop"));
    auto pub = AdbPublicKey::parse(text + '\0');
    ASSERT_TRUE(pub) << pub.error().message;
    std::vector<std::uint8_t> token(kTokenSize, 7);
    auto sig = key->sign(token);
    ASSERT_TRUE(sig);
    EXPECT_EQ(sig->size(), 256u);
    EXPECT_TRUE(pub->verify(token, *sig));
    token[0] ^= 1;
    EXPECT_FALSE(pub->verify(token, *sig));
    auto other = AdbKey::generate();
    EXPECT_FALSE(AdbPublicKey::parse(other->publicKey())->verify(std::vector<std::uint8_t>(kTokenSize, 7), *sig));
    EXPECT_FALSE(key->sign(std::vector<std::uint8_t>(19)));
}

TEST(AdbKey, MalformedPublicKeysAreRefusedWithTheReason) {
    EXPECT_NE(AdbPublicKey::parse("not base64!").error().message.find("base64"), std::string::npos);
    EXPECT_NE(AdbPublicKey::parse("QUFBQQ==").error().message.find("expected 524"), std::string::npos);
}

TEST(AdbKey, CreatedOnFirstUseThenKept) {
    auto dir = fs::temp_directory_path() / ("reemploi-adbkey-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    auto path = (dir / "keys" / "adb-rsa2048.pem").string();
    auto first = AdbKey::loadOrCreate(path);
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_EQ(fs::status(path).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
    auto again = AdbKey::loadOrCreate(path);
    ASSERT_TRUE(again);
    EXPECT_EQ(first->publicKey(), again->publicKey());
    std::ofstream(dir / "garbage.pem") << "hello";
    auto bad = AdbKey::load((dir / "garbage.pem").string());
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("not a PEM private key"), std::string::npos);
    fs::remove_all(dir);
}

// adb's own key pair (`adb keygen`): our public key of its private key is the one adb wrote.
TEST(AdbKey, PublicKeyMatchesTheOneAdbWritesForTheSameKey) {
    REQUIRE_TOOL("adb", "adb");
    auto dir = fs::temp_directory_path() / ("reemploi-adbkeygen-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    auto file = (dir / "adbkey").string();
    auto made = reemploi::test::android::run({"adb", "keygen", file}, {{"HOME", dir.string()}});
    ASSERT_EQ(made.exitCode, 0) << made.output;
    auto key = AdbKey::load(file);
    ASSERT_TRUE(key) << key.error().message;
    std::ifstream in(file + ".pub");
    std::string theirs;
    in >> theirs;  // the base64 part, before " user@host"
    EXPECT_EQ(key->publicKey(""), theirs);
    fs::remove_all(dir);
}

}  // namespace
