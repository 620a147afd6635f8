// A unit's identity: the make and serial that say two registrations are one machine. Every path
// that registers or looks up a unit (the command line, the donor-list import, the web API) goes
// through inventory::addUnit/addUnits/updateUnit/findTagBySerial, which apply these rules, so that
// "]C1ABC123" and "S/N: ABC123", "Dell Inc." and "DELL" are found to be the same.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace reemploi::inventory {

// A serial as a hand scanner types it, or as a donor wrote it, cleaned: surrounding spaces and
// control characters (the trailing Enter, Tab, CR/LF, a GS separator) removed; an AIM symbology
// identifier ("]C1", "]Q3", "]d2", "]A0", …) removed, and for GS1 data (after "]C1", "]d2", "]Q3",
// "]e0", or written "(21)…") the serial number element, AI 21, extracted; a leading label such as
// "S/N:", "SN ", "Serial No.", "N° de série :" removed. Anything else is kept exactly (case included).
std::string cleanSerial(std::string_view scanned);

// cleanSerial, and whether a label ("S/N:") or GS1 element 21 said the text is a serial (for
// ranking the barcodes of a sticker).
struct SerialReading {
    std::string serial;
    bool labelled = false;
};
SerialReading readScannedSerial(std::string_view scanned);

// One name per manufacturer, however asset tools spell it: "Hewlett-Packard", "HP Inc." → "HP";
// "Dell Inc.", "DELL" → "Dell"; "LENOVO" → "Lenovo"; "ASUSTeK COMPUTER INC." → "ASUS". Unknown
// makes are kept as written, trimmed, inner runs of spaces made single.
std::string canonicalMake(std::string_view make);

// When a model starts with a known make ("Dell Latitude 5480"), that make and the rest.
std::optional<std::pair<std::string, std::string>> splitMakeFromModel(std::string_view model);

// The key of the unique (make, serial) index: canonicalMake in ASCII lower case ("dell").
std::string makeKey(std::string_view make);

// Whether two registrations with the same cleaned serial are one machine, given their make keys:
// the same make, or no make on one side (a list without a make column, a model that names none):
// a serial registered with no make matches any make, and the reverse.
inline bool sameMachine(std::string_view makeKeyA, std::string_view makeKeyB) {
    return makeKeyA == makeKeyB || makeKeyA.empty() || makeKeyB.empty();
}

}  // namespace reemploi::inventory
