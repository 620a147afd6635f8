// Walking the SMBIOS structure table for its memory devices (SMBIOS 3.x §7.18).
#include <reemploi/diagnostics/probe/Smbios.hpp>

namespace reemploi::diagnostics::probe {

namespace {

std::string_view memoryType(std::uint8_t code) {
    switch (code) {
    case 0x12: return "DDR";
    case 0x13: return "DDR2";
    case 0x14: return "DDR2 FB-DIMM";
    case 0x18: return "DDR3";
    case 0x1A: return "DDR4";
    case 0x1B: return "LPDDR";
    case 0x1C: return "LPDDR2";
    case 0x1D: return "LPDDR3";
    case 0x1E: return "LPDDR4";
    case 0x22: return "DDR5";
    case 0x23: return "LPDDR5";
    case 0x02: return "unknown";
    default: return "other";
    }
}

std::uint16_t word(std::span<const std::uint8_t> s, std::size_t at) {
    return static_cast<std::uint16_t>(s[at] | s[at + 1] << 8);
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
    std::size_t start = 0;
    while (start < s.size() && s[start] == ' ') ++start;
    return s.substr(start);
}

}  // namespace

Result<std::vector<MemoryModule>> parseSmbiosMemory(std::span<const std::uint8_t> t) {
    std::vector<MemoryModule> out;
    std::size_t at = 0;
    while (at + 4 <= t.size()) {
        std::uint8_t type = t[at];
        std::uint8_t length = t[at + 1];
        if (length < 4)
            return makeError(Errc::InvalidInput, "SMBIOS table: structure at byte " + std::to_string(at) +
                                                     " has length " + std::to_string(length) + " (at least 4)");
        if (at + length > t.size())
            return makeError(Errc::InvalidInput, "SMBIOS table: structure at byte " + std::to_string(at) + " (type " +
                                                     std::to_string(type) + ") runs past the end of the table");
        // The strings follow the formatted area, each NUL-terminated, the set ended by a second NUL.
        std::vector<std::string> strings;
        std::size_t p = at + length;
        if (p + 1 < t.size() && t[p] == 0 && t[p + 1] == 0) {
            p += 2;
        } else {
            std::string current;
            while (true) {
                if (p >= t.size())
                    return makeError(Errc::InvalidInput, "SMBIOS table: the strings of the structure at byte " +
                                                             std::to_string(at) + " are not terminated");
                if (t[p] == 0) {
                    strings.push_back(current);
                    current.clear();
                    ++p;
                    if (p < t.size() && t[p] == 0) {
                        ++p;
                        break;
                    }
                } else {
                    current += static_cast<char>(t[p]);
                    ++p;
                }
            }
        }
        auto str = [&](std::size_t offset) -> std::string {
            if (offset >= length) return {};
            std::uint8_t index = t[at + offset];
            if (index == 0 || index > strings.size()) return {};
            return trimmed(strings[index - 1]);
        };
        auto s = t.subspan(at, length);
        if (type == 17 && length >= 0x15) {
            std::uint16_t size = word(s, 0x0C);
            std::int64_t mib = 0;
            if (size == 0x7FFF && length >= 0x20)
                mib = static_cast<std::int64_t>(s[0x1C] | s[0x1D] << 8 | s[0x1E] << 16 | (s[0x1F] & 0x7F) << 24);
            else if (size != 0xFFFF && size != 0)
                mib = (size & 0x8000) ? (size & 0x7FFF) / 1024 : size;
            if (mib > 0) {
                MemoryModule m;
                m.sizeMib = mib;
                m.locator = str(0x10);
                m.bankLocator = str(0x11);
                m.type = std::string(memoryType(s[0x12]));
                if (length >= 0x17) {
                    std::uint16_t speed = word(s, 0x15);
                    if (speed != 0 && speed != 0xFFFF) m.speedMts = speed;
                }
                m.manufacturer = str(0x17);
                m.partNumber = str(0x1A);
                out.push_back(std::move(m));
            }
        }
        if (type == 127) break;
        at = p;
    }
    return out;
}

}  // namespace reemploi::diagnostics::probe
