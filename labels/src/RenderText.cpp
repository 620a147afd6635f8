// Text renderers: SVG (drawn in dots, sized in millimetres) and ZPL II (the printer draws the
// barcodes natively; text in its scalable font 0, UTF-8 through ^CI28).
#include <reemploi/labels/Render.hpp>

#include <cctype>
#include <cstdio>

#include "DarkRuns.hpp"

namespace reemploi::labels {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char &c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string xmlEscape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

// "62mm", "57.15mm": two decimals at most, no trailing zeros.
std::string mm(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    std::string s = buf;
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s + "mm";
}

// One path per symbol: each run of dark modules is a rectangle (see DarkRuns.hpp).
std::string symbolPath(const PlacedBarcode &b) {
    std::string d;
    forEachDarkRun(b, [&d](int x, int y, int w, int h) {
        char rect[80];
        std::snprintf(rect, sizeof rect, "M%d %dh%dv%dh-%dz", x, y, w, h, w);
        d += rect;
    });
    return d;
}

// ^FH_ field data: ZPL's command characters and our escape character as _XX, as are control
// characters; UTF-8 bytes pass as they are (^CI28).
std::string zplField(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
        if (c == '^' || c == '~' || c == '_' || c < 0x20 || c == 0x7f) {
            char buf[4];
            std::snprintf(buf, sizeof buf, "_%02X", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

}  // namespace

std::string_view toString(RenderFormat f) {
    switch (f) {
    case RenderFormat::Png: return "png";
    case RenderFormat::Pdf: return "pdf";
    case RenderFormat::Svg: return "svg";
    case RenderFormat::Zpl: return "zpl";
    }
    return "?";
}

Result<RenderFormat> parseRenderFormat(std::string_view name) {
    const std::string n = lower(name);
    if (n == "png") return RenderFormat::Png;
    if (n == "pdf") return RenderFormat::Pdf;
    if (n == "svg") return RenderFormat::Svg;
    if (n == "zpl") return RenderFormat::Zpl;
    return makeError(Errc::InvalidInput, "unknown label format '" + std::string(name) + "' (expected png, pdf, svg or zpl)");
}

std::string renderSvg(const Page &page) {
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + mm(page.widthMm) + "\" height=\"" +
           mm(page.heightMm) + "\" viewBox=\"0 0 " + std::to_string(page.width) + " " + std::to_string(page.height) +
           "\">\n";
    out += "<rect width=\"" + std::to_string(page.width) + "\" height=\"" + std::to_string(page.height) +
           "\" fill=\"#fff\"/>\n";
    for (const PlacedLabel &pl : page.labels) {
        out += "<g transform=\"translate(" + std::to_string(pl.x) + " " + std::to_string(pl.y) + ")\">\n";
        for (const PlacedBarcode &b : pl.layout.barcodes)
            out += "<path class=\"" + std::string(toString(b.symbology)) + "\" shape-rendering=\"crispEdges\" fill=\"#000\" d=\"" +
                   symbolPath(b) + "\"/>\n";
        for (const PlacedText &t : pl.layout.texts)
            out += "<text x=\"" + std::to_string(t.x) + "\" y=\"" + std::to_string(t.baseline) +
                   "\" font-family=\"" + std::string(kLabelFont) + ", sans-serif\" font-size=\"" +
                   std::to_string(t.size) + "\"" + (t.bold ? " font-weight=\"bold\"" : "") + " fill=\"#000\">" +
                   xmlEscape(t.text) + "</text>\n";
        out += "</g>\n";
    }
    out += "</svg>\n";
    return out;
}

Result<std::string> renderZpl(const std::vector<Layout> &layouts) {
    std::string out;
    for (const Layout &l : layouts) {
        if (l.media.sheet)
            return makeError(Errc::InvalidInput, "ZPL is for label printers: " + l.media.name +
                                                     " is a sheet for ordinary printers (use pdf)");
        out += "^XA\n^CI28\n^PW" + std::to_string(l.width) + "\n^LL" + std::to_string(l.height) + "\n^LH0,0\n";
        for (const PlacedBarcode &b : l.barcodes) {
            const std::string fo = "^FO" + std::to_string(b.x) + "," + std::to_string(b.y);
            const std::string data = zplField(b.content);
            switch (b.symbology) {
            case Symbology::Code128:
                // Module width and bar height in dots; no interpretation line (we print the
                // tag ourselves); mode A: the printer chooses subsets as our encoder does.
                out += fo + "^BY" + std::to_string(b.module) + ",3," + std::to_string(b.height) + "^BCN," +
                       std::to_string(b.height) + ",N,N,N,A^FH_^FD" + data + "^FS\n";
                break;
            case Symbology::QRCode:
                // Model 2, magnification = module in dots; the field data begins with the error
                // correction level and A(utomatic) input mode.
                out += fo + "^BQN,2," + std::to_string(b.module) + "^FH_^FD" + std::string(toString(b.ecLevel)) +
                       "A," + data + "^FS\n";
                break;
            case Symbology::DataMatrix:
                out += fo + "^BXN," + std::to_string(b.module) + ",200^FH_^FD" + data + "^FS\n";
                break;
            }
        }
        for (const PlacedText &t : l.texts)
            out += "^FO" + std::to_string(t.x) + "," + std::to_string(t.top) + "^A0N," + std::to_string(t.size) + "," +
                   std::to_string(t.bold ? t.size : t.size * 9 / 10) + "^FB" + std::to_string(t.maxWidth) +
                   ",1,0,L,0^FH_^FD" + zplField(t.text) + "^FS\n";
        out += "^PQ1\n^XZ\n";
    }
    return out;
}

Result<std::string> renderLabels(const std::vector<LabelData> &labels, const Media &media, RenderFormat format,
                                 const LayoutOptions &options) {
    if (labels.empty()) return makeError(Errc::InvalidInput, "no label to render");
    std::vector<Layout> layouts;
    layouts.reserve(labels.size());
    for (const LabelData &d : labels) {
        auto l = layoutLabel(d, media, options);
        if (!l) return l.error();
        layouts.push_back(std::move(*l));
    }
    if (format == RenderFormat::Zpl) return renderZpl(layouts);
    std::vector<Page> pages = paginate(layouts);
    if (format == RenderFormat::Pdf) return renderPdf(pages);
    if (pages.size() > 1)
        return makeError(Errc::InvalidInput, std::to_string(labels.size()) + " labels make " +
                                                 std::to_string(pages.size()) + " pages on " + media.name + "; " +
                                                 std::string(toString(format)) + " holds one page (use pdf or zpl)");
    if (format == RenderFormat::Png) return renderPng(pages[0]);
    return renderSvg(pages[0]);
}

}  // namespace reemploi::labels
