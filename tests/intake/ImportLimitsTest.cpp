// What an import may cost: directories, FIFOs and devices refused at once, a size limit checked
// before reading, reports that keep the first 1,000 errors and count the rest, and error
// messages that never carry a whole cell.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "inventory/InventoryFixture.hpp"
#include <reemploi/intake/Csv.hpp>
#include <reemploi/intake/DonorListImport.hpp>
#include <reemploi/intake/ImportLimits.hpp>
#include <reemploi/intake/NeedImport.hpp>
#include <reemploi/intake/SchoolImport.hpp>
#include <reemploi/inventory/Schools.hpp>

using namespace reemploi;
using namespace reemploi::intake;

namespace {

class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "reemploi-limits-XXXXXX").string();
        path = mkdtemp(pattern.data());
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::string file(const std::string &name) const { return path + "/" + name; }
    std::string write(const std::string &name, const std::string &content) const {
        std::ofstream(file(name), std::ios::binary) << content;
        return file(name);
    }
    std::string path;
};

Poco::JSON::Object::Ptr parseJson(const std::string &text) {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

// "serial;make;model;kind;RAM" and `rows` rows whose RAM is not a number: one error each.
std::string invalidDonorList(int rows, int firstLine = 0) {
    std::string csv = "serial;make;model;kind;RAM\n";
    for (int i = 0; i < rows; ++i)
        csv += "BAD-" + std::to_string(firstLine + i) + ";Dell;Latitude 5480;portable;huit " + std::to_string(i) + "\n";
    return csv;
}

class ImportLimits : public test::InventoryFixture {
protected:
    void SetUp() override {
        InventoryFixture::SetUp();
        if (IsSkipped()) return;  // no server for a pg: test
        donation = makeDonation();
    }
    std::size_t unitCount() {
        auto list = inventory::listUnits(*db);
        EXPECT_TRUE(list.ok());
        return list.ok() ? list->size() : 0;
    }
    std::int64_t donation = 0;
    TempDir dir;
};

}  // namespace

TEST(ReadFileBytes, ADirectoryIsRefusedNamingIt) {
    TempDir dir;
    std::filesystem::create_directory(dir.file("liste.csv"));
    auto r = readFileBytes(dir.file("liste.csv"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::InvalidInput);
    EXPECT_EQ(r.error().message, dir.file("liste.csv") + " is a directory, not a file");
}

// A FIFO nobody writes to must not block the import: it is refused at once. Should the reader
// block all the same, the test opens the writing end after a while so that it ends (and fails)
// rather than hang.
TEST(ReadFileBytes, AFifoIsRefusedWithoutWaitingForAWriter) {
    TempDir dir;
    const std::string fifo = dir.file("liste.csv");
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    auto started = std::chrono::steady_clock::now();
    auto reading = std::async(std::launch::async, [&] { return readFileBytes(fifo); });
    if (reading.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
        ADD_FAILURE() << "reading a FIFO blocked";
        int writer = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
        if (writer >= 0) ::close(writer);
    }
    auto r = reading.get();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::InvalidInput);
    EXPECT_EQ(r.error().message, fifo + " is not a regular file");
}

TEST(ReadFileBytes, AFileOverTheLimitIsRefusedAndOneAtTheLimitRead) {
    TempDir dir;
    auto big = dir.write("big.csv", std::string(5000, 'x'));
    auto r = readFileBytes(big, 1000);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::InvalidInput);
    EXPECT_EQ(r.error().message, big + " is 5 KB, over the 1 KB limit");

    auto exact = readFileBytes(dir.write("exact.csv", std::string(1000, 'y')), 1000);
    ASSERT_TRUE(exact.ok()) << exact.error().message;
    EXPECT_EQ(exact->size(), 1000u);

    auto missing = readFileBytes(dir.file("nope.csv"));
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, Errc::NotFound);
    EXPECT_NE(missing.error().message.find(dir.file("nope.csv") + ": cannot open"), std::string::npos);
}

// /proc files say they are 0 bytes long: they are read as a stream, within the limit.
TEST(ReadFileBytes, FilesWithoutASizeAreReadWithinTheLimit) {
    auto small = readFileBytes("/proc/self/status");
    ASSERT_TRUE(small.ok()) << small.error().message;
    EXPECT_NE(small->find("Name:"), std::string::npos);
    auto cut = readFileBytes("/proc/self/status", 16);
    ASSERT_FALSE(cut.ok());
    EXPECT_EQ(cut.error().message, "/proc/self/status is over the 16 bytes limit");
}

TEST(ImportLimitsText, CountsAndElisions) {
    EXPECT_EQ(withThousands(0), "0");
    EXPECT_EQ(withThousands(999), "999");
    EXPECT_EQ(withThousands(48213), "48,213");
    EXPECT_EQ(withThousands(1234567), "1,234,567");
    EXPECT_EQ(moreErrorsText(48213), "\u2026 and 48,213 more errors");
    EXPECT_EQ(moreErrorsText(1), "\u2026 and 1 more error");
    EXPECT_EQ(moreErrorsText(0), "");

    EXPECT_EQ(elide("short", 10), "short");
    std::string accents;
    for (int i = 0; i < 200; ++i) accents += "é";  // 2 bytes each
    std::string cut = elide(accents, 51);
    EXPECT_LE(cut.size(), 51u);
    EXPECT_NE(cut.find("\u2026"), std::string::npos);
    // Never half a character: every "é" is whole, so what is left is "é"s and one "…".
    std::string rest = cut;
    rest.erase(rest.find("\u2026"), std::string("\u2026").size());
    EXPECT_EQ(rest.size() % 2, 0u);
    for (std::size_t i = 0; i < rest.size(); i += 2) EXPECT_EQ(rest.substr(i, 2), "é");
}

TEST(CsvLimits, ARowOfTooManyValuesIsAnErrorNotGigabytes) {
    std::string csv = "serial;make\n" + std::string(kMaxCsvFields + 10, ';') + "\n";
    auto r = parseCsv(csv, CsvOptions{';'});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "line 2: more than 16,384 values in one row");
    std::string wide = "a" + std::string(kMaxCsvFields - 1, ';') + "\n";  // exactly the limit
    auto ok = parseCsv(wide, CsvOptions{';'});
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok->header.size(), kMaxCsvFields);
}

TEST_F(ImportLimits, AFileOverTheConfiguredLimitIsRefusedUnreadAndNothingIsWritten) {
    auto path = dir.write("liste.csv", "serial;make;kind\nOK-1;Dell;portable\n" + std::string(2000, '\n'));
    ImportOptions options;
    options.donationId = donation;
    options.maxBytes = 1000;
    auto r = importDonorListFile(*db, path, options, actor);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::InvalidInput);
    EXPECT_NE(r.error().message.find("over the 1 KB limit"), std::string::npos) << r.error().message;
    EXPECT_EQ(unitCount(), 0u);
    options.maxBytes = 100'000;
    auto fits = importDonorListFile(*db, path, options, actor);
    ASSERT_TRUE(fits.ok()) << fits.error().message;
    EXPECT_EQ(fits->created, 1u);

    std::filesystem::create_directory(dir.file("ecoles.csv"));
    auto schools = importSchoolsFile(*db, dir.file("ecoles.csv"), false, actor);
    ASSERT_FALSE(schools.ok());
    EXPECT_EQ(schools.error().message, dir.file("ecoles.csv") + " is a directory, not a file");
    SchoolDataOptions small;
    small.maxBytes = 10;
    auto needs = importNeedsFile(*db, dir.write("besoins.csv", "uai,famille,niveaux,equipements\n"), small, actor);
    ASSERT_FALSE(needs.ok());
    EXPECT_NE(needs.error().message.find("over the 10 bytes limit"), std::string::npos) << needs.error().message;
}

TEST_F(ImportLimits, FiveThousandInvalidRowsGiveTheFirstThousandErrorsAndACount) {
    ImportOptions options;
    options.donationId = donation;
    auto r = importDonorList(*db, invalidDonorList(5000), options, actor);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->rows, 5000u);
    EXPECT_EQ(r->invalid, 5000u);
    EXPECT_EQ(r->errorsTotal, 5000u);
    ASSERT_EQ(r->errors.size(), 1000u);
    EXPECT_EQ(r->errors.front().line, 2u);
    EXPECT_EQ(r->errors.back().line, 1001u);
    EXPECT_FALSE(r->succeeded());

    auto json = parseJson(r->json());
    EXPECT_EQ(json->getArray("errors")->size(), 1000u);
    EXPECT_EQ(json->getValue<int>("errors_total"), 5000);
    EXPECT_EQ(json->getValue<int>("invalid"), 5000);

    options.maxErrors = 10;
    auto ten = importDonorList(*db, invalidDonorList(5000), options, actor);
    ASSERT_TRUE(ten.ok());
    EXPECT_EQ(ten->errors.size(), 10u);
    EXPECT_EQ(ten->errorsTotal, 5000u);
    EXPECT_EQ(unitCount(), 0u);
}

// Registered serials are found after the rows are read: their errors take their place by line
// within the window, and past it they are counted.
TEST_F(ImportLimits, RegisteredSerialsJoinTheWindowInLineOrder) {
    addLaptop(makeDonation("Earlier donor"), "REG-EARLY");
    addLaptop(makeDonation("Another donor"), "REG-LATE");
    std::string csv = "serial;make;model;kind;RAM\nREG-EARLY;Dell;Latitude 5490;portable;8\n";
    for (int i = 0; i < 1500; ++i) csv += "BAD-" + std::to_string(i) + ";Dell;Latitude;portable;huit\n";
    csv += "REG-LATE;Dell;Latitude 5490;portable;8\nFINE-1;Dell;Latitude 5490;portable;8\n";
    ImportOptions options;
    options.donationId = donation;
    auto r = importDonorList(*db, csv, options, actor);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->rows, 1503u);
    EXPECT_EQ(r->invalid, 1502u);
    EXPECT_EQ(r->valid, 1u);
    EXPECT_EQ(r->errorsTotal, 1502u);
    ASSERT_EQ(r->errors.size(), 1000u);
    EXPECT_EQ(r->errors[0].line, 2u);
    EXPECT_NE(r->errors[0].message.find("REG-EARLY"), std::string::npos) << r->errors[0].message;
    EXPECT_EQ(r->errors[1].line, 3u);
    EXPECT_EQ(r->errors[999].line, 1001u);
    for (std::size_t i = 1; i < r->errors.size(); ++i) ASSERT_LT(r->errors[i - 1].line, r->errors[i].line);
    EXPECT_EQ(r->created, 0u);

    options.skipInvalid = true;
    auto skipped = importDonorList(*db, csv, options, actor);
    ASSERT_TRUE(skipped.ok()) << skipped.error().message;
    EXPECT_EQ(skipped->created, 1u);
    EXPECT_EQ(skipped->skipped, 1502u);
    EXPECT_EQ(unitCount(), 3u);
}

// An error names the cell, but never carries it whole: a megabyte in a cell (or a header) gives
// a message of a few hundred bytes that still says which line, column and why.
TEST_F(ImportLimits, ErrorMessagesStayShortWhateverTheCellHolds) {
    const std::string huge(1'000'000, 'z');
    std::string csv = "serial;make;kind;RAM;" + huge + "\nOK-1;Dell;portable;" + huge + ";x\n";
    ImportOptions options;
    options.donationId = donation;
    auto r = importDonorList(*db, csv, options, actor);
    ASSERT_TRUE(r.ok()) << r.error().message;
    // The RAM cell, and the notes the unknown column would fill (past the notes' length limit).
    ASSERT_GE(r->errors.size(), 1u);
    for (const auto &e : r->errors) EXPECT_LE(e.message.size(), kMaxErrorMessageBytes) << e.text().substr(0, 200);
    EXPECT_EQ(r->errors[0].text().rfind("line 2, column D \"RAM\": RAM \"zzz", 0), 0u) << r->errors[0].text();
    EXPECT_NE(r->errors[0].message.find("is not a number"), std::string::npos);

    std::string schools = "uai;name;" + huge + "\n" + huge + ";Jean Jaurès;x\n";
    auto s = importSchools(*db, schools, false, actor);
    ASSERT_TRUE(s.ok()) << s.error().message;
    ASSERT_EQ(s->errors.size(), 1u);
    EXPECT_LE(s->errors[0].text().size(), 400u);
    EXPECT_EQ(s->errors[0].text().rfind("line 2, column A \"uai\": ", 0), 0u) << s->errors[0].text();
}

TEST_F(ImportLimits, SchoolAndNeedReportsKeepTheFirstThousandErrors) {
    std::string schools = "uai,name,priority_area\n";
    for (int i = 0; i < 5000; ++i) schools += "0750655A,School " + std::to_string(i) + ",no\n";
    auto s = importSchools(*db, schools, false, actor);
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_FALSE(s->succeeded());
    EXPECT_EQ(s->rows, 5000u);
    EXPECT_EQ(s->errorsTotal, 5000u);
    ASSERT_EQ(s->errors.size(), 1000u);
    EXPECT_EQ(s->errors.back().line, 1001u);
    auto json = parseJson(s->json());
    EXPECT_EQ(json->getArray("errors")->size(), 1000u);
    EXPECT_EQ(json->getValue<int>("errors_total"), 5000);

    ASSERT_TRUE(importSchools(*db, "uai,name\n0750655E,Jean Jaurès\n", false, actor).ok());
    std::string needs = "uai,famille,niveaux,equipements\n";
    for (int i = 0; i < 5000; ++i) needs += "0750655E,F-" + std::to_string(i) + ",CP,plusieurs\n";
    auto n = importNeeds(*db, needs, false, actor);
    ASSERT_TRUE(n.ok()) << n.error().message;
    EXPECT_EQ(n->errorsTotal, 5000u);
    EXPECT_EQ(n->errors.size(), 1000u);
    EXPECT_FALSE(n->succeeded());
    auto listed = inventory::listNeeds(*db);
    ASSERT_TRUE(listed.ok());
    EXPECT_TRUE(listed->empty());
}
