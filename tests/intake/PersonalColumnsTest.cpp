// Personal-looking columns of a donor's list: dropped with a notice unless kept; other unknown
// columns kept as donor fields outside the audit trail, the unit's event carrying their hash.
#include <gtest/gtest.h>

#include <reemploi/intake/DonorListImport.hpp>
#include <reemploi/intake/PersonalColumns.hpp>
#include <reemploi/inventory/AuditLog.hpp>

#include "inventory/InventoryFixture.hpp"

using namespace reemploi;
using namespace reemploi::intake;

TEST(PersonalColumns, NamesOfPeopleAndWaysToReachThemLookPersonal) {
    for (const char *h : {"Nom", "Prénom", "Utilisateur", "Assigned To", "Affecté à", "E-mail", "Courriel", "Téléphone",
                          "Tel.", "Agent", "Employee", "Employé", "User", "Login", "Owner", "Contact", "Full Name"})
        EXPECT_TRUE(looksPersonal(h)) << h;
    for (const char *h : {"Couleur", "Purchase Cost", "Model No.", "Asset Name", "Computer name", "Hostname", "Entité",
                          "Location", "Statut", "Date d'achat", "Fournisseur"})
        EXPECT_FALSE(looksPersonal(h)) << h;
}

class PersonalColumnsImport : public test::InventoryFixture {
protected:
    void SetUp() override {
        InventoryFixture::SetUp();
        if (IsSkipped()) return;  // no server for a pg: test
        donation = makeDonation();
    }
    Result<ImportReport> import(std::vector<std::string> keep = {}) {
        ImportOptions options;
        options.donationId = donation;
        options.keepColumns = std::move(keep);
        return importDonorList(*db, kList, options, actor);
    }
    bool anyPayloadHolds(const std::string &text) {
        auto events = inventory::listEvents(*db);
        EXPECT_TRUE(events);
        for (const auto &e : *events)
            if (e.payload.find(text) != std::string::npos) return true;
        return false;
    }
    static constexpr const char *kList =
        "Serial;Modèle;Utilisateur;E-mail;Téléphone;Assigned To;Couleur\n"
        "SN-1;Latitude 5490;Claire Moreau;c.moreau@acme.example;06 12 34 56 78;Claire Moreau;gris\n";
    std::int64_t donation = 0;
};

TEST_F(PersonalColumnsImport, PersonalColumnsAreDroppedWithANoticeAndNeverReachTheTrail) {
    auto r = import();
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->created, 1u);
    EXPECT_EQ(r->droppedColumns, (std::vector<std::string>{"Utilisateur", "E-mail", "Téléphone", "Assigned To"}));
    EXPECT_NE(r->json().find(R"("dropped_columns":["Utilisateur","E-mail","Téléphone","Assigned To"])"), std::string::npos);
    auto unit = inventory::getUnit(*db, r->tags.at(0)).value();
    EXPECT_EQ(unit.notes, "");
    EXPECT_EQ(inventory::donorFieldsJson(*db, unit.tag).value(), R"({"Couleur":"gris"})");
    for (const char *gone : {"Moreau", "c.moreau", "06 12", "gris"}) EXPECT_FALSE(anyPayloadHolds(gone)) << gone;
    // The event carries SHA-256(salt || fields) of the donor fields, checkable while they are kept.
    auto st = db->prepare("SELECT salt, fields FROM unit_donor_fields");
    ASSERT_TRUE(st->step());
    EXPECT_TRUE(anyPayloadHolds("\"donor_fields_sha256\":\"" + inventory::sha256Hex(st->getText(0) + st->getText(1)) + "\""));
    EXPECT_TRUE(inventory::verifyAudit(*db)->ok());
}

TEST_F(PersonalColumnsImport, AColumnNamedByKeepColumnIsKeptAsADonorField) {
    auto r = import({"téléphone"});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->droppedColumns, (std::vector<std::string>{"Utilisateur", "E-mail", "Assigned To"}));
    EXPECT_EQ(inventory::donorFieldsJson(*db, r->tags.at(0)).value(), R"({"Couleur":"gris","Téléphone":"06 12 34 56 78"})");
}
