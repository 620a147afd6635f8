// TYPE[:CAPACITY[:MODEL[:SERIAL]]] → a medium.
#include <reemploi/inventory/MediumSpec.hpp>

#include <string>
#include <vector>

namespace reemploi::inventory {

Result<NewMedium> parseMediumSpec(std::string_view text) {
    const std::string where = "storage '" + std::string(text) + "'";
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i)
        if (i == text.size() || text[i] == ':') {
            parts.emplace_back(text.substr(start, i - start));
            start = i + 1;
        }
    if (parts.size() > 4)
        return makeFieldError(Errc::InvalidInput, "storage", where + ": expected TYPE[:CAPACITY[:MODEL[:SERIAL]]]");
    NewMedium m;
    auto type = parseMediumType(parts[0]);
    if (!type) return makeFieldError(Errc::InvalidInput, "storage", where + ": " + type.error().message);
    m.type = *type;
    if (parts.size() > 1 && !parts[1].empty()) {
        auto bytes = parseCapacity(parts[1]);
        if (!bytes) return makeFieldError(Errc::InvalidInput, "storage", where + ": " + bytes.error().message);
        m.capacityBytes = *bytes;
    }
    if (parts.size() > 2) m.model = parts[2];
    if (parts.size() > 3) m.serial = parts[3];
    return m;
}

}  // namespace reemploi::inventory
