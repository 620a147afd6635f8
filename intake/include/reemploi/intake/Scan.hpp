// Serials as they reach us from the bench: typed by a hand scanner (keyboard wedge) or read from a
// photo of the manufacturer's sticker. `reemploi unit add` and `reemploi intake scan-serial` use them.
#pragma once

#include <string>
#include <string_view>

namespace reemploi::intake {

// The serial a scanner typed, cleaned: surrounding spaces and control characters (the trailing
// Enter, Tab, CR/LF, a GS separator) removed; an AIM symbology identifier ("]C1", "]Q3", "]d2",
// "]A0", …) removed, and for GS1 data (after "]C1", "]d2", "]Q3", "]e0", or written "(21)…") the
// serial number element, AI 21, extracted; a leading label such as "S/N:", "SN ", "Serial No.",
// "N° de série :" removed. Anything else is kept exactly (case included).
std::string cleanScannedSerial(std::string_view scanned);

}  // namespace reemploi::intake
