// What a unit's label says (LabelData, a plain value: labels/ knows nothing of the database),
// the media it is printed on, and its layout in printer dots: every barcode module and bar is a
// whole number of dots, so that no renderer ever resamples a bar.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/labels/Encode.hpp>

namespace reemploi::labels {

enum class WipeStatus {
    Unknown,    // nothing printed
    NoStorage,  // "Sans stockage"
    Pending,    // "Effacement à faire"
    Wiped,      // "Effacé" (with its date)
    Failed,     // "Effacement échoué"
};

// The words printed for a wipe status, French first (trainees read French best); empty for Unknown.
std::string_view wipeStatusText(WipeStatus status);

struct LabelData {
    std::string tag;    // "RE-000123": the Code 128, the QR and the big line
    std::string kind;   // as printed: "Portable", "Tablette", …
    std::string make;   // "Lenovo"
    std::string model;  // "ThinkPad T480"
    std::string grade;  // "A" … "D", or empty
    WipeStatus wipeStatus = WipeStatus::Unknown;
    std::string wipeDate;  // YYYY-MM-DD, or empty
    std::string site;      // the workshop
};

// A label stock: a roll of labels of one size (thermal printers) or a sheet of labels in a grid
// (ordinary printers). Sizes in millimetres.
struct Media {
    std::string name;  // "62x29", "57x32", "50x25", "a4-3x8"
    double labelWidthMm = 0;
    double labelHeightMm = 0;
    bool sheet = false;
    // Sheets only: the page, the grid and where its first label starts.
    double pageWidthMm = 0, pageHeightMm = 0;
    int columns = 1, rows = 1;
    double leftMm = 0, topMm = 0;
};

// The media we know, by name (case-insensitive); InvalidInput lists the known names.
Result<Media> parseMedia(std::string_view name);
std::vector<std::string> mediaNames();

struct LayoutOptions {
    int dpi = 203;  // the printer's resolution: 203 (8 dots/mm) or 300
    // The QR carries qrBaseUrl + tag ("https://…/u/" + "RE-000123"); empty: the bare tag.
    // A base that does not end in '/' gets one.
    std::string qrBaseUrl;
    Symbology matrixCode = Symbology::QRCode;  // or DataMatrix, for the 2-D code
    QrEcLevel ecLevel = QrEcLevel::M;
};

// The text the 2-D code carries for a tag.
std::string matrixContent(const std::string &tag, const LayoutOptions &options);

// A symbol placed on the label. (x, y) is the top-left of its first module, in dots; the quiet
// zone lies around it, inside the label, and nothing else is drawn there.
struct PlacedBarcode {
    Symbology symbology = Symbology::Code128;
    std::string content;
    BitMatrix matrix;
    QrEcLevel ecLevel = QrEcLevel::M;  // QR only
    int x = 0, y = 0;
    int module = 1;  // dots per module (narrowest bar)
    int height = 0;  // dots: a linear symbol's bar height; a matrix's matrix.height * module

    int width() const { return matrix.width * module; }
};

// One line of text, already shortened (with "…") to fit `maxWidth` in the layout's font.
struct PlacedText {
    std::string text;
    int x = 0;
    int top = 0;       // dots: top of the line's box (ZPL's ^FO)
    int baseline = 0;  // dots (cairo, SVG)
    int size = 0;      // font size in dots (em height)
    int maxWidth = 0;  // dots available
    bool bold = false;
};

struct Layout {
    Media media;
    int dpi = 203;
    int width = 0;   // dots
    int height = 0;  // dots
    std::vector<PlacedBarcode> barcodes;  // the Code 128 first, then the 2-D code
    std::vector<PlacedText> texts;
};

// The font every renderer asks for (ZPL uses the printer's scalable font 0 instead).
inline constexpr const char *kLabelFont = "DejaVu Sans";

// Lays out one label. InvalidInput when the data cannot be laid out: no tag, a tag Code 128
// cannot carry, a dpi we do not print at, or a symbol that would not fit at one dot per module.
Result<Layout> layoutLabel(const LabelData &data, const Media &media, const LayoutOptions &options);

// Labels placed on pages: one page per label on a roll, a grid per page on a sheet.
struct PlacedLabel {
    int x = 0, y = 0;  // dots from the page's top-left
    Layout layout;
};
struct Page {
    int dpi = 203;
    int width = 0, height = 0;  // dots
    double widthMm = 0, heightMm = 0;
    std::vector<PlacedLabel> labels;
};
std::vector<Page> paginate(const std::vector<Layout> &layouts);

}  // namespace reemploi::labels
