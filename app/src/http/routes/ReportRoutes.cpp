// Donors' reports over HTTP: a coordinator's download of any donation's report, and a donor's
// link's download of its own donation's report only (the link opens nothing else).
#include <charconv>

#include <reemploi/inventory/reports/DonorReport.hpp>

#include "cli/Settings.hpp"
#include "http/JsonBody.hpp"
#include "http/Router.hpp"
#include "services/DonorReports.hpp"

namespace reemploi::app::http {

namespace {

using namespace reemploi::app::reports;

// ?format=json|pdf|csv|html|sig (sig: the JSON's detached signature), ?lang=fr|en.
Response reportResponse(Call &call, std::int64_t donationId) {
    std::string formatName = call.request.queryValue("format").value_or("json");
    bool signatureOnly = formatName == "sig";
    auto format = signatureOnly ? Result<Format>(Format::Json) : parseFormat(formatName);
    if (!format) return errorResponse(format.error());
    auto lang = inventory::reports::parseLang(call.request.queryValue("lang").value_or("fr"));
    if (!lang) return errorResponse(lang.error());
    const auto &config = call.state.config;
    auto env = loadEnvironment(config.reportConfig.empty() ? defaultReportConfigPath() : config.reportConfig,
                               call.state.wipes->defaults().keyPath, config.workshop);
    if (!env) return errorResponse(env.error());
    auto report = signedReport(call.db, ReportRequest{donationId, std::nullopt, {}, {}}, *env);
    if (!report) return errorResponse(report.error());
    const std::string stem = "rapport-don-" + std::to_string(donationId);
    Response r;
    if (signatureOnly) {
        r.contentType = "application/octet-stream";
        r.body = report->signature;
        r.header("Content-Disposition", "attachment; filename=\"" + stem + ".json.sig\"");
        return r;
    }
    auto bytes = render(*report, *format, *lang, *env, stem + ".json");
    if (!bytes) return errorResponse(bytes.error());
    r.contentType = std::string(contentType(*format));
    r.body = std::move(*bytes);
    r.header("Content-Disposition", "attachment; filename=\"" + stem + "." + std::string(extension(*format)) + "\"");
    r.header("X-Report-SHA256", report->sha256);
    return r;
}

Response donationReportRoute(Call &call) {
    const std::string &text = call.request.param("id");
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || id <= 0)
        return errorResponse(makeError(Errc::InvalidInput, "id: '" + text + "' is not a donation id"));
    return reportResponse(call, id);
}

Response donorLinkReportRoute(Call &call) { return reportResponse(call, *call.donationId); }

}  // namespace

void addReportRoutes(Router &r) {
    r.add({"GET", "/api/donations/{id}/report", Access::Coordinator, donationReportRoute,
           "a donation's traceability report, signed (?format=json|pdf|csv|html|sig&lang=fr|en)"});
    r.add({"GET", "/api/donor/{token}/report", Access::DonorLink, donorLinkReportRoute,
           "the report of the donation a donor's link opens (?format=json|pdf|csv|html|sig&lang=fr|en)"});
}

}  // namespace reemploi::app::http
