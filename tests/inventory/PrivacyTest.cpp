// The privacy purge: personal data past its retention period leaves the tables and the trail's
// payloads, the purge is recorded, and the chain and the replay still verify.
#include <gtest/gtest.h>

#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Privacy.hpp>
#include <reemploi/inventory/Schools.hpp>
#include <reemploi/inventory/Sites.hpp>

#include "inventory/InventoryFixture.hpp"

using namespace reemploi;
using namespace reemploi::inventory;

namespace {

class Privacy : public test::InventoryFixture {
protected:
    void SetUp() override {
        InventoryFixture::SetUp();
        if (IsSkipped()) return;  // no server for a pg: test
        auto person = addDonor(*db, {"Jeanne Dupont", DonorKind::Individual, "j.dupont@example.org"}, admin);
        ASSERT_TRUE(person);
        ASSERT_TRUE(addDonation(*db, {person->id, "2020-01-15", "Lyon", ""}, admin));
        company = makeDonation("Acme SA");
        addLaptop(company, "SN1");
        ASSERT_TRUE(saveSchools(*db, {{"0750655E", "École Jean Jaurès", "Paris", "", true, "Mme Martin"}}, admin));
        // The school's contact is updated: two events hold it.
        ASSERT_TRUE(saveSchools(*db, {{"0750655E", "École Jean Jaurès", "Paris", "", true, "M. Martin"}}, admin));
        // A distribution site whose contact is a person (kept three years by default).
        ASSERT_TRUE(saveSites(*db, {{"MAIRIE-19", "Mairie du 19e", "5 place Armand Carrel", "mar. 16h-18h",
                                     "Mme Leroy 06 12 34 56 78"}},
                              admin));
        ASSERT_TRUE(setStructureSite(*db, "0750655E", "MAIRIE-19", admin));
    }
    bool anyPayloadHolds(const std::string &text) {
        auto events = listEvents(*db);
        EXPECT_TRUE(events);
        for (const auto &e : *events)
            if (e.payload.find(text) != std::string::npos) return true;
        return false;
    }
    // A moment after the set-up (a period of 0 days ends then).
    static std::chrono::system_clock::time_point later() { return std::chrono::system_clock::now() + std::chrono::seconds(1); }
    RetentionPolicy policy() {
        RetentionPolicy p;
        p.individualDonorsDays = 365;  // Jeanne's donation was in 2020
        p.contactsDays = 0;
        return p;
    }
    Actor admin{"admin-1", Role::Admin};
    std::int64_t company = 0;
};

}  // namespace

TEST_F(Privacy, ADryRunCountsAndChangesNothing) {
    auto before = listEvents(*db).value().size();
    auto report = purgePersonalData(*db, policy(), later(), true, admin);
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->donors, 1);
    EXPECT_EQ(report->contacts, 1);
    EXPECT_EQ(report->eventsRedacted, 3);  // donor_created, school_created, school_updated
    EXPECT_FALSE(report->eventId);
    EXPECT_EQ(listEvents(*db).value().size(), before);
    EXPECT_TRUE(anyPayloadHolds("Jeanne Dupont"));
    EXPECT_EQ(getDonor(*db, 1)->name, "Jeanne Dupont");
}

TEST_F(Privacy, APurgeForgetsInTablesAndPayloadsAndEverythingStillVerifies) {
    auto report = purgePersonalData(*db, policy(), later(), false, admin);
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_TRUE(report->eventId);
    EXPECT_EQ(report->eventsRedacted, 3);
    for (const char *gone : {"Jeanne", "Dupont", "j.dupont", "Martin"}) EXPECT_FALSE(anyPayloadHolds(gone)) << gone;
    auto donor = getDonor(*db, 1).value();
    EXPECT_EQ(donor.name, "individual donor #1");
    EXPECT_EQ(donor.email, "");
    EXPECT_EQ(donor.kind, DonorKind::Individual);
    EXPECT_EQ(getDonor(*db, 2)->name, "Acme SA") << "a company is no person";
    EXPECT_EQ(getSchool(*db, "0750655E")->contact, "");
    auto first = listEvents(*db, "donor", "1").value().front();
    EXPECT_EQ(first.payload, R"({"_redacted":["email","name"],"kind":"individual"})");
    auto audit = verifyAudit(*db);
    ASSERT_TRUE(audit);
    EXPECT_TRUE(audit->ok()) << audit->chain.problem << (audit->disagreement ? *audit->disagreement : "");
    EXPECT_EQ(audit->chain.redacted, 3);
    // Nothing more is due: a second purge records nothing.
    auto again = purgePersonalData(*db, policy(), later(), false, admin);
    ASSERT_TRUE(again);
    EXPECT_FALSE(again->eventId);
    EXPECT_EQ(again->eventsRedacted, 0);
}

// A site's contact is a person's: past its period the purge removes it, in the table and in the
// site's events, and keeps the site (its name, address, hours, the structures that name it).
TEST_F(Privacy, APurgeRemovesASitesContactPastItsPeriodAndKeepsTheSite) {
    auto kept = purgePersonalData(*db, policy(), later(), false, admin);
    ASSERT_TRUE(kept) << kept.error().message;
    EXPECT_EQ(kept->siteContacts, 0) << "three years by default: not due yet";
    EXPECT_EQ(getSite(*db, "MAIRIE-19")->contact, "Mme Leroy 06 12 34 56 78");
    EXPECT_TRUE(anyPayloadHolds("Mme Leroy"));

    auto p = policy();
    p.siteContactsDays = 0;
    auto dry = purgePersonalData(*db, p, later(), true, admin);
    ASSERT_TRUE(dry) << dry.error().message;
    EXPECT_EQ(dry->siteContacts, 1);
    EXPECT_EQ(dry->siteCodes, std::vector<std::string>{"MAIRIE-19"});
    EXPECT_EQ(getSite(*db, "MAIRIE-19")->contact, "Mme Leroy 06 12 34 56 78") << "a dry run writes nothing";

    auto report = purgePersonalData(*db, p, later(), false, admin);
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_TRUE(report->eventId);
    EXPECT_EQ(report->siteContacts, 1);
    EXPECT_FALSE(anyPayloadHolds("Leroy"));
    EXPECT_FALSE(anyPayloadHolds("06 12 34 56 78"));
    auto site = getSite(*db, "MAIRIE-19");
    ASSERT_TRUE(site) << "the site stays";
    EXPECT_EQ(site->contact, "");
    EXPECT_EQ(site->name, "Mairie du 19e");
    EXPECT_EQ(site->address, "5 place Armand Carrel");
    EXPECT_EQ(site->hours, "mar. 16h-18h");
    auto created = listEvents(*db, "site", "MAIRIE-19").value().front();
    EXPECT_NE(created.payload.find(R"("_redacted":["contact"])"), std::string::npos) << created.payload;
    EXPECT_NE(created.payload.find("Mairie du 19e"), std::string::npos) << created.payload;
    auto audit = verifyAudit(*db);
    ASSERT_TRUE(audit);
    EXPECT_TRUE(audit->ok()) << audit->chain.problem << (audit->disagreement ? *audit->disagreement : "");
    // Nothing more is due for it.
    auto again = purgePersonalData(*db, p, later(), false, admin);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->siteContacts, 0);
}

TEST_F(Privacy, NothingIsDueBeforeItsPeriodEnds) {
    RetentionPolicy p;  // three years for contacts: the school was updated just now
    p.individualDonorsDays = 100 * 365;
    auto report = purgePersonalData(*db, p, later(), false, admin);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->donors + report->contacts + report->eventsRedacted, 0);
    EXPECT_TRUE(anyPayloadHolds("Jeanne Dupont"));
}

TEST_F(Privacy, ARedactionByHandIsABrokenChain) {
    // The marker looks right, but no purge records it.
    db->exec(R"(UPDATE events SET payload = '{"_redacted":["serial"]}' WHERE id = 4)");
    auto audit = verifyAudit(*db);
    ASSERT_TRUE(audit);
    ASSERT_TRUE(audit->chain.firstBrokenId);
    EXPECT_EQ(*audit->chain.firstBrokenId, 4);
    EXPECT_NE(audit->chain.problem.find("no privacy_purged event records"), std::string::npos) << audit->chain.problem;
}

TEST_F(Privacy, OnlyAnAdminPurges) {
    auto refused = purgePersonalData(*db, policy(), later(), false, Actor{"c", Role::Coordinator});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::Forbidden);
    EXPECT_TRUE(anyPayloadHolds("Jeanne Dupont"));
}

TEST(RetentionPolicy, ParsesDaysAndNamesTheBadLine) {
    auto p = parseRetentionPolicy("# kept\nindividual_donors = 730\ncontacts=30  # short\n\ndonor_list_fields = 0\n");
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->individualDonorsDays, 730);
    EXPECT_EQ(p->contactsDays, 30);
    EXPECT_EQ(p->donorListFieldsDays, 0);
    auto unknown = parseRetentionPolicy("contacts = 30\nemployees = 10\n");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().message,
              "retention, line 2: unknown key 'employees' (individual_donors, contacts, donor_list_fields, site_contacts)");
    auto sites = parseRetentionPolicy("site_contacts = 90\n");
    ASSERT_TRUE(sites) << sites.error().message;
    EXPECT_EQ(sites->siteContactsDays, 90);
    auto days = parseRetentionPolicy("contacts = soon\n");
    ASSERT_FALSE(days);
    EXPECT_NE(days.error().message.find("'soon' is not a number of days"), std::string::npos);
}
