// Small helpers shared by the commands' printing.
#pragma once

#include <string>

#include <reemploi/intake/Scan.hpp>
#include <reemploi/intake/Values.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::app {

inline std::string formatBytes(std::int64_t bytes) { return inventory::formatCapacity(bytes); }
inline Result<std::int64_t> parseBytes(const std::string &text) { return inventory::parseCapacity(text); }
// A serial as typed by a hand scanner, cleaned (see intake/Scan.hpp).
inline std::string cleanSerial(const std::string &scanned) { return intake::cleanScannedSerial(scanned); }
// A make as the imports store it ("Dell Inc." → "Dell"), so that duplicates are found across paths.
inline std::string cleanMake(const std::string &make) { return intake::canonicalMake(make); }

}  // namespace reemploi::app
