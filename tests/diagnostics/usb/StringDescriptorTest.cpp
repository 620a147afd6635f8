// USB string descriptors as devices send them (fuzz_usb_string's finding kept here): serials and
// names come out as valid UTF-8 whatever the device puts in them.
#include <gtest/gtest.h>

#include <vector>

#include <reemploi/diagnostics/LibusbTransport.hpp>

using namespace reemploi;
using reemploi::diagnostics::parseStringDescriptor;

namespace {
std::vector<std::uint8_t> descriptor(const std::vector<std::uint16_t> &units) {
    std::vector<std::uint8_t> d = {static_cast<std::uint8_t>(2 + 2 * units.size()), 0x03};
    for (auto u : units) {
        d.push_back(static_cast<std::uint8_t>(u & 0xff));
        d.push_back(static_cast<std::uint8_t>(u >> 8));
    }
    return d;
}
}  // namespace

TEST(StringDescriptor, DecodesUtf16IncludingSurrogatePairs) {
    auto plain = parseStringDescriptor(descriptor({'J', 'M', 0xE9}));
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(*plain, "JM\xC3\xA9");
    auto emoji = parseStringDescriptor(descriptor({'A', 0xD83D, 0xDCBE, 'B'}));  // U+1F4BE
    ASSERT_TRUE(emoji.ok());
    EXPECT_EQ(*emoji, "A\xF0\x9F\x92\xBE" "B");
}

// fuzz_usb_string: a lone surrogate (here 0xDC7D, as found) was written as a three-byte
// sequence that is not UTF-8; it is now U+FFFD.
TEST(StringDescriptor, ALoneSurrogateBecomesTheReplacementCharacter) {
    auto lone = parseStringDescriptor(descriptor({0xFD7F, 0xDC7D, 0x2003, 'V'}));
    ASSERT_TRUE(lone.ok());
    EXPECT_EQ(*lone, "\xEF\xB5\xBF\xEF\xBF\xBD\xE2\x80\x83V");
    auto high = parseStringDescriptor(descriptor({'S', 0xD800}));
    ASSERT_TRUE(high.ok());
    EXPECT_EQ(*high, "S\xEF\xBF\xBD");
}

TEST(StringDescriptor, MalformedDescriptorsAreErrors) {
    EXPECT_FALSE(parseStringDescriptor({}).ok());
    std::vector<std::uint8_t> wrongType = {4, 0x02, 'a', 0};
    EXPECT_FALSE(parseStringDescriptor(wrongType).ok());
    std::vector<std::uint8_t> tooLong = {10, 0x03, 'a', 0};
    auto e = parseStringDescriptor(tooLong);
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().message, "malformed (length 4, bLength 10)");
    std::vector<std::uint8_t> empty = {0, 0x03};
    auto none = parseStringDescriptor(empty);
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(*none, "");
}
