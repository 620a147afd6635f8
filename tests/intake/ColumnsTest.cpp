// Header and value matching: keys, synonym tables, header → field mapping and its errors.
#include <gtest/gtest.h>

#include <reemploi/intake/Columns.hpp>
#include <reemploi/intake/DonorListImport.hpp>

using namespace reemploi;
using namespace reemploi::intake;

namespace {

CsvRecord header(std::vector<std::string> fields, std::size_t line = 1) {
    CsvRecord r;
    r.line = line;
    r.fields = std::move(fields);
    return r;
}

const std::vector<FieldSpec> kSpecs = {
    {"serial", {"numéro de série", "S/N", "Serial Number"}, true},
    {"make", {"marque", "fabricant", "Manufacturer"}, false},
    {"notes", {"commentaire"}, false},
};

}  // namespace

TEST(Columns, NormalizesCaseAccentsAndPunctuation) {
    EXPECT_EQ(normalizeKey("Numéro de série"), "numerodeserie");
    EXPECT_EQ(normalizeKey("NUMERO DE SERIE"), "numerodeserie");
    EXPECT_EQ(normalizeKey("S/N"), "sn");
    EXPECT_EQ(normalizeKey("N° d'inventaire"), "ndinventaire");
    EXPECT_EQ(normalizeKey("N° d’inventaire"), "ndinventaire");  // typographic apostrophe
    EXPECT_EQ(normalizeKey("Serial_Number"), "serialnumber");
    EXPECT_EQ(normalizeKey("  Mémoire\u00A0(Go) "), "memoirego");  // no-break space
    EXPECT_EQ(normalizeKey("Œuvre"), "oeuvre");
    EXPECT_EQ(normalizeKey("---"), "");
}

TEST(Columns, FoldsLatinLettersAndKeepsOthers) {
    EXPECT_EQ(foldCase("ÀÉÎÕÜÇÑ àéîõüçñÿ"), "aeioucn aeioucny");
    EXPECT_EQ(foldCase("Straße Æsir ĲSSEL Łódź Žižek"), "strasse aesir ijssel lodz zizek");
    EXPECT_EQ(foldCase("Ω 3×4"), "Ω 3×4");
}

TEST(Columns, ColumnLetters) {
    EXPECT_EQ(columnLetter(0), "A");
    EXPECT_EQ(columnLetter(25), "Z");
    EXPECT_EQ(columnLetter(26), "AA");
    EXPECT_EQ(columnLetter(27), "AB");
    EXPECT_EQ(columnLetter(701), "ZZ");
    EXPECT_EQ(columnLetter(702), "AAA");
}

TEST(Columns, SynonymTableFindsSingularAndPluralForms) {
    SynonymTable kinds({{"laptop", {"portable", "ordinateur portable", "notebook"}},
                        {"desktop", {"fixe", "unité centrale", "PC"}},
                        {"monitor", {"écran"}}});
    EXPECT_EQ(kinds.find("Laptops"), "laptop");
    EXPECT_EQ(kinds.find("ORDINATEURS PORTABLES"), "laptop");
    EXPECT_EQ(kinds.find("Unités centrales"), "desktop");
    EXPECT_EQ(kinds.find("PCs"), "desktop");
    EXPECT_EQ(kinds.find("écrans"), "monitor");
    EXPECT_EQ(kinds.find("Ecran"), "monitor");
    EXPECT_EQ(kinds.find("printer"), std::nullopt);
    EXPECT_EQ(kinds.find(""), std::nullopt);
    EXPECT_EQ(kinds.synonymsOf("monitor"), std::vector<std::string>{"écran"});
}

TEST(Columns, MapsHeadersAndKeepsUnknownColumns) {
    auto map = mapColumns(header({"Numéro de série", "Fabricant", "Couleur", "", "Commentaire"}), kSpecs);
    ASSERT_TRUE(map.ok()) << map.error().message;
    EXPECT_EQ(map->column("serial"), 0u);
    EXPECT_EQ(map->column("make"), 1u);
    EXPECT_EQ(map->column("notes"), 4u);
    EXPECT_EQ(map->unknownColumns, std::vector<std::size_t>{2});  // the blank header is not "unknown"
    EXPECT_EQ(map->fieldOfColumn[2], std::nullopt);
    EXPECT_EQ(map->describeColumn(2), "column C \"Couleur\"");
}

TEST(Columns, MissingRequiredFieldListsAcceptedHeaders) {
    auto map = mapColumns(header({"Marque", "Modèle"}, 3), kSpecs);
    ASSERT_FALSE(map.ok());
    EXPECT_EQ(map.error().code, Errc::InvalidInput);
    EXPECT_EQ(map.error().message, "line 3 (header): no column gives the serial (accepted headers: \"serial\", "
                                   "\"numéro de série\", \"S/N\", \"Serial Number\")");
}

TEST(Columns, ARepeatableFieldKeepsItsOtherColumnsWithTheUnknownOnes) {
    std::vector<FieldSpec> specs = kSpecs;
    specs[2].repeatable = true;  // notes
    auto map = mapColumns(header({"Serial Number", "Commentaire", "Notes", "Couleur"}), specs);
    ASSERT_TRUE(map.ok()) << map.error().message;
    EXPECT_EQ(map->column("notes"), 1u);
    EXPECT_EQ(map->unknownColumns, (std::vector<std::size_t>{2, 3}));
}

TEST(Columns, TwoColumnsForOneFieldIsAnError) {
    auto map = mapColumns(header({"Serial Number", "Marque", "S/N"}), kSpecs);
    ASSERT_FALSE(map.ok());
    EXPECT_EQ(map.error().message, "line 1 (header): column A \"Serial Number\" and column C \"S/N\" both give "
                                   "the serial; keep or rename one of them");
}

TEST(Columns, QualifiedHeadersNameTheirField) {
    CsvRecord header;
    header.line = 1;
    header.fields = {"Asset Serial", "Asset Make", "Item Category", "Marque de l'équipement"};
    // "Asset Make" and "Marque de l'équipement" both give the make once qualified: an error naming both.
    auto both = mapColumns(header, donorListFields());
    ASSERT_FALSE(both.ok());
    EXPECT_NE(both.error().message.find("column B \"Asset Make\" and column D \"Marque de l'équipement\" both give the make"),
              std::string::npos)
        << both.error().message;
    header.fields = {"Device Serial", "Modèle du poste", "Item Category", "Marque de l'équipement", "Asset Name"};
    auto map = mapColumns(header, donorListFields());
    ASSERT_TRUE(map.ok()) << map.error().message;
    EXPECT_EQ(map->column("serial"), 0u);
    EXPECT_EQ(map->column("model"), 1u);
    EXPECT_EQ(map->column("kind"), 2u);
    EXPECT_EQ(map->column("make"), 3u);
    ASSERT_EQ(map->unknownColumns.size(), 1u);  // "Asset Name": no field, kept in the notes
    EXPECT_EQ(map->unknownColumns[0], 4u);
}
