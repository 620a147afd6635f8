// A storage medium written on one line, as the command line and the web forms take it:
// TYPE[:CAPACITY[:MODEL[:SERIAL]]] ("ssd:256G", "hdd:500GB:ST500LM012:WCC0123").
#pragma once

#include <string_view>

#include <reemploi/inventory/Domain.hpp>

namespace reemploi::inventory {

Result<NewMedium> parseMediumSpec(std::string_view text);

}  // namespace reemploi::inventory
