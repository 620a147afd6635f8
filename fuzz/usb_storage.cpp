// A USB drive dock as a hostile or broken device may behave, seen through our whole storage
// stack: Bulk-Only Transport (CBW/CSW, stalls, resets), SCSI (sense, INQUIRY, VPD, READ CAPACITY,
// READ) and SAT ATA pass-through (IDENTIFY, SMART, HPA/DCO queries, SANITIZE status). Only
// commands that read are issued. The input is the device's side of the conversation, read from
// its front one answer at a time (FuzzDock below; fuzz_seeds writes a well-behaved drive).
#include <vector>

#include <reemploi/diagnostics/UsbTransport.hpp>
#include <reemploi/diagnostics/storage/AtaPassThrough.hpp>
#include <reemploi/diagnostics/storage/BulkOnlyTransport.hpp>
#include <reemploi/diagnostics/storage/ScsiBlockTarget.hpp>

#include "FuzzInput.hpp"

using namespace reemploi;
using namespace reemploi::diagnostics;
using namespace reemploi::diagnostics::storage;

namespace {

// Each call takes one byte `b` first: b % 16 is 0 for a stall, 1 a timeout, 2 a disconnection;
// otherwise the call succeeds:
//   bulk OUT       all bytes sent (a CBW's tag and opcode are remembered);
//   bulk IN of 13  (a CSW) b % 16 == 3: raw, u8 % 14 bytes follow; else a well-formed CSW with
//                  the last tag, residue u16 if b & 0x20 (else 0), status (b >> 6), and always
//                  status 0 for TEST UNIT READY (whose retry loop sleeps on "becoming ready");
//   bulk IN        (data) u16 = how many bytes, then the bytes;
//   control IN     u8 = how many bytes, then the bytes;
//   clear halt, reset: success.
// An exhausted input is a disconnected device, so that every run ends.
class FuzzDock final : public UsbTransport {
public:
    explicit FuzzDock(fuzz::Input &in) : _in(in) {}

    Result<std::size_t> control(std::uint8_t requestType, std::uint8_t, std::uint16_t, std::uint16_t,
                                std::span<std::uint8_t> data, std::chrono::milliseconds) override {
        if (auto e = failure()) return *e;
        if (!(requestType & 0x80)) return data.size();
        std::size_t n = std::min<std::size_t>(data.size(), _in.u8());
        _in.bytes(data.first(n));
        return n;
    }
    Result<std::size_t> bulkIn(std::uint8_t, std::span<std::uint8_t> data, std::chrono::milliseconds) override {
        if (_in.empty()) return disconnected();
        const std::uint8_t b = _in.u8();
        if (auto e = failure(b)) return *e;
        if (data.size() == 13) {
            if (b % 16 == 3) {
                std::size_t n = _in.u8() % 14;
                _in.bytes(data.first(n));
                return n;
            }
            const std::uint32_t residue = (b & 0x20) ? _in.u16() : 0;
            const std::uint8_t status = _opcode == 0x00 ? 0 : static_cast<std::uint8_t>(b >> 6);
            putLe32(data.data(), 0x53425355);
            putLe32(data.data() + 4, _tag);
            putLe32(data.data() + 8, residue);
            data[12] = status;
            return 13;
        }
        std::size_t n = std::min<std::size_t>(data.size(), _in.u16());
        _in.bytes(data.first(n));
        return n;
    }
    Result<std::size_t> bulkOut(std::uint8_t, std::span<const std::uint8_t> data, std::chrono::milliseconds) override {
        if (auto e = failure()) return *e;
        if (data.size() == 31 && data[0] == 'U' && data[1] == 'S' && data[2] == 'B' && data[3] == 'C') {
            _tag = static_cast<std::uint32_t>(data[4] | data[5] << 8 | data[6] << 16) | static_cast<std::uint32_t>(data[7]) << 24;
            _opcode = data[15];
        }
        return data.size();
    }
    Status clearHalt(std::uint8_t) override { return _in.empty() ? Status(disconnected()) : Status(); }
    Status resetDevice() override { return _in.empty() ? Status(disconnected()) : Status(); }

private:
    static Error disconnected() { return makeError(Errc::Device, "device disconnected"); }
    std::optional<Error> failure() {
        if (_in.empty()) return disconnected();
        return failure(_in.u8());
    }
    static std::optional<Error> failure(std::uint8_t b) {
        switch (b % 16) {
        case 0: return makeError(Errc::Device, "stall on endpoint");
        case 1: return makeError(Errc::Timeout, "timeout");
        case 2: return disconnected();
        default: return std::nullopt;
        }
    }
    static void putLe32(std::uint8_t *p, std::uint32_t v) {
        for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
    }

    fuzz::Input &_in;
    std::uint32_t _tag = 0;
    std::uint8_t _opcode = 0xff;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    fuzz::Input in(data, size);
    const std::uint8_t flags = in.u8();
    FuzzDock dock(in);
    BulkOnlyTransport bot(dock, 0, 0x81, 0x02);
    (void)bot.maxLun();
    ScsiTargetOptions options;
    options.path = "usb:fuzz";
    options.ataPassThrough = !(flags & 1);
    options.sat12Only = flags & 2;
    auto target = ScsiBlockTarget::open(bot, options);
    if (!target) return 0;
    ScsiBlockTarget &t = **target;
    (void)t.smart();
    (void)t.hiddenSectors();
    for (auto kind : {BlockTarget::FirmwareErase::SanitizeBlockErase, BlockTarget::FirmwareErase::SecurityErase})
        (void)t.checkFirmwareErase(kind);
    const std::uint32_t sector = t.info().logicalSectorSize;
    if (sector > 0 && sector <= 65536) {
        std::vector<std::byte> buffer(sector);
        (void)t.read(0, buffer);
    }
    AtaPassThrough ata(bot, options.sat12Only);
    (void)ata.sanitizeStatus();
    (void)ata.readNativeMaxAddress();
    (void)ata.dcoMaxLba();
    return 0;
}
