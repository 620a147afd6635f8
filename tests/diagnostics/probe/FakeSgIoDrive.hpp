// A fake SG_IO device: each sg_io_hdr is carried to the emulated SATA drive of the USB bench's
// tests (EmulatedSataBridge: IDENTIFY and SMART from a real drive's dump, an image behind it) as
// the kernel would deliver it, with autosense: a failed command's sense comes back in the same
// call. So the SG_IO path is checked against the same drive as the Bulk-Only one.
#pragma once

#include <cstring>
#include <memory>

#include <reemploi/diagnostics/storage/SgIoTransport.hpp>

#include "diagnostics/storage/EmulatedSataBridge.hpp"

namespace reemploi::test {

class FakeSgIoDrive final : public diagnostics::storage::SgIoDevice {
public:
    explicit FakeSgIoDrive(std::shared_ptr<EmulatedSataBridge> drive) : _drive(std::move(drive)) {}

    int calls = 0;
    bool gone = false;  // the disk vanished: the ioctl fails with ENODEV

    int sgIo(sg_io_hdr_t &hdr) override {
        ++calls;
        if (gone) return -ENODEV;
        if (hdr.interface_id != 'S' || !hdr.cmdp || hdr.cmd_len == 0) return -EINVAL;
        std::vector<std::uint8_t> cdb(hdr.cmdp, hdr.cmdp + hdr.cmd_len);
        bool in = hdr.dxfer_direction == SG_DXFER_FROM_DEV;
        auto status = transact(cdb, in, static_cast<std::uint8_t *>(hdr.dxferp), hdr.dxfer_len, hdr.resid);
        hdr.status = 0;
        hdr.host_status = 0;
        hdr.driver_status = 0;
        hdr.sb_len_wr = 0;
        if (status != 0) {
            std::vector<std::uint8_t> sense(hdr.mx_sb_len);
            int resid = 0;
            transact({0x03, 0, 0, 0, static_cast<std::uint8_t>(sense.size()), 0}, true, sense.data(),
                     static_cast<unsigned>(sense.size()), resid);
            hdr.status = 0x02;          // CHECK CONDITION
            hdr.masked_status = 0x01;
            hdr.driver_status = 0x08;   // DRIVER_SENSE
            hdr.sb_len_wr = static_cast<unsigned char>(sense.size() - static_cast<std::size_t>(resid));
            std::memcpy(hdr.sbp, sense.data(), hdr.sb_len_wr);
        }
        return 0;
    }

private:
    // One command through the emulated drive's Bulk-Only framing; returns the CSW status.
    int transact(const std::vector<std::uint8_t> &cdb, bool in, std::uint8_t *data, unsigned length, int &resid) {
        std::vector<std::uint8_t> cbw(31, 0);
        const std::uint32_t sig = 0x43425355, tag = ++_tag;
        std::memcpy(cbw.data(), &sig, 4);
        std::memcpy(cbw.data() + 4, &tag, 4);
        std::memcpy(cbw.data() + 8, &length, 4);
        cbw[12] = in ? 0x80 : 0x00;
        cbw[14] = static_cast<std::uint8_t>(cdb.size());
        std::copy(cdb.begin(), cdb.end(), cbw.begin() + 15);
        _drive->onBulkOut(EmulatedSataBridge::kOut, cbw);
        resid = 0;
        if (length > 0 && !in) _drive->onBulkOut(EmulatedSataBridge::kOut, std::span<const std::uint8_t>(data, length));
        if (length > 0 && in) {
            auto r = _drive->onBulkIn(EmulatedSataBridge::kIn, length);
            std::size_t n = std::min<std::size_t>(r.bytes.size(), length);
            if (n > 0) std::memcpy(data, r.bytes.data(), n);  // an empty reply has no buffer at all
            resid = static_cast<int>(length - n);
        }
        auto csw = _drive->onBulkIn(EmulatedSataBridge::kIn, 13);
        return csw.bytes.size() == 13 ? csw.bytes[12] : 1;
    }

    std::shared_ptr<EmulatedSataBridge> _drive;
    std::uint32_t _tag = 0;
};

}  // namespace reemploi::test
