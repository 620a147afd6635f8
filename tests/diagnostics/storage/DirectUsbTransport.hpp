// A UsbTransport that hands transfers straight to an EmulatedDevice object, with the halt
// semantics of real endpoints (a stalled endpoint fails until CLEAR_HALT) and yanks. The same
// device objects run behind umockdev with LibusbTransport; this one keeps the BOT/SCSI tests
// fast and independent of the USB bench's transport.
#pragma once

#include <memory>
#include <mutex>
#include <set>

#include <reemploi/diagnostics/UsbTransport.hpp>

#include "support/usb/EmulatedDevice.hpp"

namespace reemploi::test {

class DirectUsbTransport final : public reemploi::diagnostics::UsbTransport {
public:
    explicit DirectUsbTransport(std::shared_ptr<reemploi::testing::usb::EmulatedDevice> device)
        : _device(std::move(device)) {}

    Result<std::size_t> control(std::uint8_t requestType, std::uint8_t request, std::uint16_t value,
                                std::uint16_t index, std::span<std::uint8_t> data,
                                std::chrono::milliseconds) override {
        if (_gone) return gone();
        reemploi::testing::usb::SetupPacket s{requestType, request, value, index,
                                              static_cast<std::uint16_t>(data.size())};
        auto r = _device->onControl(s, s.isIn() ? std::span<const std::uint8_t>() : std::span<const std::uint8_t>(data));
        if (r.kind == Kind::Stall) return makeError(Errc::Device, "control transfer: stall");
        if (r.kind == Kind::Disconnect) return disconnect();
        if (!s.isIn()) return data.size();
        std::size_t n = std::min(r.bytes.size(), data.size());
        std::copy_n(r.bytes.begin(), n, data.begin());
        return n;
    }

    Result<std::size_t> bulkIn(std::uint8_t ep, std::span<std::uint8_t> data, std::chrono::milliseconds) override {
        if (_gone) return gone();
        if (_halted.count(ep)) return makeError(Errc::Device, "bulk-in: stall (endpoint halted)");
        auto r = _device->onBulkIn(ep, data.size());
        if (r.kind == Kind::Stall) {
            _halted.insert(ep);
            return makeError(Errc::Device, "bulk-in: stall");
        }
        if (r.kind == Kind::Disconnect) return disconnect();
        if (r.kind == Kind::Never) return makeError(Errc::Timeout, "bulk-in: timeout");
        std::size_t n = std::min(r.bytes.size(), data.size());
        std::copy_n(r.bytes.begin(), n, data.begin());
        return n;
    }

    Result<std::size_t> bulkOut(std::uint8_t ep, std::span<const std::uint8_t> data, std::chrono::milliseconds) override {
        if (_gone) return gone();
        if (_halted.count(ep)) return makeError(Errc::Device, "bulk-out: stall (endpoint halted)");
        auto r = _device->onBulkOut(ep, data);
        if (r.kind == Kind::Stall) {
            _halted.insert(ep);
            return makeError(Errc::Device, "bulk-out: stall");
        }
        if (r.kind == Kind::Disconnect) return disconnect();
        if (r.kind == Kind::Never) return makeError(Errc::Timeout, "bulk-out: timeout");
        return r.accepted.value_or(data.size());
    }

    Status clearHalt(std::uint8_t ep) override {
        if (_gone) return gone().error();
        _halted.erase(ep);
        ++clearHalts;
        return {};
    }
    Status resetDevice() override {
        if (_gone) return gone().error();
        _halted.clear();
        _device->onReset();
        return {};
    }

    int clearHalts = 0;

private:
    using Kind = reemploi::testing::usb::Reply::Kind;
    Result<std::size_t> gone() { return makeError(Errc::Device, "device disconnected"); }
    Result<std::size_t> disconnect() {
        _gone = true;
        return gone();
    }

    std::shared_ptr<reemploi::testing::usb::EmulatedDevice> _device;
    std::set<std::uint8_t> _halted;
    bool _gone = false;
};

}  // namespace reemploi::test
