// Values as donors write them: kinds, memory and disk sizes, screens, manufacturers.
#include <gtest/gtest.h>

#include <reemploi/intake/Values.hpp>

using namespace reemploi;
using namespace reemploi::intake;
using inventory::MediumType;
using inventory::UnitKind;

namespace {

UnitKind kindOf(std::string_view text) {
    auto k = parseKind(text);
    EXPECT_TRUE(k.ok()) << text << ": " << (k.ok() ? "" : k.error().message);
    return k.ok() ? *k : UnitKind::Other;
}

std::int64_t ram(std::string_view text, std::string_view hint = {}) {
    auto r = parseRamMib(text, hint);
    EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : -1;
}

std::vector<inventory::NewMedium> storage(std::string_view text, std::string_view hint = {}) {
    auto s = parseStorage(text, hint);
    EXPECT_TRUE(s.ok()) << text << ": " << (s.ok() ? "" : s.error().message);
    return s.ok() ? *s : std::vector<inventory::NewMedium>{};
}

}  // namespace

TEST(Values, KindsInFrenchAndEnglishSingularAndPlural) {
    for (auto t : {"portable", "Portables", "ordinateur portable", "Ordinateurs portables", "laptop", "Laptops",
                   "notebook", "Notebooks", "PC portable"})
        EXPECT_EQ(kindOf(t), UnitKind::Laptop) << t;
    for (auto t : {"fixe", "Fixes", "unité centrale", "Unités centrales", "UNITE CENTRALE", "desktop", "Desktops",
                   "PC", "PCs", "Tour", "Mini Tower", "All in One"})
        EXPECT_EQ(kindOf(t), UnitKind::Desktop) << t;
    for (auto t : {"tablette", "Tablettes", "tablet", "Tablets"}) EXPECT_EQ(kindOf(t), UnitKind::Tablet) << t;
    for (auto t : {"téléphone", "Téléphones", "telephone", "smartphone", "Smartphones", "phone", "Phones",
                   "Mobile Phones"})
        EXPECT_EQ(kindOf(t), UnitKind::Phone) << t;
    for (auto t : {"écran", "Écrans", "ecran", "monitor", "Monitors", "Displays", "moniteur"})
        EXPECT_EQ(kindOf(t), UnitKind::Monitor) << t;
}

TEST(Values, UnknownKindNamesTheValueAndWhatIsAccepted) {
    auto k = parseKind("Photocopieur");
    ASSERT_FALSE(k.ok());
    EXPECT_EQ(k.error().code, Errc::InvalidInput);
    EXPECT_NE(k.error().message.find("unknown kind \"Photocopieur\""), std::string::npos);
    EXPECT_NE(k.error().message.find("laptop/portable"), std::string::npos);
    EXPECT_NE(k.error().message.find("printer/imprimante"), std::string::npos);
    EXPECT_FALSE(parseKind("VOIP Phones").ok());
}

// Printers and accessories are kinds of their own, in French and English, and a kind in the
// first words of a cell gives the device after it ("Imprimante HP LaserJet").
TEST(Values, PrintersAndAccessoriesAreKinds) {
    for (auto t : {"imprimante", "Imprimantes", "printer", "Printers", "Imprimante multifonction", "MFP"})
        EXPECT_EQ(parseKind(t).value(), UnitKind::Printer) << t;
    for (auto t : {"chargeur", "Chargeurs", "charger", "Bloc d'alimentation", "adaptateur secteur"})
        EXPECT_EQ(parseKind(t).value(), UnitKind::Charger) << t;
    for (auto t : {"souris", "mouse", "Souris sans fil"}) EXPECT_EQ(parseKind(t).value(), UnitKind::Mouse) << t;
    for (auto t : {"clavier", "Claviers", "keyboard", "clavier souris"}) EXPECT_EQ(parseKind(t).value(), UnitKind::Keyboard) << t;
    for (auto t : {"câble", "Câbles", "cable", "cordon", "Câble HDMI"}) EXPECT_EQ(parseKind(t).value(), UnitKind::Cable) << t;
    auto leading = readKind("Imprimante HP LaserJet");
    ASSERT_TRUE(leading.ok()) << leading.error().message;
    EXPECT_EQ(leading->kind, UnitKind::Printer);
    EXPECT_FALSE(leading->peripheral);
    EXPECT_EQ(leading->rest, "HP LaserJet");
    auto charger = kindFromLeadingWords("Chargeur Dell 65W");
    ASSERT_TRUE(charger);
    EXPECT_EQ(charger->kind, UnitKind::Charger);
    EXPECT_EQ(charger->rest, "Dell 65W");
    EXPECT_FALSE(kindFromLeadingWords("Imprimante")) << "nothing after the kind: not a device's name";
    EXPECT_FALSE(kindFromLeadingWords("HP LaserJet"));
    auto map = parseKindMap("Drucker=printer");
    ASSERT_TRUE(map.ok()) << map.error().message;
    EXPECT_EQ(readKind("Drucker", *map)->kind, UnitKind::Printer);
}

TEST(Values, RamInEveryCommonForm) {
    EXPECT_EQ(ram("8"), 8192);
    EXPECT_EQ(ram("8 Go"), 8192);
    EXPECT_EQ(ram("8Go"), 8192);
    EXPECT_EQ(ram("8GB"), 8192);
    EXPECT_EQ(ram("8 gb"), 8192);
    EXPECT_EQ(ram("8 Gio"), 8192);
    EXPECT_EQ(ram("8GiB"), 8192);
    EXPECT_EQ(ram("8192 MB"), 8192);
    EXPECT_EQ(ram("8192Mo"), 8192);
    EXPECT_EQ(ram("8192 Mio"), 8192);
    EXPECT_EQ(ram("8 192 Mo"), 8192);  // French thousands separator
    EXPECT_EQ(ram("8\u00A0Go"), 8192);  // no-break space from Excel
    EXPECT_EQ(ram("4096"), 4096);     // a bare large number is MiB
    EXPECT_EQ(ram("0,5 Go"), 512);
    EXPECT_EQ(ram("1.5GB"), 1536);
    EXPECT_EQ(ram("2 x 4 Go"), 8192);
    EXPECT_EQ(ram("2x8GB"), 16384);
    EXPECT_EQ(ram("8 Go DDR4"), 8192);
    EXPECT_EQ(ram("16 DDR4"), 16384);
    EXPECT_EQ(ram("8388608 KB"), 8192);
}

TEST(Values, RamBareNumberFollowsTheHeadersUnit) {
    EXPECT_EQ(ram("8", "Go"), 8192);
    EXPECT_EQ(ram("8192", "Mio"), 8192);
    EXPECT_EQ(ram("1024", "MiB"), 1024);
    EXPECT_EQ(ram("1024", "Go"), 1024 * 1024);
    EXPECT_EQ(ram("8 Go", "Mio"), 8192);  // a unit in the cell wins
}

TEST(Values, RamThatIsNotANumberIsRefused) {
    for (auto t : {"huit", "beaucoup", "8huit", "Go", "8 4", "0", "0 Go"}) {
        auto r = parseRamMib(t);
        ASSERT_FALSE(r.ok()) << t;
        EXPECT_EQ(r.error().code, Errc::InvalidInput);
        EXPECT_NE(r.error().message.find("RAM \""), std::string::npos) << r.error().message;
    }
    EXPECT_NE(parseRamMib("huit").error().message.find("is not a number (write 8, 8 Go, 8GB or 8192 MB)"),
              std::string::npos);
}

TEST(Values, StorageMediaWithTypesAndSizes) {
    auto s = storage("256 Go SSD");
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].type, MediumType::Ssd);
    EXPECT_EQ(s[0].capacityBytes, 256'000'000'000);

    s = storage("SSD 512GB + HDD 1 To");
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0].type, MediumType::Ssd);
    EXPECT_EQ(s[0].capacityBytes, 512'000'000'000);
    EXPECT_EQ(s[1].type, MediumType::Hdd);
    EXPECT_EQ(s[1].capacityBytes, 1'000'000'000'000);

    s = storage("2 x 500 Go disque dur");
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[1].type, MediumType::Hdd);

    s = storage("NVMe 1TB");
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].type, MediumType::Nvme);

    s = storage("SSD M.2 256 Go");  // the 2 of M.2 is not the size
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].capacityBytes, 256'000'000'000);

    s = storage("HDD 2.5\" 500 Go 5400 rpm");
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].capacityBytes, 500'000'000'000);

    s = storage("eMMC 64 Go");
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].type, MediumType::Emmc);

    s = storage("476940 Mio");  // GLPI writes MiB
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].capacityBytes, 476940LL * 1024 * 1024);
    EXPECT_EQ(s[0].type, MediumType::Other);

    s = storage("500");
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].capacityBytes, 500'000'000'000);

    s = storage("1,5", "To");
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].capacityBytes, 1'500'000'000'000);

    s = storage("SSD");
    ASSERT_EQ(s.size(), 1u);
    EXPECT_FALSE(s[0].capacityBytes.has_value());

    for (auto t : {"aucun", "Aucune", "none", "sans", "-", "0", "N/A"}) EXPECT_TRUE(storage(t).empty()) << t;
}

TEST(Values, StorageNotUnderstoodIsRefused) {
    for (auto t : {"beaucoup", "2", "5 Ko"}) {
        auto s = parseStorage(t);
        ASSERT_FALSE(s.ok()) << t;
        EXPECT_NE(s.error().message.find("storage \""), std::string::npos);
    }
}

TEST(Values, ScreenSizes) {
    EXPECT_DOUBLE_EQ(*parseScreenInches("15.6"), 15.6);
    EXPECT_DOUBLE_EQ(*parseScreenInches("15,6\""), 15.6);
    EXPECT_DOUBLE_EQ(*parseScreenInches("14 pouces"), 14.0);
    EXPECT_DOUBLE_EQ(*parseScreenInches("13.3 in"), 13.3);
    EXPECT_DOUBLE_EQ(*parseScreenInches("39,6 cm"), 15.6);
    EXPECT_FALSE(parseScreenInches("grand").ok());
    EXPECT_FALSE(parseScreenInches("1500").ok());
}

TEST(Values, ManufacturersAsAssetToolsSpellThem) {
    EXPECT_EQ(canonicalMake("Hewlett-Packard"), "HP");
    EXPECT_EQ(canonicalMake("HP Inc."), "HP");
    EXPECT_EQ(canonicalMake("hp"), "HP");
    EXPECT_EQ(canonicalMake("Dell Inc."), "Dell");
    EXPECT_EQ(canonicalMake("DELL"), "Dell");
    EXPECT_EQ(canonicalMake("LENOVO"), "Lenovo");
    EXPECT_EQ(canonicalMake("ASUSTeK COMPUTER INC."), "ASUS");
    EXPECT_EQ(canonicalMake("Samsung Electronics Co., Ltd."), "Samsung");
    EXPECT_EQ(canonicalMake("Micro-Star International Co., Ltd."), "MSI");
    EXPECT_EQ(canonicalMake("FUJITSU SIEMENS"), "Fujitsu");
    EXPECT_EQ(canonicalMake("Apple Inc."), "Apple");
    EXPECT_EQ(canonicalMake("  Acme   Computers  "), "Acme Computers");  // unknown: kept, tidied
    EXPECT_EQ(canonicalMake(""), "");
}

TEST(Values, MakeFoundAtTheStartOfAModel) {
    auto s = splitMakeFromModel("Dell Latitude 5480");
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->first, "Dell");
    EXPECT_EQ(s->second, "Latitude 5480");
    s = splitMakeFromModel("Packard Bell EasyNote TE69");
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->first, "Packard Bell");
    EXPECT_EQ(s->second, "EasyNote TE69");
    EXPECT_FALSE(splitMakeFromModel("Latitude 5480").has_value());
    EXPECT_FALSE(splitMakeFromModel("Dell").has_value());
}

TEST(Values, SerialsExcelTurnedIntoNumbers) {
    EXPECT_TRUE(looksLikeExcelScientific("1.23457E+11"));
    EXPECT_TRUE(looksLikeExcelScientific("1,23457E+11"));
    EXPECT_TRUE(looksLikeExcelScientific("4E+15"));
    EXPECT_FALSE(looksLikeExcelScientific("2E12345"));
    EXPECT_FALSE(looksLikeExcelScientific("5CG1234XYZ"));
    EXPECT_FALSE(looksLikeExcelScientific("123456789012"));
}

TEST(Values, PeripheralsAreOtherAndTheKindMapComesFirst) {
    auto headset = readKind("Headset");
    ASSERT_TRUE(headset.ok());
    EXPECT_EQ(headset->kind, UnitKind::Other);
    EXPECT_TRUE(headset->peripheral);
    for (const char *word : {"Photocopieur", "Onduleur", "Docking station", "Scanner", "Webcam", "Adaptateur"}) {
        auto k = readKind(word);
        ASSERT_TRUE(k.ok()) << word;
        EXPECT_TRUE(k->peripheral) << word;
    }
    for (const char *word : {"CPU", "Client léger", "Poste de travail", "Tout-en-un", "Station de travail"})
        EXPECT_EQ(readKind(word)->kind, UnitKind::Desktop) << word;
    for (const char *word : {"Ultraportable", "PC portable", "Chromebook"}) EXPECT_EQ(readKind(word)->kind, UnitKind::Laptop) << word;
    EXPECT_EQ(readKind("Tablette tactile")->kind, UnitKind::Tablet);
    EXPECT_EQ(readKind("Téléphone mobile")->kind, UnitKind::Phone);
    auto unknown = readKind("EINBAU");
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.error().message.find("--kind-map"), std::string::npos);
    auto map = parseKindMap("EINBAU=desktop,Station=desktop, Ecran LCD=écran");
    ASSERT_TRUE(map.ok()) << map.error().message;
    EXPECT_EQ(readKind("einbau", *map)->kind, UnitKind::Desktop);
    EXPECT_EQ(readKind("Station", *map)->kind, UnitKind::Desktop);
    EXPECT_FALSE(readKind("Station", *map)->peripheral);
    EXPECT_FALSE(parseKindMap("EINBAU").ok());
    auto badKind = parseKindMap("EINBAU=toaster");
    ASSERT_FALSE(badKind.ok());
    EXPECT_NE(badKind.error().message.find("\"toaster\" is not a kind"), std::string::npos);
}
