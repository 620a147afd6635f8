// Text fields' rules (clean UTF-8, no control characters, bounded lengths, family references that
// are codes) and a unit's identity (scanned serials cleaned, makes unified), applied by the
// services themselves.
#include <gtest/gtest.h>

#include <functional>

#include <reemploi/common/Text.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Identity.hpp>
#include <reemploi/inventory/Schools.hpp>
#include <reemploi/inventory/Units.hpp>
#include <reemploi/inventory/Validation.hpp>

#include "inventory/InventoryFixture.hpp"

using namespace reemploi;
using namespace reemploi::inventory;

TEST(Utf8Text, AcceptsCleanTextAndCountsCharactersNotBytes) {
    EXPECT_TRUE(text::checkUtf8Text("Élève — 15,6\" 😀", "model", 200));
    EXPECT_TRUE(text::checkUtf8Text(std::string(200, 'a'), "model", 200));
    std::string accents;
    for (int i = 0; i < 200; ++i) accents += "é";  // 400 bytes, 200 characters
    EXPECT_TRUE(text::checkUtf8Text(accents, "model", 200));
    auto tooLong = text::checkUtf8Text(accents + "é", "model", 200);
    ASSERT_FALSE(tooLong);
    EXPECT_EQ(tooLong.error().message, "model: 201 characters long, at most 200");
}

TEST(Utf8Text, NamesTheFieldAndTheByteOffset) {
    auto nul = text::checkUtf8Text(std::string("AB\0CD", 5), "serial", 100);
    ASSERT_FALSE(nul);
    EXPECT_EQ(nul.error().code, Errc::InvalidInput);
    EXPECT_EQ(nul.error().message, "serial: a NUL byte at byte offset 2");
    auto invalid = text::checkUtf8Text("Del\xFF", "make", 200);
    ASSERT_FALSE(invalid);
    EXPECT_EQ(invalid.error().message, "make: invalid UTF-8 (byte 0xFF) at byte offset 3: save the text as UTF-8");
    // Overlong, surrogate, truncated, beyond U+10FFFF: all refused.
    for (std::string bad : {std::string("\xC0\xAF"), std::string("a\xED\xA0\x80"), std::string("ab\xE2\x82"),
                            std::string("\xF4\x90\x80\x80"), std::string("\x80")})
        EXPECT_FALSE(text::checkUtf8Text(bad, "x", 100)) << bad;
    auto bell = text::checkUtf8Text("ok\x07", "cpu", 200);
    EXPECT_EQ(bell.error().message, "cpu: control character U+0007 at byte offset 2");
    auto c1 = text::checkUtf8Text("a\xC2\x85", "os", 200);  // NEL, a C1 control
    EXPECT_EQ(c1.error().message, "os: control character U+0085 at byte offset 1");
    // Tabs and line breaks: in notes only.
    EXPECT_TRUE(text::checkUtf8Text("line 1\r\nline\t2", "notes", 10'000, true));
    auto tab = text::checkUtf8Text("a\tb", "model", 200);
    ASSERT_FALSE(tab);
    EXPECT_NE(tab.error().message.find("U+0009 at byte offset 1 (line breaks and tabs belong in notes only)"),
              std::string::npos);
    EXPECT_FALSE(text::checkUtf8Text(std::string("a\0b", 3), "notes", 10'000, true));
}

TEST(Identity, ScannedSerialsAreCleanedAndMakesUnified) {
    EXPECT_EQ(cleanSerial("]C1ABC123\r\n"), "ABC123");
    EXPECT_EQ(cleanSerial("S/N: ABC123"), "ABC123");
    EXPECT_EQ(cleanSerial("  N° de série : PF1ABC23\t"), "PF1ABC23");
    EXPECT_EQ(cleanSerial("]d2010401234567890121XYZ789"), "XYZ789");
    EXPECT_EQ(cleanSerial("abc-123"), "abc-123");  // case kept
    EXPECT_TRUE(readScannedSerial("S/N: A1").labelled);
    EXPECT_FALSE(readScannedSerial("A1").labelled);
    EXPECT_EQ(canonicalMake("Dell Inc."), "Dell");
    EXPECT_EQ(canonicalMake("DELL"), "Dell");
    EXPECT_EQ(canonicalMake("Hewlett-Packard"), "HP");
    EXPECT_EQ(canonicalMake("ASUSTeK COMPUTER INC."), "ASUS");
    EXPECT_EQ(canonicalMake("  Acme   Computers "), "Acme Computers");
    EXPECT_EQ(makeKey("Dell Inc."), makeKey("dell"));
    EXPECT_EQ(makeKey("  ACME  computers"), "acme computers");
    auto split = splitMakeFromModel("Dell Latitude 5480");
    ASSERT_TRUE(split);
    EXPECT_EQ(split->first, "Dell");
    EXPECT_EQ(split->second, "Latitude 5480");
}

class Validation : public test::InventoryFixture {
protected:
    std::int64_t events() { return static_cast<std::int64_t>(listEvents(*db)->size()); }
    std::int64_t units() {
        auto st = db->prepare("SELECT COUNT(*) FROM units");
        st->step();
        return st->getInt(0);
    }
};

// The service cleans what it is given: the command line, the import and the web API pass raw input.
TEST_F(Validation, AUnitIsStoredWithItsSerialCleanedAndItsMakeUnified) {
    auto donation = makeDonation();
    auto u = laptop(donation, "]C1ABC123\r\n");
    u.make = "Dell Inc.";
    u.model = "  Latitude 5490 ";
    u.specs.cpu = " i5-8350U ";
    auto added = addUnit(*db, u, actor);
    ASSERT_TRUE(added) << added.error().message;
    EXPECT_EQ(added->serial, "ABC123");
    EXPECT_EQ(added->make, "Dell");
    EXPECT_EQ(added->model, "Latitude 5490");
    EXPECT_EQ(added->specs.cpu, "i5-8350U");
    for (auto [make, serial] : {std::pair{"DELL", "S/N: ABC123"}, std::pair{"dell inc", "ABC123"},
                                std::pair{"Dell", "]C1ABC123"}}) {
        auto again = laptop(donation, serial);
        again.make = make;
        auto dup = addUnit(*db, again, actor);
        ASSERT_FALSE(dup) << make << " " << serial;
        EXPECT_EQ(dup.error().code, Errc::Conflict);
        EXPECT_NE(dup.error().message.find("already registered as unit " + added->tag), std::string::npos);
        EXPECT_FALSE(checkNewUnit(*db, again));
        EXPECT_EQ(findTagBySerial(*db, make, serial)->value_or(""), added->tag);
    }
    // An edit is cleaned the same way, and meets the same duplicates.
    auto other = addUnit(*db, laptop(donation, "XYZ"), actor).value();
    UnitPatch patch;
    patch.serial = "S/N: ABC123";
    patch.make = "DELL INC.";
    auto clash = updateUnit(*db, other.tag, patch, actor);
    ASSERT_FALSE(clash);
    EXPECT_EQ(clash.error().code, Errc::Conflict);
    patch.serial = "]C1XYZ-2\r";
    auto edited = updateUnit(*db, other.tag, patch, actor);
    ASSERT_TRUE(edited) << edited.error().message;
    EXPECT_EQ(edited->serial, "XYZ-2");
    EXPECT_EQ(edited->make, "Dell");
}

TEST_F(Validation, BadTextIsRefusedNamingTheFieldAndChangesNothing) {
    auto donation = makeDonation();
    auto before = events();
    struct Case {
        std::function<void(NewUnit &)> spoil;
        std::string message;
    };
    std::vector<Case> cases = {
        {[](NewUnit &u) { u.serial = std::string("AB\0CD", 5); }, "serial: a NUL byte at byte offset 2"},
        {[](NewUnit &u) { u.serial = std::string(101, 'X'); }, "serial: 101 characters long, at most 100"},
        {[](NewUnit &u) { u.make = "De\xE9ll"; }, "make: invalid UTF-8 (byte 0xE9) at byte offset 2"},
        {[](NewUnit &u) { u.model = std::string(40'000, 'm'); }, "model: 40000 characters long, at most 200"},
        {[](NewUnit &u) { u.donorTag = "INV\x1B[31m"; }, "donor tag: control character U+001B at byte offset 3"},
        {[](NewUnit &u) { u.specs.os = "Windows\n10"; }, "os: control character U+000A at byte offset 7"},
        {[](NewUnit &u) { u.location = std::string(201, 'L'); }, "location: 201 characters long"},
        {[](NewUnit &u) { u.specs.keyboardLayout = std::string("fr\0", 3); }, "keyboard: a NUL byte"},
        {[](NewUnit &u) { u.notes = std::string(10'001, 'n'); }, "notes: 10001 characters long, at most 10000"},
        {[](NewUnit &u) { u.storage[0].serial = "S\x01"; }, "storage serial: control character U+0001"},
    };
    for (const auto &c : cases) {
        auto u = laptop(donation, "GOOD1");
        c.spoil(u);
        auto r = addUnit(*db, u, actor);
        ASSERT_FALSE(r) << c.message;
        EXPECT_EQ(r.error().code, Errc::InvalidInput);
        EXPECT_EQ(r.error().message.rfind(c.message, 0), 0u) << r.error().message;
        auto checked = checkNewUnit(*db, u);
        ASSERT_FALSE(checked);
        EXPECT_EQ(checked.error().message, r.error().message);
        auto many = addUnits(*db, {laptop(donation, "GOOD2"), u}, actor);
        ASSERT_FALSE(many);
        EXPECT_EQ(many.error().message, "unit 2: " + r.error().message);
    }
    // Notes may hold tabs and line breaks.
    auto u = laptop(donation, "GOOD1");
    u.notes = "Rayure capot\n\tcharnière OK";
    EXPECT_TRUE(addUnit(*db, u, actor));
    EXPECT_EQ(events(), before + 1);
    EXPECT_EQ(units(), 1);

    UnitPatch patch;
    patch.model = std::string(40'000, 'm');
    auto edit = updateUnit(*db, "RE-000001", patch, actor);
    ASSERT_FALSE(edit);
    EXPECT_EQ(edit.error().message, "model: 40000 characters long, at most 200");
    patch = {};
    patch.notes = std::string("a\0", 2);
    EXPECT_FALSE(updateUnit(*db, "RE-000001", patch, actor));
    auto medium = addMedium(*db, "RE-000001", {MediumType::Hdd, std::string(300, 'M'), "", std::nullopt}, actor);
    ASSERT_FALSE(medium);
    EXPECT_EQ(medium.error().message, "storage model: 300 characters long, at most 200");
    auto how = markMediumDestroyed(*db, getUnit(*db, "RE-000001")->storage[0].id, "drilled\x7F", actor);
    ASSERT_FALSE(how);
    EXPECT_EQ(how.error().message, "how: control character U+007F at byte offset 7");
    EXPECT_EQ(events(), before + 1);
}

TEST_F(Validation, DonorsDonationsAndSchoolsHaveLimitsToo) {
    auto before = events();
    auto longName = addDonor(*db, {std::string(201, 'A'), DonorKind::Company, ""}, actor);
    ASSERT_FALSE(longName);
    EXPECT_EQ(longName.error().message, "donor name: 201 characters long, at most 200");
    auto longEmail = addDonor(*db, {"Acme", DonorKind::Company, std::string(250, 'a') + "@x.fr"}, actor);
    ASSERT_FALSE(longEmail);
    EXPECT_EQ(longEmail.error().message, "donor e-mail: 255 characters long, at most 254");
    EXPECT_FALSE(addDonor(*db, {std::string("Ac\0me", 5), DonorKind::Company, ""}, actor));
    auto donation = makeDonation();
    auto site = addDonation(*db, {1, "2026-11-20", "Lyon\x01", ""}, actor);
    ASSERT_FALSE(site);
    EXPECT_EQ(site.error().message, "site: control character U+0001 at byte offset 4");
    auto notes = addDonation(*db, {1, "2026-11-20", "", std::string(10'001, 'n')}, actor);
    ASSERT_FALSE(notes);
    EXPECT_EQ(notes.error().message, "notes: 10001 characters long, at most 10000");
    EXPECT_TRUE(addDonation(*db, {1, "2026-11-20", "", "2 cartons\nsans chargeurs"}, actor));
    (void)donation;

    auto school = saveSchools(*db, {{"0750655E", std::string(201, 'E'), "Paris", "", false, ""}}, actor);
    ASSERT_FALSE(school);
    EXPECT_EQ(school.error().message, "school 0750655E: school name: 201 characters long, at most 200");
    EXPECT_FALSE(saveSchools(*db, {{"0750655E", "École", "Par\xFFis", "", false, ""}}, actor));
    EXPECT_FALSE(saveSchools(*db, {{"0750655E", "École", "Paris", "", false, std::string("a\0", 2)}}, actor));
    EXPECT_EQ(events(), before + 3);  // the fixture's donor and donation, and the donation with notes
}

TEST_F(Validation, AFamilyReferenceIsAShortCodeNeverANameOrAnAddress) {
    ASSERT_TRUE(saveSchools(*db, {{"0750655E", "École Jean Jaurès", "Paris", "", false, ""}}, actor));
    for (std::string good : {std::string("F-12"), std::string("2026/CM1_04"), std::string("a"), std::string(32, 'Z')}) EXPECT_TRUE(checkFamilyRef(good)) << good;
    const std::string rule =
        "family reference must be a short code chosen by the school (letters, digits, - _ /, at most 32), not a name "
        "or an address";
    for (std::string bad : {std::string("Famille Martin 3 rue X"), std::string("dupont@example.fr"), std::string("Élodie"),
                            std::string(33, 'Z'), std::string("F\x01")}) {
        auto r = checkFamilyRef(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().message, rule);
        NewNeed n;
        n.uai = "0750655E";
        n.family = bad;
        n.grades = {allocation::SchoolGrade::CP};
        auto added = addNeeds(*db, {n}, actor);
        ASSERT_FALSE(added);
        EXPECT_EQ(added.error().message, rule);
        EXPECT_EQ(added.error().message.find(bad), std::string::npos);  // the name is not repeated back
    }
    NewNeed n;
    n.uai = "0750655E";
    n.family = "F-1";
    n.grades = {allocation::SchoolGrade::CP};
    n.accessibility = std::string(1'001, 'a');
    auto longNotes = addNeeds(*db, {n}, actor);
    ASSERT_FALSE(longNotes);
    EXPECT_EQ(longNotes.error().message, "accessibility: 1001 characters long, at most 1000");
    EXPECT_TRUE(listNeeds(*db)->empty());
}
