// The report's PDF, drawn twice: a first pass counts the pages (for "Page N of T"), the second
// draws them. A4 portrait; text wraps inside table cells, and a row never splits across pages.
#include "services/ReportPdf.hpp"

#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <functional>
#include <vector>

#include <reemploi/inventory/reports/ReportFormats.hpp>

namespace reemploi::app::reports {

using namespace reemploi::inventory::reports;

namespace {

constexpr double kWidth = 595.28, kHeight = 841.89, kMargin = 45, kBottom = kHeight - 55;

cairo_status_t appendTo(void *closure, const unsigned char *data, unsigned int length) {
    if (closure) static_cast<std::string *>(closure)->append(reinterpret_cast<const char *>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

struct Font {
    double size = 9;
    bool bold = false;
    bool mono = false;
};

class Writer {
public:
    Writer(cairo_t *cr, Lang lang, int totalPages, std::string footer)
        : _cr(cr), _lang(lang), _total(totalPages), _footer(std::move(footer)) {}

    int pages() const { return _page; }
    double y() const { return _y; }
    void skip(double dy) { _y += dy; }

    void font(const Font &f) {
        cairo_select_font_face(_cr, f.mono ? "monospace" : "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                               f.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(_cr, f.size);
    }
    double width(const std::string &s) {
        cairo_text_extents_t e;
        cairo_text_extents(_cr, s.c_str(), &e);
        return e.x_advance;
    }

    // Splits `text` into lines no wider than `max` (in the current font): at spaces, and inside a
    // word too long for a line (hashes, keys), at UTF-8 character boundaries.
    std::vector<std::string> wrap(const std::string &text, double max) {
        std::vector<std::string> lines;
        std::size_t start = 0;
        while (start <= text.size()) {
            std::size_t nl = text.find('\n', start);
            std::string para = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
            std::string line;
            std::size_t i = 0;
            while (i < para.size()) {
                std::size_t sp = para.find(' ', i);
                std::string wordText = para.substr(i, sp == std::string::npos ? std::string::npos : sp - i);
                std::string candidate = line.empty() ? wordText : line + " " + wordText;
                if (width(candidate) <= max) {
                    line = candidate;
                } else {
                    if (!line.empty()) lines.push_back(line), line.clear();
                    // The word alone: cut it where it no longer fits.
                    std::string piece;
                    for (std::size_t k = 0; k < wordText.size();) {
                        std::size_t len = 1;
                        unsigned char c = static_cast<unsigned char>(wordText[k]);
                        if (c >= 0xF0) len = 4;
                        else if (c >= 0xE0) len = 3;
                        else if (c >= 0xC0) len = 2;
                        std::string ch = wordText.substr(k, len);
                        if (!piece.empty() && width(piece + ch) > max) lines.push_back(piece), piece.clear();
                        piece += ch;
                        k += len;
                    }
                    line = piece;
                }
                if (sp == std::string::npos) break;
                i = sp + 1;
            }
            lines.push_back(line);
            if (nl == std::string::npos) break;
            start = nl + 1;
        }
        return lines;
    }

    void textAt(double x, double y, const std::string &s) {
        cairo_move_to(_cr, x, y);
        cairo_show_text(_cr, s.c_str());
    }

    // A paragraph across the page's width, starting a new page when needed.
    void paragraph(const std::string &text, const Font &f, double indent = 0, double after = 4) {
        font(f);
        double lh = f.size * 1.3;
        for (const auto &line : wrap(text, kWidth - 2 * kMargin - indent)) {
            need(lh);
            _y += lh;
            textAt(kMargin + indent, _y, line);
        }
        _y += after;
    }

    void heading(const std::string &text, double size = 13) {
        need(size * 3);
        _y += size * 0.8;
        paragraph(text, {size, true}, 0, 4);
        cairo_set_line_width(_cr, 0.6);
        cairo_move_to(_cr, kMargin, _y);
        cairo_line_to(_cr, kWidth - kMargin, _y);
        cairo_stroke(_cr);
        _y += 6;
    }

    // A table whose header row is drawn again at the top of every page it continues on.
    void table(const std::vector<std::string> &header, const std::vector<double> &widths,
               const std::vector<std::vector<std::string>> &rows, double size = 7.5) {
        const double pad = 2.5, lh = size * 1.25;
        auto cellLines = [&](const std::vector<std::string> &cells, bool bold) {
            font({size, bold});
            std::vector<std::vector<std::string>> out;
            for (std::size_t c = 0; c < cells.size(); ++c) out.push_back(wrap(cells[c], widths[c] - 2 * pad));
            return out;
        };
        auto heightOf = [&](const std::vector<std::vector<std::string>> &lines) {
            std::size_t n = 1;
            for (const auto &l : lines) n = std::max(n, l.size());
            return static_cast<double>(n) * lh + 2 * pad;
        };
        auto drawRow = [&](const std::vector<std::vector<std::string>> &lines, bool bold, double h) {
            double x = kMargin;
            if (bold) {
                cairo_set_source_rgb(_cr, 0.9, 0.9, 0.9);
                double total = 0;
                for (double w : widths) total += w;
                cairo_rectangle(_cr, kMargin, _y, total, h);
                cairo_fill(_cr);
                cairo_set_source_rgb(_cr, 0, 0, 0);
            }
            font({size, bold});
            for (std::size_t c = 0; c < lines.size(); ++c) {
                for (std::size_t k = 0; k < lines[c].size(); ++k) textAt(x + pad, _y + pad + lh * (k + 1) - size * 0.25, lines[c][k]);
                cairo_set_line_width(_cr, 0.4);
                cairo_rectangle(_cr, x, _y, widths[c], h);
                cairo_stroke(_cr);
                x += widths[c];
            }
            _y += h;
        };
        auto headerLines = cellLines(header, true);
        double headerHeight = heightOf(headerLines);
        need(headerHeight + lh * 2 + 2 * pad);
        drawRow(headerLines, true, headerHeight);
        for (const auto &row : rows) {
            auto lines = cellLines(row, false);
            double h = heightOf(lines);
            if (_y + h > kBottom) {
                newPage();
                drawRow(headerLines, true, headerHeight);
            }
            drawRow(lines, false, h);
        }
        _y += 8;
    }

    void need(double h) {
        if (_y + h > kBottom) newPage();
    }

    void newPage() {
        finishPage();
        cairo_show_page(_cr);
        ++_page;
        _y = kMargin;
    }

    void finishPage() {
        font({7.5});
        cairo_set_source_rgb(_cr, 0.35, 0.35, 0.35);
        textAt(kMargin, kHeight - 30, _footer);
        std::string number = std::string(word(_lang, "page")) + " " + std::to_string(_page) + " " +
                             std::string(word(_lang, "of")) + " " + std::to_string(std::max(_total, _page));
        textAt(kWidth - kMargin - width(number), kHeight - 30, number);
        cairo_set_source_rgb(_cr, 0, 0, 0);
    }

private:
    cairo_t *_cr;
    Lang _lang;
    int _total;
    std::string _footer;
    int _page = 1;
    double _y = kMargin;
};

std::string dateOf(const std::string &utc) { return utc.substr(0, 10); }

void drawLogo(cairo_t *cr, const std::string &path, double x, double y, double maxW, double maxH) {
    if (path.empty()) return;
    cairo_surface_t *image = cairo_image_surface_create_from_png(path.c_str());
    if (cairo_surface_status(image) == CAIRO_STATUS_SUCCESS) {
        double w = cairo_image_surface_get_width(image), h = cairo_image_surface_get_height(image);
        if (w > 0 && h > 0) {
            double scale = std::min(maxW / w, maxH / h);
            cairo_save(cr);
            cairo_translate(cr, x, y);
            cairo_scale(cr, scale, scale);
            cairo_set_source_surface(cr, image, 0, 0);
            cairo_paint(cr);
            cairo_restore(cr);
        }
    }
    cairo_surface_destroy(image);
}

// The whole document on `cr`; returns the number of pages drawn.
int draw(cairo_t *cr, const DonorReport &r, Lang lang, const PdfExtras &x, int totalPages) {
    auto w = [&](const char *key) { return std::string(word(lang, key)); };
    const std::string colon = lang == Lang::Fr ? " : " : ": ";
    Writer out(cr, lang, totalPages, r.workshopName.empty() ? reportTitle(lang, r) : r.workshopName + " \u2014 " + reportTitle(lang, r));

    // Title page.
    drawLogo(cr, x.logoPath, kMargin, kMargin, 140, 70);
    out.skip(90);
    out.paragraph(r.workshopName, {12, true}, 0, 2);
    if (!r.workshopAddress.empty()) out.paragraph(r.workshopAddress, {9});
    if (!r.workshopContact.empty()) out.paragraph(r.workshopContact, {9});
    out.skip(30);
    out.paragraph(reportTitle(lang, r), {22, true}, 0, 6);
    out.paragraph(w("subtitle"), {11}, 0, 20);
    out.paragraph(w("donor") + colon + donorText(lang, r), {11, true}, 0, 4);
    for (const auto &d : r.donations)
        out.paragraph(w("donation") + " " + std::to_string(d.id) + colon + w("received") + " " + d.received +
                          (d.site.empty() ? "" : ", " + d.site),
                      {10});
    if (r.periodFrom) {
        std::string period = w("from_to");
        period.replace(period.find("%1"), 2, *r.periodFrom);
        period.replace(period.find("%2"), 2, r.periodTo.value_or(""));
        out.paragraph(w("period") + colon + period, {10});
    }
    out.skip(10);
    out.paragraph(w("as_of") + colon + r.asOf, {9});
    out.paragraph(w("audit_head") + colon + w("event") + " " + std::to_string(r.auditHead.id) + ", " + r.auditHead.hash, {8, false, true});
    if (!x.jsonSha256.empty()) out.paragraph(w("report_sha256") + colon + x.jsonSha256, {8, false, true});
    out.skip(10);
    out.paragraph(w("privacy"), {9});

    // Summary and impact.
    out.newPage();
    out.heading(w("summary"));
    const Totals &t = r.totals;
    std::vector<std::vector<std::string>> summary = {
        {w("units_received"), std::to_string(t.received)},
        {w("units_reused"), std::to_string(t.count(Outcome::Reused))},
        {w("units_allocated"), std::to_string(t.count(Outcome::Allocated))},
        {w("units_in_stock"), std::to_string(t.count(Outcome::InStock))},
        {w("units_in_process"), std::to_string(t.count(Outcome::InProcess) + t.count(Outcome::Returned))},
        {w("units_repair"), std::to_string(t.count(Outcome::Repair))},
        {w("units_parts"), std::to_string(t.count(Outcome::Parts))},
        {w("units_recycled"), std::to_string(t.count(Outcome::Recycled))},
        {w("units_pending"), std::to_string(t.pending)},
        {w("media_total"), std::to_string(t.media)},
        {w("media_sanitized"), std::to_string(t.mediaSanitized)},
        {w("media_destroyed"), std::to_string(t.mediaDestroyed)},
        {w("media_pending"), std::to_string(t.mediaPending)},
    };
    std::string methods;
    for (const auto &[m, n] : t.mediaByMethod) methods += (methods.empty() ? "" : ", ") + m + " \u00d7 " + std::to_string(n);
    summary.push_back({w("media_methods"), methods.empty() ? "\u2014" : methods});
    out.table({w("indicator"), w("count")}, {300, 205}, summary, 8.5);

    out.heading(w("impact"));
    out.table({w("indicator"), w("estimate")}, {300, 205},
              {{w("devices_reused"), std::to_string(r.impact.devicesReused)},
               {w("kg_ewaste"), formatNumber(lang, r.impact.kgEwasteAvoided)},
               {w("kg_co2e"), formatNumber(lang, r.impact.kgCo2eAvoided)}},
              8.5);
    std::vector<std::vector<std::string>> factors;
    for (const auto &[kind, f] : r.impact.factors.perKind)
        factors.push_back({kindText(lang, kind), formatNumber(lang, f.kgEwaste), formatNumber(lang, f.kgCo2e)});
    out.paragraph(w("factors"), {9, true});
    out.table({w("kind"), "kg", "kg CO2e"}, {200, 150, 155}, factors, 8);
    const auto &f = r.impact.factors;
    out.paragraph(w("estimate_note") + " " + f.text(f.method, f.methodEn, lang == Lang::En), {8});
    out.paragraph(w("co2e_source") + colon + f.text(f.co2eSource, f.co2eSourceEn, lang == Lang::En), {8});
    if (!f.co2eSourceUrl.empty()) out.paragraph(f.co2eSourceUrl, {7, false, true});
    out.paragraph(w("mass_source") + colon + f.text(f.massSource, f.massSourceEn, lang == Lang::En), {8});

    // The units.
    out.newPage();
    out.heading(w("units"));
    if (r.units.empty()) out.paragraph(w("no_units"), {9});
    else {
        std::vector<std::vector<std::string>> rows;
        for (const auto &u : r.units) {
            std::string storage;
            for (const auto &m : u.media) storage += (storage.empty() ? "" : "\n") + mediumLine(lang, m);
            if (u.media.empty()) storage = noMediaText(lang, u.noMedia) + (u.noMediaReason.empty() ? "" : ": " + u.noMediaReason);
            rows.push_back({u.tag, u.donorTag, u.serial, kindText(lang, u.kind) + "\n" + u.make + " " + u.model,
                            outcomeLine(lang, u), storage});
        }
        out.table({w("our_tag"), w("donor_tag"), w("serial"), w("kind") + " / " + w("model"), w("outcome"), w("storage")},
                  {55, 60, 75, 80, 105, 130}, rows);
    }

    // Appendix: the certificates.
    out.newPage();
    out.heading(w("appendix") + " \u2014 " + w("certificates"));
    if (r.certificates.empty()) out.paragraph(w("no_certificates"), {9});
    else {
        std::vector<std::vector<std::string>> rows;
        for (const auto &c : r.certificates)
            rows.push_back({c.id, c.unitTag + "\n" + c.mediumSerial, c.method + "\nNIST " + c.level,
                            c.verification + ", " + c.result, dateOf(c.endedAt),
                            c.performedBy.empty() ? w("workshop_operator") : c.performedBy, c.sha256});
        out.table({w("certificate"), w("our_tag") + " / " + w("serial"), w("method"), w("verification"), w("date"),
                   w("performed_by"), w("sha256")},
                  {80, 70, 70, 60, 50, 70, 105}, rows, 7);
    }

    // How to verify.
    out.heading(w("how_to_verify"));
    out.paragraph(w("verify_intro"), {9});
    out.paragraph(w("verify_report"), {9, true});
    out.paragraph(opensslReportCommand(x.jsonFileName.empty() ? "REPORT.json" : x.jsonFileName), {7.5, false, true}, 10);
    out.paragraph(w("verify_certificate"), {9, true});
    out.paragraph(opensslCertificateCommand(), {7.5, false, true}, 10);
    out.paragraph(w("verify_audit"), {9});
    if (!r.keyFingerprint.empty()) {
        out.paragraph(w("key_fingerprint"), {9, true});
        out.paragraph(r.keyFingerprint, {7.5, false, true}, 10);
    }
    if (!r.publicKeyPem.empty()) {
        out.paragraph(w("public_key") + " (workshop.pem)", {9, true});
        out.paragraph(r.publicKeyPem, {7.5, false, true}, 10);
    }
    if (!x.signatureHex.empty()) {
        out.paragraph(w("signature") + " (hex)", {9, true});
        out.paragraph(x.signatureHex, {7.5, false, true}, 10);
    }
    out.finishPage();
    cairo_show_page(cr);
    return out.pages();
}

Result<std::string> render(const DonorReport &r, Lang lang, const PdfExtras &x, int totalPages, int *pages) {
    std::string bytes;
    std::string *sink = pages ? nullptr : &bytes;
    cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(appendTo, sink, kWidth, kHeight);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return makeError(Errc::Internal, "cannot create the PDF");
    }
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, reportTitle(lang, r).c_str());
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "reemploi");
    cairo_t *cr = cairo_create(surface);
    cairo_set_source_rgb(cr, 0, 0, 0);
    int n = draw(cr, r, lang, x, totalPages);
    if (pages) *pages = n;
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    auto status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS)
        return makeError(Errc::Internal, std::string("cannot draw the PDF: ") + cairo_status_to_string(status));
    return bytes;
}

}  // namespace

Result<std::string> reportPdf(const DonorReport &report, Lang lang, const PdfExtras &extras) {
    int pages = 0;
    auto counted = render(report, lang, extras, 0, &pages);
    if (!counted) return counted.error();
    return render(report, lang, extras, pages, nullptr);
}

}  // namespace reemploi::app::reports
