// Donors' reports as the application hands them out: the PDF (its text read back with pdftotext:
// every serial, no family reference, no trainee's name; the unit table across pages with its
// header repeated; page numbers), the signature checked by openssl alone, the e-mail through a
// real SMTP server (Debian's python3-aiosmtpd on a loopback port), refused and unreachable
// servers, the command line and the HTTP routes.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/StreamCopier.h>

#include <reemploi/diagnostics/storage/Certificate.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Lifecycle.hpp>
#include <reemploi/inventory/Migrations.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Schools.hpp>
#include <reemploi/inventory/Units.hpp>
#include <reemploi/inventory/allocation/AllocationService.hpp>

#include "app/RunReemploi.hpp"
#include "app/http/ApiClient.hpp"
#include "http/Server.hpp"
#include "services/Accounts.hpp"
#include "services/DonorLinks.hpp"
#include "services/DonorReports.hpp"
#include "support/Tools.hpp"

using namespace reemploi;
using namespace reemploi::inventory;
using namespace std::chrono_literals;

namespace {

const std::string kFamily = "FAM-SECRET-77";
const std::string kTrainee = "Alice Martin";
const std::string kPython = "/usr/bin/python3";  // Debian's, where python3-aiosmtpd is installed

std::string readText(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::optional<std::string> missingAiosmtpd() {
    if (auto missing = testsupport::missingTool(kPython, "python3")) return missing;
    if (testsupport::run(kPython + " -c 'import aiosmtpd; print(1)' 2>/dev/null") != "1")
        return std::string("the python module aiosmtpd is not installed (Debian package python3-aiosmtpd; scripts/bootstrap installs it)");
    return std::nullopt;
}

// A loopback port nothing listens on (bound, then released).
int freePort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

bool accepts(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = ::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

// Waits for `ready` (polled, with a deadline): the event itself, never a fixed sleep.
template <class F>
bool waitFor(F ready, std::chrono::seconds limit = 30s) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        if (ready()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return ready();
}

// aiosmtpd on a loopback port: Mailbox writes each message to DIR/new (a Maildir), or a handler
// that refuses every recipient.
class SmtpServer {
public:
    // `tlsCert`/`tlsKey`: the server offers STARTTLS (and requires it) with that certificate.
    SmtpServer(const std::string &dir, bool refuse, const std::string &tlsCert = {}, const std::string &tlsKey = {})
        : port(freePort()), maildir(dir + "/maildir") {
        std::string handlerDir = dir + "/handlers";
        std::filesystem::create_directories(handlerDir);
        std::ofstream(handlerDir + "/refusing.py") << "class Refusing:\n"
                                                      "    async def handle_RCPT(self, server, session, envelope, address, options):\n"
                                                      "        return '550 5.1.1 no such mailbox'\n";
        std::string listen = "127.0.0.1:" + std::to_string(port);
        _pid = ::fork();
        if (_pid == 0) {
            ::setenv("PYTHONPATH", handlerDir.c_str(), 1);
            // The server's log (a refused handshake is logged there) goes to a file, not the test's output.
            if (FILE *log = std::fopen((dir + "/aiosmtpd.log").c_str(), "a")) ::dup2(::fileno(log), 2);
            std::vector<std::string> args = {kPython, "-m", "aiosmtpd", "-n", "-l", listen};
            if (!tlsCert.empty()) args.insert(args.end(), {"--tlscert", tlsCert, "--tlskey", tlsKey});
            if (refuse) args.insert(args.end(), {"-c", "refusing.Refusing"});
            else args.insert(args.end(), {"-c", "aiosmtpd.handlers.Mailbox", maildir});
            std::vector<char *> argv;
            for (auto &a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(kPython.c_str(), argv.data());
            ::_exit(127);
        }
        started = waitFor([&] { return accepts(port); });
    }
    ~SmtpServer() {
        if (_pid > 0) {
            ::kill(_pid, SIGTERM);
            ::waitpid(_pid, nullptr, 0);
        }
    }
    std::vector<std::string> messages() const {
        std::vector<std::string> out;
        std::error_code ec;
        for (const auto &e : std::filesystem::directory_iterator(maildir + "/new", ec)) out.push_back(e.path().string());
        return out;
    }
    int port;
    std::string maildir;
    bool started = false;

private:
    pid_t _pid = -1;
};

// The attachments of a message, decoded, by file name.
class Attachments : public Poco::Net::PartHandler {
public:
    void handlePart(const Poco::Net::MessageHeader &header, std::istream &stream) override {
        std::string disposition = header.get("Content-Disposition", "");
        std::string value;
        Poco::Net::NameValueCollection params;
        Poco::Net::MessageHeader::splitParameters(disposition, value, params);
        std::string body;
        Poco::StreamCopier::copyToString(stream, body);
        if (params.has("filename")) files[params.get("filename")] = body;
    }
    std::map<std::string, std::string> files;
};

class Reports : public ::testing::Test {
protected:
    void SetUp() override {
        db = Database::open(dir.path).value();
        ASSERT_TRUE(migrate(*db));
        env = app::reports::loadEnvironment(std::string(REEMPLOI_SOURCE_DIR) + "/deploy/report.conf",
                                            dir.dir + "/keys/workshop-ed25519.pem")
                  .value();
        key = diagnostics::storage::WorkshopKey::loadOrCreate(env.keyPath).value();
        auto donor = addDonor(*db, {"Acme SA", DonorKind::Company, "it@acme.example"}, actor).value();
        donation = addDonation(*db, {donor.id, "2026-11-20", "Lyon", ""}, actor).value().id;
        ASSERT_TRUE(saveSchools(*db, {{"0750655E", "École Jean Jaurès", "Paris", "", true, ""}}, actor));
    }

    NewUnit laptop(const std::string &serial) {
        NewUnit u;
        u.donationId = donation;
        u.kind = UnitKind::Laptop;
        u.make = "Dell";
        u.model = "Latitude 5490";
        u.serial = serial;
        u.donorTag = "ACME-" + serial;
        u.specs.ramMib = 8192;
        u.specs.keyboardLayout = "fr-azerty";
        u.specs.batteryHealthPercent = 90;
        u.storage.push_back({MediumType::Ssd, "SAMSUNG MZ7LN256", "S3Z" + serial, 256'000'000'000});
        return u;
    }

    // A passed wipe with a certificate signed by the workshop's key, naming the trainee.
    void wipe(const Unit &unit) {
        diagnostics::storage::CertificateFields f;
        f.id = diagnostics::storage::newCertificateId();
        f.issuedAt = f.startedAt = f.endedAt = nowUtc();
        f.workshop = "Atelier test";
        f.manufacturer = "Samsung";
        f.model = unit.storage[0].model;
        f.serial = unit.storage[0].serial;
        f.mediaType = "ssd";
        f.capacityBytes = 256'000'000'000;
        f.unitTag = unit.tag;
        f.method = "clear-zero";
        f.methodDescription = "one pass of zeros";
        f.result = "passed";
        f.verificationMethod = "full";
        f.verificationResult = "passed";
        f.sanitizedBy = {kTrainee, "stagiaire, opératrice d'effacement", "Lyon", ""};
        f.verifiedBy = f.sanitizedBy;
        auto issued = diagnostics::storage::issueCertificate(f, key).value();
        SanitizationRecord r;
        r.mediumId = unit.storage.at(0).id;
        r.method = "clear-zero";
        r.level = SanitizationLevel::Clear;
        r.result = SanitizationResult::Passed;
        r.verification = "full";
        r.startedAt = r.endedAt = f.endedAt;
        r.certificateId = f.id;
        r.certificateJson = issued.json;
        ASSERT_TRUE(recordSanitization(*db, r, actor));
    }

    void to(const std::string &tag, UnitStatus s) { ASSERT_TRUE(setStatus(*db, tag, s, "test", actor)); }

    // Intake, wipe, allocation, delivery of the first; the second recycled; `more` units in the works.
    void chain(int more) {
        auto reused = addUnit(*db, laptop("SNREUSE1"), actor).value();
        wipe(reused);
        to(reused.tag, UnitStatus::Diagnosed);
        to(reused.tag, UnitStatus::Wiped);
        UnitPatch grade;
        grade.grade = Grade::B;
        ASSERT_TRUE(updateUnit(*db, reused.tag, grade, actor));
        to(reused.tag, UnitStatus::Ready);
        NewNeed need;
        need.uai = "0750655E";
        need.family = kFamily;
        need.grades = {allocation::SchoolGrade::CM2};
        ASSERT_TRUE(addNeeds(*db, {need}, actor));
        ASSERT_TRUE(allocation::propose(*db, allocation::Config{}, actor, false));
        ASSERT_TRUE(allocation::confirmProposal(*db, actor));
        ASSERT_TRUE(allocation::recordDelivery(*db, reused.tag, "0750655E/" + kFamily, actor));
        auto recycled = addUnit(*db, laptop("SNRECYC2"), actor).value();
        ASSERT_TRUE(recycleUnit(*db, recycled.tag, "board broken", std::string("BSD-2026-4411"), actor));
        serials = {"SNREUSE1", "SNRECYC2"};
        for (int i = 0; i < more; ++i) {
            serials.push_back("SNWORK" + std::to_string(i));
            ASSERT_TRUE(addUnit(*db, laptop(serials.back()), actor));
        }
    }

    std::string pdfText(const std::string &path, int page = 0) {
        std::string range = page ? " -f " + std::to_string(page) + " -l " + std::to_string(page) : "";
        return testsupport::run("pdftotext -layout" + range + " " + test::shellQuote(path) + " - 2>&1");
    }

    std::int64_t sentEvents() {
        auto st = db->prepare("SELECT COUNT(*) FROM events WHERE action = 'report_sent'");
        st->step();
        return st->getInt(0);
    }

    test::TempDb dir;
    std::unique_ptr<Database> db;
    Actor actor{"cora", Role::Coordinator};
    app::reports::ReportEnvironment env;
    diagnostics::storage::WorkshopKey key;
    std::int64_t donation = 0;
    std::vector<std::string> serials;
};

TEST_F(Reports, ThePdfHasEveryUnitNoFamilyAndRepeatsItsTableHeaderOnEveryPage) {
    REQUIRE_TOOL("pdftotext", "poppler-utils");
    chain(60);
    auto files = app::reports::exportReport(*db, {donation, std::nullopt, {}, {}}, app::reports::Format::Pdf,
                                            reports::Lang::Fr, dir.dir + "/rapport.pdf", env);
    ASSERT_TRUE(files) << files.error().message;
    EXPECT_EQ(files->json, dir.dir + "/rapport.json");
    EXPECT_EQ(readText(files->document).rfind("%PDF-", 0), 0u);
    std::string text = pdfText(files->document);
    for (const auto &serial : serials) EXPECT_NE(text.find(serial), std::string::npos) << serial;
    EXPECT_EQ(text.find(kFamily), std::string::npos);
    EXPECT_EQ(text.find(kTrainee), std::string::npos);
    // The school by name and town (a table cell may wrap the name).
    EXPECT_NE(text.find("Jaurès (Paris)"), std::string::npos) << text;
    EXPECT_NE(text.find("BSD-2026-4411"), std::string::npos);
    EXPECT_NE(text.find("Rapport de traçabilité"), std::string::npos);
    EXPECT_NE(text.find("librairie.ademe.fr"), std::string::npos) << "the impact factors' source is stated";
    EXPECT_NE(text.find("openssl pkeyutl -verify"), std::string::npos);
    EXPECT_NE(text.find(files->sha256), std::string::npos);
    // Pages: numbered "Page N sur T"; the unit table continues over pages, its header on each.
    int pages = std::stoi(testsupport::run("pdfinfo " + test::shellQuote(files->document) + " | awk '/^Pages:/ {print $2}'"));
    ASSERT_GE(pages, 5);
    EXPECT_NE(pdfText(files->document, pages).find("Page " + std::to_string(pages) + " sur " + std::to_string(pages)),
              std::string::npos);
    int withHeader = 0;
    for (int p = 1; p <= pages; ++p) withHeader += pdfText(files->document, p).find("Notre") != std::string::npos;
    EXPECT_GE(withHeader, 2) << "the unit table's header is drawn on each page it covers";
    // In English on request.
    auto english = app::reports::exportReport(*db, {donation, std::nullopt, {}, {}}, app::reports::Format::Pdf,
                                              reports::Lang::En, dir.dir + "/report-en.pdf", env);
    ASSERT_TRUE(english);
    auto englishText = pdfText(english->document);
    EXPECT_NE(englishText.find("Traceability report"), std::string::npos);
    EXPECT_NE(englishText.find("Page 1 of"), std::string::npos);
}

TEST_F(Reports, TheSignedJsonIsCheckedByOpensslAlone) {
    REQUIRE_TOOL("openssl", "openssl");
    chain(0);
    auto files = app::reports::exportReport(*db, {donation, std::nullopt, {}, {}}, app::reports::Format::Json,
                                            reports::Lang::Fr, dir.dir + "/rapport.json", env);
    ASSERT_TRUE(files) << files.error().message;
    EXPECT_EQ(files->sig, dir.dir + "/rapport.json.sig");
    std::ofstream(dir.dir + "/workshop.pem") << key.publicPem();
    auto verify = [&](const std::string &json) {
        return testsupport::run("cd " + test::shellQuote(dir.dir) + " && openssl pkeyutl -verify -pubin -inkey workshop.pem -rawin -in " +
                                json + " -sigfile rapport.json.sig 2>&1");
    };
    EXPECT_EQ(verify("rapport.json"), "Signature Verified Successfully");
    // The public key and the command are in the report itself.
    std::string json = readText(files->json);
    EXPECT_NE(json.find("openssl pkeyutl -verify -pubin -inkey workshop.pem -rawin"), std::string::npos);
    EXPECT_NE(json.find(key.fingerprint()), std::string::npos);
    // A changed byte no longer verifies.
    std::string forged = json;
    forged.replace(forged.find("BSD-2026-4411"), 13, "BSD-2026-4412");
    std::ofstream(dir.dir + "/forged.json", std::ios::binary) << forged;
    EXPECT_NE(verify("forged.json"), "Signature Verified Successfully");
}

TEST_F(Reports, AnEmailArrivesWithThePdfAndTheSignedJsonAndIsRecordedByDomain) {
    REQUIRE_TOOL("pdftotext", "poppler-utils");
    REEMPLOI_SKIP_OR_FAIL_(missingAiosmtpd());
    chain(3);
    SmtpServer smtp(dir.dir, false);
    ASSERT_TRUE(smtp.started) << "aiosmtpd did not start on port " << smtp.port;
    app::reports::SendRequest request{donation, "dpo@acme.example", "smtp://127.0.0.1:" + std::to_string(smtp.port),
                                      reports::Lang::Fr};
    auto sent = app::reports::sendReport(*db, request, env, actor);
    ASSERT_TRUE(sent) << sent.error().message;
    EXPECT_EQ(sent->recipientDomain, "acme.example");
    ASSERT_TRUE(waitFor([&] { return !smtp.messages().empty(); })) << "no message in " << smtp.maildir;
    auto messages = smtp.messages();
    ASSERT_EQ(messages.size(), 1u);
    std::ifstream in(messages[0], std::ios::binary);
    Poco::Net::MailMessage message;
    Attachments parts;
    message.read(in, parts);
    EXPECT_NE(message.get("To", "").find("dpo@acme.example"), std::string::npos);
    ASSERT_EQ(parts.files.size(), 3u);
    const std::string stem = "rapport-don-" + std::to_string(donation);
    ASSERT_TRUE(parts.files.count(stem + ".pdf"));
    ASSERT_TRUE(parts.files.count(stem + ".json"));
    ASSERT_TRUE(parts.files.count(stem + ".json.sig"));
    EXPECT_TRUE(key.verify(parts.files[stem + ".json"], parts.files[stem + ".json.sig"]));
    std::ofstream(dir.dir + "/attached.pdf", std::ios::binary) << parts.files[stem + ".pdf"];
    std::string text = pdfText(dir.dir + "/attached.pdf");
    for (const auto &serial : serials) EXPECT_NE(text.find(serial), std::string::npos) << serial;
    EXPECT_EQ(text.find(kFamily), std::string::npos);
    // Recorded once, with the domain and never the address.
    EXPECT_EQ(sentEvents(), 1);
    auto events = listEvents(*db, "donation", std::to_string(donation)).value();
    ASSERT_EQ(events.back().action, "report_sent");
    EXPECT_NE(events.back().payload.find("\"recipient_domain\":\"acme.example\""), std::string::npos);
    auto all = listEvents(*db);
    ASSERT_TRUE(all);
    for (const auto &e : *all) EXPECT_EQ(e.payload.find("dpo@"), std::string::npos) << e.action;
    auto audit = verifyAudit(*db);
    ASSERT_TRUE(audit);
    EXPECT_TRUE(audit->ok());
}

TEST_F(Reports, StartTlsChecksTheServersCertificate) {
    REQUIRE_TOOL("openssl", "openssl");
    REEMPLOI_SKIP_OR_FAIL_(missingAiosmtpd());
    chain(0);
    // A server certificate for 127.0.0.1, its own CA.
    std::string cert = dir.dir + "/smtp-cert.pem", pkey = dir.dir + "/smtp-key.pem";
    testsupport::run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1"
                     " -keyout " + test::shellQuote(pkey) + " -out " + test::shellQuote(cert) + " 2>&1");
    ASSERT_TRUE(std::filesystem::exists(cert));
    SmtpServer smtp(dir.dir, false, cert, pkey);
    ASSERT_TRUE(smtp.started);
    app::reports::SendRequest request{donation, "dpo@acme.example", "smtp://127.0.0.1:" + std::to_string(smtp.port),
                                      reports::Lang::Fr};
    env.settings.smtp.startTls = true;
    // A certificate nobody vouches for: refused, nothing sent, nothing recorded.
    auto untrusted = app::reports::sendReport(*db, request, env, actor);
    ASSERT_FALSE(untrusted);
    EXPECT_NE(untrusted.error().message.find("SMTP server 127.0.0.1:" + std::to_string(smtp.port)), std::string::npos)
        << untrusted.error().message;
    EXPECT_EQ(sentEvents(), 0);
    EXPECT_TRUE(smtp.messages().empty());
    // Trusted through smtp.ca_file: sent over TLS.
    env.settings.smtp.caFile = cert;
    auto sent = app::reports::sendReport(*db, request, env, actor);
    ASSERT_TRUE(sent) << sent.error().message;
    ASSERT_TRUE(waitFor([&] { return !smtp.messages().empty(); }));
    EXPECT_EQ(sentEvents(), 1);
}

TEST_F(Reports, ARefusingOrUnreachableServerIsAClearErrorAndNothingIsMarkedSent) {
    chain(0);
    // Nothing listens there.
    int closed = freePort();
    app::reports::SendRequest request{donation, "dpo@acme.example", "smtp://127.0.0.1:" + std::to_string(closed), reports::Lang::Fr};
    auto unreachable = app::reports::sendReport(*db, request, env, actor);
    ASSERT_FALSE(unreachable);
    EXPECT_EQ(unreachable.error().code, Errc::Io);
    EXPECT_NE(unreachable.error().message.find("cannot reach the SMTP server 127.0.0.1:" + std::to_string(closed)), std::string::npos)
        << unreachable.error().message;
    EXPECT_EQ(sentEvents(), 0);
    // Bad input is refused before anything is sent.
    request.to = "not an address";
    EXPECT_EQ(app::reports::sendReport(*db, request, env, actor).error().code, Errc::InvalidInput);
    request.to = "dpo@acme.example";
    request.smtpUrl = "http://127.0.0.1:25";
    EXPECT_EQ(app::reports::sendReport(*db, request, env, actor).error().code, Errc::InvalidInput);
    EXPECT_EQ(app::reports::sendReport(*db, request, env, Actor{"tom", Role::Trainee}).error().code, Errc::Forbidden);
    EXPECT_EQ(sentEvents(), 0);

    REEMPLOI_SKIP_OR_FAIL_(missingAiosmtpd());
    SmtpServer refusing(dir.dir, true);
    ASSERT_TRUE(refusing.started);
    request.smtpUrl = "smtp://127.0.0.1:" + std::to_string(refusing.port);
    auto refused = app::reports::sendReport(*db, request, env, actor);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::Refused);
    EXPECT_NE(refused.error().message.find("refused the message"), std::string::npos) << refused.error().message;
    EXPECT_EQ(sentEvents(), 0);
}

TEST_F(Reports, TheCommandLineWritesTheReportAndSaysWhatFailed) {
    chain(1);
    db.reset();
    auto written = test::runReemploi(dir.path, {"report", "donation", std::to_string(donation), "--format", "csv", "-o",
                                                dir.dir + "/r.csv"});
    ASSERT_EQ(written.exitCode, 0) << written.err;
    EXPECT_NE(written.out.find("wrote " + dir.dir + "/r.csv"), std::string::npos);
    EXPECT_EQ(readText(dir.dir + "/r.csv").rfind("\xEF\xBB\xBF", 0), 0u);
    EXPECT_TRUE(std::filesystem::exists(dir.dir + "/r.json.sig"));
    auto donorReport = test::runReemploi(dir.path, {"report", "donor", "1", "--from", "2026-01-01", "--to", "2026-12-31",
                                                    "--format", "html", "--lang", "en", "-o", dir.dir + "/d.html"});
    ASSERT_EQ(donorReport.exitCode, 0) << donorReport.err;
    EXPECT_NE(readText(dir.dir + "/d.html").find("Traceability report"), std::string::npos);
    auto badFormat = test::runReemploi(dir.path, {"report", "donation", "1", "--format", "docx", "-o", dir.dir + "/x"});
    EXPECT_EQ(badFormat.exitCode, 2);
    EXPECT_NE(badFormat.err.find("'docx' is not pdf, html, csv or json"), std::string::npos) << badFormat.err;
    auto unknown = test::runReemploi(dir.path, {"report", "donation", "99", "--format", "json", "-o", dir.dir + "/x"});
    EXPECT_EQ(unknown.exitCode, 2) << unknown.err;
    int closed = freePort();
    auto unreachable = test::runReemploi(dir.path, {"report", "send", std::to_string(donation), "--to", "dpo@acme.example",
                                                    "--smtp", "smtp://127.0.0.1:" + std::to_string(closed)});
    EXPECT_EQ(unreachable.exitCode, 1) << unreachable.err;
    EXPECT_NE(unreachable.err.find("cannot reach the SMTP server"), std::string::npos) << unreachable.err;
    auto badAddress = test::runReemploi(dir.path, {"report", "send", std::to_string(donation), "--to", "dpo"});
    EXPECT_EQ(badAddress.exitCode, 2) << badAddress.err;
    db = Database::open(dir.path).value();
    EXPECT_EQ(sentEvents(), 0);
    // The recycler's receipt option belongs to the recycled status only.
    auto wrongStatus = test::runReemploi(dir.path, {"unit", "set-status", "RE-000003", "ready", "--reason", "x",
                                                    "--recycler-receipt", "BSD-1"});
    EXPECT_EQ(wrongStatus.exitCode, 2);
    EXPECT_NE(wrongStatus.err.find("--recycler-receipt goes with the status recycled"), std::string::npos) << wrongStatus.err;
}

TEST_F(Reports, TheApiServesACoordinatorAndADonorsLinkItsOwnDonationOnly) {
    chain(1);
    ASSERT_TRUE(app::accounts::addUser(*db, {"cora", Role::Coordinator, "correct horse battery", ""}, actor));
    auto other = addDonation(*db, {1, "2026-11-22", "Lyon", ""}, actor).value();
    ASSERT_TRUE(addUnit(*db, [&] { auto u = laptop("SNOTHER9"); u.donationId = other.id; return u; }(), actor));
    auto link = app::donorlinks::createLink(*db, donation, std::chrono::hours(1), actor).value();
    app::http::ServerConfig config;
    config.database = dir.path;
    config.port = 0;
    config.keyPath = env.keyPath;
    app::http::Server server(config);
    ASSERT_TRUE(server.start());
    test::ApiClient coordinator(server.port());
    ASSERT_EQ(coordinator.login("cora", "correct horse battery").status, 200);
    auto json = coordinator.get("/api/donations/" + std::to_string(donation) + "/report?format=json");
    ASSERT_EQ(json.status, 200) << json.body;
    EXPECT_EQ(json.headers["X-Report-SHA256"], sha256Hex(json.body));
    EXPECT_NE(json.body.find("SNREUSE1"), std::string::npos);
    EXPECT_EQ(json.body.find(kFamily), std::string::npos);
    auto sig = coordinator.get("/api/donations/" + std::to_string(donation) + "/report?format=sig");
    ASSERT_EQ(sig.status, 200);
    EXPECT_TRUE(key.verify(json.body, sig.body)) << "the JSON and the signature fetched apart match: the report is a function of the trail";
    auto pdf = coordinator.get("/api/donations/" + std::to_string(donation) + "/report?format=pdf&lang=en");
    ASSERT_EQ(pdf.status, 200);
    EXPECT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
    EXPECT_EQ(coordinator.get("/api/donations/" + std::to_string(donation) + "/report?format=docx").status, 422);
    EXPECT_EQ(coordinator.get("/api/donations/999/report").status, 404);
    // The donor's link: its own donation's report, nothing of the other donation.
    test::ApiClient donor(server.port());
    auto own = donor.get("/api/donor/" + link.token + "/report?format=csv");
    ASSERT_EQ(own.status, 200) << own.body;
    EXPECT_NE(own.body.find("SNREUSE1"), std::string::npos);
    EXPECT_EQ(own.body.find("SNOTHER9"), std::string::npos);
    EXPECT_EQ(own.headers["Content-Disposition"], "attachment; filename=\"rapport-don-" + std::to_string(donation) + ".csv\"");
    EXPECT_EQ(donor.get("/api/donor/" + std::string(64, 'b') + "/report").status, 404);
}

}  // namespace
