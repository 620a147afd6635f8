// Donors' reports: build (inventory), sign (the workshop's key), render, write or e-mail.
#include "services/DonorReports.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <memory>

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SMTPClientSession.h>
#include <Poco/Net/SecureSMTPClientSession.h>
#include <Poco/Net/StringPartSource.h>
#include <Poco/URI.h>

#include <reemploi/common/Text.hpp>
#include <reemploi/diagnostics/storage/Certificate.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/reports/ReportFormats.hpp>

#include "services/ReportPdf.hpp"

namespace reemploi::app::reports {

using namespace reemploi::inventory::reports;
using diagnostics::storage::WorkshopKey;

Result<Format> parseFormat(std::string_view s) {
    if (s == "json") return Format::Json;
    if (s == "pdf") return Format::Pdf;
    if (s == "html") return Format::Html;
    if (s == "csv") return Format::Csv;
    return makeError(Errc::InvalidInput, "format: '" + std::string(s) + "' is not pdf, html, csv or json");
}

std::string_view extension(Format f) {
    switch (f) {
    case Format::Json: return "json";
    case Format::Pdf: return "pdf";
    case Format::Html: return "html";
    case Format::Csv: return "csv";
    }
    return "json";
}

std::string_view contentType(Format f) {
    switch (f) {
    case Format::Json: return "application/json";
    case Format::Pdf: return "application/pdf";
    case Format::Html: return "text/html; charset=utf-8";
    case Format::Csv: return "text/csv; charset=utf-8";
    }
    return "application/octet-stream";
}

Result<ReportEnvironment> loadEnvironment(const std::string &configPath, const std::string &keyPath,
                                          const std::string &workshopName) {
    auto settings = loadReportSettings(configPath);
    if (!settings) return settings.error();
    if (settings->workshopName.empty()) settings->workshopName = workshopName;
    return ReportEnvironment{std::move(*settings), keyPath};
}

std::string SignedReport::signatureHex() const {
    static const char *digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : signature) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

Result<SignedReport> signedReport(inventory::Database &db, const ReportRequest &request, const ReportEnvironment &env) {
    auto key = WorkshopKey::loadOrCreate(env.keyPath);
    if (!key) return key.error().withContext("the workshop's signing key");
    Result<DonorReport> built = request.donationId
                                    ? donationReport(db, *request.donationId, env.settings)
                                    : request.donorId ? donorReport(db, *request.donorId, request.from, request.to, env.settings)
                                                      : Result<DonorReport>(makeError(Errc::InvalidInput, "no donation or donor given"));
    if (!built) return built.error();
    SignedReport out;
    out.report = std::move(*built);
    out.report.publicKeyPem = key->publicPem();
    out.report.keyFingerprint = key->fingerprint();
    out.json = reportJson(out.report);
    auto signature = key->sign(out.json);
    if (!signature) return signature.error();
    out.signature = std::move(*signature);
    out.sha256 = inventory::sha256Hex(out.json);
    return out;
}

Result<std::string> render(const SignedReport &report, Format format, Lang lang, const ReportEnvironment &env,
                           const std::string &jsonFileName) {
    switch (format) {
    case Format::Json: return report.json;
    case Format::Csv: return reportCsv(report.report, lang);
    case Format::Html: return reportHtml(report.report, lang, report.signatureHex());
    case Format::Pdf: return reportPdf(report.report, lang, {env.settings.logoPath, report.signatureHex(), report.sha256, jsonFileName});
    }
    return makeError(Errc::Internal, "unknown format");
}

namespace {

Status writeFile(const std::string &path, const std::string &bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return makeError(Errc::Io, path + ": cannot write");
    out << bytes;
    out.close();
    if (!out) return makeError(Errc::Io, path + ": cannot write");
    return {};
}

}  // namespace

Result<WrittenFiles> exportReport(inventory::Database &db, const ReportRequest &request, Format format, Lang lang,
                                  const std::string &path, const ReportEnvironment &env) {
    if (path.empty()) return makeError(Errc::InvalidInput, "-o: give the file to write");
    WrittenFiles files;
    files.document = path;
    if (format == Format::Json) files.json = path;
    else files.json = std::filesystem::path(path).replace_extension(".json").string();
    files.sig = files.json + ".sig";
    auto report = signedReport(db, request, env);
    if (!report) return report.error();
    files.sha256 = report->sha256;
    auto bytes = render(*report, format, lang, env, std::filesystem::path(files.json).filename().string());
    if (!bytes) return bytes.error();
    if (format != Format::Json) REEMPLOI_TRY(writeFile(files.document, *bytes));
    REEMPLOI_TRY(writeFile(files.json, report->json));
    REEMPLOI_TRY(writeFile(files.sig, report->signature));
    return files;
}

namespace {

// One address, as people type it: local@domain, no list, no display name, no line break.
Result<std::string> recipientDomain(const std::string &to) {
    REEMPLOI_TRY(text::checkUtf8Text(to, "to", 254));
    auto at = to.find('@');
    if (to.empty() || at == std::string::npos || at == 0 || at + 1 >= to.size() || to.find('@', at + 1) != std::string::npos ||
        to.find_first_of(" ,;<>\"") != std::string::npos)
        return makeError(Errc::InvalidInput, "to: '" + to + "' is not one e-mail address (local@domain)");
    std::string domain = to.substr(at + 1);
    if (domain.find('.') == std::string::npos && domain != "localhost")
        return makeError(Errc::InvalidInput, "to: the domain '" + domain + "' has no dot");
    std::transform(domain.begin(), domain.end(), domain.begin(), [](unsigned char c) { return std::tolower(c); });
    return domain;
}

struct Server {
    std::string host;
    std::uint16_t port = 25;
};

Result<Server> parseSmtpUrl(const std::string &url) {
    if (url.empty()) return makeError(Errc::InvalidInput, "smtp: no server configured (smtp.url in the report configuration, or --smtp smtp://HOST:PORT)");
    try {
        Poco::URI uri(url);
        if (uri.getScheme() != "smtp" || uri.getHost().empty())
            return makeError(Errc::InvalidInput, "smtp: '" + url + "' is not smtp://HOST[:PORT]");
        Server s{uri.getHost(), uri.getPort() ? uri.getPort() : std::uint16_t(25)};
        return s;
    } catch (const Poco::Exception &e) {
        return makeError(Errc::InvalidInput, "smtp: '" + url + "' is not smtp://HOST[:PORT] (" + e.displayText() + ")");
    }
}

std::string fileStem(const DonorReport &r) {
    if (r.scope == "donation" && !r.donations.empty()) return "rapport-don-" + std::to_string(r.donations.front().id);
    return "rapport-donateur-" + std::to_string(r.donorId);
}

}  // namespace

Result<SendOutcome> sendReport(inventory::Database &db, const SendRequest &request, const ReportEnvironment &env,
                               const inventory::Actor &actor) {
    REEMPLOI_TRY(inventory::requireRole(actor, inventory::Role::Coordinator, "send a donor's report"));
    auto domain = recipientDomain(request.to);
    if (!domain) return domain.error();
    auto server = parseSmtpUrl(request.smtpUrl.value_or(env.settings.smtp.url));
    if (!server) return server.error();
    auto report = signedReport(db, ReportRequest{request.donationId, std::nullopt, {}, {}}, env);
    if (!report) return report.error();
    const std::string stem = fileStem(report->report);
    auto pdf = render(*report, Format::Pdf, request.lang, env, stem + ".json");
    if (!pdf) return pdf.error();

    SendOutcome outcome;
    outcome.server = server->host + ":" + std::to_string(server->port);
    outcome.recipientDomain = *domain;
    outcome.attachments = {stem + ".pdf", stem + ".json", stem + ".json.sig"};
    outcome.sha256 = report->sha256;
    const bool fr = request.lang == Lang::Fr;
    const std::string workshop = env.settings.workshopName.empty() ? "reemploi" : env.settings.workshopName;
    try {
        Poco::Net::MailMessage message;
        message.setSender(env.settings.smtp.from.empty() ? "reemploi@localhost" : env.settings.smtp.from);
        message.addRecipient(Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT, request.to));
        message.setSubject(Poco::Net::MailMessage::encodeWord(reportTitle(request.lang, report->report), "UTF-8"));
        std::string body =
            fr ? "Bonjour,\n\nVoici le rapport de traçabilité de votre don : ce que sont devenus chaque appareil et ses "
                 "données.\nLe PDF est à lire ; le JSON et sa signature (.sig) se vérifient avec OpenSSL, comme l'explique "
                 "le rapport.\n\nSHA-256 du rapport : " +
                     report->sha256 + "\n\n" + workshop + "\n"
               : "Hello,\n\nHere is the traceability report of your donation: what became of each device and its data.\n"
                 "Read the PDF; the JSON and its signature (.sig) are checked with OpenSSL, as the report explains.\n\n"
                 "Report SHA-256: " +
                     report->sha256 + "\n\n" + workshop + "\n";
        message.addContent(new Poco::Net::StringPartSource(body, "text/plain; charset=UTF-8"),
                           Poco::Net::MailMessage::ENCODING_QUOTED_PRINTABLE);
        message.addAttachment(outcome.attachments[0],
                              new Poco::Net::StringPartSource(*pdf, "application/pdf", outcome.attachments[0]));
        message.addAttachment(outcome.attachments[1],
                              new Poco::Net::StringPartSource(report->json, "application/json", outcome.attachments[1]));
        message.addAttachment(outcome.attachments[2], new Poco::Net::StringPartSource(report->signature, "application/octet-stream",
                                                                                      outcome.attachments[2]));

        // Connected by host name, so that STARTTLS checks the server's certificate against it.
        std::unique_ptr<Poco::Net::SecureSMTPClientSession> connected;
        try {
            connected = std::make_unique<Poco::Net::SecureSMTPClientSession>(server->host, server->port);
        } catch (const Poco::Exception &e) {
            return makeError(Errc::Io, "cannot reach the SMTP server " + outcome.server + ": " + e.displayText() +
                                           " (nothing sent, nothing recorded)");
        }
        auto &session = *connected;
        session.setTimeout(Poco::Timespan(30, 0));
        const std::string helo = "reemploi.localhost";
        session.login(helo);
        if (env.settings.smtp.startTls) {
            // The server's certificate must check out: against the system's CAs, and the
            // configured one (smtp.ca_file) when the workshop runs its own.
            Poco::Net::Context::Ptr context = new Poco::Net::Context(
                Poco::Net::Context::TLS_CLIENT_USE, "", "", env.settings.smtp.caFile, Poco::Net::Context::VERIFY_RELAXED, 9, true);
            if (!session.startTLS(context))
                return makeError(Errc::Refused, "the SMTP server " + outcome.server + " does not offer STARTTLS (nothing sent)");
        }
        if (!env.settings.smtp.user.empty())
            session.login(helo, Poco::Net::SMTPClientSession::AUTH_LOGIN, env.settings.smtp.user, env.settings.smtp.password);
        else if (env.settings.smtp.startTls)
            session.login(helo);
        session.sendMessage(message);
        session.close();
    } catch (const Poco::Net::SMTPException &e) {
        return makeError(Errc::Refused, "the SMTP server " + outcome.server + " refused the message: " + e.message() +
                                            " (nothing recorded as sent)");
    } catch (const Poco::Exception &e) {
        return makeError(Errc::Io, "sending through the SMTP server " + outcome.server + " failed: " + e.displayText() +
                                       " (nothing recorded as sent)");
    }
    auto event = recordReportSent(db, request.donationId, report->sha256, *domain, outcome.attachments, actor);
    if (!event) return event.error().withContext("the report was sent, but recording it failed");
    outcome.eventId = event->id;
    return outcome;
}

}  // namespace reemploi::app::reports
