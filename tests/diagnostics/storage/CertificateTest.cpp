// Certificates: the workshop key, the canonical form, signatures that OpenSSL checks alike,
// forged certificates and signatures refused with the changed field named.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>

#include <reemploi/diagnostics/storage/Certificate.hpp>

#include "diagnostics/storage/StorageTestSupport.hpp"

using namespace reemploi;
using namespace reemploi::diagnostics::storage;

namespace {

CertificateFields sampleFields() {
    CertificateFields f;
    f.id = "RC-20261123-0badcafe";
    f.issuedAt = "2026-11-23T10:00:00.000Z";
    f.workshop = "Atelier Réemploi";
    f.manufacturer = "Samsung";
    f.model = "SSD 860 EVO 250GB";
    f.serial = "S3YHNX0K123456";
    f.mediaType = "ssd";
    f.capacityBytes = 250059350016ULL;
    f.unitTag = "RE-000042";
    f.donorTag = "ML-0042";
    f.donor = "Mairie de Lyon";
    f.method = "clear-zero";
    f.passes = {"zero"};
    f.result = "passed";
    f.startedAt = "2026-11-23T09:00:00.000Z";
    f.endedAt = "2026-11-23T09:20:00.000Z";
    f.bytesWritten = f.capacityBytes;
    f.lastLba = f.capacityBytes / 512 - 1;
    f.errors = {{12, "a \"quoted\" message\nwith a newline"}};
    f.verificationMethod = "sample";
    f.verificationResult = "passed";
    f.sanitizedBy = {"Awa", "wipe operator", "Lyon", "atelier@example.org"};
    f.verifiedBy = f.sanitizedBy;
    f.destination = "reuse";
    return f;
}

std::string slurp(const std::string &path) {
    auto v = test::readFile(path);
    return {v.begin(), v.end()};
}

}  // namespace

TEST(WorkshopKey, IsCreatedOnFirstUsePrivateToItsOwnerAndReused) {
    test::TempDir dir;
    auto path = dir.file("var/keys/workshop-ed25519.pem");
    auto first = WorkshopKey::loadOrCreate(path);
    ASSERT_TRUE(first) << first.error().message;
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    auto second = WorkshopKey::loadOrCreate(path);
    ASSERT_TRUE(second);
    EXPECT_EQ(first->fingerprint(), second->fingerprint());
    EXPECT_EQ(first->fingerprint().size(), 64u);
    EXPECT_NE(first->publicPem().find("BEGIN PUBLIC KEY"), std::string::npos);
}

TEST(WorkshopKey, APublicKeyVerifiesButCannotSign) {
    test::TempDir dir;
    auto key = WorkshopKey::loadOrCreate(dir.file("k.pem"));
    ASSERT_TRUE(key);
    auto pub = WorkshopKey::fromPublicPem(key->publicPem());
    ASSERT_TRUE(pub);
    auto sig = key->sign("hello");
    ASSERT_TRUE(sig);
    EXPECT_EQ(sig->size(), 64u);
    EXPECT_TRUE(pub->verify("hello", *sig));
    EXPECT_FALSE(pub->verify("hellO", *sig));
    auto refused = pub->sign("hello");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::Refused);
    EXPECT_FALSE(WorkshopKey::fromPublicPem("-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n"));
    { std::ofstream(dir.file("garbage.pem")) << "not a key"; }
    auto garbage = WorkshopKey::load(dir.file("garbage.pem"));
    ASSERT_FALSE(garbage);
    EXPECT_NE(garbage.error().message.find("garbage.pem"), std::string::npos);
}

TEST(Certificate, CanonicalFormIsStableSortedAndCarriesTheNistFields) {
    auto a = canonicalCertificate(sampleFields());
    EXPECT_EQ(a, canonicalCertificate(sampleFields()));
    EXPECT_EQ(a.find(' ', a.find("\"category\"")), a.find(' ', a.find("\"category\"")));
    EXPECT_EQ(a.rfind("{\"certificate_id\":\"RC-20261123-0badcafe\",\"destination\"", 0), 0u) << a;
    for (const char *field : {"\"manufacturer\"", "\"model\"", "\"serial\"", "\"property_number\"", "\"type\"",
                              "\"source\"", "\"category\"", "\"method\"", "\"tool\"", "\"verification\"",
                              "\"destination\"", "\"performed_by\"", "\"position\"", "\"location\"", "\"contact\"",
                              "\"date\"", "\"started_at\"", "\"ended_at\"", "\"duration_seconds\"",
                              "\"bytes_written\"", "\"throughput_mb_s\"", "\"errors\""})
        EXPECT_NE(a.find(field), std::string::npos) << field;
    EXPECT_NE(a.find("a \\\"quoted\\\" message\\nwith a newline"), std::string::npos);
}

TEST(Certificate, OpensslVerifiesWhatWeSignAndRefusesAForgery) {
    test::TempDir dir;
    auto key = WorkshopKey::loadOrCreate(dir.file("k.pem"));
    ASSERT_TRUE(key);
    auto cert = issueCertificate(sampleFields(), *key);
    ASSERT_TRUE(cert) << cert.error().message;
    auto files = writeCertificateFiles(*cert, dir.file("out/cert.json"));
    ASSERT_TRUE(files) << files.error().message;
    EXPECT_EQ(files->pdf, dir.file("out/cert.pdf"));
    EXPECT_EQ(slurp(files->pdf).rfind("%PDF-", 0), 0u);
    { std::ofstream(dir.file("pub.pem")) << key->publicPem(); }
    REQUIRE_TOOL("openssl", "openssl");
    auto verify = [&](const std::string &json) {
        return test::run("openssl pkeyutl -verify -pubin -inkey '" + dir.file("pub.pem") + "' -rawin -in '" + json +
                         "' -sigfile '" + files->signature + "' 2>&1");
    };
    EXPECT_EQ(verify(files->json), "Signature Verified Successfully");
    std::string forged = cert->json;
    forged.replace(forged.find("S3YHNX0K123456"), 14, "S3YHNX0K999999");
    { std::ofstream(dir.file("forged.json"), std::ios::binary) << forged; }
    EXPECT_NE(verify(dir.file("forged.json")), "Signature Verified Successfully");
    EXPECT_TRUE(verifyCertificate(cert->json, cert->signature, *key).valid);
}

TEST(Certificate, VerificationNamesWhatWasChanged) {
    test::TempDir dir;
    auto key = WorkshopKey::loadOrCreate(dir.file("k.pem"));
    ASSERT_TRUE(key);
    auto cert = issueCertificate(sampleFields(), *key);
    ASSERT_TRUE(cert);

    std::string forged = cert->json;
    forged.replace(forged.find("\"category\":\"clear\""), 18, "\"category\":\"purge\"");
    auto check = verifyCertificate(forged, cert->signature, *key, cert->json);
    EXPECT_FALSE(check.valid);
    ASSERT_EQ(check.changes.size(), 1u);
    EXPECT_EQ(check.changes[0], "sanitization.category: issued \"clear\", now \"purge\"");
    EXPECT_EQ(check.certificateId, "RC-20261123-0badcafe");

    // Without the issued text, the check still refuses, without naming a field.
    auto blind = verifyCertificate(forged, cert->signature, *key);
    EXPECT_FALSE(blind.valid);
    EXPECT_NE(blind.problem.find("changed after signing"), std::string::npos);

    // A removed error entry is named too.
    std::string cleaned = cert->json;
    auto b = cleaned.find("\"errors\":[");
    auto e = cleaned.find(']', b);
    cleaned.replace(b, e - b + 1, "\"errors\":[]");
    auto c2 = verifyCertificate(cleaned, cert->signature, *key, cert->json);
    EXPECT_FALSE(c2.valid);
    EXPECT_NE(c2.problem.find("sanitization.errors[0].lba: removed"), std::string::npos) << c2.problem;

    // Same content, other spacing: only the canonical bytes are signed.
    std::string spaced = cert->json;
    spaced.insert(1, " ");
    auto c3 = verifyCertificate(spaced, cert->signature, *key, cert->json);
    EXPECT_FALSE(c3.valid);
    EXPECT_NE(c3.problem.find("canonical"), std::string::npos) << c3.problem;
}

TEST(Certificate, ForgedOrForeignSignaturesAreRefused) {
    test::TempDir dir;
    auto key = WorkshopKey::loadOrCreate(dir.file("k.pem"));
    auto other = WorkshopKey::loadOrCreate(dir.file("other.pem"));
    ASSERT_TRUE(key && other);
    auto cert = issueCertificate(sampleFields(), *key);
    ASSERT_TRUE(cert);
    std::string flipped = cert->signature;
    flipped[10] ^= 0x01;
    auto c1 = verifyCertificate(cert->json, flipped, *key, cert->json);
    EXPECT_FALSE(c1.valid);
    EXPECT_NE(c1.problem.find("signature does not match"), std::string::npos) << c1.problem;
    EXPECT_FALSE(verifyCertificate(cert->json, cert->signature, *other).valid);
    auto truncated = verifyCertificate(cert->json, cert->signature.substr(0, 40), *key);
    EXPECT_FALSE(truncated.valid);
    EXPECT_NE(truncated.problem.find("40 bytes"), std::string::npos);
    auto garbage = verifyCertificate("{not json", cert->signature, *key);
    EXPECT_FALSE(garbage.valid);
    EXPECT_NE(garbage.problem.find("not valid JSON"), std::string::npos) << garbage.problem;
}

// The PDF is drawn again from the text the database keeps: the fields read back give exactly the
// signed bytes, and a text that is not a certificate as issued is refused, naming what is wrong.
TEST(Certificate, FieldsReadBackGiveTheSignedTextAgain) {
    const std::string text = canonicalCertificate(sampleFields());
    auto fields = certificateFieldsOf(text);
    ASSERT_TRUE(fields) << fields.error().message;
    EXPECT_EQ(canonicalCertificate(*fields), text);
    EXPECT_EQ(fields->serial, "S3YHNX0K123456");
    EXPECT_EQ(fields->errors.at(0).message, "a \"quoted\" message\nwith a newline");
    EXPECT_EQ(fields->lastLba, sampleFields().lastLba);
    auto noLba = sampleFields();
    noLba.lastLba.reset();
    noLba.level = NistLevel::Purge;
    auto back = certificateFieldsOf(canonicalCertificate(noLba));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_FALSE(back->lastLba);
    EXPECT_EQ(back->level, NistLevel::Purge);
    auto withHead = sampleFields();
    withHead.auditHead = AuditHeadRef{15, std::string(64, 'b')};
    auto headBack = certificateFieldsOf(canonicalCertificate(withHead));
    ASSERT_TRUE(headBack) << headBack.error().message;
    ASSERT_TRUE(headBack->auditHead);
    EXPECT_EQ(headBack->auditHead->event, 15);
    EXPECT_EQ(canonicalCertificate(*headBack), canonicalCertificate(withHead));

    IssuedCertificate issued;
    issued.fields = *fields;
    issued.json = text;
    issued.keyFingerprint = std::string(64, 'a');
    auto pdf = certificatePdf(issued);
    ASSERT_TRUE(pdf) << pdf.error().message;
    EXPECT_EQ(pdf->rfind("%PDF-", 0), 0u);
    auto english = certificatePdf(issued, CertificateLanguage::English);
    ASSERT_TRUE(english) << english.error().message;
    EXPECT_NE(*english, *pdf) << "the English page has its own words";

    auto spaced = text;
    spaced.insert(1, " ");
    EXPECT_EQ(certificateFieldsOf(spaced).error().message,
              "not a certificate as issued: its text is not the canonical form of its fields");
    auto missing = text;
    missing.replace(missing.find("\"serial\""), 8, "\"seriaX\"");
    auto error = certificateFieldsOf(missing);
    ASSERT_FALSE(error);
    EXPECT_EQ(error.error().message, "not a certificate: \"media.serial\" is missing");
    EXPECT_EQ(error.error().field, "media.serial");
    EXPECT_FALSE(certificateFieldsOf("[1,2]"));
    EXPECT_FALSE(certificateFieldsOf("{\"format\":\"other/1\"}"));
}

TEST(Certificate, CarriesTheAuditHeadWhenGivenAndOlderOnesStillVerify) {
    test::TempDir dir;
    auto key = WorkshopKey::loadOrCreate(dir.file("k.pem"));
    ASSERT_TRUE(key);
    // Issued before certificates carried the head: the same bytes as then, still valid.
    auto old = issueCertificate(sampleFields(), *key);
    ASSERT_TRUE(old);
    EXPECT_EQ(old->json.find("audit_head"), std::string::npos);
    EXPECT_TRUE(verifyCertificate(old->json, old->signature, *key).valid);
    auto f = sampleFields();
    f.auditHead = AuditHeadRef{15, std::string(64, 'a')};
    auto issued = issueCertificate(f, *key);
    ASSERT_TRUE(issued);
    EXPECT_NE(issued->json.find("\"audit_head\":{\"event\":15,\"hash\":\"" + std::string(64, 'a') + "\"}"), std::string::npos)
        << issued->json;
    EXPECT_TRUE(verifyCertificate(issued->json, issued->signature, *key).valid);
}
