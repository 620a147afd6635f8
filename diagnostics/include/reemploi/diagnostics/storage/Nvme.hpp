// NVMe drives through the kernel's admin-command ioctl (NVME_IOCTL_ADMIN_CMD on /dev/nvmeN):
// Identify Controller and Namespace, the SMART / Health log, Format NVM (user-data or
// cryptographic erase) and Sanitize with its status log polled. The page parsers are pure
// functions on the bytes (NVM Express Base Specification 1.4 / 2.0 figure offsets).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/diagnostics/CancelToken.hpp>

namespace reemploi::diagnostics::storage {

struct NvmeController {
    std::uint16_t vendorId = 0, subsystemVendorId = 0;
    std::string serial, model, firmware;
    std::uint64_t totalCapacityBytes = 0;  // TNVMCAP (low 64 bits); 0 when not reported
    std::uint32_t namespaces = 0;          // NN
    bool formatSupported = false;          // OACS bit 1
    bool cryptoEraseSupported = false;     // FNA bit 2: Format NVM may erase cryptographically
    bool formatAllNamespaces = false;      // FNA bit 1 (secure erase) applies to all namespaces
    bool sanitizeCrypto = false, sanitizeBlockErase = false, sanitizeOverwrite = false;  // SANICAP bits 0-2
    std::uint16_t warningTemperatureK = 0, criticalTemperatureK = 0;
};
// 4096 bytes of Identify Controller (CNS 01h).
Result<NvmeController> parseIdentifyController(std::span<const std::uint8_t> page);

struct NvmeNamespace {
    std::uint64_t sizeBlocks = 0, capacityBlocks = 0, usedBlocks = 0;  // NSZE, NCAP, NUSE
    std::uint8_t formatIndex = 0;                                      // FLBAS bits 3:0
    struct LbaFormat {
        std::uint16_t metadataBytes = 0;
        std::uint32_t dataBytes = 512;
        std::uint8_t relativePerformance = 0;
    };
    std::vector<LbaFormat> formats;
    std::uint32_t blockBytes() const { return formatIndex < formats.size() ? formats[formatIndex].dataBytes : 512; }
    std::uint64_t sizeBytes() const { return sizeBlocks * blockBytes(); }
};
// 4096 bytes of Identify Namespace (CNS 00h).
Result<NvmeNamespace> parseIdentifyNamespace(std::span<const std::uint8_t> page);

struct NvmeSmartLog {
    std::uint8_t criticalWarning = 0;  // bits: spare, temperature, reliability, read-only, backup
    std::uint16_t temperatureK = 0;
    std::uint8_t availableSparePercent = 0, spareThresholdPercent = 0, percentageUsed = 0;
    std::uint64_t dataUnitsRead = 0, dataUnitsWritten = 0;  // thousands of 512-byte units
    std::uint64_t hostReads = 0, hostWrites = 0, busyMinutes = 0, powerCycles = 0, powerOnHours = 0;
    std::uint64_t unsafeShutdowns = 0, mediaErrors = 0, errorLogEntries = 0;
    bool healthy() const { return criticalWarning == 0 && mediaErrors == 0; }
};
// The SMART / Health Information log page (02h), 512 bytes.
Result<NvmeSmartLog> parseSmartLog(std::span<const std::uint8_t> page);

struct NvmeSanitizeStatus {
    std::uint16_t progress = 0;  // SPROG: of 65536
    std::uint8_t status = 0;     // SSTAT bits 2:0: 0 never, 1 completed, 2 in progress, 3 failed, 4 completed (no deallocation)
    std::uint8_t overwritePasses = 0;
    bool globalDataErased = false;
    std::uint32_t commandDword10 = 0;  // of the last sanitize: action, AUSE, NDAS
    std::uint32_t estimateOverwrite = 0, estimateBlockErase = 0, estimateCrypto = 0;  // seconds, 0xffffffff unknown

    std::uint8_t action() const { return commandDword10 & 0x7; }
    bool inProgress() const { return status == 2; }
    bool completed() const { return status == 1 || status == 4; }
    bool failed() const { return status == 3; }
    double fraction() const { return inProgress() ? progress / 65536.0 : completed() ? 1.0 : 0.0; }
};
// The Sanitize Status log page (81h): at least its first 20 bytes.
Result<NvmeSanitizeStatus> parseSanitizeLog(std::span<const std::uint8_t> page);

// One admin command as NVME_IOCTL_ADMIN_CMD takes it.
struct NvmeAdminCommand {
    std::uint8_t opcode = 0;
    std::uint32_t nsid = 0;
    std::uint32_t cdw10 = 0, cdw11 = 0, cdw12 = 0, cdw13 = 0, cdw14 = 0, cdw15 = 0;
    std::chrono::milliseconds timeout{30000};
};

// The seam: the kernel's ioctl, or a test's recorded drive.
class NvmeAdminDevice {
public:
    virtual ~NvmeAdminDevice() = default;
    // The command's completion dword 0, or an error: Device naming the NVMe status (SCT/SC), Io for
    // the ioctl itself; `data` is read into (or written from) for commands with a data transfer.
    virtual Result<std::uint32_t> admin(const NvmeAdminCommand &command, std::span<std::uint8_t> data) = 0;
};

// /dev/nvmeN (the controller's character device), or a namespace's block device.
class KernelNvmeDevice final : public NvmeAdminDevice {
public:
    static Result<std::unique_ptr<KernelNvmeDevice>> open(const std::string &path);
    ~KernelNvmeDevice() override;
    Result<std::uint32_t> admin(const NvmeAdminCommand &command, std::span<std::uint8_t> data) override;

private:
    KernelNvmeDevice(int fd, std::string path) : _fd(fd), _path(std::move(path)) {}
    int _fd;
    std::string _path;
};

// The admin commands a probe and a wipe need, over any NvmeAdminDevice.
class NvmeDrive {
public:
    explicit NvmeDrive(NvmeAdminDevice &device) : _device(device) {}

    Result<NvmeController> identifyController();
    Result<NvmeNamespace> identifyNamespace(std::uint32_t nsid);
    Result<NvmeSmartLog> smartLog();
    Result<NvmeSanitizeStatus> sanitizeStatus();

    enum class FormatErase { UserData = 1, Cryptographic = 2 };  // SES
    // Format NVM of namespace `nsid` in its current LBA format (the drive's timeout is long: a
    // user-data erase may take minutes).
    Status format(std::uint32_t nsid, FormatErase erase, std::chrono::minutes timeout = std::chrono::minutes(60));

    enum class SanitizeAction { BlockErase = 2, Overwrite = 3, CryptoErase = 4 };
    // Starts a sanitize, then polls the status log (every `poll`, `progress` gets 0..1) until it
    // completes or fails. A cancel stops the polling, not the drive: a sanitize cannot be
    // interrupted and resumes after a power cycle.
    Status sanitize(SanitizeAction action, const std::function<void(double)> &progress, const CancelToken *cancel,
                    std::chrono::milliseconds poll = std::chrono::milliseconds(2000),
                    std::chrono::hours limit = std::chrono::hours(12));

private:
    Result<std::vector<std::uint8_t>> logPage(std::uint8_t id, std::size_t bytes);
    NvmeAdminDevice &_device;
};

// "Invalid Field in Command (SCT 0h, SC 02h)": the NVMe status a failed command returned.
std::string describeNvmeStatus(std::uint16_t status);

}  // namespace reemploi::diagnostics::storage
