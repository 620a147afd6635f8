// Encoding text as a barcode's module matrix: Code 128 and DataMatrix through ZXing-cpp, QR by
// our own encoder (it makes the very symbols ZXing's writer makes, several times faster).
// A matrix holds modules only, no quiet zone: layouts and renderers place it and keep the zone
// white (quietZoneModules).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/labels/Decode.hpp>

namespace reemploi::labels {

enum class Symbology { Code128, QRCode, DataMatrix };

// QR error correction: recovers about 7, 15, 25, 30 % of the symbol.
enum class QrEcLevel { L, M, Q, H };

// The names the decoder reports ("Code128", "QRCode", "DataMatrix").
std::string_view toString(Symbology);
Result<Symbology> parseSymbology(std::string_view name);
std::string_view toString(QrEcLevel);  // "L", "M", "Q", "H"
Result<QrEcLevel> parseQrEcLevel(std::string_view name);

// Modules, row-major; true is dark (a bar). A linear symbol (Code 128) has height 1.
struct BitMatrix {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> bits;

    bool get(int x, int y) const { return bits[static_cast<std::size_t>(y) * width + x] != 0; }
    bool linear() const { return height == 1; }
};

struct EncodeOptions {
    QrEcLevel ecLevel = QrEcLevel::M;  // QR only
};

// Encodes `text` (UTF-8). InvalidInput, naming the symbology and the reason, when it cannot
// (empty, too long, a character Code 128 cannot carry).
Result<BitMatrix> encode(Symbology symbology, std::string_view text, const EncodeOptions &options = {});

// White modules each side that the symbology's specification requires: 10 for Code 128,
// 4 for QR, 1 for DataMatrix.
int quietZoneModules(Symbology symbology);

// Draws a matrix as grey pixels: `moduleDots` pixels per module, a linear symbol `barHeight`
// pixels tall, surrounded by its quiet zone. For tests, previews and benchmarks.
GreyImage rasterize(const BitMatrix &matrix, Symbology symbology, int moduleDots, int barHeight = 0);

}  // namespace reemploi::labels
