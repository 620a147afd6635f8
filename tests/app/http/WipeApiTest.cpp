// Wipes over HTTP against the real server and real files: live progress and results on the event
// hub, cancellation, refusals, the certificate, and the server stopping mid-wipe.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <unistd.h>

#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Sanitization.hpp>

#include "app/http/ApiServer.hpp"
#include "services/DonorLinks.hpp"
#include "support/Tools.hpp"

using namespace reemploi;
using namespace reemploi::test;

namespace {

void randomFile(const std::string &path, std::size_t bytes) {
    std::mt19937_64 rng(42);
    std::string data(bytes, '\0');
    for (auto &c : data) c = static_cast<char>(rng());
    std::ofstream(path, std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size()));
}

// A sparse file: its wipe lasts long enough to be cancelled midway.
std::string sparseFile(const std::string &path, std::uint64_t size) {
    { std::ofstream(path).flush(); }
    EXPECT_EQ(::truncate(path.c_str(), static_cast<off_t>(size)), 0);
    return path;
}

class WipeApi : public ::testing::Test {
protected:
    WipeApi() : api([](app::http::ServerConfig &c) {
                    c.wipeFileTargets = true;
                    c.workshop = "Atelier Réemploi";
                }) {}

    std::string addUnit(ApiClient &c, const std::string &serial) {
        auto r = c.post("/api/units", R"({"donation":)" + std::to_string(api.donation) + R"(,"kind":"laptop","make":"Dell","serial":")" +
                                          serial + R"("})");
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json()->getValue<std::string>("tag");
    }
    std::string startBody(const std::string &target, const std::string &tag, const std::string &method = "clear-zero") {
        return R"({"targets":[{"target":")" + target + R"(","unit":")" + tag + R"(","medium":"new"}],"method":")" + method +
               R"(","verify":"full"})";
    }
    static bool isResultOf(const app::http::LiveEvent &e, const std::string &session) {
        return e.name == "wipe-result" && parseJson(e.data)->getValue<std::string>("session") == session;
    }

    ApiServer api;
};

}  // namespace

TEST_F(WipeApi, AWipeShowsItsProgressLiveThenPassesWithACertificate) {
    auto c = api.as("tom");
    auto tag = addUnit(c, "WIPE-API-1");
    auto target = api.dir.dir + "/disk.img";
    randomFile(target, 8 << 20);
    auto sub = api.server->state().events.subscribe();

    auto started = c.post("/api/wipes", startBody(target, tag));
    ASSERT_EQ(started.status, 201) << started.body;
    auto session = started.json()->getValue<std::string>("id");
    EXPECT_EQ(started.json()->getArray("targets")->getObject(0)->getValue<std::string>("unit"), tag);

    std::optional<Poco::JSON::Object::Ptr> lastProgress;
    auto result = waitForEvent(*sub, [&](const app::http::LiveEvent &e) { return isResultOf(e, session); }, std::chrono::seconds(120),
                               [&](const app::http::LiveEvent &e) {
                                   if (e.name == "wipe-progress" && parseJson(e.data)->getValue<std::string>("session") == session)
                                       lastProgress = parseJson(e.data);
                               });
    ASSERT_TRUE(result) << "no wipe-result event";
    ASSERT_TRUE(lastProgress) << "no wipe-progress event";
    EXPECT_DOUBLE_EQ((*lastProgress)->getValue<double>("percent"), 100.0);
    EXPECT_EQ((*lastProgress)->getValue<std::string>("target"), target);
    EXPECT_EQ((*lastProgress)->getValue<int>("index"), 0);

    auto r = parseJson(result->data);
    EXPECT_EQ(r->getValue<std::string>("result"), "passed") << result->data;
    auto certificate = r->getValue<std::string>("certificate_id");
    EXPECT_EQ(certificate.rfind("RC-", 0), 0u) << certificate;

    // Every byte is now zero.
    std::ifstream in(target, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(bytes.find_first_not_of('\0'), std::string::npos);

    // The certificate as issued, signed by the workshop's key.
    auto cert = c.get("/api/certificates/" + certificate);
    ASSERT_EQ(cert.status, 200) << cert.body;
    EXPECT_NE(cert.body.find(tag), std::string::npos);
    EXPECT_EQ(cert.headers["X-Signature-Ed25519"].size(), 88u) << "64 bytes in base64";
    auto record = inventory::getSanitizationByCertificate(*api.db(), certificate);
    ASSERT_TRUE(record);
    EXPECT_EQ(cert.body, record->certificateJson);

    // Its PDF, drawn again from the stored text: the bench's download and the donor's.
    auto pdf = c.get("/api/certificates/" + certificate + "/pdf");
    ASSERT_EQ(pdf.status, 200) << pdf.body;
    EXPECT_EQ(pdf.headers["Content-Type"], "application/pdf");
    ASSERT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
    REQUIRE_TOOL("pdftotext", "poppler-utils");
    {
        std::ofstream(api.dir.dir + "/cert.pdf", std::ios::binary) << pdf.body;
    }
    auto text = testsupport::run("pdftotext '" + api.dir.dir + "/cert.pdf' - 2>&1");
    EXPECT_NE(text.find(certificate), std::string::npos) << text;
    // French first, as the donors' reports; English on request.
    EXPECT_NE(text.find("Certificat d'effacement"), std::string::npos) << text;
    EXPECT_NE(text.find("appareil " + tag), std::string::npos) << text;
    EXPECT_EQ(text.find("Serial number"), std::string::npos) << "no English label under the French title: " << text;
    auto english = c.get("/api/certificates/" + certificate + "/pdf?lang=en");
    ASSERT_EQ(english.status, 200) << english.body;
    {
        std::ofstream(api.dir.dir + "/cert-en.pdf", std::ios::binary) << english.body;
    }
    auto englishText = testsupport::run("pdftotext '" + api.dir.dir + "/cert-en.pdf' - 2>&1");
    EXPECT_NE(englishText.find("Sanitization certificate"), std::string::npos) << englishText;
    EXPECT_NE(englishText.find("unit " + tag), std::string::npos) << englishText;
    EXPECT_EQ(c.get("/api/certificates/RC-20260101-00000000/pdf").status, 404);
    inventory::Actor coordinator{"coord", inventory::Role::Coordinator};
    auto link = app::donorlinks::createLink(*api.db(), api.donation, std::chrono::hours(1), coordinator).value();
    auto donorPdf = ApiClient(api.server->port()).get("/api/donor/" + link.token + "/certificates/" + certificate + "/pdf");
    ASSERT_EQ(donorPdf.status, 200) << donorPdf.body;
    EXPECT_EQ(donorPdf.headers["Content-Disposition"], "attachment; filename=\"" + certificate + ".pdf\"");
    // Another donation's link learns nothing of this certificate.
    auto other = inventory::addDonation(*api.db(), {1, "2026-11-21", "Lyon", ""}, coordinator).value();
    auto otherLink = app::donorlinks::createLink(*api.db(), other.id, std::chrono::hours(1), coordinator).value();
    EXPECT_EQ(ApiClient(api.server->port()).get("/api/donor/" + otherLink.token + "/certificates/" + certificate + "/pdf").status, 404);
    EXPECT_EQ(ApiClient(api.server->port()).get("/api/donor/" + otherLink.token + "/certificates/" + certificate).status, 404);

    // The session, once finished, says so with the target's result.
    ASSERT_TRUE(waitForEvent(*sub, [&](const app::http::LiveEvent &e) { return e.name == "wipe-finished"; }));
    auto read = c.get("/api/wipes/" + session);
    ASSERT_EQ(read.status, 200);
    EXPECT_EQ(read.json()->getValue<std::string>("status"), "finished");
    EXPECT_EQ(read.json()->getArray("targets")->getObject(0)->getValue<std::string>("state"), "passed");
    auto all = c.get("/api/wipes");
    EXPECT_NE(all.body.find("\"id\":\"" + session + "\""), std::string::npos) << all.body;
}

TEST_F(WipeApi, ACancelledWipeIsRecordedInterrupted) {
    auto c = api.as("tom");
    auto tag = addUnit(c, "WIPE-API-2");
    auto target = sparseFile(api.dir.dir + "/big.img", 4ULL << 30);
    auto sub = api.server->state().events.subscribe();
    auto started = c.post("/api/wipes", startBody(target, tag, "clear-random"));
    ASSERT_EQ(started.status, 201) << started.body;
    auto session = started.json()->getValue<std::string>("id");
    ASSERT_TRUE(waitForEvent(*sub, [&](const app::http::LiveEvent &e) {
        return e.name == "wipe-progress" && parseJson(e.data)->getValue<std::uint64_t>("bytes_done") > 0;
    }));

    auto wrongTarget = c.post("/api/wipes/" + session + "/cancel", R"({"target":"/dev/nothing"})");
    EXPECT_EQ(wrongTarget.status, 422) << wrongTarget.body;
    auto cancelled = c.post("/api/wipes/" + session + "/cancel", R"({"target":")" + target + R"("})");
    ASSERT_EQ(cancelled.status, 200) << cancelled.body;

    auto result = waitForEvent(*sub, [&](const app::http::LiveEvent &e) { return isResultOf(e, session); });
    ASSERT_TRUE(result);
    auto r = parseJson(result->data);
    EXPECT_EQ(r->getValue<std::string>("result"), "interrupted") << result->data;
    EXPECT_TRUE(r->isNull("certificate_id") || !r->has("certificate_id"));
    auto records = inventory::listSanitization(*api.db(), tag).value();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].result, inventory::SanitizationResult::Interrupted);
    ASSERT_TRUE(waitForEvent(*sub, [&](const app::http::LiveEvent &e) { return e.name == "wipe-finished"; }));
    EXPECT_EQ(c.post("/api/wipes/" + session + "/cancel", "{}").status, 409);
}

TEST_F(WipeApi, TheDatabaseIsNeverATargetAndBadRequestsNameTheirField) {
    auto c = api.as("tom");
    auto tag = addUnit(c, "WIPE-API-3");
    auto refused = c.post("/api/wipes", startBody(api.dir.path, tag));
    EXPECT_EQ(refused.status, 409) << refused.body;
    EXPECT_NE(refused.json()->getObject("error")->getValue<std::string>("message").find("database"), std::string::npos)
        << refused.body;

    auto noTargets = c.post("/api/wipes", R"({"method":"clear-zero","targets":[]})");
    EXPECT_EQ(noTargets.status, 422);
    EXPECT_EQ(noTargets.json()->getObject("error")->getValue<std::string>("field"), "targets");
    auto badMedium = c.post("/api/wipes", R"({"method":"clear-zero","targets":[{"target":"x.img","unit":")" + tag +
                                              R"(","medium":"yesterday"}]})");
    EXPECT_EQ(badMedium.status, 422);
    EXPECT_EQ(badMedium.json()->getObject("error")->getValue<std::string>("field"), "targets[0].medium");
    auto noUnit = c.post("/api/wipes", R"({"method":"clear-zero","targets":[{"target":"x.img"}]})");
    EXPECT_EQ(noUnit.status, 422);
    EXPECT_EQ(noUnit.json()->getObject("error")->getValue<std::string>("field"), "targets[0].unit");
    auto badVerify = c.post("/api/wipes", R"({"method":"clear-zero","verify":"none","targets":[]})");
    EXPECT_EQ(badVerify.status, 422);
    EXPECT_EQ(c.get("/api/wipes/42").status, 404);
    EXPECT_EQ(c.get("/api/certificates/RC-20260101-00000000").status, 404);
    auto methods = c.get("/api/wipe-methods");
    EXPECT_EQ(methods.status, 200);
    EXPECT_NE(methods.body.find("clear-zero"), std::string::npos);
    EXPECT_TRUE(inventory::listSanitization(*api.db(), tag).value().empty());
}

TEST(WipeApiDrives, AServerOfDrivesRefusesRegularFiles) {
    ApiServer api;  // wipe.file_targets off: the production default
    auto c = api.as("tom");
    auto unit = c.post("/api/units", R"({"donation":)" + std::to_string(api.donation) + R"(,"kind":"laptop","serial":"F-1"})");
    ASSERT_EQ(unit.status, 201);
    auto target = api.dir.dir + "/disk.img";
    randomFile(target, 1 << 20);
    auto r = c.post("/api/wipes", R"({"method":"clear-zero","targets":[{"target":")" + target + R"(","unit":")" +
                                      unit.json()->getValue<std::string>("tag") + R"(","medium":"new"}]})");
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_NE(r.body.find("regular file"), std::string::npos) << r.body;
}

// Stopping the server (SIGTERM in `reemploi serve`) cancels running wipes and waits until each is
// recorded `interrupted`, with its result published.
TEST_F(WipeApi, StoppingTheServerRecordsRunningWipesInterrupted) {
    auto c = api.as("tom");
    auto tag = addUnit(c, "WIPE-API-4");
    auto target = sparseFile(api.dir.dir + "/big.img", 4ULL << 30);
    auto sub = api.server->state().events.subscribe();
    auto started = c.post("/api/wipes", startBody(target, tag, "clear-random"));
    ASSERT_EQ(started.status, 201) << started.body;
    ASSERT_TRUE(waitForEvent(*sub, [&](const app::http::LiveEvent &e) {
        return e.name == "wipe-progress" && parseJson(e.data)->getValue<std::uint64_t>("bytes_done") > 0;
    }));
    api.server->stop();
    auto records = inventory::listSanitization(*api.db(), tag).value();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].result, inventory::SanitizationResult::Interrupted);
    EXPECT_FALSE(records[0].endedAt.empty());
    EXPECT_TRUE(records[0].lastLba.has_value());
    EXPECT_EQ(api.server->state().wipes->running(), 0u);
}
