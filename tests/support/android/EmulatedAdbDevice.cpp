// ADB messages over the emulated device's bulk endpoints.
#include "support/android/EmulatedAdbDevice.hpp"

namespace adb = reemploi::diagnostics::android;

namespace reemploi::testing::android {

EmulatedAdbDevice::EmulatedAdbDevice(usb::DeviceSpec spec, TabletState &state)
    : EmulatedDevice(std::move(spec)), _state(state), _session(std::make_unique<TabletSession>(state)) {}

void EmulatedAdbDevice::queue(const Message &m) {
    auto header = adb::encodeHeader(m);
    if (!sendIn(kIn, header)) _pending.push_back(std::move(header));
    if (!m.data.empty() && !sendIn(kIn, m.data)) _pending.push_back(m.data);
}

usb::Reply EmulatedAdbDevice::onBulkOut(std::uint8_t endpoint, std::span<const std::uint8_t> bytes) {
    std::lock_guard g(_lock);
    if (_gone) return usb::Reply::disconnect();
    if (endpoint != kOut) return usb::Reply::stall();
    Message m;
    if (_header.empty()) {
        auto h = adb::decodeHeader(bytes, adb::kMaxPayload);
        if (!h) return usb::Reply::stall();
        if (h->dataLength > 0) {
            _header.assign(bytes.begin(), bytes.end());
            _payloadLength = h->dataLength;
            return usb::Reply::data({});
        }
        m = Message{h->command, h->arg0, h->arg1, {}};
    } else {
        auto h = adb::decodeHeader(_header, adb::kMaxPayload);
        _header.clear();
        if (bytes.size() != _payloadLength) return usb::Reply::stall();
        m = Message{h->command, h->arg0, h->arg1, std::vector<std::uint8_t>(bytes.begin(), bytes.end())};
    }
    auto reply = _session->onMessage(m);
    for (const auto &out : reply.send) queue(out);
    if (reply.vanish || reply.close) _gone = true;  // once the queued transfers are read
    return usb::Reply::data({});
}

usb::Reply EmulatedAdbDevice::onBulkIn(std::uint8_t endpoint, std::size_t) {
    std::lock_guard g(_lock);
    if (endpoint != kIn) return usb::Reply::stall();
    if (!_pending.empty()) {
        auto bytes = std::move(_pending.front());
        _pending.pop_front();
        return usb::Reply::data(std::move(bytes));
    }
    if (_gone) return usb::Reply::disconnect();
    return usb::Reply::never();
}

void EmulatedAdbDevice::onReset() {
    // A USB reset starts a new ADB connection, as adbd sees it.
    std::lock_guard g(_lock);
    _session = std::make_unique<TabletSession>(_state);
    _header.clear();
    _pending.clear();
}

}  // namespace reemploi::testing::android
