// The one-page PDF certificate (cairo), with a QR code of the certificate id drawn as vector
// squares from ZXing's QR matrix, so it prints sharp at any size.
#include <reemploi/diagnostics/storage/Certificate.hpp>

#include <cairo-pdf.h>
#include <cairo.h>

#include <fstream>
#include <string>

#include <ZXing/BarcodeFormat.h>
#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>

namespace reemploi::diagnostics::storage {

namespace {

std::string orDash(const std::string &s) { return s.empty() ? "-" : s; }

// The page's words, French first.
struct Words {
    bool french = true;
    const char *operator()(const char *fr, const char *en) const { return french ? fr : en; }
};

std::string bytesText(std::uint64_t b, const Words &tr) {
    char buf[96];
    if (b >= 1000000000ULL)
        std::snprintf(buf, sizeof buf, tr("%.1f Go (%llu octets)", "%.1f GB (%llu bytes)"), b / 1e9, static_cast<unsigned long long>(b));
    else std::snprintf(buf, sizeof buf, tr("%.1f Mo (%llu octets)", "%.1f MB (%llu bytes)"), b / 1e6, static_cast<unsigned long long>(b));
    std::string out = buf;
    if (tr.french)
        for (auto &c : out)
            if (c == '.') c = ',';
    return out;
}

class Page {
public:
    explicit Page(cairo_t *cr) : _cr(cr) {}
    void heading(const std::string &text) {
        _y += 8;
        cairo_select_font_face(_cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
        cairo_set_font_size(_cr, 11);
        cairo_move_to(_cr, 50, _y);
        cairo_show_text(_cr, text.c_str());
        _y += 15;
    }
    void line(const std::string &label, const std::string &value) {
        cairo_select_font_face(_cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(_cr, 9);
        cairo_move_to(_cr, 60, _y);
        cairo_show_text(_cr, label.c_str());
        // Long values (a loop device's backing file, error lists) are cut to stay on the page.
        std::string v = value.size() > 62 ? value.substr(0, 59) + "..." : value;
        cairo_move_to(_cr, 230, _y);
        cairo_show_text(_cr, v.c_str());
        _y += 12.5;
    }
    // A full-width line (commands), in a fixed-width font.
    void text(const std::string &value) {
        cairo_select_font_face(_cr, "monospace", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(_cr, 7.5);
        cairo_move_to(_cr, 60, _y);
        cairo_show_text(_cr, value.c_str());
        _y += 11;
    }
    double y() const { return _y; }
    void setY(double y) { _y = y; }

private:
    cairo_t *_cr;
    double _y = 60;
};

}  // namespace

namespace {

cairo_status_t appendTo(void *closure, const unsigned char *data, unsigned int length) {
    static_cast<std::string *>(closure)->append(reinterpret_cast<const char *>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Status renderCertificatePdf(const IssuedCertificate &c, const std::string &pdfPath, CertificateLanguage language) {
    auto pdf = certificatePdf(c, language);
    if (!pdf) return pdf.error().withContext(pdfPath);
    std::ofstream out(pdfPath, std::ios::binary | std::ios::trunc);
    out << *pdf;
    out.close();
    if (!out) return makeError(Errc::Io, pdfPath + ": cannot write the PDF");
    return {};
}

Result<std::string> certificatePdf(const IssuedCertificate &c, CertificateLanguage language) {
    const Words tr{language == CertificateLanguage::French};
    const auto &f = c.fields;
    ZXing::BitMatrix qr;
    try {
        ZXing::MultiFormatWriter writer(ZXing::BarcodeFormat::QRCode);
        writer.setMargin(0);
        qr = writer.encode(f.id, 0, 0);
    } catch (const std::exception &e) {
        return makeError(Errc::Internal, std::string("cannot encode the QR code: ") + e.what());
    }

    std::string bytes;
    cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(appendTo, &bytes, 595.28, 841.89);  // A4 in points
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return makeError(Errc::Internal, "cannot create the PDF");
    }
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
                                   (std::string(tr("Certificat d'effacement ", "Sanitization certificate ")) + f.id).c_str());
    cairo_t *cr = cairo_create(surface);
    cairo_set_source_rgb(cr, 0, 0, 0);

    // QR code, top right, 90 pt wide.
    const double qrSize = 90, qrX = 595.28 - 50 - qrSize, qrY = 40;
    const double module = qrSize / qr.width();
    for (int y = 0; y < qr.height(); ++y)
        for (int x = 0; x < qr.width(); ++x)
            if (qr.get(x, y)) cairo_rectangle(cr, qrX + x * module, qrY + y * module, module, module);
    cairo_fill(cr);

    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, 16);
    cairo_move_to(cr, 50, 58);
    cairo_show_text(cr, tr("Certificat d'effacement", "Sanitization certificate"));
    cairo_set_font_size(cr, 10);
    cairo_move_to(cr, 50, 78);
    cairo_show_text(cr, tr("Effacement des données selon NIST SP 800-88 Rév. 1", "Media sanitization per NIST SP 800-88 Rev. 1"));
    cairo_move_to(cr, 50, 100);
    cairo_show_text(cr, (std::string(tr("N° ", "No ")) + f.id + tr("   émis le ", "   issued ") + f.issuedAt).c_str());
    cairo_move_to(cr, 50, 114);
    cairo_show_text(cr, (std::string(tr("Catégorie NIST : ", "NIST category: ")) + std::string(toString(f.level)) +
                         tr("   résultat : ", "   result: ") + f.result)
                            .c_str());

    Page page(cr);
    page.setY(140);
    page.heading(tr("Support", "Media"));
    page.line(tr("Fabricant / modèle", "Manufacturer / model"), orDash(f.manufacturer) + " / " + orDash(f.model));
    page.line(tr("Numéro de série", "Serial number"), orDash(f.serial));
    page.line(tr("Type de support", "Media type"), orDash(f.mediaType));
    page.line(tr("Capacité", "Capacity"), bytesText(f.capacityBytes, tr));
    page.line(tr("Numéro d'inventaire", "Property number"),
              tr("appareil ", "unit ") + orDash(f.unitTag) + tr(", étiquette du donateur ", ", donor tag ") + orDash(f.donorTag));
    page.line(tr("Provenance", "Media source"), orDash(f.donor) + tr(", don ", ", donation ") + orDash(f.donation));
    page.heading(tr("Effacement", "Sanitization"));
    page.line(tr("Catégorie (NIST)", "Category (NIST)"), std::string(toString(f.level)));
    page.line(tr("Méthode", "Method"), f.method);
    page.line("", f.methodDescription);
    page.line(tr("Outil", "Tool"), f.tool + " " + f.toolVersion);
    page.line(tr("Début / fin", "Started / ended"), f.startedAt + " / " + f.endedAt);
    char figures[160];
    std::snprintf(figures, sizeof figures, tr("%s en %.1f s (%.1f Mo/s)", "%s in %.1f s (%.1f MB/s)"), bytesText(f.bytesWritten, tr).c_str(),
                  f.durationSeconds, f.throughputMBps);
    page.line(tr("Écrit", "Written"), figures);
    page.line(tr("Erreurs", "Errors"), f.errors.empty() ? tr("aucune", "none")
                                                    : std::to_string(f.errors.size()) + tr(" (voir le certificat JSON)", " (see the JSON certificate)"));
    page.line(tr("Effectué par", "Performed by"), orDash(f.sanitizedBy.name) + ", " + orDash(f.sanitizedBy.position));
    page.line(tr("Lieu / contact", "Location / contact"), orDash(f.sanitizedBy.location) + " / " + orDash(f.sanitizedBy.contact));
    page.heading(tr("Vérification", "Verification"));
    page.line(tr("Méthode / résultat", "Method / result"), f.verificationMethod + " / " + f.verificationResult);
    page.line(tr("Relu", "Read back"), bytesText(f.bytesVerified, tr) +
                               (f.sampleSubsections ? ", " + std::to_string(f.sampleSubsections) + tr(" sous-sections", " subsections") : ""));
    page.line(tr("Effectué par", "Performed by"), orDash(f.verifiedBy.name) + ", " + orDash(f.verifiedBy.position));
    page.line(tr("Lieu / contact", "Location / contact"), orDash(f.verifiedBy.location) + " / " + orDash(f.verifiedBy.contact));
    page.heading(tr("Destination", "Destination"));
    page.line(tr("Après effacement", "After sanitization"), orDash(f.destination));
    page.heading(tr("Émetteur", "Issuer"));
    page.line(tr("Atelier", "Workshop"), orDash(f.workshop) + " / " + orDash(f.workshopContact));
    page.line(tr("Clé (SHA-256)", "Key (SHA-256)"), c.keyFingerprint.substr(0, 32));
    page.line("", c.keyFingerprint.substr(32));
    if (f.signedWhere)
        page.line(tr("Signé", "Signed"), *f.signedWhere == kSignedOnTheMachine
                                             ? tr("sur l'ordinateur effacé", "on the erased computer")
                                             : tr("à l'import par l'atelier, après contrôle", "at import by the bench, after checking"));
    if (f.auditHead) {
        // The trail's head when this was issued: `reemploi audit verify --anchor EVENT:HASH` later.
        page.line(tr("Tête de la chaîne d'audit", "Audit trail head"), tr("événement ", "event ") + std::to_string(f.auditHead->event) + ", " + f.auditHead->hash.substr(0, 32));
        page.line("", f.auditHead->hash.substr(32));
    }

    page.heading(tr("Comment vérifier ce certificat", "How to check this certificate"));
    page.text(tr("Le certificat JSON signé et son fichier .sig se vérifient avec la clé publique de l'atelier",
                 "The signed JSON certificate and its .sig file are checked with the workshop's public key"));
    page.text(tr("(reemploi cert pubkey > workshop.pem), avec OpenSSL seul :", "(reemploi cert pubkey > workshop.pem) by OpenSSL alone:"));
    page.text("openssl pkeyutl -verify -pubin -inkey workshop.pem -rawin -in CERT.json -sigfile CERT.json.sig");

    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    auto status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS)
        return makeError(Errc::Internal, std::string("cannot draw the PDF: ") + cairo_status_to_string(status));
    return bytes;
}

}  // namespace reemploi::diagnostics::storage
