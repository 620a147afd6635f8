// Pick-up lists rendered: the CSV written field by field, the PDF drawn with cairo into memory.
#include "services/PickupDocuments.hpp"

#include <cairo-pdf.h>
#include <cairo.h>

namespace reemploi::app {

namespace {

std::string csvField(const std::string &value) {
    if (value.find_first_of(";\"\r\n") == std::string::npos) return value;
    std::string out = "\"";
    for (char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

cairo_status_t appendBytes(void *closure, const unsigned char *data, unsigned int length) {
    static_cast<std::string *>(closure)->append(reinterpret_cast<const char *>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

constexpr double kWidth = 595.28, kHeight = 841.89;  // A4 in points

// `cut`: at most that many bytes, so that a long value stays in its column (0: no limit).
void text(cairo_t *cr, double x, double y, const std::string &s, double size, bool bold = false, std::size_t cut = 0) {
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, (cut && s.size() > cut ? s.substr(0, cut - 3) + "..." : s).c_str());
}

}  // namespace

std::string pickupCsv(const inventory::PickupList &list) {
    std::string out = "\xEF\xBB\xBF" "tag;kind;model;need;with\r\n";
    for (const auto &l : list.lines)
        out += csvField(l.tag) + ";" + csvField(l.kind) + ";" + csvField(l.model) + ";" + csvField(l.needRef) + ";" +
               csvField(l.with) + "\r\n";
    return out;
}

Result<std::string> pickupPdf(const inventory::PickupList &list, const std::string &generatedAt) {
    std::string bytes;
    cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(appendBytes, &bytes, kWidth, kHeight);
    cairo_t *cr = cairo_create(surface);
    const auto &site = list.site;
    double y = 0;
    int page = 1;
    auto header = [&]() {
        y = 60;
        text(cr, 50, y, "Liste de retrait / Pick-up list: " + site.name + " (" + site.code + ")", 14, true);
        y += 18;
        if (!site.address.empty()) text(cr, 50, y, site.address, 9), y += 12;
        if (!site.hours.empty()) text(cr, 50, y, "Horaires / hours: " + site.hours, 9), y += 12;
        text(cr, 50, y, "Établie le / made on " + generatedAt + "  —  page " + std::to_string(page), 8);
        y += 24;
        text(cr, 50, y, "Étiquette / tag", 9, true);
        text(cr, 125, y, "Type / kind", 9, true);
        text(cr, 185, y, "Modèle / model", 9, true);
        text(cr, 345, y, "Besoin / need", 9, true);
        text(cr, 515, y, "Remis", 9, true);
        y += 6;
        cairo_move_to(cr, 50, y);
        cairo_line_to(cr, kWidth - 40, y);
        cairo_stroke(cr);
        y += 14;
    };
    header();
    for (const auto &l : list.lines) {
        if (y > kHeight - 50) {
            cairo_show_page(cr);
            ++page;
            header();
        }
        // An accessory goes under its unit, indented, and is handed over with it.
        double indent = l.with.empty() ? 0 : 8;
        text(cr, 50 + indent, y, l.tag, 8.5, false, 14);
        text(cr, 125, y, l.kind, 8.5, false, 12);
        text(cr, 185, y, l.with.empty() ? l.model : l.model + (l.model.empty() ? "" : " ") + "(avec / with " + l.with + ")",
             8.5, false, 32);
        text(cr, 345, y, l.needRef, 8.5, false, 40);
        cairo_rectangle(cr, 525, y - 9, 10, 10);
        cairo_stroke(cr);
        y += 16;
    }
    if (list.lines.empty()) text(cr, 50, y, "Rien à retirer / nothing to pick up", 9);
    y += 10;
    text(cr, 50, y, std::to_string(list.lines.size()) + " ligne(s) / line(s)", 9, true);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_status_t status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS)
        return makeError(Errc::Io, std::string("rendering the pick-up list: ") + cairo_status_to_string(status));
    return bytes;
}

}  // namespace reemploi::app
