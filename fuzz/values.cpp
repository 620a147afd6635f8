// The value parsers of the imports (kinds, RAM, storage, screens, makes, serials; schools' and
// needs' words) on each line of the input; a line may carry a header unit after a \x1f.
// Besides crashes: accepted values are plausible (positive sizes, finite inches), and what comes
// out of valid UTF-8 is valid UTF-8.
#include <cmath>

#include <reemploi/intake/NeedImport.hpp>
#include <reemploi/intake/Scan.hpp>
#include <reemploi/intake/SchoolImport.hpp>
#include <reemploi/intake/Values.hpp>
#include <reemploi/inventory/Schools.hpp>

#include "FuzzInput.hpp"

using namespace reemploi;
using namespace reemploi::intake;

namespace {

void one(std::string_view line) {
    std::string_view text = line, hint;
    if (auto at = line.find('\x1f'); at != std::string_view::npos) {
        text = line.substr(0, at);
        hint = line.substr(at + 1);
    }
    const bool utf8 = fuzz::isValidUtf8(line);
    (void)parseKind(text);
    if (auto ram = parseRamMib(text, hint)) REEMPLOI_FUZZ_CHECK(*ram > 0, text);
    if (auto media = parseStorage(text, hint))
        for (const auto &m : *media) REEMPLOI_FUZZ_CHECK(!m.capacityBytes || *m.capacityBytes > 0, text);
    if (auto inches = parseScreenInches(text)) REEMPLOI_FUZZ_CHECK(std::isfinite(*inches) && *inches > 0, text);
    auto make = canonicalMake(text);
    auto split = splitMakeFromModel(text);
    auto serial = cleanScannedSerial(text);
    (void)looksLikeExcelScientific(text);
    if (utf8) {
        REEMPLOI_FUZZ_CHECK(fuzz::isValidUtf8(make), text);
        REEMPLOI_FUZZ_CHECK(fuzz::isValidUtf8(serial), text);
        if (split) REEMPLOI_FUZZ_CHECK(fuzz::isValidUtf8(split->first) && fuzz::isValidUtf8(split->second), text);
    }
    (void)parseYesNo(text);
    for (const auto &flag : parsePriorityFlags(text))
        if (utf8) REEMPLOI_FUZZ_CHECK(fuzz::isValidUtf8(flag), text);
    (void)inventory::checkUai(text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    std::string_view all(reinterpret_cast<const char *>(data), size);
    one(all);
    for (std::size_t start = 0; start < all.size();) {
        std::size_t end = all.find('\n', start);
        if (end == std::string_view::npos) end = all.size();
        one(all.substr(start, end - start));
        start = end + 1;
    }
    return 0;
}
