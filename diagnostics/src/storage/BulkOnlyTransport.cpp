// Bulk-Only Transport: CBW, data, CSW, and the recovery the spec prescribes.
#include <reemploi/diagnostics/storage/BulkOnlyTransport.hpp>

#include <cstring>

namespace reemploi::diagnostics::storage {

namespace {

constexpr std::uint32_t kCbwSignature = 0x43425355;  // "USBC"
constexpr std::uint32_t kCswSignature = 0x53425355;  // "USBS"

void putLe32(std::uint8_t *p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint32_t le32(const std::uint8_t *p) {
    return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

}  // namespace

bool isStall(const Error &e) { return e.message.find("stall") != std::string::npos; }
bool isDisconnect(const Error &e) {
    return e.message.find("disconnected") != std::string::npos || e.message.find("no device") != std::string::npos;
}

BulkOnlyTransport::BulkOnlyTransport(UsbTransport &usb, std::uint8_t interface, std::uint8_t bulkIn,
                                     std::uint8_t bulkOut, std::uint8_t lun)
    : _usb(usb), _interface(interface), _in(bulkIn), _out(bulkOut), _lun(lun) {}

Result<std::uint8_t> BulkOnlyTransport::maxLun() {
    std::uint8_t lun = 0;
    auto r = _usb.control(0xA1, 0xFE, 0, _interface, {&lun, 1}, std::chrono::milliseconds(1000));
    if (!r) {
        if (isStall(r.error())) return std::uint8_t{0};
        return r.error().withContext("Get Max LUN");
    }
    if (*r != 1) return std::uint8_t{0};
    return lun;
}

Status BulkOnlyTransport::resetRecovery() {
    ++_resets;
    std::span<std::uint8_t> none;
    auto r = _usb.control(0x21, 0xFF, 0, _interface, none, std::chrono::milliseconds(2000));
    if (!r) return r.error().withContext("Bulk-Only Mass Storage Reset");
    if (auto st = _usb.clearHalt(_in); !st) return st.error().withContext("clearing the bulk-in halt");
    if (auto st = _usb.clearHalt(_out); !st) return st.error().withContext("clearing the bulk-out halt");
    return {};
}

Result<std::array<std::uint8_t, 13>> BulkOnlyTransport::readCsw(std::chrono::milliseconds timeout) {
    std::array<std::uint8_t, 13> csw{};
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto r = _usb.bulkIn(_in, csw, timeout);
        if (r) {
            if (*r != csw.size())
                return makeError(Errc::Device, "CSW is " + std::to_string(*r) + " bytes, 13 expected");
            return csw;
        }
        if (!isStall(r.error()) || attempt == 1) return r.error();
        // §6.7.2: a stalled CSW read is cleared and read once more.
        if (auto st = _usb.clearHalt(_in); !st) return st.error();
    }
    return makeError(Errc::Device, "CSW not received");
}

Result<ScsiStatus> BulkOnlyTransport::transact(std::span<const std::uint8_t> cdb, DataDirection direction,
                                               std::span<std::uint8_t> data, std::chrono::milliseconds timeout) {
    if (cdb.empty() || cdb.size() > 16) return makeError(Errc::Internal, "CDB of " + std::to_string(cdb.size()) + " bytes");
    const std::uint32_t tag = _tag++;
    const std::uint32_t length = direction == DataDirection::None ? 0 : static_cast<std::uint32_t>(data.size());
    std::array<std::uint8_t, 31> cbw{};
    putLe32(cbw.data(), kCbwSignature);
    putLe32(cbw.data() + 4, tag);
    putLe32(cbw.data() + 8, length);
    cbw[12] = direction == DataDirection::In ? 0x80 : 0x00;
    cbw[13] = _lun;
    cbw[14] = static_cast<std::uint8_t>(cdb.size());
    std::memcpy(cbw.data() + 15, cdb.data(), cdb.size());

    auto sent = _usb.bulkOut(_out, cbw, timeout);
    if (!sent) {
        if (isStall(sent.error())) {
            REEMPLOI_TRY(resetRecovery());
            return makeError(Errc::Device, "the device stalled the command block: reset");
        }
        return sent.error();
    }

    ScsiStatus status;
    if (length > 0) {
        auto r = direction == DataDirection::In ? _usb.bulkIn(_in, data, timeout)
                                                : _usb.bulkOut(_out, std::span<const std::uint8_t>(data), timeout);
        if (r) {
            status.transferred = *r;
        } else if (isStall(r.error())) {
            // §6.7.2/§6.7.3: the device ended the data stage early; clear it and read the CSW.
            REEMPLOI_TRY(_usb.clearHalt(direction == DataDirection::In ? _in : _out));
        } else {
            return r.error();
        }
    }

    auto csw = readCsw(timeout);
    if (!csw) {
        if (isDisconnect(csw.error())) return csw.error();
        REEMPLOI_TRY(resetRecovery());
        return makeError(Errc::Device, "no valid command status (" + csw.error().message + "): reset");
    }
    const auto &w = *csw;
    if (le32(w.data()) != kCswSignature || le32(w.data() + 4) != tag) {
        REEMPLOI_TRY(resetRecovery());
        return makeError(Errc::Device, "command status not valid (signature or tag): reset");
    }
    std::uint32_t residue = le32(w.data() + 8);
    std::uint8_t st = w[12];
    if (st == 2) {
        REEMPLOI_TRY(resetRecovery());
        return makeError(Errc::Device, "phase error: reset");
    }
    if (st > 2) {
        REEMPLOI_TRY(resetRecovery());
        return makeError(Errc::Device, "command status " + std::to_string(st) + " not meaningful: reset");
    }
    if (length > 0 && residue <= length) status.transferred = std::min<std::size_t>(status.transferred, length - residue);
    status.checkCondition = st == 1;
    return status;
}

Result<ScsiStatus> BulkOnlyTransport::execute(std::span<const std::uint8_t> cdb, DataDirection direction,
                                              std::span<std::uint8_t> data, std::chrono::milliseconds timeout) {
    std::lock_guard guard(_lock);
    auto status = transact(cdb, direction, data, timeout);
    // A recovered transport error is tried once more: a bridge that stalled or lost the phase
    // after a glitch usually answers the same command after the reset.
    if (!status && !isDisconnect(status.error()) && status.error().message.find(": reset") != std::string::npos)
        status = transact(cdb, direction, data, timeout);
    if (!status || !status->checkCondition || cdb[0] == 0x03) return status;
    std::array<std::uint8_t, 6> rs = {0x03, 0, 0, 0, 252, 0};
    std::array<std::uint8_t, 252> buf{};
    auto sense = transact(rs, DataDirection::In, buf, std::chrono::milliseconds(2000));
    if (sense && !sense->checkCondition) status->sense = parseSense({buf.data(), sense->transferred});
    return status;
}

}  // namespace reemploi::diagnostics::storage
