// Summaries of reports that stop listing errors, and messages kept short whatever a cell holds.
#include <reemploi/intake/ImportLimits.hpp>

namespace reemploi::intake {

std::string withThousands(std::size_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    out.reserve(digits.size() + digits.size() / 3);
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string moreErrorsText(std::size_t more) {
    if (more == 0) return {};
    return "\u2026 and " + withThousands(more) + (more == 1 ? " more error" : " more errors");
}

std::string elide(std::string text, std::size_t maxBytes) {
    static const std::string ellipsis = "\u2026";
    if (text.size() <= maxBytes) return text;
    if (maxBytes <= ellipsis.size()) return ellipsis;
    auto isContinuation = [&](std::size_t i) { return (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80; };
    std::size_t room = maxBytes - ellipsis.size();
    std::size_t head = room * 2 / 3;
    std::size_t tail = text.size() - (room - head);
    while (head > 0 && isContinuation(head)) --head;                  // cut before a sequence
    while (tail < text.size() && isContinuation(tail)) ++tail;       // start after one
    std::string out;
    out.reserve(head + ellipsis.size() + text.size() - tail);
    out.append(text, 0, head).append(ellipsis).append(text, tail, std::string::npos);
    return out;
}

}  // namespace reemploi::intake
