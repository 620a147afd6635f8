// Lists as they really come: public inventories with qualified headers and peripherals, the
// national school directory's export, an Excel-for-Mac (Mac Roman) file, corrected lists
// (--update), a serial registered without its make. Each real file's origin is in the README of
// its folder under tests/fixtures/intake/real/.
#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "inventory/InventoryFixture.hpp"
#include <reemploi/intake/Csv.hpp>
#include <reemploi/intake/DonorListImport.hpp>
#include <reemploi/intake/NeedImport.hpp>
#include <reemploi/intake/SchoolImport.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Schools.hpp>
#include <reemploi/inventory/Units.hpp>

using namespace reemploi;
using namespace reemploi::intake;
using inventory::UnitKind;

namespace {

std::string fixture(const std::string &name) { return std::string(REEMPLOI_TEST_FIXTURES) + "/intake/" + name; }

class RealLists : public test::InventoryFixture {
protected:
    void SetUp() override {
        InventoryFixture::SetUp();
        if (IsSkipped()) return;  // no server for a pg: test
        donation = makeDonation();
    }

    Result<ImportReport> importList(const std::string &name, ImportOptions options = {}) {
        if (options.donationId == 0) options.donationId = donation;
        return importDonorListFile(*db, fixture(name), options, actor);
    }

    ImportReport importOk(const std::string &name, ImportOptions options = {}) {
        auto r = importList(name, options);
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
        return r.ok() ? std::move(*r) : ImportReport{};
    }

    const inventory::Unit unitBySerial(const std::string &serial) {
        auto list = inventory::listUnits(*db);
        EXPECT_TRUE(list.ok());
        for (const auto &u : *list)
            if (u.serial == serial) return u;
        ADD_FAILURE() << "no unit with serial " << serial;
        return {};
    }

    std::vector<inventory::Event> events(std::string_view action) {
        auto all = inventory::listEvents(*db);
        EXPECT_TRUE(all.ok());
        std::vector<inventory::Event> out;
        for (auto &e : *all)
            if (e.action == action) out.push_back(e);
        return out;
    }

    std::string column(const ImportReport &r, const std::string &header) {
        for (const auto &[h, f] : r.columns)
            if (h == header) return f.empty() ? "(notes)" : f;
        return "(absent)";
    }

    std::int64_t donation = 0;
};

}  // namespace

// A company's office inventory (Tag No, Asset Type, Asset Make, Asset Model, OS Version) with
// headsets, UPS, printers, a keyboard among its computers; two real repeated serials.
TEST_F(RealLists, OfficeInventoryWithQualifiedHeadersAndPeripherals) {
    const std::string file = "real/office-inventory-ke/inventory.csv";
    // As it comes: two words nobody could guess ("CCTV Monitor", "Typewritter") and two repeats.
    auto refused = importOk(file);
    EXPECT_EQ(refused.rows, 245u);
    EXPECT_EQ(refused.invalid, 6u);
    EXPECT_EQ(refused.created, 0u);
    EXPECT_EQ(column(refused, "Tag No"), "donor_tag");
    EXPECT_EQ(column(refused, "Asset Type"), "kind");
    EXPECT_EQ(column(refused, "Asset Make"), "make");
    EXPECT_EQ(column(refused, "Asset Model"), "model");
    EXPECT_EQ(column(refused, "Serial Number"), "serial");
    EXPECT_EQ(column(refused, "OS Version"), "os");
    EXPECT_EQ(column(refused, "Asset Status"), "(notes)");
    ASSERT_FALSE(refused.errors.empty());
    EXPECT_EQ(refused.errors.front().text().rfind("line 23, column B \"Asset Type\": unknown kind \"CCTV Monitor\"", 0), 0u)
        << refused.errors.front().text();
    EXPECT_TRUE(inventory::listUnits(*db)->empty());

    // With the donor's words mapped, the repeats left out: the peripherals are imported as
    // `other` with a warning each, their word kept.
    ImportOptions options;
    options.skipInvalid = true;
    auto kinds = parseKindMap("CCTV Monitor=monitor, Typewritter=other");
    ASSERT_TRUE(kinds.ok()) << kinds.error().message;
    options.kindMap = *kinds;
    auto r = importOk(file, options);
    EXPECT_EQ(r.created, 243u);
    EXPECT_EQ(r.invalid, 2u);
    // 75 headsets, 9 UPS, 2 sound systems, a TV; the 14 printers and the keyboard are kinds of
    // their own.
    EXPECT_EQ(r.warned, 86u);
    ASSERT_EQ(r.errors.size(), 2u);
    EXPECT_EQ(r.errors[0].text(), "line 191, column E \"Serial Number\": serial \"1TKFS13013YW\" is repeated in the file at line 109");
    EXPECT_EQ(r.errors[1].text(), "line 215, column E \"Serial Number\": serial \"8CG9288PQ8\" is repeated in the file at line 57");
    ASSERT_FALSE(r.warnings.empty());
    EXPECT_EQ(r.warnings.front().line, 3u);
    EXPECT_NE(r.warnings.front().message.find("\"Headset\" is not a computer we refurbish"), std::string::npos);

    auto headset = unitBySerial("1TKFS12241N4");
    EXPECT_EQ(headset.kind, UnitKind::Other);
    EXPECT_EQ(headset.make, "Mitel");
    EXPECT_EQ(headset.donorTag, "3281");
    EXPECT_EQ(headset.notes.rfind("Asset Type: Headset", 0), 0u) << headset.notes;
    auto cpu = unitBySerial("CZC41446BF");  // "CPU": a tower, in this inventory
    EXPECT_EQ(cpu.kind, UnitKind::Desktop);
    EXPECT_EQ(cpu.make, "HP");
    EXPECT_EQ(cpu.model, "Z230SFF Workstation");
    EXPECT_EQ(cpu.specs.os, "Windows 10");
    EXPECT_EQ(unitBySerial("PMCL643K19032902007").kind, UnitKind::Monitor);  // --kind-map
    EXPECT_EQ(unitBySerial("5CD1013RYG").kind, UnitKind::Laptop);
    auto printer = unitBySerial("V6AT1086415");
    EXPECT_EQ(printer.kind, UnitKind::Printer);
    EXPECT_EQ(printer.model, "ECOSYS M6035cidn");
    EXPECT_EQ(printer.notes.find("Asset Type"), std::string::npos) << "a kind, not a peripheral's word kept";
    // The same serial under two makes (a Yealink and a Mitel phone) is two machines.
    EXPECT_EQ(unitBySerial("201044D12007095").kind, UnitKind::Other);
    EXPECT_EQ(events("unit_created").size(), 243u);
}

// A deployment register without a make column (the model alone: "Mini 400 G9"), peripherals'
// serials in columns of their own: imported without a make; the same machine added at the bench
// with its make is refused, naming the unit.
TEST_F(RealLists, DeploymentRegisterWithoutMakeThenTheBenchAddsTheMake) {
    auto r = importOk("real/itam-deployment/assets.csv");
    EXPECT_EQ(r.rows, 18u);
    EXPECT_EQ(r.created, 18u);
    EXPECT_EQ(r.invalid, 0u);
    EXPECT_EQ(r.warned, 0u);
    EXPECT_EQ(column(r, "SERIAL"), "serial");
    EXPECT_EQ(column(r, "KEYBOARD"), "(notes)");
    auto unit = unitBySerial("8CC5122LY1");
    EXPECT_EQ(unit.make, "");
    EXPECT_EQ(unit.model, "Mini 400 G9");
    // A column we have no field for is kept as a donor field, outside the audit trail.
    auto fields = inventory::donorFieldsJson(*db, unit.tag);
    ASSERT_TRUE(fields);
    EXPECT_NE(fields->find("\"KEYBOARD\":\"7CL34508U7\""), std::string::npos) << *fields;

    inventory::NewUnit bench = laptop(donation, "8CC5122LY1");
    bench.make = "HP";
    bench.kind = UnitKind::Desktop;
    auto added = inventory::addUnit(*db, bench, actor);
    ASSERT_FALSE(added.ok());
    EXPECT_EQ(added.error().code, Errc::Conflict);
    EXPECT_EQ(added.error().message, "serial 8CC5122LY1 (HP) is already registered as unit " + unit.tag);
    // And the reverse: registered with its make, listed again without.
    auto withMake = inventory::addUnit(*db, [&] {
        auto u = laptop(donation, "MK-77");
        u.make = "Dell";
        return u;
    }(), actor);
    ASSERT_TRUE(withMake.ok()) << withMake.error().message;
    auto again = inventory::findTagBySerial(*db, "", "MK-77");
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->value_or(""), withMake->tag);
    // A different make is another machine.
    auto other = inventory::findTagBySerial(*db, "Lenovo", "MK-77");
    ASSERT_TRUE(other.ok());
    EXPECT_FALSE(other->has_value());
}

// Snipe-IT's published sample import header: qualified ("Asset TAG ID", " SERIAL NO.") and
// spaced; no rows.
TEST_F(RealLists, SnipeItSampleHeaderMapsEveryField) {
    auto r = importOk("real/snipeit-sample/assets-sample-BAD.csv");
    EXPECT_EQ(r.rows, 0u);
    EXPECT_EQ(r.created, 0u);
    EXPECT_EQ(column(r, "Asset TAG ID"), "donor_tag");
    EXPECT_EQ(column(r, " BRAND"), "make");
    EXPECT_EQ(column(r, " MODEL"), "model");
    EXPECT_EQ(column(r, " SERIAL NO."), "serial");
    EXPECT_EQ(column(r, " CATEGORY"), "kind");
    EXPECT_EQ(column(r, " ASSIGNED TO"), "(notes)");
}

TEST_F(RealLists, TwoColumnsClaimingOneFieldOnceQualifiersDroppedIsAnErrorNamingBoth) {
    auto r = importList("lists/qualified_ambiguous.csv");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::InvalidInput);
    EXPECT_NE(r.error().message.find("column A \"Asset Model\" and column C \"Device Model\" both give the model"),
              std::string::npos)
        << r.error().message;
    EXPECT_TRUE(inventory::listUnits(*db)->empty());
}

TEST_F(RealLists, ARowWithoutMakeAndOneWithTheSameSerialAndAMakeAreOneMachine) {
    auto r = importOk("lists/no_make_then_make.csv");
    EXPECT_EQ(column(r, "N° de série du poste"), "serial");
    EXPECT_EQ(column(r, "Type de matériel"), "kind");
    EXPECT_EQ(r.invalid, 1u);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].text(), "line 4, column A \"N° de série du poste\": serial \"NM-1\" is repeated in the file at line 2");
}

// A donor sends a corrected list: the units of this donation it names again are updated (one
// `unit_updated` event each, old and new values), the new ones created.
TEST_F(RealLists, UpdateCorrectsChangedFieldsWithOneEventPerUnit) {
    auto first = importOk("lists/corrected_first.csv");
    ASSERT_EQ(first.created, 3u);
    const std::string tag1 = unitBySerial("CORR-1").tag, tag2 = unitBySerial("CORR-2").tag;

    // Without --update the corrected list is refused: its serials are registered.
    auto refused = importOk("lists/corrected_second.csv");
    EXPECT_EQ(refused.invalid, 3u);
    EXPECT_EQ(refused.created, 0u);

    ImportOptions options;
    options.update = true;
    options.dryRun = true;
    auto dry = importOk("lists/corrected_second.csv", options);
    EXPECT_EQ(dry.wouldCreate, 1u);
    EXPECT_EQ(dry.wouldUpdate, 2u);
    EXPECT_EQ(dry.unchanged, 1u);
    EXPECT_EQ(dry.created, 0u);
    EXPECT_EQ(dry.updated, 0u);
    EXPECT_TRUE(events("unit_updated").empty());

    options.dryRun = false;
    auto r = importOk("lists/corrected_second.csv", options);
    EXPECT_EQ(r.created, 1u);
    EXPECT_EQ(r.updated, 2u);
    EXPECT_EQ(r.unchanged, 1u);
    EXPECT_EQ(r.invalid, 0u);
    EXPECT_EQ(r.updatedTags, (std::vector<std::string>{tag1, tag2}));
    EXPECT_EQ(unitBySerial("CORR-1").specs.ramMib, 16384);
    auto two = unitBySerial("CORR-2");
    EXPECT_EQ(two.model, "EliteDesk 800 G3");
    EXPECT_EQ(two.specs.os, "Windows 10");  // an empty cell changes nothing
    EXPECT_EQ(unitBySerial("CORR-4").kind, UnitKind::Laptop);

    auto updated = events("unit_updated");
    ASSERT_EQ(updated.size(), 2u);
    Poco::JSON::Parser parser;
    auto p1 = parser.parse(updated[0].payload).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(updated[0].entityId, tag1);
    EXPECT_EQ(p1->getValue<std::string>("tag"), tag1);
    auto c1 = p1->getObject("changes");
    ASSERT_EQ(c1->size(), 1u);
    EXPECT_EQ(c1->getObject("ram_mib")->getValue<int>("old"), 8192);
    EXPECT_EQ(c1->getObject("ram_mib")->getValue<int>("new"), 16384);
    parser.reset();
    auto c2 = parser.parse(updated[1].payload).extract<Poco::JSON::Object::Ptr>()->getObject("changes");
    ASSERT_EQ(c2->size(), 1u);
    EXPECT_EQ(c2->getObject("model")->getValue<std::string>("old"), "EliteDesk 800");
    EXPECT_EQ(c2->getObject("model")->getValue<std::string>("new"), "EliteDesk 800 G3");

    // Sent again: nothing left to change, no event.
    auto again = importOk("lists/corrected_second.csv", options);
    EXPECT_EQ(again.updated, 0u);
    EXPECT_EQ(again.unchanged, 4u);
    EXPECT_EQ(events("unit_updated").size(), 2u);
    auto verified = inventory::verifyChain(*db);
    EXPECT_TRUE(verified.ok());
}

TEST_F(RealLists, UpdateStillRefusesAUnitOfAnotherDonation) {
    ASSERT_EQ(importOk("lists/corrected_first.csv").created, 3u);
    ImportOptions options;
    options.update = true;
    options.donationId = makeDonation("Another donor");
    auto r = importOk("lists/corrected_second.csv", options);
    EXPECT_EQ(r.invalid, 3u);
    EXPECT_EQ(r.updated, 0u);
    ASSERT_FALSE(r.errors.empty());
    EXPECT_NE(r.errors[0].message.find("not a unit of this donation"), std::string::npos) << r.errors[0].message;
}

// The national school directory's export as downloaded (Ille-et-Vilaine, 300 rows): schools,
// collèges, lycées, services; --only-type Ecole keeps the schools, REP/REP+ is a priority area.
TEST_F(RealLists, SchoolDirectoryExportOnlyTheSchools) {
    const std::string file = fixture("real/annuaire-education-35/fr-en-annuaire-education-extract.csv");
    SchoolDataOptions options;
    options.dryRun = true;
    auto all = importSchoolsFile(*db, file, options, actor);
    ASSERT_TRUE(all.ok()) << all.error().message;
    EXPECT_EQ(all->rows, 300u);
    EXPECT_EQ(all->wouldCreate, 300u);
    EXPECT_EQ(all->errorsTotal, 0u);

    options.onlyType = "École";
    auto dry = importSchoolsFile(*db, file, options, actor);
    ASSERT_TRUE(dry.ok()) << dry.error().message;
    EXPECT_EQ(dry->wouldCreate, 228u);
    EXPECT_EQ(dry->filtered, 72u);  // collèges, lycées, services… and a row with no type
    EXPECT_EQ(dry->created, 0u);
    EXPECT_TRUE(inventory::listSchools(*db)->empty());

    options.dryRun = false;
    auto r = importSchoolsFile(*db, file, options, actor);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->created, 228u);
    auto school = inventory::getSchool(*db, "0350687G");
    ASSERT_TRUE(school.ok()) << school.error().message;
    EXPECT_EQ(school->name, "Ecole primaire publique Francis Chevalier");
    EXPECT_EQ(school->town, "Le Vivier-sur-Mer");
    EXPECT_TRUE(school->priorityArea);  // REP
    EXPECT_FALSE(inventory::getSchool(*db, "0350122T")->priorityArea);
    std::size_t priority = 0;
    auto schools = inventory::listSchools(*db);
    ASSERT_TRUE(schools);
    for (const auto &s : *schools) priority += s.priorityArea;
    EXPECT_EQ(priority, 14u);  // 13 REP, 1 REP+
    EXPECT_FALSE(inventory::getSchool(*db, "0352813T").ok());  // AFOREM: no type, left out

    // Again, dry: every school would be updated.
    options.dryRun = true;
    auto known = importSchoolsFile(*db, file, options, actor);
    ASSERT_TRUE(known.ok());
    EXPECT_EQ(known->wouldCreate, 0u);
    EXPECT_EQ(known->wouldUpdate, 228u);

    // Then a secretary's needs sheet for one of them.
    SchoolDataOptions needOptions;
    needOptions.dryRun = true;
    auto needsDry = importNeedsFile(*db, fixture("lists/besoins_secretariat.csv"), needOptions, actor);
    ASSERT_TRUE(needsDry.ok()) << needsDry.error().message;
    EXPECT_EQ(needsDry->errorsTotal, 0u) << (needsDry->errors.empty() ? "" : needsDry->errors.front().text());
    EXPECT_EQ(needsDry->wouldCreate, 3u);
    EXPECT_EQ(needsDry->created, 0u);
    needOptions.dryRun = false;
    auto needs = importNeedsFile(*db, fixture("lists/besoins_secretariat.csv"), needOptions, actor);
    ASSERT_TRUE(needs.ok());
    EXPECT_EQ(needs->created, 3u);
    auto f1 = inventory::findNeed(*db, "0350687G/F-01");
    ASSERT_TRUE(f1.ok()) << f1.error().message;
    EXPECT_EQ(f1->devicesAtHome, 1);
    ASSERT_EQ(f1->grades.size(), 1u);
    EXPECT_EQ(f1->internet, inventory::allocation::Internet::Phone);
    auto f2 = inventory::findNeed(*db, "0350687G/F-02");
    ASSERT_TRUE(f2.ok());
    EXPECT_EQ(f2->grades.size(), 2u);
    EXPECT_EQ(f2->devicesAtHome, 0);
    EXPECT_EQ(f2->internet, inventory::allocation::Internet::None);
}

TEST_F(RealLists, OnlyTypeWithoutATypeColumnIsRefused) {
    SchoolDataOptions options;
    options.onlyType = "Ecole";
    auto r = importSchoolsFile(*db, fixture("real/excel-mac/ecoles-val-de-marne-macroman.csv"), options, actor);
    ASSERT_TRUE(r.ok()) << r.error().message;  // that file has Type_etablissement: every row is an Ecole
    EXPECT_EQ(r->created, 40u);
    auto none = importSchools(*db, "uai;nom\n0350687G;Ecole\n", options, actor);
    ASSERT_FALSE(none.ok());
    EXPECT_NE(none.error().message.find("--only-type Ecole: the file has no type column"), std::string::npos);
}

// The directory extract saved by Excel for Mac as "CSV (Macintosh)": Mac Roman, CR line ends.
TEST_F(RealLists, ExcelForMacFileIsReadAsMacRoman) {
    auto bytes = readFileBytes(fixture("real/excel-mac/ecoles-val-de-marne-macroman.csv"));
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(detectEncoding(*bytes), TextEncoding::MacRoman);
    SchoolDataOptions options;
    options.dryRun = true;
    auto r = importSchools(*db, *bytes, options, actor);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->encoding, TextEncoding::MacRoman);
    EXPECT_EQ(r->delimiter, ';');
    EXPECT_EQ(r->rows, 40u);
    EXPECT_EQ(r->wouldCreate, 40u);
    EXPECT_EQ(r->errorsTotal, 0u);
    options.dryRun = false;
    ASSERT_TRUE(importSchools(*db, *bytes, options, actor).ok());
    auto school = inventory::getSchool(*db, "0940209S");
    ASSERT_TRUE(school.ok()) << school.error().message;
    EXPECT_EQ(school->town, "L'Haÿ-les-Roses");
    EXPECT_EQ(school->name, "Ecole élémentaire Jardin Parisien A");
    EXPECT_TRUE(school->priorityArea);  // REP
    // The Windows-1252 files stay Windows-1252.
    auto cp1252 = readFileBytes(fixture("cp1252_semicolon_crlf.csv"));
    ASSERT_TRUE(cp1252.ok());
    EXPECT_EQ(detectEncoding(*cp1252), TextEncoding::Windows1252);
}
