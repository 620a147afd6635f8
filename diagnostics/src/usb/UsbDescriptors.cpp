// Walking a configuration descriptor for an interface and its bulk endpoints.
#include <reemploi/diagnostics/UsbDescriptors.hpp>

#include <algorithm>
#include <string>

namespace reemploi::diagnostics {

Result<std::optional<BulkInterface>> findBulkInterface(
    std::span<const std::uint8_t> d, const std::function<bool(std::span<const std::uint8_t>)> &wanted) {
    if (d.size() < 9 || d[1] != 0x02)
        return makeError(Errc::Device, "configuration descriptor byte 1: not a configuration descriptor");
    std::size_t total = std::min<std::size_t>(d.size(), d[2] | (d[3] << 8));
    bool inWanted = false;
    BulkInterface found;
    for (std::size_t at = d[0]; at + 2 <= total;) {
        std::uint8_t len = d[at], type = d[at + 1];
        if (len < 2 || at + len > total)
            return makeError(Errc::Device, "configuration descriptor byte " + std::to_string(at) + ": length " +
                                               std::to_string(len) + " runs past the end");
        if (type == 0x04 && len >= 9) {  // interface
            if (inWanted && found.bulkIn && found.bulkOut) return std::optional(found);
            inWanted = wanted(d.subspan(at, len));
            found = {d[at + 2], 0, 0};
        } else if (type == 0x05 && len >= 7 && inWanted && (d[at + 3] & 0x03) == 0x02) {  // bulk endpoint
            if (d[at + 2] & 0x80) found.bulkIn = d[at + 2];
            else found.bulkOut = d[at + 2];
        }
        at += len;
    }
    if (inWanted && found.bulkIn && found.bulkOut) return std::optional(found);
    return std::optional<BulkInterface>();
}

}  // namespace reemploi::diagnostics
