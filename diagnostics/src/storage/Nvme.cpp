// NVMe admin commands and their pages.
#include <reemploi/diagnostics/storage/Nvme.hpp>

#include <fcntl.h>
#include <linux/nvme_ioctl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace reemploi::diagnostics::storage {

namespace {

std::uint64_t le(std::span<const std::uint8_t> p, std::size_t at, int bytes) {
    std::uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[at + static_cast<std::size_t>(i)];
    return v;
}

// A 128-bit little-endian counter: its low 64 bits (a drive would need 2^64 of anything first).
std::uint64_t le128(std::span<const std::uint8_t> p, std::size_t at) { return le(p, at, 8); }

std::string ascii(std::span<const std::uint8_t> p, std::size_t at, std::size_t n) {
    std::string s;
    for (std::size_t i = at; i < at + n; ++i) s += (p[i] >= 0x20 && p[i] < 0x7f) ? static_cast<char>(p[i]) : ' ';
    while (!s.empty() && s.back() == ' ') s.pop_back();
    std::size_t start = 0;
    while (start < s.size() && s[start] == ' ') ++start;
    return s.substr(start);
}

Status needs(std::span<const std::uint8_t> page, std::size_t bytes, const char *what) {
    if (page.size() < bytes)
        return makeError(Errc::InvalidInput, std::string(what) + ": " + std::to_string(page.size()) + " bytes, " +
                                                 std::to_string(bytes) + " expected");
    return {};
}

}  // namespace

Result<NvmeController> parseIdentifyController(std::span<const std::uint8_t> p) {
    REEMPLOI_TRY(needs(p, 4096, "Identify Controller"));
    NvmeController c;
    c.vendorId = static_cast<std::uint16_t>(le(p, 0, 2));
    c.subsystemVendorId = static_cast<std::uint16_t>(le(p, 2, 2));
    c.serial = ascii(p, 4, 20);
    c.model = ascii(p, 24, 40);
    c.firmware = ascii(p, 64, 8);
    if (c.model.empty() && c.serial.empty())
        return makeError(Errc::InvalidInput, "Identify Controller: bytes 4-63 hold no serial or model (is this an Identify Controller page?)");
    std::uint16_t oacs = static_cast<std::uint16_t>(le(p, 256, 2));
    c.formatSupported = (oacs & 0x2) != 0;
    c.warningTemperatureK = static_cast<std::uint16_t>(le(p, 266, 2));
    c.criticalTemperatureK = static_cast<std::uint16_t>(le(p, 268, 2));
    c.totalCapacityBytes = le128(p, 280);
    std::uint32_t sanicap = static_cast<std::uint32_t>(le(p, 328, 4));
    c.sanitizeCrypto = sanicap & 0x1;
    c.sanitizeBlockErase = sanicap & 0x2;
    c.sanitizeOverwrite = sanicap & 0x4;
    c.namespaces = static_cast<std::uint32_t>(le(p, 516, 4));
    std::uint8_t fna = p[524];
    c.formatAllNamespaces = (fna & 0x2) != 0;
    c.cryptoEraseSupported = (fna & 0x4) != 0;
    return c;
}

Result<NvmeNamespace> parseIdentifyNamespace(std::span<const std::uint8_t> p) {
    REEMPLOI_TRY(needs(p, 4096, "Identify Namespace"));
    NvmeNamespace n;
    n.sizeBlocks = le(p, 0, 8);
    n.capacityBlocks = le(p, 8, 8);
    n.usedBlocks = le(p, 16, 8);
    std::size_t count = static_cast<std::size_t>(p[25]) + 1;  // NLBAF is zero-based
    n.formatIndex = p[26] & 0x0f;
    for (std::size_t i = 0; i < count && i < 64; ++i) {
        std::uint32_t d = static_cast<std::uint32_t>(le(p, 128 + 4 * i, 4));
        std::uint8_t lbads = (d >> 16) & 0xff;
        if (lbads < 9 || lbads > 31)
            return makeError(Errc::InvalidInput, "Identify Namespace: LBA format " + std::to_string(i) + " (byte " +
                                                     std::to_string(128 + 4 * i + 2) + ") gives 2^" +
                                                     std::to_string(lbads) + "-byte blocks");
        n.formats.push_back({static_cast<std::uint16_t>(d & 0xffff), 1u << lbads, static_cast<std::uint8_t>((d >> 24) & 0x3)});
    }
    if (n.formatIndex >= n.formats.size())
        return makeError(Errc::InvalidInput, "Identify Namespace: byte 26 selects LBA format " +
                                                 std::to_string(n.formatIndex) + " of " + std::to_string(n.formats.size()));
    if (n.capacityBlocks > n.sizeBlocks)
        return makeError(Errc::InvalidInput, "Identify Namespace: capacity (bytes 8-15) exceeds size (bytes 0-7)");
    return n;
}

Result<NvmeSmartLog> parseSmartLog(std::span<const std::uint8_t> p) {
    REEMPLOI_TRY(needs(p, 512, "SMART / Health log"));
    NvmeSmartLog s;
    s.criticalWarning = p[0];
    s.temperatureK = static_cast<std::uint16_t>(le(p, 1, 2));
    s.availableSparePercent = p[3];
    s.spareThresholdPercent = p[4];
    s.percentageUsed = p[5];
    s.dataUnitsRead = le128(p, 32);
    s.dataUnitsWritten = le128(p, 48);
    s.hostReads = le128(p, 64);
    s.hostWrites = le128(p, 80);
    s.busyMinutes = le128(p, 96);
    s.powerCycles = le128(p, 112);
    s.powerOnHours = le128(p, 128);
    s.unsafeShutdowns = le128(p, 144);
    s.mediaErrors = le128(p, 160);
    s.errorLogEntries = le128(p, 176);
    if (s.availableSparePercent > 100 || s.spareThresholdPercent > 100)
        return makeError(Errc::InvalidInput, "SMART / Health log: available spare (byte 3) or its threshold (byte 4) above 100 %");
    return s;
}

Result<NvmeSanitizeStatus> parseSanitizeLog(std::span<const std::uint8_t> p) {
    REEMPLOI_TRY(needs(p, 20, "Sanitize Status log"));
    NvmeSanitizeStatus s;
    s.progress = static_cast<std::uint16_t>(le(p, 0, 2));
    std::uint16_t sstat = static_cast<std::uint16_t>(le(p, 2, 2));
    s.status = sstat & 0x7;
    s.overwritePasses = (sstat >> 3) & 0x1f;
    s.globalDataErased = (sstat & 0x100) != 0;
    s.commandDword10 = static_cast<std::uint32_t>(le(p, 4, 4));
    s.estimateOverwrite = static_cast<std::uint32_t>(le(p, 8, 4));
    s.estimateBlockErase = static_cast<std::uint32_t>(le(p, 12, 4));
    s.estimateCrypto = static_cast<std::uint32_t>(le(p, 16, 4));
    if (s.status > 4)
        return makeError(Errc::InvalidInput, "Sanitize Status log: status " + std::to_string(s.status) + " (bytes 2-3) is reserved");
    return s;
}

std::string describeNvmeStatus(std::uint16_t status) {
    std::uint8_t sct = (status >> 8) & 0x7, sc = status & 0xff;
    std::string what;
    if (sct == 0) {
        switch (sc) {
        case 0x01: what = "Invalid Command Opcode"; break;
        case 0x02: what = "Invalid Field in Command"; break;
        case 0x0b: what = "Invalid Namespace or Format"; break;
        case 0x1c: what = "Sanitize Failed"; break;
        case 0x1d: what = "Sanitize In Progress"; break;
        case 0x20: what = "Namespace is Write Protected"; break;
        default: what = "generic error"; break;
        }
    } else if (sct == 1) {
        switch (sc) {
        case 0x0a: what = "Invalid Format"; break;
        case 0x15: what = "Namespace Insufficient Capacity"; break;
        default: what = "command specific error"; break;
        }
    } else if (sct == 2) {
        what = "media or data integrity error";
    } else {
        what = "error";
    }
    char code[48];
    std::snprintf(code, sizeof code, " (SCT %xh, SC %02xh)", sct, sc);
    return what + code;
}

Result<std::unique_ptr<KernelNvmeDevice>> KernelNvmeDevice::open(const std::string &path) {
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        return makeError(e == ENOENT ? Errc::NotFound : Errc::Io, "cannot open " + path + ": " + std::strerror(e));
    }
    return std::unique_ptr<KernelNvmeDevice>(new KernelNvmeDevice(fd, path));
}

KernelNvmeDevice::~KernelNvmeDevice() { ::close(_fd); }

Result<std::uint32_t> KernelNvmeDevice::admin(const NvmeAdminCommand &c, std::span<std::uint8_t> data) {
    nvme_admin_cmd cmd{};
    cmd.opcode = c.opcode;
    cmd.nsid = c.nsid;
    cmd.addr = reinterpret_cast<std::uint64_t>(data.data());
    cmd.data_len = static_cast<std::uint32_t>(data.size());
    cmd.cdw10 = c.cdw10;
    cmd.cdw11 = c.cdw11;
    cmd.cdw12 = c.cdw12;
    cmd.cdw13 = c.cdw13;
    cmd.cdw14 = c.cdw14;
    cmd.cdw15 = c.cdw15;
    cmd.timeout_ms = static_cast<std::uint32_t>(c.timeout.count());
    int rc = ::ioctl(_fd, NVME_IOCTL_ADMIN_CMD, &cmd);
    if (rc < 0) {
        int e = errno;
        if (e == ENODEV) return makeError(Errc::Device, _path + ": disconnected");
        return makeError(Errc::Io, _path + ": admin command " + std::to_string(c.opcode) + " failed: " + std::strerror(e));
    }
    // A positive return is the command's NVMe status field (SCT and SC).
    if (rc > 0) return makeError(Errc::Device, _path + ": " + describeNvmeStatus(static_cast<std::uint16_t>(rc & 0x7ff)));
    return cmd.result;
}

Result<NvmeController> NvmeDrive::identifyController() {
    std::vector<std::uint8_t> page(4096);
    NvmeAdminCommand c;
    c.opcode = 0x06;
    c.cdw10 = 0x01;  // CNS 01h
    auto r = _device.admin(c, page);
    if (!r) return r.error();
    return parseIdentifyController(page);
}

Result<NvmeNamespace> NvmeDrive::identifyNamespace(std::uint32_t nsid) {
    std::vector<std::uint8_t> page(4096);
    NvmeAdminCommand c;
    c.opcode = 0x06;
    c.nsid = nsid;
    c.cdw10 = 0x00;  // CNS 00h
    auto r = _device.admin(c, page);
    if (!r) return r.error();
    return parseIdentifyNamespace(page);
}

Result<std::vector<std::uint8_t>> NvmeDrive::logPage(std::uint8_t id, std::size_t bytes) {
    std::vector<std::uint8_t> page(bytes);
    NvmeAdminCommand c;
    c.opcode = 0x02;
    c.nsid = 0xffffffff;
    std::uint32_t dwords = static_cast<std::uint32_t>(bytes / 4 - 1);  // NUMD, zero-based
    c.cdw10 = id | ((dwords & 0xffff) << 16);
    c.cdw11 = dwords >> 16;
    auto r = _device.admin(c, page);
    if (!r) return r.error();
    return page;
}

Result<NvmeSmartLog> NvmeDrive::smartLog() {
    auto page = logPage(0x02, 512);
    if (!page) return page.error();
    return parseSmartLog(*page);
}

Result<NvmeSanitizeStatus> NvmeDrive::sanitizeStatus() {
    auto page = logPage(0x81, 512);
    if (!page) return page.error();
    return parseSanitizeLog(*page);
}

Status NvmeDrive::format(std::uint32_t nsid, FormatErase erase, std::chrono::minutes timeout) {
    auto ns = identifyNamespace(nsid);
    if (!ns) return ns.error();
    NvmeAdminCommand c;
    c.opcode = 0x80;
    c.nsid = nsid;
    // LBAF (bits 3:0) kept as it is, SES (bits 11:9) the erase.
    c.cdw10 = (ns->formatIndex & 0x0f) | (static_cast<std::uint32_t>(erase) << 9);
    c.timeout = timeout;
    auto r = _device.admin(c, {});
    if (!r) return r.error().context("Format NVM");
    return {};
}

Status NvmeDrive::sanitize(SanitizeAction action, const std::function<void(double)> &progress, const CancelToken *cancel,
                           std::chrono::milliseconds poll, std::chrono::hours limit) {
    NvmeAdminCommand c;
    c.opcode = 0x84;
    c.cdw10 = static_cast<std::uint32_t>(action);  // SANACT; AUSE 0: a failed sanitize must be retried, not skipped
    auto started = _device.admin(c, {});
    if (!started) return started.error().context("Sanitize");
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (true) {
        auto s = sanitizeStatus();
        if (!s) return s.error().context("Sanitize status");
        if (progress) progress(s->fraction());
        if (s->failed()) return makeError(Errc::Device, "the drive reports that the sanitize failed (Sanitize Status log)");
        if (s->completed()) return {};
        if (s->status == 0)
            return makeError(Errc::Device, "the drive accepted Sanitize but its status log says it never ran one");
        if (cancel && cancel->cancelled())
            return makeError(Errc::Refused, "stopped watching: the drive goes on sanitizing (it resumes after a power cycle)");
        if (std::chrono::steady_clock::now() > deadline)
            return makeError(Errc::Timeout, "the sanitize has not completed after " + std::to_string(limit.count()) + " hours");
        if (poll.count() > 0) std::this_thread::sleep_for(poll);
    }
}

}  // namespace reemploi::diagnostics::storage
