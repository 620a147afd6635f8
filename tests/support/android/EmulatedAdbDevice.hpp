// The emulated tablet on the emulated USB bench: the ADB interface (ff/42/01, bulk 0x01 OUT and
// 0x81 IN, tests/fixtures/usb/android-adb-tablet.usbdev) carrying a TabletSession's messages,
// each header and each payload one bulk transfer as adbd's USB function sends them. A reboot
// (after a reset) or a vanish makes the device disconnect, as the real cable would.
#pragma once

#include <deque>
#include <mutex>

#include "support/android/EmulatedTablet.hpp"
#include "support/usb/EmulatedDevice.hpp"

namespace reemploi::testing::android {

class EmulatedAdbDevice : public usb::EmulatedDevice {
public:
    static constexpr std::uint8_t kIn = 0x81, kOut = 0x01;
    EmulatedAdbDevice(usb::DeviceSpec spec, TabletState &state);

    usb::Reply onBulkOut(std::uint8_t endpoint, std::span<const std::uint8_t> bytes) override;
    usb::Reply onBulkIn(std::uint8_t endpoint, std::size_t maxLength) override;
    void onReset() override;

private:
    void queue(const Message &m);

    TabletState &_state;
    std::mutex _lock;
    std::unique_ptr<TabletSession> _session;
    std::vector<std::uint8_t> _header;   // the header awaiting its payload
    std::uint32_t _payloadLength = 0;
    std::deque<std::vector<std::uint8_t>> _pending;  // IN transfers nobody has asked for yet
    bool _gone = false;
};

}  // namespace reemploi::testing::android
