// The CSV reader against files shaped like real spreadsheet exports (tests/fixtures/intake).
#include <gtest/gtest.h>

#include <reemploi/intake/Csv.hpp>

using namespace reemploi;
using namespace reemploi::intake;

namespace {

std::string fixture(const std::string &name) { return std::string(REEMPLOI_TEST_FIXTURES) + "/intake/" + name; }

CsvTable readOk(const std::string &name) {
    auto table = readCsvFile(fixture(name));
    EXPECT_TRUE(table.ok()) << (table.ok() ? "" : table.error().message);
    return table.ok() ? std::move(table.value()) : CsvTable{};
}

}  // namespace

TEST(Csv, ReadsWindows1252SemicolonCrlfAsUtf8) {
    auto t = readOk("cp1252_semicolon_crlf.csv");
    EXPECT_EQ(t.encoding, TextEncoding::Windows1252);
    EXPECT_EQ(t.delimiter, ';');
    ASSERT_EQ(t.header.size(), 6u);
    EXPECT_EQ(t.header.fields[0], "Numéro de série");
    EXPECT_EQ(t.header.fields[3], "Catégorie");
    ASSERT_EQ(t.records.size(), 3u);  // the blank trailing lines are not records
    EXPECT_EQ(t.records[0].fields[5], "Reçu sans chargeur");
    EXPECT_EQ(t.records[1].fields[5], "Écran inclinable à 180°");
    EXPECT_EQ(t.records[2].fields[3], "Unité centrale");
    EXPECT_EQ(t.records[2].fields[5], "Façade rayée");  // no '\r' left by CRLF
    EXPECT_EQ(t.records[0].line, 2u);
    EXPECT_EQ(t.records[2].line, 4u);
}

TEST(Csv, Utf8WithBomGivesTheSameTableAsWindows1252) {
    auto a = readOk("cp1252_semicolon_crlf.csv");
    auto b = readOk("utf8_bom_semicolon_crlf.csv");
    EXPECT_EQ(b.encoding, TextEncoding::Utf8Bom);
    EXPECT_EQ(a.header.fields, b.header.fields);  // no BOM glued to the first header
    ASSERT_EQ(a.records.size(), b.records.size());
    for (std::size_t i = 0; i < a.records.size(); ++i) EXPECT_EQ(a.records[i].fields, b.records[i].fields);
}

TEST(Csv, QuotedFieldsKeepDelimitersQuotesAndLineBreaksAndLinesStayPhysical) {
    auto t = readOk("quoted_multiline.csv");
    EXPECT_EQ(t.encoding, TextEncoding::Utf8);
    EXPECT_EQ(t.delimiter, ',');
    ASSERT_EQ(t.records.size(), 4u);
    EXPECT_EQ(t.records[0].fields[2], "MacBook Air 13\", 2017");
    EXPECT_EQ(t.records[1].fields[1], "Dell, Inc.");
    EXPECT_EQ(t.records[1].fields[3], "line one\nline two\nline three");
    EXPECT_EQ(t.records[1].line, 3u);
    EXPECT_EQ(t.records[1].endLine, 5u);
    EXPECT_EQ(t.records[2].line, 6u);  // counted after the record that spans three lines
    EXPECT_EQ(t.records[2].fields[2], "Aspire, 5");
    EXPECT_EQ(t.records[2].fields[3], "spaces around quotes");
    EXPECT_EQ(t.records[3].fields[3], "15.6\" screen");  // a lone quote inside a field is literal
    EXPECT_EQ(t.records[3].line, 7u);
}

TEST(Csv, ReadsUtf16TabDelimitedUnicodeText) {
    auto t = readOk("utf16le_tab.txt");
    EXPECT_EQ(t.encoding, TextEncoding::Utf16Le);
    EXPECT_EQ(t.delimiter, '\t');
    EXPECT_EQ(t.header.fields[0], "Serial Number");
    ASSERT_EQ(t.records.size(), 2u);
    EXPECT_EQ(t.records[1].fields[2], "iPad 6e génération");
}

TEST(Csv, ReadsLoneCarriageReturnLineEnds) {
    auto t = readOk("cr_only.csv");
    ASSERT_EQ(t.records.size(), 2u);
    EXPECT_EQ(t.records[1].fields[0], "BBB222");
    EXPECT_EQ(t.records[1].line, 3u);
}

TEST(Csv, SkipsClearedRowsAndToleratesShortRows) {
    auto t = readOk("blank_and_ragged.csv");
    ASSERT_EQ(t.records.size(), 2u);
    EXPECT_EQ(t.records[0].line, 3u);
    EXPECT_EQ(t.records[0].size(), 2u);
    EXPECT_EQ(t.records[0].field(3), "");
    EXPECT_EQ(t.records[1].line, 5u);
    EXPECT_EQ(t.records[1].field(3), "ok");
}

TEST(Csv, UnterminatedQuoteNamesTheLineWhereItOpens) {
    auto t = readCsvFile(fixture("unterminated_quote.csv"));
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error().code, Errc::InvalidInput);
    EXPECT_NE(t.error().message.find("line 3: unterminated quoted field"), std::string::npos) << t.error().message;
    EXPECT_NE(t.error().message.find("unterminated_quote.csv"), std::string::npos);
}

TEST(Csv, TextAfterClosingQuoteNamesTheLine) {
    auto t = readCsvFile(fixture("text_after_quote.csv"));
    ASSERT_FALSE(t.ok());
    EXPECT_NE(t.error().message.find("line 2: unexpected 'x' after the closing quote of field 1"), std::string::npos)
        << t.error().message;
}

TEST(Csv, EmptyAndBlankFilesAreErrors) {
    for (auto name : {"empty.csv", "blank_only.csv"}) {
        auto t = readCsvFile(fixture(name));
        ASSERT_FALSE(t.ok()) << name;
        EXPECT_NE(t.error().message.find("empty"), std::string::npos) << t.error().message;
    }
}

TEST(Csv, MissingFileIsAnErrorNamingIt) {
    auto t = readCsvFile(fixture("no-such-file.csv"));
    ASSERT_FALSE(t.ok());
    EXPECT_NE(t.error().message.find("no-such-file.csv"), std::string::npos);
}

TEST(Csv, DetectsEncodings) {
    EXPECT_EQ(detectEncoding("plain ascii"), TextEncoding::Utf8);
    EXPECT_EQ(detectEncoding("caf\xC3\xA9"), TextEncoding::Utf8);
    EXPECT_EQ(detectEncoding("caf\xE9"), TextEncoding::Windows1252);
    EXPECT_EQ(detectEncoding("\xEF\xBB\xBF" "a"), TextEncoding::Utf8Bom);
    EXPECT_EQ(detectEncoding("\xC0\xAF"), TextEncoding::Windows1252);  // overlong: not UTF-8
    EXPECT_EQ(detectEncoding("\xED\xA0\x80"), TextEncoding::Windows1252);  // a surrogate: not UTF-8
}

TEST(Csv, ConvertsWindows1252SpecialsIncludingTheEuroAndQuotes) {
    auto s = toUtf8("\x80 \x92 \x9C \xB0 \xE7 \xC9", TextEncoding::Windows1252);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(*s, "€ ’ œ ° ç É");
}

TEST(Csv, RejectsMalformedUtf16NamingTheByte) {
    auto odd = toUtf8("\xFF\xFE" "a", std::nullopt);
    ASSERT_FALSE(odd.ok());
    EXPECT_NE(odd.error().message.find("odd number of bytes"), std::string::npos);
    auto unpaired = toUtf8(std::string("\xFF\xFE" "a\0\x00\xD8" "b\0", 8), std::nullopt);
    ASSERT_FALSE(unpaired.ok());
    EXPECT_NE(unpaired.error().message.find("unpaired surrogate at byte 2"), std::string::npos)
        << unpaired.error().message;
}

TEST(Csv, DetectsTheDelimiterFromConsistentRecords) {
    EXPECT_EQ(detectDelimiter("a;b;c\n1;2;3\n"), ';');
    EXPECT_EQ(detectDelimiter("a,b,c\n1,2,3\n"), ',');
    EXPECT_EQ(detectDelimiter("a\tb\n1\t2\n"), '\t');
    // French decimal commas in the data do not fool it.
    EXPECT_EQ(detectDelimiter("serial;screen;weight\nA;15,6;2,1\nB;14,0;1,8\n"), ';');
    // A comma inside quotes in a ';' file neither.
    EXPECT_EQ(detectDelimiter("serial;make\n\"A,1\";HP\n\"B,2\";Dell\n"), ';');
    EXPECT_EQ(detectDelimiter("single column\nvalue\n"), ',');
    // A title line above the header neither.
    EXPECT_EQ(detectDelimiter("Liste du matériel\nserial;make\nA;HP\nB;Dell\n"), ';');
}

TEST(Csv, ReaderReusesTheRecordAndStopsAfterAnError) {
    CsvReader reader("a,b\n\"x\n", ',');
    CsvRecord r;
    auto first = reader.next(r);
    ASSERT_TRUE(first.ok());
    EXPECT_TRUE(*first);
    auto second = reader.next(r);
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.error().message.find("line 2"), std::string::npos);
    auto third = reader.next(r);
    ASSERT_TRUE(third.ok());
    EXPECT_FALSE(*third);
}

TEST(Csv, KeepsEmptyFieldsAndATrailingEmptyField) {
    auto t = parseCsv("a,b,c\n1,,\n");
    ASSERT_TRUE(t.ok());
    ASSERT_EQ(t->records.size(), 1u);
    EXPECT_EQ(t->records[0].fields, (std::vector<std::string>{"1", "", ""}));
}

TEST(Csv, HonoursAnExplicitDelimiter) {
    CsvOptions options;
    options.delimiter = ';';
    auto t = parseCsv("a,b;c\n1,2;3\n", options);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->header.fields, (std::vector<std::string>{"a,b", "c"}));
}
