// Donors' reports as the command line and the web app hand them out: built by the inventory,
// signed with the workshop's key (canonical JSON + detached Ed25519, as certificates are), written
// in one format, or e-mailed with the PDF and the signed JSON attached.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>
#include <reemploi/inventory/reports/DonorReport.hpp>

namespace reemploi::app::reports {

enum class Format { Json, Pdf, Html, Csv };
Result<Format> parseFormat(std::string_view);  // json, pdf, html, csv
std::string_view extension(Format);
std::string_view contentType(Format);

// What the application knows: the report configuration and the signing key's file.
struct ReportEnvironment {
    inventory::reports::ReportSettings settings;
    std::string keyPath;
};
// Reads the configuration file (deploy/report.conf's format); the workshop name falls back to
// `workshopName` (the certificates' setting) when the file leaves it empty.
Result<ReportEnvironment> loadEnvironment(const std::string &configPath, const std::string &keyPath,
                                          const std::string &workshopName = {});

// Which report: one donation, or a donor's donations received within [from, to].
struct ReportRequest {
    std::optional<std::int64_t> donationId;
    std::optional<std::int64_t> donorId;
    std::string from, to;
};

struct SignedReport {
    inventory::reports::DonorReport report;
    std::string json;       // canonical: the signed bytes
    std::string signature;  // raw Ed25519, 64 bytes
    std::string sha256;     // of `json`, hex
    std::string signatureHex() const;
};

// Builds and signs (the key is created on first use, next to the database by default).
Result<SignedReport> signedReport(inventory::Database &db, const ReportRequest &request, const ReportEnvironment &env);

// The document in `format` (JSON: the signed bytes). `jsonFileName` is what the PDF's openssl
// command names.
Result<std::string> render(const SignedReport &report, Format format, inventory::reports::Lang lang,
                           const ReportEnvironment &env, const std::string &jsonFileName = {});

struct WrittenFiles {
    std::string document;   // the file asked for
    std::string json, sig;  // the signed JSON and its signature, beside it
    std::string sha256;
};
// Writes PATH in `format`, and the signed JSON and its .sig beside it (PATH itself for JSON,
// else PATH with .json for its extension), so that every document can be checked.
Result<WrittenFiles> exportReport(inventory::Database &db, const ReportRequest &request, Format format,
                                  inventory::reports::Lang lang, const std::string &path, const ReportEnvironment &env);

struct SendRequest {
    std::int64_t donationId = 0;
    std::string to;                      // one address
    std::optional<std::string> smtpUrl;  // smtp://HOST[:PORT], over the configuration's
    inventory::reports::Lang lang = inventory::reports::Lang::Fr;
};
struct SendOutcome {
    std::string server;           // HOST:PORT
    std::string recipientDomain;  // what the audit trail keeps of the address
    std::vector<std::string> attachments;
    std::string sha256;
    std::int64_t eventId = 0;
};
// E-mails the donation's report (PDF, signed JSON and its .sig attached) through SMTP: STARTTLS
// and LOGIN when configured. Only once the server has accepted the message is a `report_sent`
// event recorded, holding the recipient's domain, never the address. Coordinators only.
// A malformed address or URL is InvalidInput; a server that refuses the message (an SMTP error
// reply) is Refused; one that cannot be reached is Io. Nothing is recorded then.
Result<SendOutcome> sendReport(inventory::Database &db, const SendRequest &request, const ReportEnvironment &env,
                               const inventory::Actor &actor);

}  // namespace reemploi::app::reports
