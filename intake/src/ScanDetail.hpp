// Inside intake: cleanScannedSerial with what it found, for ranking a sticker's barcodes.
#pragma once

#include <string>
#include <string_view>

namespace reemploi::intake::detail {

struct CleanedSerial {
    std::string serial;
    bool labelled = false;  // a label ("S/N:") or GS1 element 21 said this is the serial
};

CleanedSerial cleanSerial(std::string_view scanned);

}  // namespace reemploi::intake::detail
