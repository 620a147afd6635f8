// A snapshot posted to POST /api/snapshots or given to `probe import`: read, then written back.
// Besides crashes: what is read writes back to JSON that reads the same.
#include <reemploi/diagnostics/probe/Snapshot.hpp>

#include "FuzzInput.hpp"

using namespace reemploi;
using namespace reemploi::diagnostics::probe;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    auto s = parseSnapshotJson(std::string_view(reinterpret_cast<const char *>(data), size));
    if (!s) return 0;
    auto json = snapshotJson(*s);
    auto again = parseSnapshotJson(json);
    REEMPLOI_FUZZ_CHECK(again && snapshotJson(*again) == json, json);
    return 0;
}
