// Serials from a photo of a manufacturer's sticker: decode every barcode, keep and rank those
// that can be a serial.
#include <reemploi/intake/Scan.hpp>

#include <algorithm>

#include <reemploi/labels/Decode.hpp>

#include "ScanDetail.hpp"

namespace reemploi::intake {

namespace {

bool isProductCode(const std::string &format) {
    return format == "EAN13" || format == "EAN8" || format == "UPCA" || format == "UPCE" || format == "EAN-13" ||
           format == "EAN-8" || format == "UPC-A" || format == "UPC-E";
}

bool isLinear(const std::string &format) {
    return format == "Code128" || format == "Code39" || format == "Code93" || format == "ITF" ||
           format == "Codabar" || format == "DataBar" || format == "DataBarExpanded";
}

bool isWebAddress(const std::string &text) {
    std::string lower;
    for (char c : text) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    return lower.find("://") != std::string::npos || lower.rfind("www.", 0) == 0;
}

// GS1 data as ZXing hands it over: element strings without the symbology identifier, either
// with GS separators ("01…21…") or in the human-readable form ("(01)…(21)…").
bool looksLikeGs1(const std::string &text) {
    if (text.rfind("(01)", 0) == 0 || text.rfind("(21)", 0) == 0) return true;
    if (text.size() < 18 || text.compare(0, 2, "01") != 0) return false;
    return std::all_of(text.begin() + 2, text.begin() + 16, [](char c) { return c >= '0' && c <= '9'; }) &&
           text.find("21", 16) != std::string::npos;
}

Result<std::vector<SerialCandidate>> serialsIn(const labels::GreyImage &image) {
    auto found = labels::decodeIsolated(image);
    if (!found) return found.error();

    struct Ranked {
        SerialCandidate candidate;
        int rank;
        int top;
        int left;
    };
    std::vector<Ranked> ranked;
    for (const auto &barcode : *found) {
        if (isProductCode(barcode.format) || isWebAddress(barcode.text)) continue;
        SerialCandidate c;
        c.raw = barcode.text;
        c.format = barcode.format;
        // GS1 data comes without its "]d2"/"]Q3"/"]C1" prefix: give it one so that AI 21 is found.
        bool gs1 = looksLikeGs1(barcode.text);
        auto cleaned = detail::cleanSerial(gs1 && barcode.text[0] != '(' ? "]d2" + barcode.text : barcode.text);
        if (cleaned.serial.empty()) continue;
        c.serial = std::move(cleaned.serial);
        c.labelled = cleaned.labelled;
        int top = std::min({barcode.position[0].y, barcode.position[1].y, barcode.position[2].y, barcode.position[3].y});
        int left = std::min({barcode.position[0].x, barcode.position[1].x, barcode.position[2].x, barcode.position[3].x});
        int rank = c.labelled ? 0 : isLinear(c.format) ? 1 : 2;
        ranked.push_back({std::move(c), rank, top, left});
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked &a, const Ranked &b) {
        if (a.rank != b.rank) return a.rank < b.rank;
        if (a.top != b.top) return a.top < b.top;
        return a.left < b.left;
    });
    std::vector<SerialCandidate> out;
    for (auto &r : ranked) {
        // The same serial printed twice (a barcode and a QR) is one candidate.
        bool seen = std::any_of(out.begin(), out.end(), [&](const SerialCandidate &o) { return o.serial == r.candidate.serial; });
        if (!seen) out.push_back(std::move(r.candidate));
    }
    return out;
}

}  // namespace

Result<std::vector<SerialCandidate>> readSerialsFromImage(const std::string &path) {
    auto image = labels::loadGreyImage(path);
    if (!image) return image.error();
    auto serials = serialsIn(*image);
    if (!serials) return serials.error().withContext(path);
    return serials;
}

Result<std::vector<SerialCandidate>> readSerialsFromImageBytes(const std::string &bytes, const std::string &name) {
    auto image = labels::decodeImageBytes(bytes, name);
    if (!image) return image.error();
    auto serials = serialsIn(*image);
    if (!serials) return serials.error().withContext(name);
    return serials;
}

}  // namespace reemploi::intake
