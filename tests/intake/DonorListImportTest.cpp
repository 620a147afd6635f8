// The donor's list import against a real (in-memory) inventory: real-world shapes, every error
// kind, all-or-nothing, --skip-invalid, --dry-run, duplicates across donations.
#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "inventory/InventoryFixture.hpp"
#include <reemploi/intake/DonorListImport.hpp>
#include <reemploi/inventory/AuditLog.hpp>

using namespace reemploi;
using namespace reemploi::intake;
using inventory::MediumType;
using inventory::UnitKind;

namespace {

std::string fixture(const std::string &name) { return std::string(REEMPLOI_TEST_FIXTURES) + "/intake/" + name; }

class DonorListImport : public test::InventoryFixture {
protected:
    ImportReport import(const std::string &name, bool skipInvalid = false, bool dryRun = false) {
        ImportOptions options;
        options.donationId = donation;
        options.skipInvalid = skipInvalid;
        options.dryRun = dryRun;
        auto report = importDonorListFile(*db, fixture(name), options, actor);
        EXPECT_TRUE(report.ok()) << (report.ok() ? "" : report.error().message);
        return report.ok() ? std::move(report.value()) : ImportReport{};
    }

    std::vector<inventory::Unit> units() {
        auto list = inventory::listUnits(*db);
        EXPECT_TRUE(list.ok());
        return list.ok() ? *list : std::vector<inventory::Unit>{};
    }

    std::int64_t eventCount(std::string_view action) {
        auto events = inventory::listEvents(*db);
        EXPECT_TRUE(events.ok());
        std::int64_t n = 0;
        for (const auto &e : *events) n += e.action == action;
        return n;
    }

    // The donor fields of the unit with this serial, as JSON.
    std::string fieldsOf(const std::string &serial) {
        for (const auto &u : units())
            if (u.serial == serial) return inventory::donorFieldsJson(*db, u.tag).value();
        ADD_FAILURE() << "no unit with serial " << serial;
        return {};
    }

    const inventory::Unit &bySerial(const std::vector<inventory::Unit> &list, const std::string &serial) {
        for (const auto &u : list)
            if (u.serial == serial) return u;
        ADD_FAILURE() << "no unit with serial " << serial;
        static inventory::Unit none;
        return none;
    }

    void SetUp() override {
        InventoryFixture::SetUp();
        if (IsSkipped()) return;  // no server for a pg: test
        donation = makeDonation();
    }

    std::int64_t donation = 0;
};

std::vector<std::string> errorTexts(const ImportReport &r) {
    std::vector<std::string> out;
    for (const auto &e : r.errors) out.push_back(e.text());
    return out;
}

}  // namespace

TEST_F(DonorListImport, WindowsExcelFileWithAccentsComesOutRight) {
    auto r = import("cp1252_semicolon_crlf.csv");
    EXPECT_EQ(r.encoding, TextEncoding::Windows1252);
    EXPECT_EQ(r.delimiter, ';');
    EXPECT_EQ(r.rows, 3u);
    EXPECT_EQ(r.created, 3u);
    EXPECT_EQ(r.invalid, 0u);
    ASSERT_EQ(r.tags.size(), 3u);
    auto list = units();
    const auto &hp = bySerial(list, "5CG1234XYZ");
    EXPECT_EQ(hp.kind, UnitKind::Laptop);
    EXPECT_EQ(hp.specs.ramMib, 8192);
    EXPECT_EQ(hp.notes, "Reçu sans chargeur");
    EXPECT_EQ(hp.tag, r.tags[0]);
    EXPECT_EQ(bySerial(list, "PF2ABCDE").notes, "Écran inclinable à 180°");
    EXPECT_EQ(bySerial(list, "CN0F4X5Y").kind, UnitKind::Desktop);
    EXPECT_EQ(bySerial(list, "CN0F4X5Y").notes, "Façade rayée");
    EXPECT_EQ(eventCount("unit_created"), 3);
}

TEST_F(DonorListImport, SnipeItExportMapsWithoutEditing) {
    auto r = import("snipeit_export.csv");
    ASSERT_EQ(r.invalid, 0u) << ::testing::PrintToString(errorTexts(r));
    EXPECT_EQ(r.created, 6u);
    auto list = units();
    const auto &hp = bySerial(list, "5CG7431JKL");
    EXPECT_EQ(hp.make, "HP");
    EXPECT_EQ(hp.model, "EliteBook 840 G4");
    EXPECT_EQ(hp.kind, UnitKind::Laptop);
    EXPECT_EQ(hp.donorTag, "ACME-0101");
    EXPECT_EQ(hp.specs.ramMib, 8192);
    ASSERT_EQ(hp.storage.size(), 1u);
    EXPECT_EQ(hp.storage[0].type, MediumType::Ssd);
    // The notes column in the notes; the columns we have no field for kept as donor fields,
    // outside the audit trail.
    EXPECT_EQ(hp.notes, "Keyboard worn");
    auto fields = fieldsOf("5CG7431JKL");
    EXPECT_NE(fields.find("\"Model No.\":\"1EM12EA\""), std::string::npos) << fields;
    EXPECT_NE(fields.find("\"Asset Name\":\"LPT-ACC-01\""), std::string::npos) << fields;
    EXPECT_NE(fields.find("\"Purchase Cost\":\"1 049,00\""), std::string::npos);
    EXPECT_EQ(fields.find("Device Image"), std::string::npos);  // empty cells add nothing
    EXPECT_EQ(bySerial(list, "PF0ZXK4M").storage.at(0).type, MediumType::Nvme);
    EXPECT_EQ(bySerial(list, "CZC8012ABC").kind, UnitKind::Desktop);
    EXPECT_EQ(bySerial(list, "DMPXK0ZZJF8J").kind, UnitKind::Tablet);
    EXPECT_EQ(bySerial(list, "R58M12ABCDE").kind, UnitKind::Phone);
    EXPECT_EQ(bySerial(list, "CN0K2XTR74261").kind, UnitKind::Monitor);
    EXPECT_TRUE(bySerial(list, "CN0K2XTR74261").storage.empty());
}

TEST_F(DonorListImport, SnipeItImporterHeaderMapsToo) {
    auto r = import("snipeit_import.csv");
    ASSERT_EQ(r.invalid, 0u) << ::testing::PrintToString(errorTexts(r));
    auto list = units();
    const auto &u = bySerial(list, "8KX4Q52");
    EXPECT_EQ(u.model, "Latitude 5490");
    EXPECT_EQ(u.donorTag, "ACME-1002");
    EXPECT_EQ(u.kind, UnitKind::Laptop);
    EXPECT_NE(u.notes.find("Battery weak"), std::string::npos);
    EXPECT_NE(fieldsOf("8KX4Q52").find("\"Model Number\":\"P72G\""), std::string::npos);
}

TEST_F(DonorListImport, GlpiFrenchExportMapsWithoutEditing) {
    auto r = import("glpi_export_fr.csv");
    ASSERT_EQ(r.invalid, 0u) << ::testing::PrintToString(errorTexts(r));
    EXPECT_EQ(r.created, 4u);
    auto list = units();
    const auto &hp = bySerial(list, "CZC4421XYZ");
    EXPECT_EQ(hp.make, "HP");                      // "Hewlett-Packard"
    EXPECT_EQ(hp.model, "EliteDesk 800 G1 SFF");  // the repeated make is dropped
    EXPECT_EQ(hp.kind, UnitKind::Desktop);
    EXPECT_EQ(hp.donorTag, "INV-2014-0031");
    EXPECT_EQ(hp.specs.ramMib, 8192);              // "Mémoire (Mio)": the header gives the unit
    EXPECT_EQ(hp.specs.os, "Microsoft Windows 10 Professionnel");
    ASSERT_EQ(hp.storage.size(), 1u);
    EXPECT_EQ(hp.storage[0].capacityBytes, 476940LL * 1024 * 1024);
    EXPECT_NE(hp.notes.find("Poste de la comptabilité"), std::string::npos);
    EXPECT_NE(fieldsOf(hp.serial).find("\"Entité\":\"Entité racine > Siège\""), std::string::npos);
    const auto &dell = bySerial(list, "7H2KQ42");
    EXPECT_EQ(dell.make, "Dell");
    EXPECT_EQ(dell.kind, UnitKind::Laptop);
    EXPECT_EQ(dell.specs.ramMib, 16384);
    EXPECT_EQ(bySerial(list, "PF1ABC23").make, "Lenovo");
    EXPECT_EQ(bySerial(list, "PF1ABC23").kind, UnitKind::Laptop);  // "Notebook"
    EXPECT_EQ(bySerial(list, "MJ07ABCD").kind, UnitKind::Other);    // GLPI left the type empty
}

TEST_F(DonorListImport, GlpiEnglishExportMapsWithoutEditing) {
    auto r = import("glpi_export_en.csv");
    ASSERT_EQ(r.invalid, 0u) << ::testing::PrintToString(errorTexts(r));
    auto list = units();
    const auto &hp = bySerial(list, "5CD81234QW");
    EXPECT_EQ(hp.make, "HP");
    EXPECT_EQ(hp.model, "ProBook 450 G5");
    EXPECT_EQ(hp.donorTag, "INV-0042");
    EXPECT_EQ(hp.specs.ramMib, 8192);
    EXPECT_EQ(hp.storage.at(0).capacityBytes, 238475LL * 1024 * 1024);
    EXPECT_EQ(bySerial(list, "9ZX8Y52").notes.rfind("Front USB broken", 0), 0u);
}

TEST_F(DonorListImport, EnglishPluralsAndSizes) {
    auto r = import("english_plurals.csv");
    ASSERT_EQ(r.invalid, 0u) << ::testing::PrintToString(errorTexts(r));
    auto list = units();
    EXPECT_EQ(bySerial(list, "EN-0001").kind, UnitKind::Laptop);
    EXPECT_EQ(bySerial(list, "EN-0002").kind, UnitKind::Laptop);
    EXPECT_EQ(bySerial(list, "EN-0002").make, "Dell");
    EXPECT_EQ(bySerial(list, "EN-0002").specs.ramMib, 8192);
    EXPECT_EQ(bySerial(list, "EN-0002").storage.size(), 2u);
    EXPECT_EQ(bySerial(list, "EN-0003").kind, UnitKind::Desktop);
    EXPECT_EQ(bySerial(list, "EN-0003").specs.ramMib, 4096);
    EXPECT_EQ(bySerial(list, "EN-0004").kind, UnitKind::Desktop);
    EXPECT_EQ(bySerial(list, "EN-0005").kind, UnitKind::Tablet);
    EXPECT_EQ(bySerial(list, "EN-0005").storage.at(0).type, MediumType::Emmc);
    EXPECT_EQ(bySerial(list, "EN-0006").kind, UnitKind::Phone);
    EXPECT_EQ(bySerial(list, "EN-0007").kind, UnitKind::Phone);
    EXPECT_EQ(bySerial(list, "EN-0008").kind, UnitKind::Monitor);
}

TEST_F(DonorListImport, FrenchKindsUnitsInHeadersAndKeptColumns) {
    auto r = import("french_kinds_bom.csv");
    ASSERT_EQ(r.invalid, 0u) << ::testing::PrintToString(errorTexts(r));
    EXPECT_EQ(r.encoding, TextEncoding::Utf8Bom);
    EXPECT_EQ(r.created, 8u);
    auto list = units();
    const auto &first = bySerial(list, "FR-0001");
    EXPECT_EQ(first.kind, UnitKind::Laptop);
    EXPECT_EQ(first.donorTag, "INV-1");
    EXPECT_EQ(first.specs.ramMib, 8192);  // "RAM (Go)" with 8
    EXPECT_EQ(first.specs.screenInches, 14.0);
    EXPECT_EQ(first.notes, "Très bon état");
    EXPECT_EQ(fieldsOf("FR-0001"), R"({"Couleur":"argent"})");
    EXPECT_EQ(bySerial(list, "FR-0002").kind, UnitKind::Laptop);
    EXPECT_EQ(bySerial(list, "FR-0003").kind, UnitKind::Desktop);
    EXPECT_EQ(bySerial(list, "FR-0004").kind, UnitKind::Desktop);
    EXPECT_EQ(bySerial(list, "FR-0004").storage.at(0).capacityBytes, 1'000'000'000'000);
    EXPECT_EQ(bySerial(list, "FR-0005").kind, UnitKind::Tablet);
    EXPECT_EQ(bySerial(list, "FR-0005").specs.screenInches, 9.7);
    EXPECT_EQ(bySerial(list, "FR-0006").kind, UnitKind::Phone);
    EXPECT_EQ(bySerial(list, "FR-0007").kind, UnitKind::Monitor);
    EXPECT_TRUE(bySerial(list, "FR-0007").storage.empty());
    EXPECT_EQ(bySerial(list, "FR-0008").kind, UnitKind::Laptop);
    // The column map tells how each header was read.
    ASSERT_EQ(r.columns.size(), 10u);
    EXPECT_EQ(r.columns[5], (std::pair<std::string, std::string>{"RAM (Go)", "ram"}));
    EXPECT_EQ(r.columns[9], (std::pair<std::string, std::string>{"Couleur", ""}));  // a donor field
}

TEST_F(DonorListImport, TitleLinesAboveTheHeaderArePassedOver) {
    auto r = import("title_rows_cp1252.csv");
    ASSERT_EQ(r.invalid, 0u) << ::testing::PrintToString(errorTexts(r));
    EXPECT_EQ(r.headerLine, 4u);
    EXPECT_EQ(r.rows, 2u);
    EXPECT_EQ(r.created, 2u);
    EXPECT_EQ(bySerial(units(), "TT-0002").kind, UnitKind::Desktop);

    auto plain = import("title_no_delimiter.csv");
    EXPECT_EQ(plain.delimiter, ',');
    EXPECT_EQ(plain.headerLine, 2u);
    EXPECT_EQ(plain.created, 2u);
}

TEST_F(DonorListImport, TwoNotesColumnsAreBothKept) {
    auto r = import("two_notes_columns.csv");
    ASSERT_EQ(r.created, 1u);
    EXPECT_EQ(bySerial(units(), "RR-1").notes, "rayure");
    EXPECT_EQ(fieldsOf("RR-1"), R"({"Remarques":"sans chargeur"})");
}

TEST_F(DonorListImport, MakeTakenFromTheModelWhenThereIsNoMakeColumn) {
    auto r = import("make_in_model.csv");
    ASSERT_EQ(r.invalid, 0u);
    auto list = units();
    EXPECT_EQ(bySerial(list, "MM-0001").make, "Dell");
    EXPECT_EQ(bySerial(list, "MM-0001").model, "Latitude 5480");
    EXPECT_EQ(bySerial(list, "MM-0002").make, "");
}

TEST_F(DonorListImport, EveryErrorKindNamesLineColumnAndWhy) {
    addLaptop(makeDonation("Other donor"), "REG-0001");  // Dell, in another donation
    auto list = units();
    ASSERT_EQ(list.size(), 1u);
    // Registered as Dell; the file says Lenovo: a different make is a different unit.
    auto r0 = import("every_error.csv", false, true);
    EXPECT_EQ(r0.invalid, 8u) << ::testing::PrintToString(errorTexts(r0));

    // Same make and serial as the file's row 11.
    inventory::NewUnit lenovo = laptop(makeDonation("Third donor"), "REG-0001");
    lenovo.make = "LENOVO";
    auto added = inventory::addUnit(*db, lenovo, actor);
    ASSERT_TRUE(added) << added.error().message;

    auto r = import("every_error.csv");
    EXPECT_EQ(r.rows, 11u);
    EXPECT_EQ(r.invalid, 9u);
    EXPECT_EQ(r.valid, 2u);
    EXPECT_EQ(r.created, 0u);
    EXPECT_EQ(r.skipped, 0u);
    EXPECT_FALSE(r.succeeded());
    auto texts = errorTexts(r);
    std::vector<std::string> expected = {
        "line 3, column A \"serial\": serial is empty",
        "line 4, column D \"kind\": unknown kind \"grille-pain\"",
        "line 5, column E \"RAM\": RAM \"huit\" is not a number (write 8, 8 Go, 8GB or 8192 MB)",
        "line 6, column A \"serial\": serial \"OK-0001\" is repeated in the file at line 2",
        "line 7, column A \"serial\": serial \"1.23457E+11\" is a number Excel rounded",
        "line 8, column F \"storage\": storage \"beaucoup\" is not understood",
        "line 9, column G \"screen\": screen \"grand\" is not a size in inches",
        "line 10: 9 values but the header has 8 columns",
        "line 11, column A \"serial\": serial \"REG-0001\" (Lenovo) is already registered as unit " + added->tag +
            " (donation " + std::to_string(added->donationId) + ")",
    };
    ASSERT_EQ(texts.size(), expected.size()) << ::testing::PrintToString(texts);
    for (std::size_t i = 0; i < expected.size(); ++i)
        EXPECT_EQ(texts[i].rfind(expected[i], 0), 0u) << texts[i] << "\n  expected to start with\n" << expected[i];
    EXPECT_EQ(r.errors[1].field, "kind");
    EXPECT_EQ(r.errors[7].field, "");
    // All or nothing: the valid rows were not written either.
    EXPECT_EQ(units().size(), 2u);
    EXPECT_EQ(eventCount("unit_created"), 2);
}

TEST_F(DonorListImport, AllErrorsOfOneRowAreReported) {
    auto r = import("many_errors_one_row.csv");
    auto texts = errorTexts(r);
    ASSERT_EQ(texts.size(), 3u) << ::testing::PrintToString(texts);
    EXPECT_EQ(r.invalid, 1u);
    EXPECT_NE(texts[0].find("serial is empty"), std::string::npos);
    EXPECT_NE(texts[1].find("unknown kind"), std::string::npos);
    EXPECT_NE(texts[2].find("RAM \"beaucoup\""), std::string::npos);
}

TEST_F(DonorListImport, AllOrNothingByDefault) {
    auto r = import("mixed.csv");
    EXPECT_EQ(r.rows, 5u);
    EXPECT_EQ(r.invalid, 2u);
    EXPECT_EQ(r.valid, 3u);
    EXPECT_EQ(r.created, 0u);
    EXPECT_TRUE(r.tags.empty());
    EXPECT_FALSE(r.succeeded());
    EXPECT_TRUE(units().empty());
    EXPECT_EQ(eventCount("unit_created"), 0);
}

TEST_F(DonorListImport, SkipInvalidWritesTheValidRowsAndListsTheRest) {
    auto r = import("mixed.csv", true);
    EXPECT_TRUE(r.succeeded());
    EXPECT_EQ(r.created, 3u);
    EXPECT_EQ(r.skipped, 2u);
    EXPECT_EQ(r.invalid, 2u);
    ASSERT_EQ(r.errors.size(), 2u);
    EXPECT_EQ(r.errors[0].line, 3u);
    EXPECT_EQ(r.errors[1].line, 5u);
    ASSERT_EQ(r.tags.size(), 3u);
    auto list = units();
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[0].serial, "MIX-0001");
    EXPECT_EQ(list[1].serial, "MIX-0003");
    EXPECT_EQ(list[2].serial, "MIX-0005");
    EXPECT_EQ(list[0].tag, r.tags[0]);
    EXPECT_EQ(list[2].tag, r.tags[2]);
    EXPECT_EQ(eventCount("unit_created"), 3);
    auto chain = inventory::verifyChain(*db);
    ASSERT_TRUE(chain.ok());
    EXPECT_FALSE(chain->firstBrokenId.has_value());
}

TEST_F(DonorListImport, DryRunWritesNothingAndSaysWhatWouldBeCreated) {
    auto r = import("snipeit_export.csv", false, true);
    EXPECT_TRUE(r.dryRun);
    EXPECT_TRUE(r.succeeded());
    EXPECT_EQ(r.valid, 6u);
    EXPECT_EQ(r.created, 0u);
    EXPECT_TRUE(r.tags.empty());
    EXPECT_TRUE(units().empty());
    auto events = inventory::listEvents(*db);
    ASSERT_TRUE(events.ok());
    EXPECT_EQ(eventCount("unit_created"), 0);

    auto bad = import("mixed.csv", false, true);
    EXPECT_FALSE(bad.succeeded());
    EXPECT_EQ(bad.invalid, 2u);
    EXPECT_TRUE(units().empty());
}

TEST_F(DonorListImport, ReimportingTheSameFileIsRefusedNamingTheUnits) {
    auto first = import("snipeit_import.csv");
    ASSERT_EQ(first.created, 2u);
    auto again = import("snipeit_import.csv");
    EXPECT_EQ(again.created, 0u);
    EXPECT_EQ(again.invalid, 2u);
    ASSERT_EQ(again.errors.size(), 2u);
    EXPECT_EQ(again.errors[0].text(), "line 2, column E \"Serial Number\": serial \"3JX4Q52\" (Dell) is already "
                                      "registered as unit " + first.tags[0]);
    EXPECT_EQ(units().size(), 2u);
}

TEST_F(DonorListImport, SkipInvalidLeavesOutARegisteredSerialAndWritesTheRest) {
    auto earlier = addLaptop(makeDonation("Earlier donor"), "8KX4Q52");  // Dell, as in the file's line 3
    auto r = import("snipeit_import.csv", true);
    EXPECT_TRUE(r.succeeded());
    EXPECT_EQ(r.created, 1u);
    EXPECT_EQ(r.skipped, 1u);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].line, 3u);
    EXPECT_NE(r.errors[0].message.find("already registered as unit " + earlier.tag), std::string::npos);
    EXPECT_EQ(units().size(), 2u);
    EXPECT_EQ(eventCount("unit_created"), 2);
}

TEST_F(DonorListImport, DuplicateAcrossDonationsIgnoresHowTheMakeIsSpelled) {
    addLaptop(makeDonation("Earlier donor"), "7H2KQ42");  // "Dell"; GLPI says "Dell Inc."
    auto r = import("glpi_export_fr.csv");
    ASSERT_EQ(r.invalid, 1u);
    EXPECT_NE(r.errors[0].message.find("already registered as unit RE-000001 (donation"), std::string::npos)
        << r.errors[0].message;
}

// 1,500 rows take inventory's bulk path (many rows per statement, ids named, events chained in
// batches): the same units, media and events as one by one, and a registered serial still found.
TEST_F(DonorListImport, LargeListsTakeTheBulkPathWithTheSameResult) {
    auto earlier = addLaptop(makeDonation("Earlier donor"), "BULK-0777");  // Dell, with one SSD
    std::string csv = "serial;make;model;kind;RAM;storage\n";
    for (int i = 0; i < 1500; ++i)
        csv += "BULK-" + std::string(i < 10 ? "000" : i < 100 ? "00" : i < 1000 ? "0" : "") + std::to_string(i) +
               ";Dell Inc.;Latitude 5490;portable;8 Go;" + (i % 2 ? "SSD 256 Go + HDD 1 To" : "aucun") + "\n";
    ImportOptions options;
    options.donationId = donation;
    auto refused = importDonorList(*db, csv, options, actor);
    ASSERT_TRUE(refused.ok()) << refused.error().message;
    EXPECT_EQ(refused->invalid, 1u);
    ASSERT_EQ(refused->errors.size(), 1u);
    EXPECT_EQ(refused->errors[0].line, 779u);
    EXPECT_NE(refused->errors[0].message.find("already registered as unit " + earlier.tag), std::string::npos);
    EXPECT_EQ(units().size(), 1u);

    options.skipInvalid = true;
    auto r = importDonorList(*db, csv, options, actor);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->created, 1499u);
    auto list = units();
    ASSERT_EQ(list.size(), 1500u);
    const auto &odd = bySerial(list, "BULK-1499");
    EXPECT_EQ(odd.tag, r->tags.back());
    EXPECT_EQ(odd.make, "Dell");
    EXPECT_EQ(odd.specs.ramMib, 8192);
    ASSERT_EQ(odd.storage.size(), 2u);
    EXPECT_EQ(odd.storage[0].type, MediumType::Ssd);
    EXPECT_EQ(odd.storage[1].type, MediumType::Hdd);
    EXPECT_EQ(odd.storage[1].unitId, odd.id);
    EXPECT_TRUE(bySerial(list, "BULK-1498").storage.empty());
    EXPECT_EQ(eventCount("unit_created"), 1500);
    auto events = inventory::listEvents(*db, "unit", odd.tag);
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events->size(), 1u);
    EXPECT_NE((*events)[0].payload.find("\"serial\":\"BULK-1499\""), std::string::npos);
    auto chain = inventory::verifyChain(*db);
    ASSERT_TRUE(chain.ok());
    EXPECT_FALSE(chain->firstBrokenId.has_value()) << chain->problem;
    // The unit registered next, one by one, follows on.
    auto next = addLaptop(donation, "AFTER-BULK");
    EXPECT_EQ(next.id, list.back().id + 1);
}

TEST_F(DonorListImport, FileLevelProblemsAreErrors) {
    ImportOptions options;
    options.donationId = donation;
    auto noSerial = importDonorListFile(*db, fixture("no_serial_column.csv"), options, actor);
    ASSERT_FALSE(noSerial.ok());
    EXPECT_EQ(noSerial.error().code, Errc::InvalidInput);
    EXPECT_NE(noSerial.error().message.find("no_serial_column.csv: line 1 (header): no column gives the serial"),
              std::string::npos)
        << noSerial.error().message;

    auto twoSerials = importDonorListFile(*db, fixture("two_serial_columns.csv"), options, actor);
    ASSERT_FALSE(twoSerials.ok());
    EXPECT_NE(twoSerials.error().message.find("both give the serial"), std::string::npos);

    auto malformed = importDonorListFile(*db, fixture("unterminated_quote.csv"), options, actor);
    ASSERT_FALSE(malformed.ok());
    EXPECT_NE(malformed.error().message.find("line 3: unterminated quoted field"), std::string::npos);

    options.skipInvalid = true;  // does not make a broken file importable
    EXPECT_FALSE(importDonorListFile(*db, fixture("unterminated_quote.csv"), options, actor).ok());

    options.donationId = 999;
    auto noDonation = importDonorListFile(*db, fixture("mixed.csv"), options, actor);
    ASSERT_FALSE(noDonation.ok());
    EXPECT_EQ(noDonation.error().code, Errc::NotFound);
    EXPECT_TRUE(units().empty());
}

TEST_F(DonorListImport, JsonReportCarriesCountsTagsAndErrors) {
    auto r = import("mixed.csv", true);
    Poco::JSON::Parser parser;
    auto root = parser.parse(r.json()).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(root->getValue<int>("created"), 3);
    EXPECT_EQ(root->getValue<int>("skipped"), 2);
    EXPECT_EQ(root->getValue<int>("invalid"), 2);
    EXPECT_EQ(root->getValue<int>("donation"), donation);
    EXPECT_FALSE(root->getValue<bool>("dry_run"));
    EXPECT_EQ(root->getValue<std::string>("delimiter"), ";");
    auto tags = root->getArray("tags");
    ASSERT_EQ(tags->size(), 3u);
    EXPECT_EQ(tags->getElement<std::string>(0), r.tags[0]);
    auto errors = root->getArray("errors");
    ASSERT_EQ(errors->size(), 2u);
    auto e = errors->getObject(0);
    EXPECT_EQ(e->getValue<int>("line"), 3);
    EXPECT_EQ(e->getValue<std::string>("column"), "RAM");
    EXPECT_EQ(e->getValue<std::string>("field"), "ram");
    EXPECT_NE(e->getValue<std::string>("message").find("huit"), std::string::npos);
}

// Printers and accessories in a donor's list: kinds of their own, in the kind column or at the
// head of the model ("Imprimante HP LaserJet"), the rest giving the make and the model.
TEST_F(DonorListImport, PrintersAndAccessoriesComeInAsTheirKinds) {
    ImportOptions options;
    options.donationId = donation;
    auto typed = importDonorList(*db,
                                 "type;marque;modèle;numéro de série\n"
                                 "Imprimante HP LaserJet;;;PR-1\n"
                                 "imprimante;Brother;HL-L2350DW;PR-2\n"
                                 "chargeur;Dell;65W;CH-1\n"
                                 "souris;Logitech;M185;MO-1\n"
                                 "clavier;Logitech;K120;KB-1\n"
                                 "câble;;HDMI 2 m;CA-1\n",
                                 options, actor);
    ASSERT_TRUE(typed) << typed.error().message;
    EXPECT_EQ(typed->created, 6u);
    EXPECT_EQ(typed->warned, 0u) << "no peripheral's warning";
    auto list = units();
    const auto &laserjet = bySerial(list, "PR-1");
    EXPECT_EQ(laserjet.kind, inventory::UnitKind::Printer);
    EXPECT_EQ(laserjet.make, "HP");
    EXPECT_EQ(laserjet.model, "LaserJet");
    EXPECT_EQ(bySerial(list, "PR-2").kind, inventory::UnitKind::Printer);
    EXPECT_EQ(bySerial(list, "CH-1").kind, inventory::UnitKind::Charger);
    EXPECT_EQ(bySerial(list, "MO-1").kind, inventory::UnitKind::Mouse);
    EXPECT_EQ(bySerial(list, "KB-1").kind, inventory::UnitKind::Keyboard);
    EXPECT_EQ(bySerial(list, "CA-1").kind, inventory::UnitKind::Cable);
    // No kind column: the model names it.
    auto untyped = importDonorList(*db, "modèle;numéro de série\nImprimante HP LaserJet Pro;PR-3\n", options, actor);
    ASSERT_TRUE(untyped) << untyped.error().message;
    const auto all = units();  // kept: bySerial answers a reference into it
    const auto &pro = bySerial(all, "PR-3");
    EXPECT_EQ(pro.kind, inventory::UnitKind::Printer);
    EXPECT_EQ(pro.make, "HP");
    EXPECT_EQ(pro.model, "LaserJet Pro");
}
