// The SMBIOS structure table as the kernel exposes it (/sys/firmware/dmi/tables/DMI, root only):
// the memory devices (type 17), that is the modules actually fitted and their sizes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <reemploi/common/Result.hpp>

namespace reemploi::diagnostics::probe {

struct MemoryModule {
    std::string locator, bankLocator;
    std::int64_t sizeMib = 0;
    std::string type;          // "DDR4", "LPDDR4", … (SMBIOS 7.18.2), "other" for codes we do not name
    std::optional<int> speedMts;
    std::string manufacturer, partNumber;
};

// The populated memory devices of a raw structure table (empty slots, size 0, are left out).
// Errors name the byte offset of the structure that is cut short.
Result<std::vector<MemoryModule>> parseSmbiosMemory(std::span<const std::uint8_t> table);

}  // namespace reemploi::diagnostics::probe
