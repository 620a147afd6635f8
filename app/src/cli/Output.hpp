// Small helpers shared by the commands' printing.
#pragma once

#include <string>

#include <reemploi/inventory/Domain.hpp>

namespace reemploi::app {

inline std::string formatBytes(std::int64_t bytes) { return inventory::formatCapacity(bytes); }
inline Result<std::int64_t> parseBytes(const std::string &text) { return inventory::parseCapacity(text); }

}  // namespace reemploi::app
