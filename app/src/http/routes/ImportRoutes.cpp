// Imports over HTTP: the file itself is the request's body (an upload route), read by the same
// intake services as `reemploi intake import` and `reemploi school import|need import`; the answer
// is the same JSON report. A file with invalid rows is 422, the report (every line and column at
// fault) with an "error" beside it; nothing is written then.
#include <reemploi/intake/DonorListImport.hpp>
#include <reemploi/intake/NeedImport.hpp>
#include <reemploi/intake/SchoolImport.hpp>
#include <reemploi/common/Text.hpp>

#include "http/Router.hpp"

namespace reemploi::app::http {

namespace {

Result<bool> queryFlag(const Request &request, const std::string &name) {
    auto v = request.queryValue(name);
    if (!v || v->empty() || *v == "0" || *v == "false" || *v == "no") return false;
    if (*v == "1" || *v == "true" || *v == "yes") return true;
    return makeFieldError(Errc::InvalidInput, name, name + ": '" + *v + "' is not 1 or 0");
}

// The body must be the file: a browser's multipart form is refused with what to send instead.
std::optional<Response> notAFile(const Request &request) {
    if (request.contentType.rfind("multipart/", 0) == 0)
        return errorResponse(415, "unsupported_media_type",
                             "send the file itself as the request body (Content-Type text/csv), not a form");
    if (request.body.empty()) return errorResponse(makeFieldError(Errc::InvalidInput, "file", "file: the request body is empty: send the file"));
    return std::nullopt;
}

// The report as the command prints it with --json; with invalid rows, 422 and the error in it.
Response reportResponse(const std::string &report, bool succeeded, const std::string &message, int okStatus) {
    if (succeeded) return jsonResponse(report, okStatus);
    json::Object error;
    error.set("code", codeName(Errc::InvalidInput)).set("message", message).set("field", "file");
    std::string body = report;
    body.insert(1, "\"error\":" + error.str() + (body.size() > 2 ? "," : ""));
    return jsonResponse(body, 422);
}

std::string plural(std::size_t n, const char *word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

// ?donation=ID&dry_run=1&skip_invalid=1&update=1&kind_map=EINBAU=desktop,Station=desktop
//  &keep_column=Affectation,Commentaire
Response importDonorListRoute(Call &call) {
    if (auto refused = notAFile(call.request)) return *refused;
    intake::ImportOptions options;
    auto donation = call.request.queryValue("donation");
    if (!donation || donation->empty())
        return errorResponse(makeFieldError(Errc::InvalidInput, "donation", "donation: is required (?donation=ID)"));
    try {
        std::size_t used = 0;
        options.donationId = std::stoll(*donation, &used);
        if (used != donation->size() || options.donationId <= 0) throw std::invalid_argument("");
    } catch (...) {
        return errorResponse(makeFieldError(Errc::InvalidInput, "donation", "donation: '" + *donation + "' is not an id"));
    }
    auto dry = queryFlag(call.request, "dry_run");
    if (!dry) return errorResponse(dry.error());
    auto skip = queryFlag(call.request, "skip_invalid");
    if (!skip) return errorResponse(skip.error());
    auto update = queryFlag(call.request, "update");
    if (!update) return errorResponse(update.error());
    options.dryRun = *dry;
    options.skipInvalid = *skip;
    options.update = *update;
    if (auto words = call.request.queryValue("kind_map"); words && !words->empty()) {
        auto map = intake::parseKindMap(*words);
        if (!map) return errorResponse(makeFieldError(Errc::InvalidInput, "kind_map", map.error().message));
        options.kindMap = std::move(*map);
    }
    // The free-text columns to keep as donor fields (--keep-column): headers, comma-separated.
    if (auto keep = call.request.queryValue("keep_column"); keep && !keep->empty()) {
        std::size_t start = 0;
        while (start <= keep->size()) {
            auto comma = keep->find(',', start);
            auto header = text::trim(std::string_view(*keep).substr(start, comma == std::string::npos ? std::string::npos : comma - start));
            if (header.empty())
                return errorResponse(makeFieldError(Errc::InvalidInput, "keep_column", "keep_column: an empty header name in '" + *keep + "'"));
            options.keepColumns.push_back(header);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    auto report = intake::importDonorList(call.db, call.request.body, options, call.actor);
    if (!report) return errorResponse(report.error());
    const auto &r = *report;
    // As the command: with --skip-invalid and no valid row at all, nothing is done: bad input.
    const bool nothingValid = r.invalid > 0 && r.valid == 0;
    std::string message = !r.succeeded() ? "nothing written: " + plural(r.invalid, "invalid row") +
                                               (r.valid && !r.dryRun ? " (fix them, or skip_invalid=1 to import the valid ones)" : "")
                                         : "nothing written: no valid row (" + plural(r.invalid, "invalid row") + ")";
    return reportResponse(r.json(), r.succeeded() && !nothingValid, message, r.dryRun || r.created == 0 ? 200 : 201);
}

Response importSchoolDataRoute(Call &call, bool needs) {
    if (auto refused = notAFile(call.request)) return *refused;
    auto dry = queryFlag(call.request, "dry_run");
    if (!dry) return errorResponse(dry.error());
    auto report = needs ? intake::importNeeds(call.db, call.request.body, *dry, call.actor)
                        : intake::importSchools(call.db, call.request.body, *dry, call.actor);
    if (!report) return errorResponse(report.error());
    return reportResponse(report->json(), report->succeeded(),
                          "nothing written: " + plural(report->errors.size(), "error"),
                          *dry || (report->created + report->updated) == 0 ? 200 : 201);
}

}  // namespace

void addImportRoutes(Router &r) {
    r.add({"POST", "/api/imports/donor-list", Access::Trainee, importDonorListRoute,
           "import a donor's asset list (the CSV as the body) ?donation=ID&dry_run=1&skip_invalid=1&keep_column=H1,H2", true});
    r.add({"POST", "/api/imports/schools", Access::Coordinator, [](Call &c) { return importSchoolDataRoute(c, false); },
           "import schools (the CSV as the body) ?dry_run=1", true});
    r.add({"POST", "/api/imports/needs", Access::Coordinator, [](Call &c) { return importSchoolDataRoute(c, true); },
           "import families' needs (the CSV as the body) ?dry_run=1", true});
}

}  // namespace reemploi::app::http
