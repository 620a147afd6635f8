// usb.ids lookups: one pass indexes the top-level vendor and class lines; products, subclasses and
// protocols are found by scanning the (short) indented block under them when asked.
#include <reemploi/diagnostics/UsbIds.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <reemploi/common/File.hpp>

namespace reemploi::diagnostics {

namespace {

int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Reads `digits` hex digits at text[at]; -1 when they are not all there.
long readHex(std::string_view text, std::size_t at, int digits) {
    if (at + static_cast<std::size_t>(digits) > text.size()) return -1;
    long v = 0;
    for (int i = 0; i < digits; ++i) {
        int d = hexDigit(text[at + static_cast<std::size_t>(i)]);
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

// The name after "<id>  " on a line [begin, end): skips the separating blanks.
std::pair<std::size_t, std::size_t> nameOf(std::string_view text, std::size_t from, std::size_t end) {
    while (from < end && (text[from] == ' ' || text[from] == '\t')) ++from;
    while (end > from && (text[end - 1] == '\r' || text[end - 1] == ' ')) --end;
    return {from, end};
}

}  // namespace

Result<UsbIds> UsbIds::load(const std::string &path) {
    // Debian's usb.ids is about 700 KB; 64 MB refuses a wrong file before it fills memory.
    auto text = file::readRegularFile(path, 64'000'000);
    if (!text) {
        if (text.error().code == Errc::NotFound) return makeError(Errc::NotFound, "usb.ids not found at " + path);
        return text.error();
    }
    return parse(std::move(*text));
}

UsbIds UsbIds::loadOrEmpty(const std::string &path) {
    auto ids = load(path);
    return ids ? std::move(*ids) : UsbIds();
}

UsbIds UsbIds::parse(std::string text) {
    UsbIds ids;
    ids._text = std::make_shared<const std::string>(std::move(text));
    std::string_view t = *ids._text;
    Block *open = nullptr;  // the block whose indented lines we are in
    std::size_t at = 0;
    while (at < t.size()) {
        std::size_t eol = t.find('\n', at);
        if (eol == std::string_view::npos) eol = t.size();
        const char first = t[at];
        if (first == '\t' || first == '#' || at == eol) {
            // An indented line belongs to the open block; comments and blank lines are skipped.
        } else {
            if (open) open->end = at;
            open = nullptr;
            long id = readHex(t, at, 4);
            if (id >= 0 && at + 5 < eol && t[at + 4] == ' ' && t[at + 5] == ' ') {  // "vvvv  name"
                auto [b, e] = nameOf(t, at + 4, eol);
                open = &ids._vendors.insert_or_assign(static_cast<std::uint16_t>(id), Block{b, e, t.size()}).first->second;
            } else if (t.compare(at, 2, "C ") == 0) {
                long cls = readHex(t, at + 2, 2);
                if (cls >= 0) {
                    auto [b, e] = nameOf(t, at + 4, eol);
                    open = &ids._classes.insert_or_assign(static_cast<std::uint8_t>(cls), Block{b, e, t.size()}).first->second;
                }
            }
            // Other sections (AT, HID, L, …) close the block and are not indexed.
        }
        at = eol + 1;
    }
    if (open) open->end = t.size();
    return ids;
}

std::optional<UsbIds::Block> UsbIds::childBlock(const Block &block, unsigned id, int digits) const {
    std::string_view t = *_text;
    std::size_t at = t.find('\n', block.nameEnd);
    // Children are lines with exactly one tab; grandchildren (two tabs) follow their parent.
    while (at != std::string_view::npos && at + 1 < block.end) {
        std::size_t line = at + 1;
        std::size_t eol = t.find('\n', line);
        if (eol == std::string_view::npos || eol > block.end) eol = block.end;
        if (t[line] == '\t' && line + 1 < eol && t[line + 1] != '\t' && readHex(t, line + 1, digits) == static_cast<long>(id)) {
            auto [b, e] = nameOf(t, line + 1 + static_cast<std::size_t>(digits), eol);
            // The child's own block: its deeper-indented lines, up to the next sibling.
            std::size_t end = eol;
            while (end < block.end && end + 2 < t.size() && t[end + 1] == '\t' && t[end + 2] == '\t') {
                std::size_t next = t.find('\n', end + 1);
                end = next == std::string_view::npos ? t.size() : next;
            }
            return Block{b, e, end};
        }
        at = eol < block.end ? eol : std::string_view::npos;
    }
    return std::nullopt;
}

std::optional<std::string> UsbIds::child(const Block &block, unsigned id, int digits) const {
    auto found = childBlock(block, id, digits);
    if (!found) return std::nullopt;
    return _text->substr(found->nameBegin, found->nameEnd - found->nameBegin);
}

std::optional<std::string> UsbIds::vendor(std::uint16_t vendorId) const {
    auto it = _vendors.find(vendorId);
    if (it == _vendors.end()) return std::nullopt;
    return _text->substr(it->second.nameBegin, it->second.nameEnd - it->second.nameBegin);
}

std::optional<std::string> UsbIds::product(std::uint16_t vendorId, std::uint16_t productId) const {
    auto it = _vendors.find(vendorId);
    if (it == _vendors.end()) return std::nullopt;
    return child(it->second, productId, 4);
}

std::optional<std::string> UsbIds::className(std::uint8_t cls) const {
    auto it = _classes.find(cls);
    if (it == _classes.end()) return std::nullopt;
    return _text->substr(it->second.nameBegin, it->second.nameEnd - it->second.nameBegin);
}

std::optional<std::string> UsbIds::subclassName(std::uint8_t cls, std::uint8_t subclass) const {
    auto it = _classes.find(cls);
    if (it == _classes.end()) return std::nullopt;
    return child(it->second, subclass, 2);
}

std::optional<std::string> UsbIds::protocolName(std::uint8_t cls, std::uint8_t subclass, std::uint8_t protocol) const {
    auto it = _classes.find(cls);
    if (it == _classes.end()) return std::nullopt;
    auto sub = childBlock(it->second, subclass, 2);
    if (!sub) return std::nullopt;
    // Protocol lines: two tabs, two hex digits.
    std::string_view t = *_text;
    std::size_t at = t.find('\n', sub->nameEnd);
    while (at != std::string_view::npos && at + 2 < sub->end) {
        std::size_t line = at + 1;
        std::size_t eol = t.find('\n', line);
        if (eol == std::string_view::npos || eol > sub->end) eol = sub->end;
        if (t[line] == '\t' && t[line + 1] == '\t' && readHex(t, line + 2, 2) == protocol) {
            auto [b, e] = nameOf(t, line + 4, eol);
            return std::string(t.substr(b, e - b));
        }
        at = eol < sub->end ? eol : std::string_view::npos;
    }
    return std::nullopt;
}

}  // namespace reemploi::diagnostics
