// The handler table: parsing devices.tsv (every error names its line and column) and matching.
#include <reemploi/common/Text.hpp>
#include <reemploi/common/File.hpp>
#include <reemploi/diagnostics/DeviceTable.hpp>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <sstream>

#ifndef REEMPLOI_DIAGNOSTICS_DATA_DIR
#define REEMPLOI_DIAGNOSTICS_DATA_DIR "diagnostics/data"
#endif

namespace reemploi::diagnostics {

namespace {

constexpr std::array<std::pair<Handler, std::string_view>, 7> kHandlers{{
    {Handler::MassStorage, "mass-storage"},
    {Handler::AndroidAdb, "android-adb"},
    {Handler::Mtp, "mtp"},
    {Handler::Apple, "apple"},
    {Handler::Hid, "hid"},
    {Handler::Hub, "hub"},
    {Handler::Unknown, "unknown"},
}};

constexpr std::array<std::string_view, 10> kQuirks{
    quirk::Sat12Only,
    quirk::NoAtaPassthrough,
    quirk::NvmeBridge,
    quirk::NvmePassthroughJmicron,
    quirk::NvmePassthroughAsmedia,
    quirk::NvmePassthroughRealtek,
    quirk::AtaPassthroughJmicron,
    quirk::AtaPassthroughCypress,
    quirk::AtaPassthroughSunplus,
    quirk::AtaPassthroughProlific,
};

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> parts;
    std::size_t at = 0;
    while (true) {
        auto next = s.find(sep, at);
        parts.emplace_back(s.substr(at, next == std::string_view::npos ? std::string_view::npos : next - at));
        if (next == std::string_view::npos) break;
        at = next + 1;
    }
    return parts;
}

using text::trim;

// Exactly `digits` hex digits.
std::optional<unsigned> hex(std::string_view s, std::size_t digits) {
    if (s.size() != digits) return std::nullopt;
    unsigned v = 0;
    for (char c : s) {
        v <<= 4;
        if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
        else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
        else return std::nullopt;
    }
    return v;
}

bool matches(const DeviceTable::Row &row, const ClassTriple &t) {
    return (!row.cls || *row.cls == t.cls) && (!row.subclass || *row.subclass == t.subclass) &&
           (!row.protocol || *row.protocol == t.protocol);
}

}  // namespace

std::string_view toString(Handler handler) {
    for (auto [h, name] : kHandlers)
        if (h == handler) return name;
    return "unknown";
}

Result<Handler> parseHandler(std::string_view text) {
    for (auto [h, name] : kHandlers)
        if (name == text) return h;
    return makeError(Errc::InvalidInput, "unknown handler '" + std::string(text) +
                                             "' (expected mass-storage, android-adb, mtp, apple, hid, hub or unknown)");
}

bool quirk::known(std::string_view name) { return std::find(kQuirks.begin(), kQuirks.end(), name) != kQuirks.end(); }

bool DeviceMatch::has(std::string_view quirk) const { return std::find(quirks.begin(), quirks.end(), quirk) != quirks.end(); }

int DeviceTable::Row::specificity() const {
    // A product beats a vendor beats any device; then each pinned class field counts.
    int score = productId ? 8 : vendorId ? 4 : 0;
    return score + (cls ? 1 : 0) + (subclass ? 1 : 0) + (protocol ? 1 : 0);
}

Result<DeviceTable> DeviceTable::parse(std::string_view text, std::string_view origin) {
    DeviceTable table;
    int number = 0;
    std::size_t at = 0;
    while (at <= text.size()) {
        auto eol = text.find('\n', at);
        std::string_view line = text.substr(at, eol == std::string_view::npos ? std::string_view::npos : eol - at);
        at = eol == std::string_view::npos ? text.size() + 1 : eol + 1;
        ++number;
        if (trim(line).empty() || trim(line)[0] == '#') continue;
        auto fail = [&](std::string_view column, const std::string &what) {
            return makeError(Errc::InvalidInput, std::string(origin) + ":" + std::to_string(number) + ": " +
                                                     std::string(column) + ": " + what);
        };
        auto cells = split(line, '\t');
        if (cells.size() < 4)
            return fail("row", "expected tab-separated columns match, class, handler, quirks[, label[, source]], found " +
                                   std::to_string(cells.size()));
        Row row;
        row.line = number;

        std::string ids = trim(cells[0]);
        if (ids != "*") {
            auto colon = ids.find(':');
            auto bad = [&] { return fail("match", "expected VVVV:PPPP, VVVV:* or *, got '" + ids + "'"); };
            if (colon == std::string::npos) return bad();
            auto vid = hex(std::string_view(ids).substr(0, colon), 4);
            std::string pidText = ids.substr(colon + 1);
            auto pid = hex(pidText, 4);
            if (!vid || (!pid && pidText != "*")) return bad();
            row.vendorId = static_cast<std::uint16_t>(*vid);
            if (pid) row.productId = static_cast<std::uint16_t>(*pid);
        }

        std::string cls = trim(cells[1]);
        if (cls != "*") {
            std::string_view spec = cls;
            if (spec.rfind("if:", 0) == 0) row.scope = Row::Scope::Interface;
            else if (spec.rfind("dev:", 0) == 0) row.scope = Row::Scope::Device;
            else return fail("class", "expected if:CC/SS/PP, dev:CC/SS/PP or *, got '" + cls + "'");
            spec.remove_prefix(row.scope == Row::Scope::Interface ? 3 : 4);
            auto fields = split(spec, '/');
            if (fields.size() != 3) return fail("class", "expected three fields CC/SS/PP, got '" + cls + "'");
            std::optional<std::uint8_t> *targets[] = {&row.cls, &row.subclass, &row.protocol};
            for (int i = 0; i < 3; ++i) {
                if (fields[static_cast<std::size_t>(i)] == "*") continue;
                auto v = hex(fields[static_cast<std::size_t>(i)], 2);
                if (!v) return fail("class", "expected two hex digits or *, got '" + fields[static_cast<std::size_t>(i)] + "'");
                *targets[i] = static_cast<std::uint8_t>(*v);
            }
        }
        if (!row.vendorId && row.scope == Row::Scope::Any) return fail("match", "a row must name a vendor or a class");

        auto handler = parseHandler(trim(cells[2]));
        if (!handler) return fail("handler", handler.error().message);
        row.handler = *handler;

        std::string quirks = trim(cells[3]);
        if (quirks != "-" && !quirks.empty()) {
            for (auto &q : split(quirks, ',')) {
                std::string name = trim(q);
                if (!quirk::known(name)) return fail("quirks", "unknown quirk '" + name + "'");
                row.quirks.push_back(name);
            }
        }
        if (cells.size() > 4) row.label = trim(cells[4]);
        if (cells.size() > 5) row.source = trim(cells[5]);
        table._rows.push_back(std::move(row));
    }
    return table;
}

Result<DeviceTable> DeviceTable::load(const std::string &path) {
    // The table is a few hundred lines; anything past 4 MB is not one.
    auto text = file::readRegularFile(path, 4'000'000);
    if (!text) {
        // A table missing from where it was installed is an installation problem (exit 1).
        if (text.error().code == Errc::NotFound)
            return makeError(Errc::Io, "cannot read the device table " + text.error().message);
        return text.error().withContext("the device table");
    }
    return parse(*text, path);
}

std::string DeviceTable::defaultPath() {
    return REEMPLOI_DIAGNOSTICS_DATA_DIR "/devices.tsv";
}

Result<DeviceTable> DeviceTable::loadDefault() { return load(defaultPath()); }

DeviceMatch DeviceTable::lookup(std::uint16_t vendorId, std::uint16_t productId, std::span<const ClassTriple> interfaces,
                                std::optional<ClassTriple> deviceClass) const {
    const Row *best = nullptr;
    std::optional<std::size_t> bestInterface;
    for (const Row &row : _rows) {
        if (row.vendorId && *row.vendorId != vendorId) continue;
        if (row.productId && *row.productId != productId) continue;
        std::optional<std::size_t> via;
        bool hit = false;
        switch (row.scope) {
        case Row::Scope::Any:
            hit = true;
            break;
        case Row::Scope::Device:
            hit = deviceClass && matches(row, *deviceClass);
            break;
        case Row::Scope::Interface:
            for (std::size_t i = 0; i < interfaces.size() && !hit; ++i) {
                if (matches(row, interfaces[i])) {
                    hit = true;
                    via = i;
                }
            }
            break;
        }
        // Strictly better only: among equals the earlier row wins, so file order breaks ties.
        if (hit && (!best || row.specificity() > best->specificity())) {
            best = &row;
            bestInterface = via;
        }
    }
    DeviceMatch match;
    if (best) {
        match.handler = best->handler;
        match.quirks = best->quirks;
        match.label = best->label;
        match.line = best->line;
        match.interface = bestInterface;
    }
    return match;
}

}  // namespace reemploi::diagnostics
