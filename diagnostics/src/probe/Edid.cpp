// Decoding an EDID base block: header, checksum, maker, size, preferred timing, product name.
#include <reemploi/diagnostics/probe/Edid.hpp>

#include <cmath>

namespace reemploi::diagnostics::probe {

namespace {

constexpr std::uint8_t kHeader[8] = {0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00};

std::string descriptorText(std::span<const std::uint8_t> d) {
    std::string out;
    for (std::size_t i = 5; i < 18; ++i) {
        if (d[i] == 0x0A || d[i] == 0) break;
        out += (d[i] >= 0x20 && d[i] < 0x7F) ? static_cast<char>(d[i]) : '?';
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

}  // namespace

Result<EdidInfo> parseEdid(std::span<const std::uint8_t> b) {
    if (b.size() < 128)
        return makeError(Errc::InvalidInput, "EDID: " + std::to_string(b.size()) + " bytes, a base block has 128");
    for (std::size_t i = 0; i < 8; ++i)
        if (b[i] != kHeader[i])
            return makeError(Errc::InvalidInput, "EDID: byte " + std::to_string(i) + " is not the fixed header 00 FF FF FF FF FF FF 00");
    unsigned sum = 0;
    for (std::size_t i = 0; i < 128; ++i) sum += b[i];
    if (sum % 256 != 0)
        return makeError(Errc::InvalidInput, "EDID: the base block's bytes sum to " + std::to_string(sum % 256) +
                                                 " modulo 256, not 0 (checksum byte 127 is wrong)");
    EdidInfo e;
    std::uint16_t id = static_cast<std::uint16_t>(b[8] << 8 | b[9]);
    for (int shift : {10, 5, 0}) {
        int letter = (id >> shift) & 0x1F;
        if (letter < 1 || letter > 26)
            return makeError(Errc::InvalidInput, "EDID: bytes 8-9 do not hold a manufacturer id (letter code " +
                                                     std::to_string(letter) + ")");
        e.manufacturer += static_cast<char>('A' + letter - 1);
    }
    e.productCode = static_cast<std::uint16_t>(b[10] | b[11] << 8);
    e.version = b[18];
    e.revision = b[19];
    e.widthMm = static_cast<std::uint16_t>(b[21] * 10);
    e.heightMm = static_cast<std::uint16_t>(b[22] * 10);
    for (std::size_t at : {54u, 72u, 90u, 108u}) {
        auto d = b.subspan(at, 18);
        if (d[0] != 0 || d[1] != 0) {  // a detailed timing; the first is the preferred one
            if (e.nativeWidth != 0) continue;
            e.nativeWidth = static_cast<std::uint16_t>(d[2] | (d[4] & 0xF0) << 4);
            e.nativeHeight = static_cast<std::uint16_t>(d[5] | (d[7] & 0xF0) << 4);
            std::uint16_t w = static_cast<std::uint16_t>(d[12] | (d[14] & 0xF0) << 4);
            std::uint16_t h = static_cast<std::uint16_t>(d[13] | (d[14] & 0x0F) << 8);
            // Millimetres are finer than the centimetres of bytes 21-22; some panels put an
            // aspect ratio or nonsense there, so they are kept only when they agree within 1 cm.
            if (w > 0 && h > 0 &&
                (e.widthMm == 0 || (std::abs(w - e.widthMm) <= 10 && std::abs(h - e.heightMm) <= 10))) {
                e.widthMm = w;
                e.heightMm = h;
            }
        } else if (d[3] == 0xFC && e.name.empty()) {
            e.name = descriptorText(d);
        }
    }
    if (e.widthMm > 0 && e.heightMm > 0) {
        double inches = std::hypot(double(e.widthMm), double(e.heightMm)) / 25.4;
        e.diagonalInches = std::round(inches * 10) / 10;
    }
    return e;
}

}  // namespace reemploi::diagnostics::probe
