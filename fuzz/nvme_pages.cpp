// NVMe pages as a drive (or a broken one) returns them: Identify Controller and Namespace, the
// SMART / Health log, the Sanitize Status log. Besides crashes: strings are printable, a namespace's
// block size is the one of its formats.
#include <reemploi/diagnostics/storage/Nvme.hpp>

#include "FuzzInput.hpp"

using namespace reemploi;
using namespace reemploi::diagnostics::storage;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    std::vector<std::uint8_t> page(4096, 0);
    std::copy_n(data, std::min<std::size_t>(size, page.size()), page.begin());
    if (auto c = parseIdentifyController(page)) {
        for (unsigned char ch : c->serial + c->model + c->firmware) REEMPLOI_FUZZ_CHECK(ch >= 0x20 && ch < 0x7f, c->model);
    }
    if (auto n = parseIdentifyNamespace(page)) {
        REEMPLOI_FUZZ_CHECK(n->blockBytes() >= 512, std::to_string(n->blockBytes()));
        REEMPLOI_FUZZ_CHECK(n->capacityBlocks <= n->sizeBlocks, "capacity");
    }
    (void)parseSmartLog(std::span(page.data(), 512));
    if (auto s = parseSanitizeLog(std::span(data, size))) {
        REEMPLOI_FUZZ_CHECK(s->fraction() >= 0 && s->fraction() <= 1, std::to_string(s->fraction()));
    }
    return 0;
}
