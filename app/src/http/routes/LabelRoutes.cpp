// Labels over HTTP: a unit's label rendered (PNG, PDF, SVG, ZPL), and printing units' labels
// through services/UnitLabels (the printer: the request's, else the server's configured one).
#include <reemploi/inventory/Units.hpp>
#include <reemploi/labels/Printer.hpp>
#include <reemploi/labels/Render.hpp>

#include "http/JsonBody.hpp"
#include "http/Router.hpp"
#include "services/UnitLabels.hpp"

namespace reemploi::app::http {

namespace {

std::string contentTypeOf(labels::RenderFormat f) {
    switch (f) {
    case labels::RenderFormat::Png: return "image/png";
    case labels::RenderFormat::Pdf: return "application/pdf";
    case labels::RenderFormat::Svg: return "image/svg+xml";
    case labels::RenderFormat::Zpl: return "text/plain; charset=utf-8";
    }
    return "application/octet-stream";
}

// The media and layout of the server's labels: QR codes carry base_url/TAG when base_url is set.
Result<std::pair<labels::Media, labels::LayoutOptions>> labelSettings(const Call &call, const std::string &size) {
    auto media = labels::parseMedia(size);
    if (!media) return makeFieldError(Errc::InvalidInput, "size", "size: " + media.error().message);
    labels::LayoutOptions layout;
    layout.dpi = media->sheet ? 300 : 203;
    if (!call.state.config.baseUrl.empty()) layout.qrBaseUrl = call.state.config.publicUrl();
    return std::pair{*media, layout};
}

// GET /api/units/{tag}/label?size=62x29&format=png
Response unitLabelRoute(Call &call) {
    auto format = labels::parseRenderFormat(call.request.queryValue("format").value_or("png"));
    if (!format) return errorResponse(makeFieldError(Errc::InvalidInput, "format", "format: " + format.error().message));
    REEMPLOI_HTTP_TRY(settings, labelSettings(call, call.request.queryValue("size").value_or("62x29")));
    REEMPLOI_HTTP_TRY(data, labelsToPrint(call.db, call.request.param("tag"), std::nullopt));
    REEMPLOI_HTTP_TRY(bytes, labels::renderLabels(*data, settings->first, *format, settings->second));
    Response r;
    r.contentType = contentTypeOf(*format);
    r.body = std::move(*bytes);
    r.header("Content-Disposition", "inline; filename=\"" + call.request.param("tag") + "." +
                                        std::string(labels::toString(*format)) + "\"");
    return r;
}

// POST /api/labels/print {tags:[…] | donation, size?, printer?}
Response printLabelsRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    REEMPLOI_HTTP_TRY(tags, body->texts("tags"));
    REEMPLOI_HTTP_TRY(donation, body->integer("donation"));
    if (tags->empty() == !*donation)
        return errorResponse(makeFieldError(Errc::InvalidInput, "tags", "tags: give the units' tags, or a donation (one of the two)"));
    REEMPLOI_HTTP_TRY(size, body->optionalText("size"));
    REEMPLOI_HTTP_TRY(printerText, body->optionalText("printer"));
    std::string spec = printerText->value_or(call.state.config.printer);
    if (spec.empty())
        return errorResponse(makeFieldError(Errc::InvalidInput, "printer",
                                            "printer: no printer configured (give one, or set printer in the server's configuration)"));
    auto printer = labels::parsePrinter(spec);
    if (!printer) return errorResponse(makeFieldError(Errc::InvalidInput, "printer", "printer: " + printer.error().message));
    REEMPLOI_HTTP_TRY(settings, labelSettings(call, size->value_or("62x29")));
    REEMPLOI_HTTP_TRY(fits, checkMediaForPrinter(settings->first, *printer));

    std::vector<labels::LabelData> data;
    if (*donation) {
        REEMPLOI_HTTP_TRY(all, labelsToPrint(call.db, std::nullopt, *donation));
        data = std::move(*all);
    } else {
        std::vector<inventory::Unit> units;
        for (const auto &tag : *tags) {
            REEMPLOI_HTTP_TRY(unit, inventory::getUnit(call.db, tag));
            units.push_back(std::move(*unit));
        }
        REEMPLOI_HTTP_TRY(all, unitLabelData(call.db, units));
        data = std::move(*all);
    }
    labels::PrintOptions options;
    options.title = data.size() == 1 ? data.front().tag : std::to_string(data.size()) + " labels";
    auto printed = printUnitLabels(call.db, data, settings->first, settings->second, *printer, options, call.actor);
    if (!printed) {
        const auto code = printed.error().code;
        // The printer's fault (off, out of paper, unreachable), not the server's.
        if (code == Errc::Io || code == Errc::Device || code == Errc::Timeout || code == Errc::Unsupported)
            return errorResponse(502, "printer", printed.error().message, "printer");
        return errorResponse(printed.error());
    }
    return jsonResponse(toJson(*printed));
}

}  // namespace

void addLabelRoutes(Router &r) {
    r.add({"GET", "/api/units/{tag}/label", Access::Trainee, unitLabelRoute,
           "a unit's label ?size=62x29&format=png|pdf|svg|zpl"});
    r.add({"POST", "/api/labels/print", Access::Trainee, printLabelsRoute,
           "print units' labels {tags:[…] | donation, size?, printer?}"});
}

}  // namespace reemploi::app::http
