// ATA IDENTIFY DEVICE and SMART READ DATA as a drive (or a lying bridge) may return them, then
// the SMART summary. Besides crashes: strings are printable ASCII within their fields.
#include <reemploi/diagnostics/storage/AtaPassThrough.hpp>

#include "FuzzInput.hpp"

using namespace reemploi;
using namespace reemploi::diagnostics::storage;

namespace {
bool printable(const std::string &s) {
    for (unsigned char c : s)
        if (c < 0x20 || c > 0x7e) return false;
    return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    // The same bytes as IDENTIFY data and, from byte 512 on, as SMART data (both 512 bytes).
    std::span<const std::uint8_t> bytes(data, size);
    if (auto id = parseIdentify(bytes.first(std::min<std::size_t>(size, 512)))) {
        REEMPLOI_FUZZ_CHECK(printable(id->model) && id->model.size() <= 40, id->model);
        REEMPLOI_FUZZ_CHECK(printable(id->serial) && id->serial.size() <= 20, id->serial);
        REEMPLOI_FUZZ_CHECK(printable(id->firmware) && id->firmware.size() <= 8, id->firmware);
    }
    auto smartBytes = size > 512 ? bytes.subspan(512) : bytes;
    if (auto attributes = parseSmartData(smartBytes)) {
        SmartSummary summary;
        summary.available = true;
        summary.attributes = std::move(*attributes);
        summarizeSmart(summary);
    }
    return 0;
}
