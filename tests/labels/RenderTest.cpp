// Layouts and renderers: every format × size × dpi is rendered, then read back by our decoder
// (PDF through pdftoppm, SVG through rsvg-convert, ZPL parsed and its layout rasterised) and,
// where installed, by zbarimg.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "labels/TestImages.hpp"
#include "labels/Tools.hpp"
#include <reemploi/labels/Decode.hpp>
#include <reemploi/labels/Render.hpp>

using namespace reemploi;
using namespace reemploi::labels;
using labels::test::TempDir;

namespace {

const char *kBase = "https://reemploi.example.org/u/";

LabelData sample(const std::string &tag = "RE-000123") {
    return LabelData{tag, "Portable", "Lenovo", "ThinkPad T480", "B", WipeStatus::Wiped, "2026-11-23",
                     "Atelier de Vénissieux"};
}

LayoutOptions options(int dpi) {
    LayoutOptions o;
    o.dpi = dpi;
    o.qrBaseUrl = kBase;
    return o;
}

std::map<std::string, std::string> byFormat(const std::vector<DecodedBarcode> &found) {
    std::map<std::string, std::string> m;
    for (const auto &f : found) m[f.format] = f.text;
    return m;
}

void expectBothCodes(const std::vector<DecodedBarcode> &found, const std::string &tag, const std::string &what) {
    auto m = byFormat(found);
    EXPECT_EQ(m["Code128"], tag) << what;
    EXPECT_EQ(m["QRCode"], kBase + tag) << what;
    EXPECT_EQ(found.size(), 2u) << what;
}

// ZPL read back: each field is its ^FO position, the command that draws it and its data.
struct ZplField {
    int x = -1, y = -1;
    std::string command;  // "BC", "BQ", "BX", "A0"
    std::vector<std::string> params;
    std::string by;       // the ^BY before it, if any
    std::string fb;
    std::string data;     // ^FH_ escapes undone
};
struct ZplLabel {
    std::map<std::string, std::string> settings;  // CI, PW, LL, LH, PQ
    std::vector<ZplField> fields;
};

std::vector<std::string> split(const std::string &s, char sep) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, sep)) out.push_back(item);
    if (!s.empty() && s.back() == sep) out.push_back("");
    return out;
}

std::string unescapeFh(const std::string &s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '_' && i + 2 < s.size()) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::vector<ZplLabel> parseZpl(const std::string &zpl) {
    std::vector<ZplLabel> labels;
    ZplLabel *cur = nullptr;
    ZplField field;
    bool hex = false;
    for (std::string cmd : split(zpl, '^')) {
        while (!cmd.empty() && (cmd.back() == '\n' || cmd.back() == '\r')) cmd.pop_back();
        if (cmd.size() < 2) continue;
        const std::string name = cmd.substr(0, 2), arg = cmd.substr(2);
        if (name == "XA") {
            labels.emplace_back();
            cur = &labels.back();
            continue;
        }
        if (!cur) ADD_FAILURE() << "ZPL command ^" << name << " outside ^XA…^XZ";
        if (!cur || name == "XZ") continue;
        if (name == "FO") {
            auto xy = split(arg, ',');
            field = ZplField{};
            field.x = std::stoi(xy.at(0));
            field.y = std::stoi(xy.at(1));
        } else if (name == "BY") {
            field.by = arg;
        } else if (name == "BC" || name == "BQ" || name == "BX" || name == "A0") {
            field.command = name;
            field.params = split(arg.substr(0, 1) == "N" ? arg : arg, ',');
        } else if (name == "FB") {
            field.fb = arg;
        } else if (name == "FH") {
            hex = arg == "_";
        } else if (name == "FD") {
            field.data = hex ? unescapeFh(arg) : arg;
        } else if (name == "FS") {
            cur->fields.push_back(field);
            hex = false;
        } else {
            cur->settings[name] = arg;
        }
    }
    return labels;
}

struct Case {
    std::string media;
    int dpi;
};

std::vector<Case> allCases() {
    std::vector<Case> cases;
    for (const std::string &m : mediaNames())
        for (int dpi : {203, 300}) cases.push_back({m, dpi});
    return cases;
}

Layout layoutOf(const LabelData &d, const std::string &media, int dpi, const LayoutOptions &o) {
    auto l = layoutLabel(d, *parseMedia(media), o);
    EXPECT_TRUE(l.ok()) << l.error().message;
    (void)dpi;
    return l.ok() ? *l : Layout{};
}

}  // namespace

TEST(Layout, BarsAreWholeDotsInsideTheLabelWithQuietZones) {
    for (const Case &c : allCases()) {
        Layout l = layoutOf(sample(), c.media, c.dpi, options(c.dpi));
        const std::string what = c.media + "@" + std::to_string(c.dpi);
        const Media m = *parseMedia(c.media);
        EXPECT_EQ(l.width, static_cast<int>(std::lround(m.labelWidthMm * c.dpi / 25.4))) << what;
        ASSERT_EQ(l.barcodes.size(), 2u);
        for (const PlacedBarcode &b : l.barcodes) {
            const int q = quietZoneModules(b.symbology) * b.module;
            EXPECT_GE(b.module, 1) << what;
            EXPECT_GE(b.x - q, 0) << what << " " << toString(b.symbology);
            EXPECT_LE(b.x + b.width() + q, l.width) << what << " " << toString(b.symbology);
            EXPECT_GE(b.y, 0) << what;
            EXPECT_LE(b.y + b.height, l.height) << what;
            if (b.symbology == Symbology::QRCode) {
                EXPECT_GE(b.y - q, 0) << what;
                // No text and no other symbol in the QR's quiet zone.
                for (const PlacedText &t : l.texts) EXPECT_GE(t.x, b.x + b.width() + q) << what;
                EXPECT_LE(b.y + b.height + q, l.barcodes[0].y) << what;
            }
        }
        // Narrowest bar: at least 0.25 mm wherever the label allows (all our sizes do).
        EXPECT_GE(l.barcodes[0].module * 25.4 / c.dpi, 0.25) << what;
        ASSERT_FALSE(l.texts.empty());
        EXPECT_EQ(l.texts[0].text, "RE-000123") << what;
        EXPECT_TRUE(l.texts[0].bold);
        for (const PlacedText &t : l.texts) EXPECT_LE(t.x + t.maxWidth, l.width) << what;
    }
}

TEST(Layout, ShortensTextThatDoesNotFitAndRefusesWhatCannotBePrinted) {
    LabelData d = sample();
    d.model = "ThinkPad X1 Carbon Gen 9 with a very long marketing name indeed";
    Layout l = layoutOf(d, "50x25", 203, options(203));
    ASSERT_GE(l.texts.size(), 2u);
    EXPECT_NE(l.texts[1].text.find("…"), std::string::npos) << l.texts[1].text;

    auto tooLong = layoutLabel(sample("RE-" + std::string(60, 'X')), *parseMedia("50x25"), options(203));
    ASSERT_FALSE(tooLong.ok());
    EXPECT_EQ(tooLong.error().code, Errc::InvalidInput);
    EXPECT_NE(tooLong.error().message.find("50x25"), std::string::npos) << tooLong.error().message;

    EXPECT_FALSE(layoutLabel(sample(""), *parseMedia("62x29"), options(203)).ok());
    auto dpi = layoutLabel(sample(), *parseMedia("62x29"), options(150));
    ASSERT_FALSE(dpi.ok());
    EXPECT_NE(dpi.error().message.find("150"), std::string::npos);
    LabelData bad = sample();
    bad.site = std::string("Atelier \xC3", 9);
    EXPECT_FALSE(layoutLabel(bad, *parseMedia("62x29"), options(203)).ok());
    auto unknown = parseMedia("100x50");
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.error().message.find("62x29"), std::string::npos);

    LayoutOptions bare;
    EXPECT_EQ(matrixContent("RE-000001", bare), "RE-000001");
    bare.qrBaseUrl = "https://x.example/u";
    EXPECT_EQ(matrixContent("RE-000001", bare), "https://x.example/u/RE-000001");
}

TEST(Render, PngRoundTripsEverySizeAndDpi) {
    TempDir dir;
    for (const Case &c : allCases()) {
        const std::string what = c.media + "@" + std::to_string(c.dpi);
        auto png = renderLabels({sample()}, *parseMedia(c.media), RenderFormat::Png, options(c.dpi));
        ASSERT_TRUE(png.ok()) << png.error().message;
        const std::string path = dir.file(c.media + "-" + std::to_string(c.dpi) + ".png");
        test::writeFile(path, *png);
        auto found = decodeFile(path);
        ASSERT_TRUE(found.ok()) << found.error().message;
        expectBothCodes(*found, "RE-000123", what + " png");
        // The pHYs chunk carries the printer's resolution.
        const auto phys = png->find("pHYs");
        ASSERT_NE(phys, std::string::npos) << what;
        const auto *p = reinterpret_cast<const unsigned char *>(png->data() + phys + 4);
        const unsigned perMetre = (p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
        EXPECT_NEAR(perMetre * 0.0254, c.dpi, 0.5) << what;
    }
}

TEST(Render, BarsArePureBlackAndWholeDotsInTheRaster) {
    for (int dpi : {203, 300}) {
        Layout l = layoutOf(sample(), "62x29", dpi, options(dpi));
        Page page = paginate({l})[0];
        GreyImage img = rasterize(page);
        const PlacedBarcode &bars = l.barcodes[0];
        // Across the middle of the bars: only 0 and 255, and runs that are whole modules.
        const int y = bars.y + bars.height / 2;
        int run = 0;
        std::uint8_t prev = img.at(bars.x - 1, y);
        EXPECT_EQ(prev, 255);
        for (int x = bars.x; x <= bars.x + bars.width(); ++x) {
            const std::uint8_t v = img.at(x, y);
            ASSERT_TRUE(v == 0 || v == 255) << "grey pixel " << int(v) << " at " << x << " (" << dpi << " dpi)";
            if (v == prev) {
                ++run;
                continue;
            }
            if (x > bars.x) {
                EXPECT_EQ(run % bars.module, 0) << "run of " << run << " dots at " << x;
            }
            run = 1;
            prev = v;
        }
        // The quiet zones are white.
        for (int x = bars.x - 10 * bars.module; x < bars.x; ++x) ASSERT_EQ(img.at(x, y), 255);
        for (int x = bars.x + bars.width(); x < bars.x + bars.width() + 10 * bars.module; ++x)
            ASSERT_EQ(img.at(x, y), 255);
    }
}

TEST(Render, PdfRoundTripsThroughPdftoppm) {
    REQUIRE_TOOL("pdftoppm", "poppler-utils");
    TempDir dir;
    for (const Case &c : allCases()) {
        const std::string what = c.media + "@" + std::to_string(c.dpi);
        auto pdf = renderLabels({sample()}, *parseMedia(c.media), RenderFormat::Pdf, options(c.dpi));
        ASSERT_TRUE(pdf.ok()) << pdf.error().message;
        EXPECT_EQ(pdf->substr(0, 5), "%PDF-");
        const std::string base = dir.file(c.media + "-" + std::to_string(c.dpi));
        test::writeFile(base + ".pdf", *pdf);
        // Rasterised at the printer's resolution, as the printer would.
        auto r = test::run("pdftoppm -r " + std::to_string(c.dpi) + " -gray -png -singlefile " +
                           test::shellQuote(base + ".pdf") + " " + test::shellQuote(base));
        ASSERT_EQ(r.exitCode, 0) << what;
        auto img = loadGreyImage(base + ".png");
        ASSERT_TRUE(img.ok()) << img.error().message;
        Layout l = layoutOf(sample(), c.media, c.dpi, options(c.dpi));
        if (!l.media.sheet) {
            EXPECT_NEAR(img->width, l.width, 1) << what;
            EXPECT_NEAR(img->height, l.height, 1) << what;
        }
        auto found = decode(*img);
        ASSERT_TRUE(found.ok());
        expectBothCodes(*found, "RE-000123", what + " pdf");
    }
}

TEST(Render, SvgRoundTripsThroughRsvg) {
    REQUIRE_TOOL("rsvg-convert", "librsvg2-bin");
    TempDir dir;
    for (const Case &c : allCases()) {
        const std::string what = c.media + "@" + std::to_string(c.dpi);
        auto svg = renderLabels({sample()}, *parseMedia(c.media), RenderFormat::Svg, options(c.dpi));
        ASSERT_TRUE(svg.ok()) << svg.error().message;
        EXPECT_NE(svg->find("Vénissieux"), std::string::npos);
        const std::string base = dir.file(c.media + "-" + std::to_string(c.dpi));
        test::writeFile(base + ".svg", *svg);
        // Sized in mm, drawn at the printer's resolution: one pixel per dot.
        auto r = test::run("rsvg-convert -d " + std::to_string(c.dpi) + " -p " + std::to_string(c.dpi) +
                           " -b white -o " + test::shellQuote(base + ".png") + " " + test::shellQuote(base + ".svg") + " 2>/dev/null");
        ASSERT_EQ(r.exitCode, 0) << what;
        auto img = loadGreyImage(base + ".png");
        ASSERT_TRUE(img.ok()) << img.error().message;
        Layout l = layoutOf(sample(), c.media, c.dpi, options(c.dpi));
        if (!l.media.sheet) {
            EXPECT_NEAR(img->width, l.width, 1) << what;
        }
        auto found = decode(*img);
        ASSERT_TRUE(found.ok());
        expectBothCodes(*found, "RE-000123", what + " svg");
    }
}

TEST(Render, ZplDrawsTheLayoutsBarcodesNatively) {
    for (const Case &c : allCases()) {
        const std::string what = c.media + "@" + std::to_string(c.dpi);
        const Media media = *parseMedia(c.media);
        auto zpl = renderLabels({sample()}, media, RenderFormat::Zpl, options(c.dpi));
        if (media.sheet) {
            ASSERT_FALSE(zpl.ok()) << what;
            EXPECT_NE(zpl.error().message.find("a4-3x8"), std::string::npos);
            continue;
        }
        ASSERT_TRUE(zpl.ok()) << zpl.error().message;
        Layout l = layoutOf(sample(), c.media, c.dpi, options(c.dpi));
        auto labels = parseZpl(*zpl);
        ASSERT_EQ(labels.size(), 1u) << what;
        const ZplLabel &z = labels[0];
        EXPECT_EQ(z.settings.at("CI"), "28") << what;
        EXPECT_EQ(z.settings.at("PW"), std::to_string(l.width)) << what;
        EXPECT_EQ(z.settings.at("LL"), std::to_string(l.height)) << what;
        std::map<std::string, ZplField> fields;
        for (const ZplField &f : z.fields) fields[f.command + (f.command == "A0" ? f.data : "")] = f;
        ASSERT_EQ(fields.count("BC"), 1u) << *zpl;
        ASSERT_EQ(fields.count("BQ"), 1u) << *zpl;
        const ZplField &bc = fields["BC"], &bq = fields["BQ"];
        const PlacedBarcode &bars = l.barcodes[0], &qr = l.barcodes[1];
        EXPECT_EQ(bc.x, bars.x);
        EXPECT_EQ(bc.y, bars.y);
        EXPECT_EQ(bc.by, std::to_string(bars.module) + ",3," + std::to_string(bars.height));
        EXPECT_EQ(bc.params, (std::vector<std::string>{"N", std::to_string(bars.height), "N", "N", "N", "A"}));
        EXPECT_EQ(bc.data, "RE-000123");
        EXPECT_EQ(bq.x, qr.x);
        EXPECT_EQ(bq.y, qr.y);
        EXPECT_EQ(bq.params, (std::vector<std::string>{"N", "2", std::to_string(qr.module)}));
        EXPECT_EQ(bq.data, std::string("MA,") + kBase + "RE-000123");
        // Text in UTF-8 as it is (^CI28), inside its field block.
        ASSERT_EQ(fields.count("A0RE-000123"), 1u) << *zpl;
        ASSERT_EQ(fields.count("A0Atelier de Vénissieux"), 1u) << *zpl;
        EXPECT_EQ(fields["A0Atelier de Vénissieux"].fb.substr(0, fields["A0Atelier de Vénissieux"].fb.find(',')),
                  std::to_string(l.texts.back().maxWidth));
        // The same layout drawn as the printer would reads back.
        auto found = decode(rasterize(paginate({l})[0]));
        ASSERT_TRUE(found.ok());
        expectBothCodes(*found, "RE-000123", what + " zpl layout");
    }
}

TEST(Render, ZplEscapesCommandCharactersAndCarriesEcLevelAndDataMatrix) {
    LabelData d = sample("RE-000777");
    d.site = "Atelier ^XZ ~JR _1";
    LayoutOptions o = options(203);
    o.ecLevel = QrEcLevel::H;
    auto zpl = renderLabels({d}, *parseMedia("62x29"), RenderFormat::Zpl, o);
    ASSERT_TRUE(zpl.ok());
    EXPECT_NE(zpl->find("Atelier _5EXZ _7EJR _5F1"), std::string::npos) << *zpl;
    EXPECT_EQ(parseZpl(*zpl).size(), 1u);
    EXPECT_NE(zpl->find(std::string("^FDHA,") + kBase + "RE-000777"), std::string::npos) << *zpl;

    o.matrixCode = Symbology::DataMatrix;
    zpl = renderLabels({d}, *parseMedia("57x32"), RenderFormat::Zpl, o);
    ASSERT_TRUE(zpl.ok());
    Layout l = layoutOf(d, "57x32", 203, o);
    EXPECT_NE(zpl->find("^BXN," + std::to_string(l.barcodes[1].module) + ",200^FH_^FD" + kBase + "RE-000777^FS"),
              std::string::npos)
        << *zpl;
    auto found = decode(rasterize(paginate({l})[0]));
    ASSERT_TRUE(found.ok());
    auto m = byFormat(*found);
    EXPECT_EQ(m["DataMatrix"], kBase + std::string("RE-000777"));
    EXPECT_EQ(m["Code128"], "RE-000777");

    // Several labels: one format each.
    zpl = renderLabels({sample("RE-000001"), sample("RE-000002"), sample("RE-000003")}, *parseMedia("50x25"),
                       RenderFormat::Zpl, options(300));
    ASSERT_TRUE(zpl.ok());
    auto labels = parseZpl(*zpl);
    ASSERT_EQ(labels.size(), 3u);
    EXPECT_EQ(labels[2].fields[0].data, "RE-000003");
}

TEST(Render, ZbarimgReadsOurPngs) {
    REQUIRE_TOOL("zbarimg", "zbar-tools");
    TempDir dir;
    for (const Case &c : allCases()) {
        const std::string what = c.media + "@" + std::to_string(c.dpi);
        auto png = renderLabels({sample("RE-004242")}, *parseMedia(c.media), RenderFormat::Png, options(c.dpi));
        ASSERT_TRUE(png.ok());
        const std::string path = dir.file(c.media + "-" + std::to_string(c.dpi) + ".png");
        test::writeFile(path, *png);
        auto r = test::run("zbarimg -q " + test::shellQuote(path) + " 2>/dev/null");
        ASSERT_EQ(r.exitCode, 0) << what << ": " << r.out;
        EXPECT_NE(r.out.find("CODE-128:RE-004242\n"), std::string::npos) << what << ": " << r.out;
        EXPECT_NE(r.out.find(std::string("QR-Code:") + kBase + "RE-004242\n"), std::string::npos) << what << ": " << r.out;
    }
}

TEST(Render, SheetsHold24LabelsPerPageInTheirSlots) {
    std::vector<LabelData> labels;
    for (int i = 1; i <= 30; ++i) {
        char tag[16];
        std::snprintf(tag, sizeof tag, "RE-%06d", i);
        labels.push_back(sample(tag));
    }
    std::vector<Layout> layouts;
    for (const auto &d : labels) layouts.push_back(layoutOf(d, "a4-3x8", 300, options(300)));
    auto pages = paginate(layouts);
    ASSERT_EQ(pages.size(), 2u);
    EXPECT_EQ(pages[0].labels.size(), 24u);
    EXPECT_EQ(pages[1].labels.size(), 6u);
    EXPECT_EQ(pages[0].width, 2480);
    EXPECT_EQ(pages[0].height, 3508);
    // Label 5 is column 2 (x = 70 mm), row 2 (y = 0.5 + 37 mm).
    EXPECT_EQ(pages[0].labels[4].x, 827);
    EXPECT_EQ(pages[0].labels[4].y, 443);

    // Each slot of the first page holds its own label.
    GreyImage page = rasterize(pages[0]);
    for (int i : {0, 4, 13, 23}) {
        const PlacedLabel &pl = pages[0].labels[i];
        GreyImage slot{pl.layout.width, pl.layout.height, {}};
        for (int y = 0; y < slot.height; ++y)
            for (int x = 0; x < slot.width; ++x) slot.pixels.push_back(page.at(pl.x + x, pl.y + y));
        auto found = decode(slot);
        ASSERT_TRUE(found.ok());
        expectBothCodes(*found, labels[i].tag, "slot " + std::to_string(i));
    }

    auto png = renderLabels(labels, *parseMedia("a4-3x8"), RenderFormat::Png, options(300));
    ASSERT_FALSE(png.ok());
    EXPECT_NE(png.error().message.find("30 labels make 2 pages"), std::string::npos) << png.error().message;
    auto rollPng = renderLabels({sample(), sample("RE-000124")}, *parseMedia("62x29"), RenderFormat::Png, options(203));
    EXPECT_FALSE(rollPng.ok());
    EXPECT_FALSE(renderLabels({}, *parseMedia("62x29"), RenderFormat::Pdf, options(203)).ok());

    // The PDF has a page per sheet, of A4 size (read by poppler, not by us).
    auto pdf = renderLabels(labels, *parseMedia("a4-3x8"), RenderFormat::Pdf, options(300));
    ASSERT_TRUE(pdf.ok());
    REQUIRE_TOOL("pdfinfo", "poppler-utils");
    TempDir dir;
    test::writeFile(dir.file("sheet.pdf"), *pdf);
    auto info = test::run("pdfinfo " + test::shellQuote(dir.file("sheet.pdf")));
    ASSERT_EQ(info.exitCode, 0) << info.out;
    EXPECT_NE(info.out.find("Pages:           2"), std::string::npos) << info.out;
    EXPECT_NE(info.out.find("595.276 x 841.89 pts (A4)"), std::string::npos) << info.out;
}
