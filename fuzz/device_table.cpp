// The device table (diagnostics/data/devices.tsv, or REEMPLOI_DEVICES_TABLE) on any text, then a
// lookup of a device the input describes.
#include <vector>

#include <reemploi/diagnostics/DeviceTable.hpp>

#include "FuzzInput.hpp"

using namespace reemploi;
using namespace reemploi::diagnostics;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    fuzz::Input in(data, size);
    const std::uint16_t vid = in.u16(), pid = in.u16();
    ClassTriple device{in.u8(), in.u8(), in.u8()};
    std::vector<ClassTriple> interfaces;
    for (int i = in.u8() % 4; i > 0; --i) interfaces.push_back({in.u8(), in.u8(), in.u8()});
    auto table = DeviceTable::parse(in.rest(), "fuzz.tsv");
    if (!table) return 0;
    auto match = table->lookup(vid, pid, interfaces, device);
    if (match.interface) REEMPLOI_FUZZ_CHECK(*match.interface < interfaces.size(), {});
    for (const auto &q : match.quirks) (void)match.has(q);
    return 0;
}
