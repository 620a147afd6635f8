// What the wipe engine and the storage diagnostics write to and read from: a regular file, a
// kernel block device (/dev/sdX, /dev/loopN, /dev/nvmeXnY) or a USB mass-storage device we drive.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include <reemploi/common/Result.hpp>
#include <reemploi/diagnostics/CancelToken.hpp>
#include <reemploi/diagnostics/UsbBus.hpp>
#include <reemploi/diagnostics/storage/AtaPassThrough.hpp>

namespace reemploi::diagnostics::storage {

// What a target says about itself. Strings are empty when the target cannot tell.
struct TargetInfo {
    std::string path;
    std::string kind;  // "file", "block", "loop", "usb"
    std::uint64_t sizeBytes = 0;
    std::uint32_t logicalSectorSize = 512;
    std::uint32_t physicalSectorSize = 512;
    std::optional<bool> rotational;
    bool removable = false;
    std::string transport;  // "sata", "nvme", "usb", "mmc", "virtio", "" …
    std::string vendor;
    std::string model;
    std::string serial;
    std::string firmware;

    std::uint64_t sectorCount() const { return sizeBytes / logicalSectorSize; }
    // "hdd", "ssd", "nvme", "emmc", "flash" or "other": the inventory's media types.
    std::string mediaType() const;
    // Flash keeps data behind its remapping, so overwriting is never Purge on it.
    bool isFlash() const;
};

// Positioned I/O on a target. Offsets and lengths are multiples of the logical sector size
// (except the very end of a regular file whose size is not), and buffers are aligned to
// `alignment()`. Errors name the byte offset; a device that went away says "disconnected".
class BlockTarget {
public:
    virtual ~BlockTarget() = default;

    virtual const TargetInfo &info() const = 0;
    virtual std::size_t alignment() const { return 4096; }
    // How many writes may be in flight at once (Bulk-Only Transport carries one command at a time).
    virtual std::size_t maxConcurrentIo() const { return 8; }

    // Writes all of `data` at `offset`, or fails: a short write is an error (Errc::Device,
    // "short write at byte N: the target ends before its claimed size" when nothing more fits).
    virtual Status write(std::uint64_t offset, std::span<const std::byte> data) = 0;
    virtual Status read(std::uint64_t offset, std::span<std::byte> data) = 0;
    // Makes the written data durable (fsync / SYNCHRONIZE CACHE).
    virtual Status flush() = 0;
    // The drive erasing itself (ATA SANITIZE, SECURITY ERASE): Unsupported or Refused, with why,
    // when it cannot; `progress` gets 0..1 while it runs. The caller verifies afterwards.
    enum class FirmwareErase {
        SanitizeBlockErase, SanitizeCryptoScramble, SecurityErase,  // ATA
        NvmeSanitizeBlockErase, NvmeSanitizeCryptoErase, NvmeFormatCrypto, NvmeFormatUserData,
    };
    virtual Status checkFirmwareErase(FirmwareErase) const {
        return makeError(Errc::Unsupported, "the drive's own erase commands (ATA SANITIZE, SECURITY ERASE UNIT) "
                                            "cannot reach " +
                                                (info().kind == "file"   ? std::string("a regular file")
                                                 : info().kind == "loop" ? std::string("a loop device")
                                                                         : info().path + " through the kernel") +
                                                "; connect the drive through a USB bridge with ATA pass-through "
                                                "(usb:PORT) or use clear-zero / clear-random");
    }
    virtual Status firmwareErase(FirmwareErase kind, const std::function<void(double)> & /*progress*/,
                                 const CancelToken * /*cancel*/) {
        return checkFirmwareErase(kind);
    }
    // A Host Protected Area hides the drive's last sectors from an overwrite. `hiddenArea` says how
    // many sectors it hides (0: none), or why it cannot tell; `restoreHiddenArea` makes them
    // addressable again (and info() grows), when the drive allows it.
    virtual Result<std::uint64_t> hiddenSectors() {
        return makeError(Errc::Unsupported, "hidden areas (HPA) are only visible through ATA pass-through");
    }
    virtual Status restoreHiddenArea() { return makeError(Errc::Unsupported, "no ATA pass-through"); }
    // The drive's SMART health when it can be reached (ATA pass-through), else why not.
    virtual SmartSummary smart() {
        SmartSummary s;
        s.unavailableWhy = info().kind == "file" || info().kind == "loop"
                               ? "not a drive"
                               : "needs ATA pass-through, not reachable through the kernel block device";
        return s;
    }
};

// Opens a regular file, a kernel block device, or a USB mass-storage device named usb:PORT
// (driven by us over libusb, UsbMassStorage.hpp) for reading and, with `writable`, writing.
// Block devices are opened O_DIRECT, and O_EXCL when writable (refused while mounted or held by
// someone else). `usb` says where the bench's usb.ids and device table are (usb: targets only).
Result<std::unique_ptr<BlockTarget>> openTarget(const std::string &path, bool writable, const UsbBusOptions &usb = {});

// An aligned heap buffer for direct I/O.
class AlignedBuffer {
public:
    AlignedBuffer() = default;
    AlignedBuffer(std::size_t size, std::size_t alignment = 4096);
    AlignedBuffer(AlignedBuffer &&other) noexcept;
    AlignedBuffer &operator=(AlignedBuffer &&other) noexcept;
    AlignedBuffer(const AlignedBuffer &) = delete;
    AlignedBuffer &operator=(const AlignedBuffer &) = delete;
    ~AlignedBuffer();

    std::byte *data() { return _data; }
    const std::byte *data() const { return _data; }
    std::size_t size() const { return _size; }
    std::span<std::byte> span(std::size_t n) { return {_data, n}; }
    std::span<const std::byte> span(std::size_t n) const { return {_data, n}; }

private:
    std::byte *_data = nullptr;
    std::size_t _size = 0;
};

}  // namespace reemploi::diagnostics::storage
