// A distribution site's pick-up list as documents: CSV for French Excel (';', UTF-8 with a BOM)
// and a printable PDF (cairo). Units and kits with their need references: never a name.
#pragma once

#include <string>

#include <reemploi/common/Result.hpp>
#include <reemploi/inventory/Sites.hpp>

namespace reemploi::app {

// "\xEF\xBB\xBF" then "tag;kind;model;need\r\n" and one line per item; a field holding ';', '"'
// or a line break is quoted.
std::string pickupCsv(const inventory::PickupList &list);
// One or more A4 pages: the site (name, address, hours), then a table with a box to tick.
Result<std::string> pickupPdf(const inventory::PickupList &list, const std::string &generatedAt);

}  // namespace reemploi::app
