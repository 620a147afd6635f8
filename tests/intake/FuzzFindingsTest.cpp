// What fuzzing the intake (fuzz/, scripts/fuzz) found, each kept as the smallest input that showed
// it: the bug stays fixed in the normal test suite.
#include <gtest/gtest.h>

#include <reemploi/intake/Csv.hpp>
#include <reemploi/intake/DonorListImport.hpp>
#include <reemploi/intake/Values.hpp>

using namespace reemploi;
using namespace reemploi::intake;

// fuzz_csv: a UTF-8 byte order mark followed by bytes that are not UTF-8 came out as fields of
// invalid UTF-8 (headed for the database and JSON). The file is refused, naming the byte.
TEST(FuzzFindings, AUtf8ByteOrderMarkDoesNotMakeOtherBytesUtf8) {
    const std::string csv = "\xEF\xBB\xBFserial;notes\nSN-1;Re\xC3\xA7u sans chargeur\nSN-2;\x80r\n";
    auto r = parseCsv(csv);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::InvalidInput);
    EXPECT_EQ(r.error().message, "byte 46 (line 3, 0x80) is not UTF-8, although the file starts with a UTF-8 byte "
                                 "order mark: save it again as UTF-8");
    EXPECT_FALSE(toUtf8(csv).ok());
    EXPECT_FALSE(parseDonorList(csv).ok());
    // Without the mark the same bytes are Windows-1252, as Excel writes them.
    auto plain = parseCsv(csv.substr(3));
    ASSERT_TRUE(plain.ok()) << plain.error().message;
    EXPECT_EQ(plain->encoding, TextEncoding::Windows1252);
}

// fuzz_values (UBSan): "9999…9 x 4 Go" — the count before a multiplication sign overflowed a
// 64-bit integer while it was read.
TEST(FuzzFindings, ALongCountBeforeATimesSignIsNotAnOverflow) {
    const std::string digits(40, '9');
    EXPECT_FALSE(parseRamMib(digits + " x 4 Go").ok());
    EXPECT_FALSE(parseStorage(digits + " x 500 Go").ok());
    EXPECT_FALSE(parseRamMib(digits).ok());
    auto two = parseRamMib("2 x 4 Go");
    ASSERT_TRUE(two.ok());
    EXPECT_EQ(*two, 8192);
}
