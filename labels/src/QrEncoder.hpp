// Our QR code encoder (ISO/IEC 18004, model 2, versions 1-40). ZXing-cpp 1.4's writer took
// half of a label's rendering time, most of it scoring the eight masks; this one scores them on
// 64-bit rows. It follows ZXing's choices (segment mode, padding, blocks, penalty rules), so it
// makes the very same symbols: the tests compare them module by module, and read them back with
// ZXing and zbar.
#pragma once

#include <optional>
#include <string_view>

#include <reemploi/labels/Encode.hpp>

namespace reemploi::labels::detail {

// The smallest symbol holding `text` at `level`: numeric or alphanumeric mode when every
// character allows it, else bytes (with an ECI saying UTF-8 when the text is not ASCII); the
// mask with the lowest penalty. Empty when the text does not fit in version 40.
std::optional<BitMatrix> encodeQr(std::string_view text, QrEcLevel level);

}  // namespace reemploi::labels::detail
