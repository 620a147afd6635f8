// Label layout in printer dots: the Code 128 across the bottom, the 2-D code top left, the text
// beside it. Text is measured with cairo in the font the raster renderers draw with.
#include <reemploi/labels/Label.hpp>

#include <cairo.h>

#include "Fonts.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace reemploi::labels {

std::string_view wipeStatusText(WipeStatus status) {
    switch (status) {
    case WipeStatus::Unknown: return "";
    case WipeStatus::NoStorage: return "Sans stockage";
    case WipeStatus::Pending: return "Effacement à faire";
    case WipeStatus::Wiped: return "Effacé";
    case WipeStatus::Failed: return "Effacement échoué";
    }
    return "";
}

namespace {

const std::vector<Media> &knownMedia() {
    static const std::vector<Media> media = {
        {"62x29", 62, 29},
        {"57x32", 57.15, 31.75},  // 2.25 x 1.25 in
        {"50x25", 50, 25},
        // 3 x 8 labels of 70 x 37 mm on A4: the grid is as wide as the page and 1 mm shorter.
        {"a4-3x8", 70, 37, true, 210, 297, 3, 8, 0, 0.5},
    };
    return media;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char &c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

int dots(double mm, int dpi) { return static_cast<int>(std::lround(mm * dpi / 25.4)); }

// Text measurement in the renderers' font. One scratch context per thread.
class TextMeasure {
public:
    TextMeasure() {
        _surface = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
        _cr = cairo_create(_surface);
        cairo_font_options_t *fo = cairo_font_options_create();
        cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);  // as the renderers draw
        cairo_set_font_options(_cr, fo);
        cairo_font_options_destroy(fo);
    }
    ~TextMeasure() {
        cairo_destroy(_cr);
        cairo_surface_destroy(_surface);
    }
    TextMeasure(const TextMeasure &) = delete;
    TextMeasure &operator=(const TextMeasure &) = delete;

    // Without hinted metrics an advance is proportional to the size, so everything is measured
    // at one reference size: trying sizes while fitting then costs no new scaled font (which
    // would load every glyph again).
    double width(const std::string &text, int size, bool bold) {
        select(bold);
        cairo_text_extents_t e;
        cairo_text_extents(_cr, text.c_str(), &e);
        return e.x_advance * size / kReference;
    }
    double ascent(int size, bool bold) {
        select(bold);
        cairo_font_extents_t e;
        cairo_font_extents(_cr, &e);
        return e.ascent * size / kReference;
    }

private:
    static constexpr double kReference = 100;
    void select(bool bold) {
        cairo_set_font_face(_cr, labelFontFace(bold));
        cairo_set_font_size(_cr, kReference);
    }
    cairo_surface_t *_surface;
    cairo_t *_cr;
};

TextMeasure &measure() {
    thread_local TextMeasure m;
    return m;
}

// Drops whole UTF-8 characters from the end until text + "…" fits.
std::string fitWidth(std::string text, int size, bool bold, int maxWidth) {
    if (measure().width(text, size, bold) <= maxWidth) return text;
    while (!text.empty()) {
        std::size_t cut = text.size() - 1;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
        text.erase(cut);
        while (!text.empty() && text.back() == ' ') text.pop_back();
        if (measure().width(text + "…", size, bold) <= maxWidth) return text + "…";
    }
    return "";
}

std::string join(const std::vector<std::string> &parts, const char *sep) {
    std::string out;
    for (const std::string &p : parts) {
        if (p.empty()) continue;
        if (!out.empty()) out += sep;
        out += p;
    }
    return out;
}

bool validUtf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;  // continuation bytes
        if (c >= 0x80) {
            if ((c >> 5) == 6) n = 1;
            else if ((c >> 4) == 14) n = 2;
            else if ((c >> 3) == 30) n = 3;
            else return false;
        }
        if (i + n >= s.size() && n > 0) return false;
        for (std::size_t k = 1; k <= n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        i += n + 1;
    }
    return true;
}

}  // namespace

Result<Media> parseMedia(std::string_view name) {
    const std::string n = lower(name);
    for (const Media &m : knownMedia())
        if (m.name == n) return m;
    std::string known;
    for (const Media &m : knownMedia()) known += (known.empty() ? "" : ", ") + m.name;
    return makeError(Errc::InvalidInput, "unknown label size '" + std::string(name) + "' (known: " + known + ")");
}

std::vector<std::string> mediaNames() {
    std::vector<std::string> names;
    for (const Media &m : knownMedia()) names.push_back(m.name);
    return names;
}

std::string matrixContent(const std::string &tag, const LayoutOptions &options) {
    if (options.qrBaseUrl.empty()) return tag;
    std::string base = options.qrBaseUrl;
    if (base.back() != '/') base += '/';
    return base + tag;
}

Result<Layout> layoutLabel(const LabelData &data, const Media &media, const LayoutOptions &options) {
    if (options.dpi != 203 && options.dpi != 300)
        return makeError(Errc::InvalidInput, "unsupported printer resolution " + std::to_string(options.dpi) +
                                                 " dpi (expected 203 or 300)");
    if (data.tag.empty()) return makeError(Errc::InvalidInput, "label has no tag");
    for (const std::string *field : {&data.tag, &data.kind, &data.make, &data.model, &data.grade, &data.wipeDate,
                                     &data.site})
        if (!validUtf8(*field))
            return makeError(Errc::InvalidInput, "label of " + data.tag + ": a field is not valid UTF-8");
    const int dpi = options.dpi;
    Layout layout;
    layout.media = media;
    layout.dpi = dpi;
    layout.width = dots(media.labelWidthMm, dpi);
    layout.height = dots(media.labelHeightMm, dpi);
    const int W = layout.width, H = layout.height;
    const int margin = dots(1.0, dpi);
    const int gap = dots(0.5, dpi);
    const std::string where = "label " + data.tag + " on " + media.name + " at " + std::to_string(dpi) + " dpi";

    // Code 128 across the bottom, modules as wide as fits up to 0.5 mm.
    auto bars = encode(Symbology::Code128, data.tag);
    if (!bars) return bars.error().withContext(where);
    PlacedBarcode code128;
    code128.symbology = Symbology::Code128;
    code128.content = data.tag;
    code128.matrix = std::move(*bars);
    const int c128Span = code128.matrix.width + 2 * quietZoneModules(Symbology::Code128);
    code128.module = std::min(std::max(1, dots(0.5, dpi)), W / c128Span);
    if (code128.module < 1)
        return makeError(Errc::InvalidInput, where + ": the tag's Code 128 needs " + std::to_string(c128Span) +
                                                 " modules with its quiet zones, the label is " + std::to_string(W) +
                                                 " dots wide");
    code128.height = std::max(dots(5.0, dpi), static_cast<int>(std::lround(0.24 * H)));
    code128.x = (W - code128.width()) / 2;
    code128.y = H - margin - code128.height;

    // The 2-D code top left, in the room above the bars, at most 45 % of the width, modules up
    // to 0.6 mm.
    PlacedBarcode matrix;
    matrix.symbology = options.matrixCode;
    matrix.content = matrixContent(data.tag, options);
    matrix.ecLevel = options.ecLevel;
    auto m2 = encode(options.matrixCode, matrix.content, EncodeOptions{options.ecLevel});
    if (!m2) return m2.error().withContext(where);
    matrix.matrix = std::move(*m2);
    const int qz = quietZoneModules(options.matrixCode);
    const int room = code128.y - gap;
    int k = std::max(1, dots(0.6, dpi));
    auto fits = [&](int module) {
        const int edge = std::max(qz * module, margin);
        return edge + matrix.matrix.height * module + qz * module <= room &&
               edge + matrix.matrix.width * module + qz * module <= W * 45 / 100;
    };
    while (k >= 1 && !fits(k)) --k;
    if (k < 1)
        return makeError(Errc::InvalidInput, where + ": the " + std::string(toString(options.matrixCode)) + " of " +
                                                 std::to_string(matrix.content.size()) +
                                                 " bytes does not fit (shorten the base URL)");
    matrix.module = k;
    matrix.height = matrix.matrix.height * k;
    matrix.x = std::max(qz * k, margin);
    matrix.y = matrix.x;
    // Centre the symbol in the room above the bars when there is more of it.
    const int spareY = room - (matrix.y + matrix.height + std::max(qz * k, margin));
    if (spareY > 0) matrix.y += spareY / 2;

    // Text to the right of the 2-D code's quiet zone.
    const int tx = matrix.x + matrix.width() + std::max(qz * k, margin);
    const int tw = W - margin - tx;
    const int ty = margin;
    const int th = room - margin;
    std::vector<std::string> lines;
    lines.push_back(join({data.kind, join({data.make, data.model}, " ")}, " · "));
    std::string wipe = std::string(wipeStatusText(data.wipeStatus));
    if (!wipe.empty() && data.wipeStatus == WipeStatus::Wiped && !data.wipeDate.empty()) wipe += " " + data.wipeDate;
    lines.push_back(join({data.grade.empty() ? "" : "Grade " + data.grade, wipe}, " · "));
    lines.push_back(data.site);
    lines.erase(std::remove(lines.begin(), lines.end(), std::string()), lines.end());

    constexpr double kLeading = 1.18;
    constexpr double kSmall = 0.62;  // other lines, relative to the tag
    const int minSmall = dots(1.6, dpi);
    // Drop lines from the end (site first) while even the smallest type cannot hold them all.
    while (!lines.empty() && minSmall / kSmall * kLeading * (1 + kSmall * lines.size()) > th) lines.pop_back();
    int tagSize = std::min(dots(4.2, dpi),
                           static_cast<int>(th / (kLeading * (1 + kSmall * static_cast<double>(lines.size())))));
    while (tagSize > minSmall && measure().width(data.tag, tagSize, true) > tw) --tagSize;
    // The other lines shrink (not below minSmall) before they are shortened.
    int smallSize = std::max(minSmall, static_cast<int>(std::lround(tagSize * kSmall)));
    auto widest = [&](int size) {
        double w = 0;
        for (const std::string &line : lines) w = std::max(w, measure().width(line, size, false));
        return w;
    };
    while (smallSize > minSmall && widest(smallSize) > tw) --smallSize;

    int y = ty;
    auto addLine = [&](const std::string &text, int size, bool bold) {
        PlacedText t;
        t.text = fitWidth(text, size, bold, tw);
        t.x = tx;
        t.top = y;
        t.baseline = y + static_cast<int>(std::lround(measure().ascent(size, bold)));
        t.size = size;
        t.maxWidth = tw;
        t.bold = bold;
        y += static_cast<int>(std::lround(size * kLeading));
        if (!t.text.empty()) layout.texts.push_back(std::move(t));
    };
    if (tw > 0) {
        addLine(data.tag, tagSize, true);
        for (const std::string &line : lines) addLine(line, smallSize, false);
    }
    layout.barcodes.push_back(std::move(code128));
    layout.barcodes.push_back(std::move(matrix));
    return layout;
}

std::vector<Page> paginate(const std::vector<Layout> &layouts) {
    std::vector<Page> pages;
    for (const Layout &l : layouts) {
        const Media &m = l.media;
        if (!m.sheet) {
            Page p;
            p.dpi = l.dpi;
            p.width = l.width;
            p.height = l.height;
            p.widthMm = m.labelWidthMm;
            p.heightMm = m.labelHeightMm;
            p.labels.push_back({0, 0, l});
            pages.push_back(std::move(p));
            continue;
        }
        const int perPage = m.columns * m.rows;
        if (pages.empty() || static_cast<int>(pages.back().labels.size()) == perPage) {
            Page p;
            p.dpi = l.dpi;
            p.width = dots(m.pageWidthMm, l.dpi);
            p.height = dots(m.pageHeightMm, l.dpi);
            p.widthMm = m.pageWidthMm;
            p.heightMm = m.pageHeightMm;
            pages.push_back(std::move(p));
        }
        Page &p = pages.back();
        const int i = static_cast<int>(p.labels.size());
        const int col = i % m.columns, row = i / m.columns;
        // Label origins on whole dots, from millimetres, so the grid does not drift.
        p.labels.push_back({dots(m.leftMm + col * m.labelWidthMm, l.dpi), dots(m.topMm + row * m.labelHeightMm, l.dpi), l});
    }
    return pages;
}

}  // namespace reemploi::labels
