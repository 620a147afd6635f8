// The probe's parsers: the text of /proc and /sys files in, values out.
#include <reemploi/diagnostics/probe/Probe.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include <reemploi/common/Text.hpp>

namespace reemploi::diagnostics::probe {

namespace {

template <class T>
std::optional<T> number(std::string_view s) {
    s = text::trimView(s);
    T v{};
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

}  // namespace

Result<Cpu> parseCpuinfo(std::string_view text) {
    Cpu cpu;
    std::set<std::pair<std::string, std::string>> cores;
    std::string physical, core;
    bool anyCoreId = false;
    // A core belongs to the processor entry it is written in: lines before the first entry
    // describe none (else a text could count more cores than threads).
    bool inProcessor = false;
    std::size_t lineNo = 0;
    auto endProcessor = [&] {
        if (!core.empty()) cores.insert({physical, core});
        physical.clear();
        core.clear();
    };
    while (!text.empty()) {
        auto nl = text.find('\n');
        auto line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
        ++lineNo;
        auto colon = line.find(':');
        if (colon == std::string_view::npos) {
            if (!text::trimView(line).empty())
                return makeError(Errc::InvalidInput, "cpuinfo line " + std::to_string(lineNo) + ": no ':' in \"" +
                                                         std::string(line.substr(0, 40)) + "\"");
            continue;
        }
        auto key = text::trimView(line.substr(0, colon));
        auto value = text::trimView(line.substr(colon + 1));
        if (key == "processor") {
            endProcessor();
            ++cpu.threads;
            inProcessor = true;
        } else if ((key == "model name" || key == "cpu model" || key == "Processor") && cpu.model.empty()) {
            cpu.model = std::string(value);
        } else if (key == "physical id" && inProcessor) {
            physical = std::string(value);
        } else if (key == "core id" && inProcessor) {
            core = std::string(value);
            anyCoreId = true;
        }
    }
    endProcessor();
    if (cpu.threads == 0) return makeError(Errc::InvalidInput, "cpuinfo: no \"processor\" entry");
    // Runs of spaces in model names ("Intel(R) Core(TM) i5-7200U CPU @ 2.50GHz" is clean, older
    // ones are padded) are made single.
    std::string clean;
    for (char c : cpu.model)
        if (!(c == ' ' && !clean.empty() && clean.back() == ' ')) clean += c;
    cpu.model = text::trim(clean);
    cpu.cores = anyCoreId ? static_cast<int>(cores.size()) : cpu.threads;
    return cpu;
}

Result<std::int64_t> parseMemTotalKib(std::string_view text) {
    auto at = text.find("MemTotal:");
    if (at == std::string_view::npos) return makeError(Errc::InvalidInput, "meminfo: no MemTotal line");
    auto rest = text.substr(at + 9);
    rest = rest.substr(0, rest.find('\n'));
    rest = text::trimView(rest);
    if (rest.size() < 3 || rest.substr(rest.size() - 2) != "kB")
        return makeError(Errc::InvalidInput, "meminfo: MemTotal is not in kB: \"" + std::string(rest) + "\"");
    auto kib = number<std::int64_t>(rest.substr(0, rest.size() - 2));
    if (!kib || *kib <= 0) return makeError(Errc::InvalidInput, "meminfo: MemTotal is not a number: \"" + std::string(rest) + "\"");
    return *kib;
}

std::int64_t estimateInstalledMib(std::int64_t memTotalKib) {
    std::int64_t mib = (memTotalKib + 1023) / 1024;
    std::int64_t step = mib < 2048 ? 512 : 1024;
    return (mib + step - 1) / step * step;
}

std::string_view chassisKind(int t) {
    switch (t) {
    case 8: case 9: case 10: case 14: case 31: case 32: return "laptop";  // portable, laptop, notebook, sub notebook, convertible, detachable
    case 3: case 4: case 5: case 6: case 7: case 13: case 15: case 16: case 35: case 36: return "desktop";
    case 11: case 30: return "tablet";  // hand held, tablet
    default: return "other";
    }
}

std::string isoBiosDate(std::string_view d) {
    d = text::trimView(d);
    if (d.size() != 10 || d[2] != '/' || d[5] != '/') return {};
    for (std::size_t i : {0u, 1u, 3u, 4u, 6u, 7u, 8u, 9u})
        if (d[i] < '0' || d[i] > '9') return {};
    return std::string(d.substr(6, 4)) + "-" + std::string(d.substr(0, 2)) + "-" + std::string(d.substr(3, 2));
}

bool placeholderSerial(std::string_view serial) {
    auto s = text::trimView(serial);
    if (s.empty()) return true;
    if (std::all_of(s.begin(), s.end(), [](char c) { return c == '0' || c == ' ' || c == '.' || c == '-' || c == 'x' || c == 'X'; }))
        return true;
    std::string lower;
    for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::string_view p : {"to be filled by o.e.m.", "default string", "system serial number", "0123456789",
                               "none", "not specified", "not applicable", "chassis serial number", "serial number",
                               "123456789", "n/a", "oem"})
        if (lower == p) return true;
    return false;
}

Battery parseBattery(std::string name, const std::map<std::string, std::string> &a) {
    Battery b;
    b.name = std::move(name);
    auto get = [&](const char *key) -> std::string {
        auto it = a.find(key);
        return it == a.end() ? std::string() : text::trim(it->second);
    };
    b.manufacturer = get("manufacturer");
    b.model = get("model_name");
    b.technology = get("technology");
    b.status = get("status");
    auto positive = [](const std::string &s) -> std::optional<std::int64_t> {
        auto v = number<std::int64_t>(s);
        if (v && *v > 0) return v;
        return std::nullopt;
    };
    if (a.count("energy_full_design") || a.count("energy_full")) {
        b.unit = "µWh";
        b.designCapacity = positive(get("energy_full_design"));
        b.fullCapacity = positive(get("energy_full"));
    } else if (a.count("charge_full_design") || a.count("charge_full")) {
        b.unit = "µAh";
        b.designCapacity = positive(get("charge_full_design"));
        b.fullCapacity = positive(get("charge_full"));
    }
    if (auto cycles = number<int>(get("cycle_count")); cycles && *cycles > 0) b.cycleCount = cycles;
    if (b.designCapacity && b.fullCapacity) {
        double percent = 100.0 * double(*b.fullCapacity) / double(*b.designCapacity);
        b.healthPercent = static_cast<int>(std::min(100.0, std::round(percent)));
    }
    return b;
}

std::string parseVpdSerial(std::string_view page) {
    if (page.size() <= 4 || static_cast<unsigned char>(page[1]) != 0x80) return {};
    std::size_t length = static_cast<unsigned char>(page[2]) << 8 | static_cast<unsigned char>(page[3]);
    auto serial = page.substr(4, std::min(length, page.size() - 4));
    std::string out;
    for (char c : serial)
        if (c != 0) out += c;
    return text::trim(out);
}

std::optional<int> Snapshot::batteryHealthPercent() const {
    // One battery that could not be measured makes the whole unmeasured: the other's figure alone
    // would overstate what the computer holds. Several batteries weigh by their design capacity
    // (all are energy or all charge on one machine; otherwise their percentages are averaged).
    if (batteries.empty()) return std::nullopt;
    double design = 0, full = 0, percents = 0;
    bool sameUnit = true;
    for (const auto &b : batteries) {
        if (!b.healthPercent || !b.designCapacity || !b.fullCapacity) return std::nullopt;
        sameUnit = sameUnit && b.unit == batteries.front().unit;
        design += double(*b.designCapacity);
        full += std::min(double(*b.fullCapacity), double(*b.designCapacity));
        percents += *b.healthPercent;
    }
    if (!sameUnit) return static_cast<int>(std::round(percents / double(batteries.size())));
    return static_cast<int>(std::round(100.0 * full / design));
}

std::optional<double> Snapshot::internalScreenInches() const {
    for (const auto &s : screens)
        if (s.internal && s.diagonalInches) return s.diagonalInches;
    return std::nullopt;
}

}  // namespace reemploi::diagnostics::probe
