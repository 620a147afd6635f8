// Internal disks: block I/O from the kernel, drive commands through SG_IO or the NVMe controller.
#include <reemploi/diagnostics/storage/InternalDisk.hpp>

#include <thread>

#include <reemploi/diagnostics/storage/ScsiBlockTarget.hpp>

namespace reemploi::diagnostics::storage {

namespace {

// The block I/O of the kernel's target, forwarded.
class Forwarding : public BlockTarget {
public:
    explicit Forwarding(std::unique_ptr<BlockTarget> inner) : _inner(std::move(inner)) {}
    const TargetInfo &info() const override { return _inner->info(); }
    std::size_t alignment() const override { return _inner->alignment(); }
    std::size_t maxConcurrentIo() const override { return _inner->maxConcurrentIo(); }
    Status write(std::uint64_t offset, std::span<const std::byte> data) override { return _inner->write(offset, data); }
    Status read(std::uint64_t offset, std::span<std::byte> data) override { return _inner->read(offset, data); }
    Status flush() override { return _inner->flush(); }

protected:
    std::unique_ptr<BlockTarget> _inner;
};

using FE = BlockTarget::FirmwareErase;

bool isNvmeKind(FE kind) {
    return kind == FE::NvmeSanitizeBlockErase || kind == FE::NvmeSanitizeCryptoErase || kind == FE::NvmeFormatCrypto ||
           kind == FE::NvmeFormatUserData;
}

// A SATA disk: the ATA layer of the USB bridges (ScsiBlockTarget over SG_IO) for everything but
// the block I/O.
class AtaDisk final : public Forwarding {
public:
    AtaDisk(std::unique_ptr<BlockTarget> inner, std::unique_ptr<SgIoDevice> sg)
        : Forwarding(std::move(inner)), _sg(std::move(sg)), _scsi(*_sg, _inner->info().path) {
        auto opened = ScsiBlockTarget::open(_scsi, {_inner->info().path});
        if (opened) _ata = std::move(*opened);
        else _why = opened.error().message;
    }
    Status checkFirmwareErase(FirmwareErase kind) const override {
        if (!_ata) return makeError(Errc::Unsupported, "SG_IO to " + info().path + " failed: " + _why);
        if (isNvmeKind(kind)) return makeError(Errc::Unsupported, info().path + " is a SATA disk, not an NVMe drive");
        auto st = _ata->checkFirmwareErase(kind);
        if (!st && st.error().message.find("frozen") != std::string::npos)
            return makeError(Errc::Refused, _ata->ataIdentity()->model +
                                                "'s security is frozen by the computer's firmware: suspend the computer "
                                                "and wake it (the drive wakes unfrozen), then retry");
        return st;
    }
    Status firmwareErase(FirmwareErase kind, const std::function<void(double)> &progress, const CancelToken *cancel) override {
        REEMPLOI_TRY(checkFirmwareErase(kind));
        return _ata->firmwareErase(kind, progress, cancel);
    }
    SmartSummary smart() override {
        if (!_ata) {
            SmartSummary s;
            s.unavailableWhy = "SG_IO to " + info().path + " failed: " + _why;
            return s;
        }
        return _ata->smart();
    }
    Result<std::uint64_t> hiddenSectors() override {
        if (!_ata) return makeError(Errc::Unsupported, _why);
        return _ata->hiddenSectors();
    }
    Status restoreHiddenArea() override {
        if (!_ata) return makeError(Errc::Unsupported, _why);
        return _ata->restoreHiddenArea();
    }

private:
    std::unique_ptr<SgIoDevice> _sg;
    SgIoTransport _scsi;
    std::unique_ptr<ScsiBlockTarget> _ata;
    std::string _why;
};

// An NVMe namespace: Sanitize and Format NVM through its controller.
class NvmeDisk final : public Forwarding {
public:
    NvmeDisk(std::unique_ptr<BlockTarget> inner, std::unique_ptr<NvmeAdminDevice> controller, std::uint32_t nsid)
        : Forwarding(std::move(inner)), _device(std::move(controller)), _drive(*_device), _nsid(nsid) {
        auto c = _drive.identifyController();
        if (c) _controller = *c;
        else _why = c.error().message;
    }
    Status checkFirmwareErase(FirmwareErase kind) const override {
        if (!_controller) return makeError(Errc::Unsupported, "the NVMe controller of " + info().path + " did not answer: " + _why);
        const auto &c = *_controller;
        switch (kind) {
        case FE::NvmeSanitizeBlockErase:
            if (!c.sanitizeBlockErase) return makeError(Errc::Unsupported, c.model + " does not offer Sanitize block erase");
            return {};
        case FE::NvmeSanitizeCryptoErase:
            if (!c.sanitizeCrypto) return makeError(Errc::Unsupported, c.model + " does not offer Sanitize crypto erase");
            return {};
        case FE::NvmeFormatCrypto:
            if (!c.formatSupported) return makeError(Errc::Unsupported, c.model + " does not support Format NVM");
            if (!c.cryptoEraseSupported)
                return makeError(Errc::Unsupported, c.model + " does not offer a cryptographic erase with Format NVM");
            return {};
        case FE::NvmeFormatUserData:
            if (!c.formatSupported) return makeError(Errc::Unsupported, c.model + " does not support Format NVM");
            return {};
        default:
            return makeError(Errc::Unsupported, info().path + " is an NVMe drive: the ATA commands do not reach it "
                                                              "(use purge-nvme-sanitize or purge-nvme-crypto-format)");
        }
    }
    Status firmwareErase(FirmwareErase kind, const std::function<void(double)> &progress, const CancelToken *cancel) override {
        REEMPLOI_TRY(checkFirmwareErase(kind));
        if (kind == FE::NvmeFormatCrypto || kind == FE::NvmeFormatUserData) {
            if (progress) progress(0);
            REEMPLOI_TRY(_drive.format(_nsid, kind == FE::NvmeFormatCrypto ? NvmeDrive::FormatErase::Cryptographic
                                                                           : NvmeDrive::FormatErase::UserData));
            if (progress) progress(1);
            return {};
        }
        auto st = _drive.sanitize(kind == FE::NvmeSanitizeBlockErase ? NvmeDrive::SanitizeAction::BlockErase
                                                                     : NvmeDrive::SanitizeAction::CryptoErase,
                                  progress, cancel);
        // A cancelled wait is an interrupted record: the drive finishes the sanitize regardless.
        if (!st && st.error().code == Errc::Refused) return makeError(Errc::Device, st.error().message);
        return st;
    }
    SmartSummary smart() override {
        SmartSummary s;
        auto log = _drive.smartLog();
        if (!log) {
            s.unavailableWhy = log.error().message;
            return s;
        }
        s.available = true;
        s.healthy = log->healthy();
        s.powerOnHours = log->powerOnHours;
        s.uncorrectable = log->mediaErrors;
        s.wearPercentLeft = static_cast<std::uint8_t>(100 - std::min<int>(log->percentageUsed, 100));
        return s;
    }

private:
    std::unique_ptr<NvmeAdminDevice> _device;
    NvmeDrive _drive;
    std::uint32_t _nsid;
    std::optional<NvmeController> _controller;
    std::string _why;
};

}  // namespace

std::unique_ptr<BlockTarget> withAtaCommands(std::unique_ptr<BlockTarget> kernel, std::unique_ptr<SgIoDevice> sg) {
    return std::make_unique<AtaDisk>(std::move(kernel), std::move(sg));
}

std::unique_ptr<BlockTarget> withNvmeCommands(std::unique_ptr<BlockTarget> kernel,
                                              std::unique_ptr<NvmeAdminDevice> controller, std::uint32_t nsid) {
    return std::make_unique<NvmeDisk>(std::move(kernel), std::move(controller), nsid);
}

std::unique_ptr<BlockTarget> withDriveCommands(std::unique_ptr<BlockTarget> kernel) {
    const auto &info = kernel->info();
    if (info.kind != "block") return kernel;
    std::string name = info.path.substr(info.path.rfind('/') + 1);
    if (info.transport == "sata") {
        auto sg = KernelSgIoDevice::open(info.path);
        if (!sg) return kernel;
        return withAtaCommands(std::move(kernel), std::move(*sg));
    }
    if (info.transport == "nvme") {
        // /dev/nvme0n1 → the controller /dev/nvme0 and namespace 1.
        auto n = name.find('n', 4);
        if (name.rfind("nvme", 0) != 0 || n == std::string::npos) return kernel;
        std::uint32_t nsid = 0;
        try {
            nsid = static_cast<std::uint32_t>(std::stoul(name.substr(n + 1)));
        } catch (...) {
            return kernel;
        }
        auto controller = KernelNvmeDevice::open("/dev/" + name.substr(0, n));
        if (!controller) return kernel;
        return withNvmeCommands(std::move(kernel), std::move(*controller), nsid);
    }
    return kernel;
}

}  // namespace reemploi::diagnostics::storage
