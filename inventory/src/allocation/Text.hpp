// Small text helpers of the allocation (inventory cannot use intake's): case- and accent-folding
// for the parsers of grades, internet access and preferences.
#pragma once

#include <string>
#include <string_view>

namespace reemploi::inventory::allocation {

// Lower-case ASCII, Latin-1 accents of UTF-8 folded ("Téléphone" → "telephone"), spaces, dashes
// and underscores dropped ("phone only" → "phoneonly").
std::string foldKey(std::string_view utf8);

}  // namespace reemploi::inventory::allocation
