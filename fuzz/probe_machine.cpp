// What the probe reads from a computer it cannot trust: an EDID (a monitor's, a KVM's), the SMBIOS
// table, /proc/cpuinfo and /proc/meminfo text, a battery's sysfs values. Besides crashes: sizes
// and percentages stay plausible.
#include <reemploi/diagnostics/probe/Edid.hpp>
#include <reemploi/diagnostics/probe/Probe.hpp>
#include <reemploi/diagnostics/probe/Smbios.hpp>

#include "FuzzInput.hpp"

using namespace reemploi;
using namespace reemploi::diagnostics::probe;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    std::span<const std::uint8_t> bytes(data, size);
    if (auto e = parseEdid(bytes)) {
        REEMPLOI_FUZZ_CHECK(e->manufacturer.size() == 3, e->manufacturer);
        REEMPLOI_FUZZ_CHECK(!e->diagonalInches || (*e->diagonalInches >= 0 && *e->diagonalInches < 1000),
                            std::to_string(e->diagonalInches.value_or(0)));
    }
    if (auto modules = parseSmbiosMemory(bytes))
        for (const auto &m : *modules) REEMPLOI_FUZZ_CHECK(m.sizeMib > 0, std::to_string(m.sizeMib));
    std::string_view text(reinterpret_cast<const char *>(data), size);
    if (auto cpu = parseCpuinfo(text)) REEMPLOI_FUZZ_CHECK(cpu->cores <= cpu->threads, cpu->model);
    (void)parseMemTotalKib(text);
    auto half = text.substr(0, text.size() / 2), other = text.substr(text.size() / 2);
    auto b = parseBattery("BAT0", {{"energy_full_design", std::string(half)}, {"energy_full", std::string(other)}});
    REEMPLOI_FUZZ_CHECK(!b.healthPercent || (*b.healthPercent >= 0 && *b.healthPercent <= 100),
                        std::to_string(b.healthPercent.value_or(-1)));
    return 0;
}
