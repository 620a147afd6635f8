// Which handler takes a USB device, and with which quirks: data, not code. The table is the file
// diagnostics/data/devices.tsv (format described at its top); the most specific matching row wins.
//
// For handlers (the mass-storage bridge driver, the ADB client, …):
//   auto table = DeviceTable::loadDefault();
//   DeviceMatch m = table->lookup(0x152d, 0x0583, {{0x08, 0x06, 0x50}});
//   if (m.handler == Handler::MassStorage && m.has(quirk::NoAtaPassthrough)) …
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <reemploi/common/Result.hpp>

namespace reemploi::diagnostics {

enum class Handler { MassStorage, AndroidAdb, Mtp, Apple, Hid, Hub, Unknown };

// "mass-storage", "android-adb", "mtp", "apple", "hid", "hub", "unknown".
std::string_view toString(Handler handler);
Result<Handler> parseHandler(std::string_view text);

// The quirks the table may name (any other name in the file is an error).
namespace quirk {
inline constexpr std::string_view Sat12Only = "sat12-only";                    // only 12-byte ATA PASS-THROUGH works
inline constexpr std::string_view NoAtaPassthrough = "no-ata-passthrough";     // no ATA command reaches the disk
inline constexpr std::string_view NvmeBridge = "nvme-bridge";                  // the disk behind is NVMe, not ATA
inline constexpr std::string_view NvmePassthroughJmicron = "nvme-passthrough-jmicron";  // smartctl -d sntjmicron
inline constexpr std::string_view NvmePassthroughAsmedia = "nvme-passthrough-asmedia";  // smartctl -d sntasmedia
inline constexpr std::string_view NvmePassthroughRealtek = "nvme-passthrough-realtek";  // smartctl -d sntrealtek
inline constexpr std::string_view AtaPassthroughJmicron = "ata-passthrough-jmicron";    // smartctl -d usbjmicron
inline constexpr std::string_view AtaPassthroughCypress = "ata-passthrough-cypress";    // smartctl -d usbcypress
inline constexpr std::string_view AtaPassthroughSunplus = "ata-passthrough-sunplus";    // smartctl -d usbsunplus
inline constexpr std::string_view AtaPassthroughProlific = "ata-passthrough-prolific";  // smartctl -d usbprolific
bool known(std::string_view name);
}  // namespace quirk

// An interface's (or the device's) class, subclass and protocol.
struct ClassTriple {
    std::uint8_t cls = 0;
    std::uint8_t subclass = 0;
    std::uint8_t protocol = 0;
    bool operator==(const ClassTriple &) const = default;
};

struct DeviceMatch {
    Handler handler = Handler::Unknown;
    std::vector<std::string> quirks;
    std::string label;                    // the row's label ("JMicron JMS578 SATA bridge"), empty when unmatched
    int line = 0;                         // the row's line in the table, 0 when unmatched
    std::optional<std::size_t> interface; // index in the given interfaces of the one that matched

    bool has(std::string_view quirk) const;
};

class DeviceTable {
public:
    // Parses the table; errors name the origin, line and column ("devices.tsv:12: handler: …").
    static Result<DeviceTable> parse(std::string_view text, std::string_view origin);
    static Result<DeviceTable> load(const std::string &path);
    // The table shipped with reemploi (diagnostics/data/devices.tsv); the application may name
    // another file (load).
    static Result<DeviceTable> loadDefault();
    static std::string defaultPath();

    // The best row for a device: VID:PID, its device class triple and its interfaces' triples.
    DeviceMatch lookup(std::uint16_t vendorId, std::uint16_t productId, std::span<const ClassTriple> interfaces,
                       std::optional<ClassTriple> deviceClass = std::nullopt) const;

    struct Row {
        std::optional<std::uint16_t> vendorId;   // nullopt: any vendor
        std::optional<std::uint16_t> productId;  // nullopt: any product of the vendor
        enum class Scope { Any, Interface, Device } scope = Scope::Any;
        std::optional<std::uint8_t> cls, subclass, protocol;  // nullopt: wildcard
        Handler handler = Handler::Unknown;
        std::vector<std::string> quirks;
        std::string label;
        std::string source;
        int line = 0;
        int specificity() const;
    };
    const std::vector<Row> &rows() const { return _rows; }

private:
    std::vector<Row> _rows;
};

}  // namespace reemploi::diagnostics
