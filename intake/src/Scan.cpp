// Cleaning what a hand scanner types: the rule is the inventory's (Identity.hpp), which every
// registration applies; intake keeps its names for its callers.
#include <reemploi/intake/Scan.hpp>

#include <reemploi/inventory/Identity.hpp>

#include "ScanDetail.hpp"

namespace reemploi::intake {

namespace detail {

CleanedSerial cleanSerial(std::string_view scanned) {
    auto reading = inventory::readScannedSerial(scanned);
    return {std::move(reading.serial), reading.labelled};
}

}  // namespace detail

std::string cleanScannedSerial(std::string_view scanned) { return inventory::cleanSerial(scanned); }

}  // namespace reemploi::intake
