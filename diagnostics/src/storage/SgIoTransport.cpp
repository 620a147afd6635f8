// SG_IO: one sg_io_hdr per SCSI command, autosense in the same call.
#include <reemploi/diagnostics/storage/SgIoTransport.hpp>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace reemploi::diagnostics::storage {

Result<std::unique_ptr<KernelSgIoDevice>> KernelSgIoDevice::open(const std::string &path) {
    int fd = ::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        return makeError(e == ENOENT ? Errc::NotFound : Errc::Io, "cannot open " + path + ": " + std::strerror(e));
    }
    return std::unique_ptr<KernelSgIoDevice>(new KernelSgIoDevice(fd));
}

KernelSgIoDevice::~KernelSgIoDevice() { ::close(_fd); }

int KernelSgIoDevice::sgIo(sg_io_hdr_t &hdr) {
    if (::ioctl(_fd, SG_IO, &hdr) < 0) return -errno;
    return 0;
}

Result<ScsiStatus> SgIoTransport::execute(std::span<const std::uint8_t> cdb, DataDirection direction,
                                          std::span<std::uint8_t> data, std::chrono::milliseconds timeout) {
    std::uint8_t sense[64] = {};
    std::uint8_t command[16] = {};
    if (cdb.empty() || cdb.size() > sizeof command)
        return makeError(Errc::InvalidInput, "SG_IO: a CDB of " + std::to_string(cdb.size()) + " bytes");
    std::memcpy(command, cdb.data(), cdb.size());
    sg_io_hdr_t hdr{};
    hdr.interface_id = 'S';
    hdr.cmd_len = static_cast<unsigned char>(cdb.size());
    hdr.cmdp = command;
    hdr.mx_sb_len = sizeof sense;
    hdr.sbp = sense;
    hdr.dxfer_direction = direction == DataDirection::In    ? SG_DXFER_FROM_DEV
                          : direction == DataDirection::Out ? SG_DXFER_TO_DEV
                                                            : SG_DXFER_NONE;
    hdr.dxfer_len = direction == DataDirection::None ? 0 : static_cast<unsigned>(data.size());
    hdr.dxferp = direction == DataDirection::None ? nullptr : data.data();
    hdr.timeout = static_cast<unsigned>(std::min<std::int64_t>(timeout.count(), 0x7fffffff));
    int rc = _device.sgIo(hdr);
    if (rc == -ENODEV || rc == -ENXIO) return makeError(Errc::Device, _name + ": disconnected");
    if (rc < 0) return makeError(Errc::Io, _name + ": SG_IO failed: " + std::strerror(-rc));
    // host_status: the controller did not deliver the command (timeout, reset, gone).
    if (hdr.host_status != 0) {
        if (hdr.host_status == 0x03)  // DID_TIME_OUT
            return makeError(Errc::Timeout, _name + ": the command timed out");
        if (hdr.host_status == 0x01)  // DID_NO_CONNECT
            return makeError(Errc::Device, _name + ": disconnected");
        return makeError(Errc::Device, _name + ": the controller failed the command (host status " +
                                           std::to_string(hdr.host_status) + ")");
    }
    ScsiStatus st;
    st.transferred = hdr.dxfer_len > static_cast<unsigned>(std::max(hdr.resid, 0))
                         ? hdr.dxfer_len - static_cast<unsigned>(std::max(hdr.resid, 0))
                         : 0;
    constexpr std::uint8_t kDriverSense = 0x08;
    // CHECK CONDITION as the BOT bridges report it: AtaPassThrough reads the ATA registers of a
    // CK_COND command from this sense, and a refusal's reason.
    st.checkCondition = hdr.status == 0x02 || (hdr.driver_status & kDriverSense) != 0;
    if (st.checkCondition) st.sense = parseSense(std::span<const std::uint8_t>(sense, hdr.sb_len_wr));
    else if (hdr.status != 0) return makeError(Errc::Device, _name + ": SCSI status " + std::to_string(hdr.status));
    return st;
}

}  // namespace reemploi::diagnostics::storage
