// The audit trail and personal data over HTTP: the head (shown, and downloaded as an anchor),
// the export, a verification followed to its report (and what a wrong anchor or a broken row
// makes of it), and the retention purge (a dry run listing what would go; the purge itself only
// for an admin, only confirmed).
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <thread>

#include <reemploi/inventory/Donors.hpp>

#include "app/http/ApiServer.hpp"

using namespace reemploi;
using namespace reemploi::test;

namespace {

// Polls the verification until it is no longer running (each poll is an answer, not a sleep
// before an assertion), within a bound.
Poco::JSON::Object::Ptr finished(ApiClient &c, const std::string &id) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
        auto r = c.get("/api/audit/verifications/" + id);
        EXPECT_EQ(r.status, 200) << r.body;
        if (r.status != 200) return nullptr;
        auto job = r.json();
        if (job->getValue<std::string>("state") != "running") return job;
        if (std::chrono::steady_clock::now() > until) {
            ADD_FAILURE() << "the verification is still running: " << r.body;
            return nullptr;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

}  // namespace

TEST(AuditApi, TheHeadIsShownAndDownloadedAsAnAnchor) {
    ApiServer api;
    auto cora = api.as("cora");
    auto r = cora.get("/api/audit/head");
    ASSERT_EQ(r.status, 200) << r.body;
    auto head = r.json();
    auto id = head->getValue<std::int64_t>("id");
    auto hash = head->getValue<std::string>("hash");
    EXPECT_GT(id, 0);
    EXPECT_EQ(head->getValue<std::string>("anchor"), std::to_string(id) + ":" + hash);
    auto file = cora.get("/api/audit/head?download=1");
    ASSERT_EQ(file.status, 200);
    EXPECT_NE(file.headers["Content-Disposition"].find("attachment"), std::string::npos);
    EXPECT_NE(file.body.find(std::to_string(id) + ":" + hash), std::string::npos) << file.body;
    // The file is what verify takes back as a witness.
    auto check = cora.post("/api/audit/verifications", json::Object().set("witnesses", file.body).str());
    ASSERT_EQ(check.status, 202) << check.body;
    auto job = finished(cora, check.json()->getValue<std::string>("id"));
    ASSERT_TRUE(job);
    EXPECT_TRUE(job->getValue<bool>("ok")) << check.body;
    EXPECT_EQ(job->getObject("report")->getValue<int>("anchors_checked"), 1);
    EXPECT_EQ(api.as("tom").get("/api/audit/head").status, 403);
}

TEST(AuditApi, TheExportHoldsEveryEventAfterSince) {
    ApiServer api;
    auto cora = api.as("cora");
    auto head = cora.get("/api/audit/head").json()->getValue<std::int64_t>("id");
    auto all = cora.get("/api/audit/export");
    ASSERT_EQ(all.status, 200);
    std::istringstream in(all.body);
    std::string line;
    std::int64_t lines = 0;
    while (std::getline(in, line)) ++lines;
    EXPECT_EQ(lines, head);
    EXPECT_EQ(all.headers["X-Events"], std::to_string(head));
    auto tail = cora.get("/api/audit/export?since=" + std::to_string(head - 1));
    EXPECT_EQ(tail.headers["X-Events"], "1");
    auto bad = cora.get("/api/audit/export?since=-3");
    EXPECT_EQ(bad.status, 422);
    EXPECT_EQ(bad.json()->getObject("error")->getValue<std::string>("field"), "since");
}

TEST(AuditApi, AVerificationReportsProgressThenTheChainAndTheReplay) {
    ApiServer api;
    auto cora = api.as("cora");
    auto started = cora.post("/api/audit/verifications", "{}");
    ASSERT_EQ(started.status, 202) << started.body;
    auto job = finished(cora, started.json()->getValue<std::string>("id"));
    ASSERT_TRUE(job);
    EXPECT_EQ(job->getValue<std::string>("state"), "done");
    EXPECT_EQ(job->getValue<int>("percent"), 100);
    EXPECT_TRUE(job->getValue<bool>("ok"));
    auto report = job->getObject("report");
    EXPECT_TRUE(report->getValue<bool>("replayed"));
    auto head = cora.get("/api/audit/head").json()->getValue<std::int64_t>("id");
    EXPECT_EQ(report->getValue<std::int64_t>("checked"), head);
}

TEST(AuditApi, AWrongAnchorIsAFaultAndAMalformedOneIsRefusedNamingTheLine) {
    ApiServer api;
    auto cora = api.as("cora");
    auto started = cora.post("/api/audit/verifications", R"({"witnesses":"1:)" + std::string(64, 'a') + R"(\n"})");
    ASSERT_EQ(started.status, 202) << started.body;
    auto job = finished(cora, started.json()->getValue<std::string>("id"));
    ASSERT_TRUE(job);
    EXPECT_FALSE(job->getValue<bool>("ok"));
    EXPECT_NE(job->getObject("report")->getValue<std::string>("anchor_problem").find("rewritten"), std::string::npos);
    auto malformed = cora.post("/api/audit/verifications", R"({"witnesses":"# kept\n12:not-a-hash\n"})");
    EXPECT_EQ(malformed.status, 422) << malformed.body;
    auto error = malformed.json()->getObject("error");
    EXPECT_EQ(error->getValue<std::string>("field"), "witnesses");
    EXPECT_NE(error->getValue<std::string>("message").find("line 2"), std::string::npos) << malformed.body;
    EXPECT_EQ(cora.get("/api/audit/verifications/999").status, 404);
}

TEST(AuditApi, AVerificationFindsARowChangedBehindTheTrail) {
    ApiServer api;
    auto cora = api.as("cora");
    api.db()->exec("UPDATE donors SET name = 'Someone else' WHERE id = 1");
    api.db()->exec("UPDATE events SET actor = 'mallory' WHERE id = 2");
    auto started = cora.post("/api/audit/verifications", "{}");
    auto job = finished(cora, started.json()->getValue<std::string>("id"));
    ASSERT_TRUE(job);
    EXPECT_FALSE(job->getValue<bool>("ok"));
    EXPECT_EQ(job->getObject("report")->getValue<std::int64_t>("first_broken_id"), 2);
}

TEST(AuditApi, ThePurgeListsWhatItWouldRemoveThenNeedsAnAdminAndAConfirmation) {
    ApiServer api;
    {
        auto db = api.db();
        inventory::Actor a{"setup", inventory::Role::Admin, ""};
        auto donor = inventory::addDonor(*db, {"Jeanne Martin", inventory::DonorKind::Individual, "jeanne@example.org"}, a).value();
        inventory::addDonation(*db, {donor.id, "2020-01-10", "Lyon", ""}, a).value();
    }
    const std::string retention = R"("retention":"individual_donors = 30\n")";
    EXPECT_EQ(api.as("cora").post("/api/privacy/purge", "{" + retention + "}").status, 403);
    auto ada = api.as("ada");
    auto dry = ada.post("/api/privacy/purge", "{" + retention + "}");
    ASSERT_EQ(dry.status, 200) << dry.body;
    auto report = dry.json();
    EXPECT_TRUE(report->getValue<bool>("dry_run"));
    EXPECT_EQ(report->getValue<int>("donors"), 1);
    EXPECT_EQ(report->getArray("donor_ids")->size(), 1u);
    EXPECT_GT(report->getValue<int>("events_redacted"), 0);
    // Without the confirmation, nothing is written.
    auto unconfirmed = ada.post("/api/privacy/purge", R"({"dry_run":false,)" + retention + "}");
    EXPECT_EQ(unconfirmed.status, 422);
    EXPECT_EQ(unconfirmed.json()->getObject("error")->getValue<std::string>("field"), "confirm");
    EXPECT_EQ(inventory::getDonor(*api.db(), report->getArray("donor_ids")->getElement<int>(0)).value().name, "Jeanne Martin");
    auto purged = ada.post("/api/privacy/purge", R"({"dry_run":false,"confirm":true,)" + retention + "}");
    ASSERT_EQ(purged.status, 200) << purged.body;
    EXPECT_FALSE(purged.json()->getValue<bool>("dry_run"));
    EXPECT_NE(inventory::getDonor(*api.db(), report->getArray("donor_ids")->getElement<int>(0)).value().name, "Jeanne Martin");
    auto bad = ada.post("/api/privacy/purge", R"({"retention":"forever = 3\n"})");
    EXPECT_EQ(bad.status, 422);
    EXPECT_EQ(bad.json()->getObject("error")->getValue<std::string>("field"), "retention");
    // The trail still verifies after the purge.
    auto started = api.as("cora").post("/api/audit/verifications", "{}");
    auto cora = api.as("cora");
    auto job = finished(cora, started.json()->getValue<std::string>("id"));
    ASSERT_TRUE(job);
    EXPECT_TRUE(job->getValue<bool>("ok"));
}
