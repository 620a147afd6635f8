// Encoders: ZXing-cpp's writers for Code 128 and DataMatrix, asked for one pixel per module and no
// margin; our own for QR (QrEncoder.hpp says why).
#include <reemploi/labels/Encode.hpp>

#include <ZXing/BitMatrix.h>
#include <ZXing/CharacterSet.h>
#include <ZXing/MultiFormatWriter.h>

#include <cctype>
#include <stdexcept>

#include "QrEncoder.hpp"

namespace reemploi::labels {

std::string_view toString(Symbology s) {
    switch (s) {
    case Symbology::Code128: return "Code128";
    case Symbology::QRCode: return "QRCode";
    case Symbology::DataMatrix: return "DataMatrix";
    }
    return "?";
}

namespace {
std::string lower(std::string_view s) {
    std::string out(s);
    for (char &c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}
}  // namespace

Result<Symbology> parseSymbology(std::string_view name) {
    const std::string n = lower(name);
    if (n == "code128") return Symbology::Code128;
    if (n == "qrcode" || n == "qr") return Symbology::QRCode;
    if (n == "datamatrix") return Symbology::DataMatrix;
    return makeError(Errc::InvalidInput,
                     "unknown symbology '" + std::string(name) + "' (expected Code128, QRCode or DataMatrix)");
}

std::string_view toString(QrEcLevel l) {
    switch (l) {
    case QrEcLevel::L: return "L";
    case QrEcLevel::M: return "M";
    case QrEcLevel::Q: return "Q";
    case QrEcLevel::H: return "H";
    }
    return "?";
}

Result<QrEcLevel> parseQrEcLevel(std::string_view name) {
    const std::string n = lower(name);
    if (n == "l") return QrEcLevel::L;
    if (n == "m") return QrEcLevel::M;
    if (n == "q") return QrEcLevel::Q;
    if (n == "h") return QrEcLevel::H;
    return makeError(Errc::InvalidInput, "unknown QR error correction level '" + std::string(name) +
                                             "' (expected L, M, Q or H)");
}

int quietZoneModules(Symbology s) {
    switch (s) {
    case Symbology::Code128: return 10;
    case Symbology::QRCode: return 4;
    case Symbology::DataMatrix: return 1;
    }
    return 10;
}

Result<BitMatrix> encode(Symbology symbology, std::string_view text, const EncodeOptions &options) {
    if (text.empty()) return makeError(Errc::InvalidInput, std::string(toString(symbology)) + ": nothing to encode");
    if (symbology == Symbology::Code128) {
        // Code 128 carries ASCII only; name the first byte it cannot (ZXing's message shows a
        // broken character instead).
        for (std::size_t i = 0; i < text.size(); ++i) {
            const auto c = static_cast<unsigned char>(text[i]);
            if (c > 126)
                return makeError(Errc::InvalidInput, "Code128: byte " + std::to_string(i) +
                                                         " of the text is not ASCII (Code 128 carries ASCII only)");
        }
    }
    if (symbology == Symbology::QRCode) {
        auto qr = detail::encodeQr(text, options.ecLevel);
        if (!qr)
            return makeError(Errc::InvalidInput, "QRCode: cannot encode " + std::to_string(text.size()) +
                                                     " bytes: more than the largest symbol holds at level " +
                                                     std::string(toString(options.ecLevel)));
        return std::move(*qr);
    }
    ZXing::BarcodeFormat format = ZXing::BarcodeFormat::Code128;
    if (symbology == Symbology::QRCode) format = ZXing::BarcodeFormat::QRCode;
    if (symbology == Symbology::DataMatrix) format = ZXing::BarcodeFormat::DataMatrix;
    ZXing::MultiFormatWriter writer(format);
    writer.setMargin(0).setEncoding(ZXing::CharacterSet::UTF8);
    ZXing::BitMatrix m;
    try {
        m = writer.encode(std::string(text), 0, 0);
    } catch (const std::exception &e) {
        return makeError(Errc::InvalidInput, std::string(toString(symbology)) + ": cannot encode " +
                                                 std::to_string(text.size()) + " bytes: " + e.what());
    }
    BitMatrix out;
    out.width = m.width();
    out.height = m.height();
    out.bits.resize(static_cast<std::size_t>(out.width) * out.height);
    for (int y = 0; y < out.height; ++y)
        for (int x = 0; x < out.width; ++x) out.bits[static_cast<std::size_t>(y) * out.width + x] = m.get(x, y);
    return out;
}

GreyImage rasterize(const BitMatrix &matrix, Symbology symbology, int moduleDots, int barHeight) {
    const int q = quietZoneModules(symbology) * moduleDots;
    const int symbolHeight = matrix.linear() ? (barHeight > 0 ? barHeight : 50 * moduleDots) : matrix.height * moduleDots;
    // A linear symbol's quiet zone is horizontal; keep a little white above and below anyway.
    const int vq = matrix.linear() ? 2 * moduleDots : q;
    GreyImage img;
    img.width = matrix.width * moduleDots + 2 * q;
    img.height = symbolHeight + 2 * vq;
    img.pixels.assign(static_cast<std::size_t>(img.width) * img.height, 255);
    for (int y = 0; y < symbolHeight; ++y) {
        const int my = matrix.linear() ? 0 : y / moduleDots;
        std::uint8_t *row = img.pixels.data() + static_cast<std::size_t>(y + vq) * img.width + q;
        for (int x = 0; x < matrix.width * moduleDots; ++x)
            if (matrix.get(x / moduleDots, my)) row[x] = 0;
    }
    return img;
}

}  // namespace reemploi::labels
