// Reading a USB configuration descriptor: the interface a handler drives and its bulk endpoints
// (a mass-storage dock's Bulk-Only interface, a tablet's ADB interface).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include <reemploi/common/Result.hpp>

namespace reemploi::diagnostics {

struct BulkInterface {
    std::uint8_t interface = 0;
    std::uint8_t bulkIn = 0;   // endpoint address, 0x80 set
    std::uint8_t bulkOut = 0;
};

// The first interface whose 9-byte descriptor `wanted` accepts (class at byte 5, subclass 6,
// protocol 7) and that has a bulk IN and a bulk OUT endpoint; nullopt when there is none. Device
// error naming the byte when a descriptor runs past the configuration's end.
Result<std::optional<BulkInterface>> findBulkInterface(
    std::span<const std::uint8_t> configuration, const std::function<bool(std::span<const std::uint8_t>)> &wanted);

}  // namespace reemploi::diagnostics
