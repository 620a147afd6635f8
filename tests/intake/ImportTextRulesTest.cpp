// The imports apply the inventory's text rules row by row: a control character, a value too long
// or a family reference that looks like a name is an error naming its line and column, and with
// one such row nothing is written.
#include <gtest/gtest.h>

#include <reemploi/intake/DonorListImport.hpp>
#include <reemploi/intake/NeedImport.hpp>
#include <reemploi/intake/SchoolImport.hpp>
#include <reemploi/inventory/Schools.hpp>

#include "inventory/InventoryFixture.hpp"

using namespace reemploi;
using namespace reemploi::intake;

class ImportTextRules : public test::InventoryFixture {};

TEST_F(ImportTextRules, ADonorListsBadTextIsNamedByLineAndColumn) {
    ImportOptions options;
    options.donationId = makeDonation();
    std::string csv = "serial;make;model;notes\n"
                      "OK-1;Dell;Latitude 5490;ok\n"
                      "OK-2;Dell;Latitude\x01" "5490;\n"
                      "OK-3;HP;" + std::string(40'000, 'm') + ";\n"
                      "OK-4;Lenovo;T480;" + std::string(10'001, 'n') + "\n"
                      "AB\x02" "CD;Lenovo;T480;\n";
    auto report = importDonorList(*db, csv, options, actor);
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_FALSE(report->succeeded());
    std::vector<std::string> texts;
    for (const auto &e : report->errors) texts.push_back(e.text());
    EXPECT_EQ(texts, (std::vector<std::string>{
                         "line 3, column C \"model\": model: control character U+0001 at byte offset 8",
                         "line 4, column C \"model\": model: 40000 characters long, at most 200",
                         "line 5, column D \"notes\": notes: 10001 characters long, at most 10000",
                         "line 6, column A \"serial\": serial: control character U+0002 at byte offset 2",
                     }));
    EXPECT_EQ(report->created, 0u);
    EXPECT_TRUE(inventory::listUnits(*db)->empty());
}

TEST_F(ImportTextRules, ANeedsFamilyReferenceMustBeACode) {
    ASSERT_TRUE(inventory::saveSchools(*db, {{"0750655E", "École Jean Jaurès", "Paris", "", false, ""}}, actor));
    std::string csv = "uai,famille,niveaux,equipements\n"
                      "0750655E,F-1,CP,0\n"
                      "0750655E,Famille Martin 3 rue X,CE1,0\n";
    auto report = importNeeds(*db, csv, false, actor);
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_EQ(report->errors.size(), 1u);
    EXPECT_EQ(report->errors[0].text(),
              "line 3, column B \"famille\": family reference must be a short code chosen by the school (letters, "
              "digits, - _ /, at most 32), not a name or an address");
    EXPECT_TRUE(inventory::listNeeds(*db)->empty());
}

TEST_F(ImportTextRules, ASchoolsNameHasALimit) {
    std::string csv = "uai,nom,commune\n0750655E," + std::string(201, 'E') + ",Paris\n";
    auto report = importSchools(*db, csv, false, actor);
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_EQ(report->errors.size(), 1u);
    EXPECT_EQ(report->errors[0].text(), "line 2, column B \"nom\": school name: 201 characters long, at most 200");
    EXPECT_TRUE(inventory::listSchools(*db)->empty());
}
