// Serials as they reach us from the bench: typed by a hand scanner (keyboard wedge) or read from a
// photo of the manufacturer's sticker. `reemploi unit add` and `reemploi intake scan-serial` use them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <reemploi/common/Result.hpp>

namespace reemploi::intake {

// The serial a scanner typed, cleaned: inventory::cleanSerial (Identity.hpp), the one rule that
// every registration applies (kept here for intake's callers).
std::string cleanScannedSerial(std::string_view scanned);

// One barcode of a sticker that may carry the serial.
struct SerialCandidate {
    std::string serial;     // cleaned as cleanScannedSerial does
    std::string raw;        // the barcode's content as decoded
    std::string format;     // the decoder's name: "Code128", "Code39", "DataMatrix", "QRCode", …
    bool labelled = false;  // the content says it is a serial ("S/N: …", GS1 element 21)
};

// The serials a photo or scan of a manufacturer's sticker may carry (Code 128, Code 39,
// DataMatrix, QR, … through the labels module's decoder), the likeliest first: contents that
// say they are a serial, then linear barcodes (where makers put serials), then 2D symbols, each
// group top to bottom. Product codes (EAN/UPC) and web addresses are left out. An image with
// nothing readable gives an empty list; an unreadable file is an error naming it.
Result<std::vector<SerialCandidate>> readSerialsFromImage(const std::string &path);
// The same from the image's bytes (an upload); `name` is what errors call it.
Result<std::vector<SerialCandidate>> readSerialsFromImageBytes(const std::string &bytes, const std::string &name);

}  // namespace reemploi::intake
