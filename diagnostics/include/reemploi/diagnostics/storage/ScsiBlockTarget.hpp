// A BlockTarget over SCSI block commands, e.g. a USB mass-storage device driven by us over
// libusb (BulkOnlyTransport): TEST UNIT READY, INQUIRY (+ serial VPD), READ CAPACITY (10, then 16
// when the disk is past 2 TiB), READ/WRITE (10, or 16 beyond LBA 2^32), SYNCHRONIZE CACHE.
// When the bridge passes ATA commands through, model, serial, firmware and rotation come from
// IDENTIFY DEVICE (the drive's own words rather than the bridge's).
#pragma once

#include <memory>

#include <reemploi/diagnostics/storage/AtaPassThrough.hpp>
#include <reemploi/diagnostics/storage/BlockTarget.hpp>
#include <reemploi/diagnostics/storage/Scsi.hpp>

namespace reemploi::diagnostics::storage {

struct ScsiTargetOptions {
    std::string path;             // how the target is named ("usb:1-1.4")
    bool ataPassThrough = true;   // false for bridges with the no-ata-passthrough quirk
    bool sat12Only = false;       // quirk sat12-only
    std::uint32_t maxTransferBytes = 1u << 20;  // per READ/WRITE command
};

class ScsiBlockTarget final : public BlockTarget {
public:
    // Brings the unit up (TEST UNIT READY until ready, UNIT ATTENTION cleared) and identifies it.
    static Result<std::unique_ptr<ScsiBlockTarget>> open(ScsiTransport &scsi, const ScsiTargetOptions &options);

    const TargetInfo &info() const override { return _info; }
    std::size_t alignment() const override { return 64; }
    std::size_t maxConcurrentIo() const override { return 1; }
    Status write(std::uint64_t offset, std::span<const std::byte> data) override;
    Status read(std::uint64_t offset, std::span<std::byte> data) override;
    Status flush() override;

    const ScsiInquiry &inquiry() const { return _inquiry; }
    // IDENTIFY DEVICE through the bridge, when it passes ATA commands (else the reason why not).
    const std::optional<AtaIdentity> &ataIdentity() const { return _identity; }
    const std::string &ataUnavailableWhy() const { return _ataWhy; }
    // SMART through the bridge (unavailable, with why, when it cannot).
    SmartSummary smart() override;
    Status checkFirmwareErase(FirmwareErase kind) const override;
    Result<std::uint64_t> hiddenSectors() override;
    Status restoreHiddenArea() override;
    Status firmwareErase(FirmwareErase kind, const std::function<void(double)> &progress,
                         const CancelToken *cancel) override;

private:
    ScsiBlockTarget(ScsiTransport &scsi, ScsiTargetOptions options) : _scsi(scsi), _options(std::move(options)) {}
    Status transfer(bool write, std::uint64_t offset, std::span<std::uint8_t> data);
    Status readCapacity();

    ScsiTransport &_scsi;
    ScsiTargetOptions _options;
    TargetInfo _info;
    ScsiInquiry _inquiry;
    std::optional<AtaIdentity> _identity;
    std::string _ataWhy;
};

}  // namespace reemploi::diagnostics::storage
