// Case and accent folding for the allocation's parsers.
#include "allocation/Text.hpp"

#include <cctype>

namespace reemploi::inventory::allocation {

namespace {
// U+00C0..U+00FF (second byte 0x80..0xBF after 0xC3) to a base letter, 0 when none.
char foldLatin1(unsigned char second) {
    static constexpr char kBase[64 + 1] =
        "aaaaaaeceeeeiiiidnooooo_ouuuuyts"   // 0x80..0x9F (À..ß)
        "aaaaaaeceeeeiiiidnooooo_ouuuuyty";  // 0xA0..0xBF (à..ÿ)
    if (second < 0x80 || second > 0xBF) return 0;
    char c = kBase[second - 0x80];
    return c == '_' ? 0 : c;
}
}  // namespace

std::string foldKey(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(utf8[i]);
        if (c == 0xC3 && i + 1 < utf8.size()) {
            if (char base = foldLatin1(static_cast<unsigned char>(utf8[i + 1]))) {
                out += base;
                ++i;
                continue;
            }
        }
        if (c == ' ' || c == '-' || c == '_' || c == '\t' || c == '\'') continue;
        out += static_cast<char>(std::tolower(c));
    }
    return out;
}

}  // namespace reemploi::inventory::allocation
