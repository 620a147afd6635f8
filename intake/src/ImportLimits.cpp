// Summaries of reports that stop listing errors, and messages kept short whatever a cell holds.
#include <reemploi/intake/ImportLimits.hpp>

#include <reemploi/common/Json.hpp>

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

std::string refusedImportJson(const Error &error) {
    json::Object e;
    std::string message = elide(error.message);
    // "liste.csv: line 3 (header): …": the first "line N" of the message.
    std::size_t at = message.find("line ");
    std::size_t line = 0;
    if (at != std::string::npos)
        for (std::size_t i = at + 5; i < message.size() && message[i] >= '0' && message[i] <= '9'; ++i)
            line = line * 10 + static_cast<std::size_t>(message[i] - '0');
    if (line > 0) e.set("line", static_cast<std::uint64_t>(line));
    else e.null("line");
    e.null("column");
    if (error.field.empty()) e.null("field");
    else e.set("field", error.field);
    e.set("message", message);
    json::Array errors;
    errors.add(e);
    return json::Object().set("error", message).raw("errors", errors.str()).str();
}

}  // namespace reemploi::intake
