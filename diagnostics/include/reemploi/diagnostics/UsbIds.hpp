// Vendor, product and class names from the usb.ids database (Debian package usb.ids), read at run
// time. When the file is absent every lookup answers nothing and callers show bare ids.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <reemploi/common/Result.hpp>

namespace reemploi::diagnostics {

class UsbIds {
public:
    // Where Debian's package usb.ids puts it; the application may name another file.
    static constexpr const char *DefaultPath = "/usr/share/misc/usb.ids";

    UsbIds() = default;  // empty: no names at all
    // NotFound when the file is missing; Io when unreadable.
    static Result<UsbIds> load(const std::string &path = DefaultPath);
    // The database, or an empty one when it cannot be read (lookups then answer nothing).
    static UsbIds loadOrEmpty(const std::string &path = DefaultPath);
    // Indexes text in the usb.ids format. Malformed lines are skipped: the file is third-party.
    static UsbIds parse(std::string text);

    bool empty() const { return _vendors.empty() && _classes.empty(); }

    std::optional<std::string> vendor(std::uint16_t vendorId) const;
    std::optional<std::string> product(std::uint16_t vendorId, std::uint16_t productId) const;
    std::optional<std::string> className(std::uint8_t cls) const;
    std::optional<std::string> subclassName(std::uint8_t cls, std::uint8_t subclass) const;
    std::optional<std::string> protocolName(std::uint8_t cls, std::uint8_t subclass, std::uint8_t protocol) const;

private:
    struct Block {
        std::size_t nameBegin, nameEnd;  // the name on the top-level line
        std::size_t end;                 // where the block's indented lines stop
    };
    std::optional<std::string> child(const Block &block, unsigned id, int digits) const;
    std::optional<Block> childBlock(const Block &block, unsigned id, int digits) const;

    // The text is shared so that copies of a UsbIds are cheap; the index holds offsets into it.
    std::shared_ptr<const std::string> _text;
    std::unordered_map<std::uint16_t, Block> _vendors;
    std::unordered_map<std::uint8_t, Block> _classes;
};

}  // namespace reemploi::diagnostics
