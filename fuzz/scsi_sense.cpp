// SCSI sense data (fixed and descriptor formats, SAT's ATA return descriptor) and standard
// INQUIRY data as a USB bridge may send them. Besides crashes: names are printable ASCII.
#include <reemploi/diagnostics/storage/Scsi.hpp>

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
    std::span<const std::uint8_t> bytes(data, size);
    SenseData sense = parseSense(bytes);
    REEMPLOI_FUZZ_CHECK(printable(sense.describe()), sense.describe());
    if (size) (void)senseKeyName(data[0]);
    if (auto q = parseInquiry(bytes)) {
        REEMPLOI_FUZZ_CHECK(printable(q->vendor) && printable(q->product) && printable(q->revision), q->product);
        REEMPLOI_FUZZ_CHECK(q->vendor.size() <= 8 && q->product.size() <= 16 && q->revision.size() <= 4, {});
    }
    return 0;
}
