// USB Mass Storage Bulk-Only Transport (BOT, USB MSC BOT 1.0) over a UsbTransport.
//
// Protocol note: each command is a 31-byte Command Block Wrapper ("USBC", tag, data length,
// direction, LUN, CDB) on the bulk-out endpoint, an optional data stage, then a 13-byte Command
// Status Wrapper ("USBS", same tag, residue, status 0 passed / 1 failed / 2 phase error) on
// bulk-in. Recovery (§5.3, §6.6): a stalled data stage is cleared and the CSW still read; a
// stalled CSW read is cleared and retried once; a phase error, a CSW that is not valid or
// meaningful, or a second stall → Reset Recovery (class request Bulk-Only Mass Storage Reset,
// then CLEAR_FEATURE(HALT) on both endpoints). A failed command is followed by REQUEST SENSE.
// The caller claims the interface (UsbTransport's owner does).
#pragma once

#include <atomic>
#include <mutex>

#include <reemploi/diagnostics/UsbTransport.hpp>
#include <reemploi/diagnostics/storage/Scsi.hpp>

namespace reemploi::diagnostics::storage {

class BulkOnlyTransport final : public ScsiTransport {
public:
    BulkOnlyTransport(UsbTransport &usb, std::uint8_t interface, std::uint8_t bulkIn, std::uint8_t bulkOut,
                      std::uint8_t lun = 0);

    Result<ScsiStatus> execute(std::span<const std::uint8_t> cdb, DataDirection direction,
                               std::span<std::uint8_t> data, std::chrono::milliseconds timeout) override;

    // Get Max LUN (class request 0xFE); devices that stall it have one LUN (0).
    Result<std::uint8_t> maxLun();
    // Bulk-Only Mass Storage Reset, then clear both halts (§5.3.4).
    Status resetRecovery();

    int resetRecoveries() const { return _resets; }

private:
    Result<ScsiStatus> transact(std::span<const std::uint8_t> cdb, DataDirection direction,
                                std::span<std::uint8_t> data, std::chrono::milliseconds timeout);
    Result<std::array<std::uint8_t, 13>> readCsw(std::chrono::milliseconds timeout);

    std::mutex _lock;  // one command at a time: BOT has no tags in flight, only in sequence
    UsbTransport &_usb;
    std::uint8_t _interface, _in, _out, _lun;
    std::uint32_t _tag = 1;
    int _resets = 0;
};

bool isStall(const Error &e);
bool isDisconnect(const Error &e);

}  // namespace reemploi::diagnostics::storage
