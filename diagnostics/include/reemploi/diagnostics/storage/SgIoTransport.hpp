// SCSI commands to an internal disk through the kernel's SG_IO ioctl (the SCSI generic interface
// of /dev/sdX): the same ScsiTransport as the USB bridges' Bulk-Only Transport, so that the ATA
// pass-through commands (AtaPassThrough.hpp: IDENTIFY, SMART, SANITIZE, SECURITY ERASE, HPA, DCO)
// and ScsiBlockTarget run unchanged on a SATA disk inside the computer (libata's SAT layer
// translates ATA PASS-THROUGH for it).
#pragma once

#include <memory>
#include <string>

#include <scsi/sg.h>

#include <reemploi/diagnostics/storage/Scsi.hpp>

namespace reemploi::diagnostics::storage {

// The seam: one SG_IO call on a device. The kernel's is below; tests answer from a drive dump.
class SgIoDevice {
public:
    virtual ~SgIoDevice() = default;
    // ioctl(fd, SG_IO, &hdr): 0, or -errno when the call itself failed (the command's own
    // outcome is in hdr: status, host_status, driver_status, sense).
    virtual int sgIo(sg_io_hdr_t &hdr) = 0;
};

// /dev/sdX (or /dev/sgN) opened read-write, O_NONBLOCK as sg requires.
class KernelSgIoDevice final : public SgIoDevice {
public:
    static Result<std::unique_ptr<KernelSgIoDevice>> open(const std::string &path);
    ~KernelSgIoDevice() override;
    int sgIo(sg_io_hdr_t &hdr) override;

private:
    explicit KernelSgIoDevice(int fd) : _fd(fd) {}
    int _fd;
};

class SgIoTransport final : public ScsiTransport {
public:
    explicit SgIoTransport(SgIoDevice &device, std::string name = "") : _device(device), _name(std::move(name)) {}
    Result<ScsiStatus> execute(std::span<const std::uint8_t> cdb, DataDirection direction, std::span<std::uint8_t> data,
                               std::chrono::milliseconds timeout) override;

private:
    SgIoDevice &_device;
    std::string _name;
};

}  // namespace reemploi::diagnostics::storage
