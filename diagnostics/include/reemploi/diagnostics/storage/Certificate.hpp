// Sanitization certificates: the NIST SP 800-88 Rev. 1 §4.8 fields as canonical JSON, signed
// with the workshop's Ed25519 key (detached signature: raw 64 bytes), and a one-page PDF with a
// QR code of the certificate id. Anyone can check one with `openssl pkeyutl -verify -rawin`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/diagnostics/storage/WipeRunner.hpp>

namespace reemploi::diagnostics::storage {

// The workshop's signing key, kept in a PEM file outside the database (mode 0600).
class WorkshopKey {
public:
    WorkshopKey();
    ~WorkshopKey();
    WorkshopKey(WorkshopKey &&) noexcept;
    WorkshopKey &operator=(WorkshopKey &&) noexcept;

    // Loads the private key at `path`, creating it (and its directory) on first use.
    static Result<WorkshopKey> loadOrCreate(const std::string &path);
    // Loads an existing private key, or a public key (PEM "PUBLIC KEY") to verify only. A private
    // key file that group or others may read is Refused, naming the chmod that fixes it.
    static Result<WorkshopKey> load(const std::string &path);
    static Result<WorkshopKey> fromPublicPem(std::string_view pem);

    bool canSign() const;  // a private key
    std::string publicPem() const;
    // SHA-256 of the raw 32-byte public key, hex: printed on certificates.
    std::string fingerprint() const;
    Result<std::string> sign(std::string_view data) const;  // 64 raw bytes
    bool verify(std::string_view data, std::string_view signature) const;

private:
    struct Impl;
    Impl *_impl = nullptr;
};

// keys/workshop-ed25519.pem in the database's directory (the application may name another file).
std::string defaultKeyPath(const std::string &databasePath);

// Who did a step, as NIST asks: name, position, date, location, contact.
struct Person {
    std::string name;
    std::string position;
    std::string location;
    std::string contact;
};

// The audit chain's head when a document was issued (AuditLog.hpp's ChainHead): event id and hash.
struct AuditHeadRef {
    std::int64_t event = 0;
    std::string hash;
};

struct CertificateFields {
    std::string id;  // "RC-20261123-1a2b3c4d"
    std::string issuedAt;
    std::string workshop;
    std::string workshopContact;
    // The media.
    std::string manufacturer, model, serial, firmware, mediaType;
    std::uint64_t capacityBytes = 0;
    std::uint32_t sectorSize = 512;
    std::string hiddenArea;         // HPA: "none", "restored N sectors", "not checked: …"
    // How the wiped drive is known to be the unit's medium: "serial", "capacity+operator choice"
    // (no serial on one side: the capacity agrees and the operator named the medium), "new medium".
    std::string identityEvidence;
    std::string unitTag, donorTag;  // property numbers: ours and the donor's
    std::string donor, donation;    // media source
    // The sanitization.
    NistLevel level = NistLevel::Clear;
    std::string method, methodDescription;
    std::vector<std::string> passes;
    std::string tool = "reemploi", toolVersion;
    std::string result;
    std::string startedAt, endedAt;
    double durationSeconds = 0;
    std::uint64_t bytesWritten = 0;
    double throughputMBps = 0;
    std::optional<std::uint64_t> lastLba;
    std::vector<WipeError> errors;
    Person sanitizedBy;
    // The verification.
    std::string verificationMethod, verificationResult;
    std::uint64_t bytesVerified = 0;
    std::uint64_t sampleSubsections = 0;
    Person verifiedBy;
    std::string destination;  // post-sanitization destination
    // "audit_head" in the JSON; absent in certificates issued before it existed, which verify as
    // they were signed.
    std::optional<AuditHeadRef> auditHead;
    // Where it was signed, for a wipe done in place from the bench stick ("signed" in the JSON):
    // kSignedOnTheMachine or kSignedAtImport. Absent for the bench's own wipes and in
    // certificates issued before it existed.
    std::optional<std::string> signedWhere;
};

inline constexpr std::string_view kSignedOnTheMachine = "on the machine";
inline constexpr std::string_view kSignedAtImport = "at import by the bench after checking";

// Fills the media, sanitization and verification fields from a finished wipe.
CertificateFields certificateFieldsFrom(const WipeReport &report, const WipeMethod &method);
std::string newCertificateId();

// The canonical JSON (sorted keys, no spaces): the exact bytes that are signed.
std::string canonicalCertificate(const CertificateFields &fields);

struct IssuedCertificate {
    CertificateFields fields;
    std::string json;       // canonical
    std::string signature;  // raw Ed25519, 64 bytes
    std::string keyFingerprint;
};
Result<IssuedCertificate> issueCertificate(const CertificateFields &fields, const WorkshopKey &key);

// Writes PATH (the JSON), PATH.sig (the signature) and the PDF (PATH with .pdf for .json).
struct CertificateFiles {
    std::string json, signature, pdf;
};
Result<CertificateFiles> writeCertificateFiles(const IssuedCertificate &certificate, const std::string &path);
// The PDF's words: French first (the workshop and its donors are French), English on request,
// as the donors' reports.
enum class CertificateLanguage { French, English };
Status renderCertificatePdf(const IssuedCertificate &certificate, const std::string &pdfPath,
                            CertificateLanguage language = CertificateLanguage::French);
// The one-page PDF, in memory (a web page's download).
Result<std::string> certificatePdf(const IssuedCertificate &certificate,
                                   CertificateLanguage language = CertificateLanguage::French);

// The fields of a certificate's canonical JSON, read back (to draw its PDF again from the text
// the database keeps). InvalidInput naming the field when the text is not a certificate, or when
// it is not canonical: the fields must give back exactly the text that was signed.
Result<CertificateFields> certificateFieldsOf(std::string_view json);

// Bounds for files handed back to us for checking: a certificate is a few kilobytes, its
// signature under a hundred bytes; anything larger is refused before it is read.
inline constexpr std::uint64_t kMaxCertificateBytes = 1'000'000;
inline constexpr std::uint64_t kMaxSignatureBytes = 4'096;

struct CertificateCheck {
    bool valid = false;
    std::string certificateId;
    std::vector<std::string> changes;  // "media.serial: issued \"X\", now \"Y\"" when the original is known
    std::string problem;               // why not valid, one line
};
// Checks `json` against `signature` with `key`. `issuedJson`, the text stored when it was issued
// (from the database), lets the check name the fields that were changed.
CertificateCheck verifyCertificate(std::string_view json, std::string_view signature, const WorkshopKey &key,
                                   const std::optional<std::string> &issuedJson = std::nullopt);
// The id inside a certificate's JSON, or InvalidInput naming what is wrong with the text.
Result<std::string> certificateIdOf(std::string_view json);

}  // namespace reemploi::diagnostics::storage
