// A display's EDID block (VESA E-EDID 1.3/1.4, base block), decoded far enough to say what a
// refurbisher needs: who made the panel, its size in inches and its native resolution.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include <reemploi/common/Result.hpp>

namespace reemploi::diagnostics::probe {

struct EdidInfo {
    std::string manufacturer;    // PNP id, three letters ("AUO", "LGD", "SDC")
    std::uint16_t productCode = 0;
    std::string name;            // display product name descriptor (0xFC), empty if none
    std::uint16_t widthMm = 0, heightMm = 0;  // image size: the preferred timing's mm, else bytes 21-22 in cm
    std::optional<double> diagonalInches;     // rounded to 0.1; none when the EDID gives no size (projectors)
    std::uint16_t nativeWidth = 0, nativeHeight = 0;  // the preferred (first detailed) timing
    int version = 1, revision = 0;
};

// Decodes the first 128 bytes (extension blocks are ignored). Errors name the byte: a short block,
// a wrong header, a checksum that does not sum to 0.
Result<EdidInfo> parseEdid(std::span<const std::uint8_t> bytes);

}  // namespace reemploi::diagnostics::probe
