// A photo of a maker's sticker (the image itself as the body) → the serial, read by the same
// intake service as `reemploi intake scan-serial`.
#include <reemploi/intake/Scan.hpp>

#include "http/Router.hpp"

namespace reemploi::app::http {

namespace {

// {serial: the likeliest | null, others: [the other candidates], candidates: [{serial, raw, format, labelled}]}
Response scanRoute(Call &call) {
    if (call.request.body.empty())
        return errorResponse(makeFieldError(Errc::InvalidInput, "image", "image: the request body is empty: send the photo (PNG or JPEG)"));
    auto found = intake::readSerialsFromImageBytes(call.request.body, "the uploaded image");
    if (!found) return errorResponse(makeFieldError(found.error().code, "image", found.error().message));
    json::Array candidates, others;
    for (std::size_t i = 0; i < found->size(); ++i) {
        const auto &c = (*found)[i];
        candidates.add(json::Object().set("serial", c.serial).set("raw", c.raw).set("format", c.format).set("labelled", c.labelled));
        if (i > 0) others.add(c.serial);
    }
    json::Object o;
    if (found->empty()) o.null("serial");
    else o.set("serial", found->front().serial);
    o.raw("others", others.str()).raw("candidates", candidates.str());
    if (found->empty())
        o.set("message", "no serial barcode found (Code 128, Code 39, DataMatrix or QR): take the photo closer, flat and sharp");
    return jsonResponse(o);
}

}  // namespace

void addScanRoutes(Router &r) {
    r.add({"POST", "/api/scan", Access::Trainee, scanRoute, "read a serial from a photo of a maker's sticker (the image as the body)", true});
}

}  // namespace reemploi::app::http
