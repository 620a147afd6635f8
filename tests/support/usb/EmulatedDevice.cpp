// The default behaviour of an emulated USB device: standard requests answered from its spec.
#include "support/usb/EmulatedDevice.hpp"

#include <cerrno>

namespace reemploi::testing::usb {

namespace {

constexpr std::uint8_t GetStatus = 0x00, ClearFeature = 0x01, SetFeature = 0x03, GetDescriptor = 0x06,
                       GetConfiguration = 0x08, SetConfiguration = 0x09, GetInterface = 0x0a, SetInterface = 0x0b;

// A string descriptor: bLength, type 3, UTF-16LE text (ASCII and Latin-1 are enough for fixtures).
std::vector<std::uint8_t> stringDescriptor(const std::string &text) {
    std::vector<std::uint8_t> d{0, 3};
    for (std::size_t i = 0; i < text.size() && d.size() < 254; ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        std::uint16_t unit = c;
        if (c >= 0xc0 && i + 1 < text.size()) {  // two-byte UTF-8 sequence
            unit = static_cast<std::uint16_t>(((c & 0x1f) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3f));
            ++i;
        }
        d.push_back(static_cast<std::uint8_t>(unit & 0xff));
        d.push_back(static_cast<std::uint8_t>(unit >> 8));
    }
    d[0] = static_cast<std::uint8_t>(d.size());
    return d;
}

}  // namespace

EmulatedDevice::EmulatedDevice(DeviceSpec spec) : _spec(std::move(spec)), _bound(_spec.drivers) {}

Reply EmulatedDevice::onControl(const SetupPacket &setup, std::span<const std::uint8_t>) {
    const std::uint8_t type = setup.requestType & 0x60;
    if (type != 0) return Reply::stall();  // class and vendor requests: subclasses answer them
    switch (setup.request) {
    case GetDescriptor: {
        const std::uint8_t kind = setup.value >> 8, index = setup.value & 0xff;
        const auto &d = _spec.descriptors;
        if (kind == 1) {
            return Reply::data(std::vector<std::uint8_t>(d.begin(), d.begin() + std::min<std::size_t>(d.size(), 18)));
        }
        if (kind == 2) {
            // Configuration `index`: walk the configurations after the device descriptor.
            std::size_t at = d.empty() ? 0 : d[0];
            for (int i = 0; at + 4 <= d.size(); ++i) {
                std::size_t total = d[at + 2] | (d[at + 3] << 8);
                if (total == 0) break;
                if (i == index) {
                    std::size_t end = std::min(d.size(), at + total);
                    return Reply::data(std::vector<std::uint8_t>(d.begin() + static_cast<long>(at), d.begin() + static_cast<long>(end)));
                }
                at += total;
            }
            return Reply::stall();
        }
        if (kind == 3) {
            if (index == 0) return Reply::data({4, 3, 0x09, 0x04});  // language: en-US
            auto it = _spec.strings.find(index);
            if (it == _spec.strings.end()) return Reply::stall();
            return Reply::data(stringDescriptor(it->second));
        }
        return Reply::stall();
    }
    case GetStatus:
        return Reply::data({0, 0});
    case GetConfiguration:
        return Reply::data({1});
    case GetInterface:
        return Reply::data({0});
    case ClearFeature:
    case SetFeature:
    case SetConfiguration:
    case SetInterface:
        return Reply::data({});
    default:
        return Reply::stall();
    }
}

Reply EmulatedDevice::onBulkOut(std::uint8_t, std::span<const std::uint8_t>) { return Reply::stall(); }
Reply EmulatedDevice::onBulkIn(std::uint8_t, std::size_t) { return Reply::stall(); }

std::string EmulatedDevice::kernelDriver(std::uint8_t interface) const {
    std::lock_guard guard(_lock);
    auto it = _bound.find(interface);
    return it == _bound.end() ? std::string() : it->second;
}

std::set<std::uint8_t> EmulatedDevice::claimedInterfaces() const {
    std::lock_guard guard(_lock);
    return _claimed;
}

int EmulatedDevice::claim(std::uint8_t interface) {
    std::lock_guard guard(_lock);
    if (_bound.count(interface)) return EBUSY;  // the kernel refuses while a driver holds it
    _claimed.insert(interface);
    ++_counters.claims;
    return 0;
}

int EmulatedDevice::release(std::uint8_t interface) {
    std::lock_guard guard(_lock);
    if (!_claimed.erase(interface)) return EINVAL;
    ++_counters.releases;
    return 0;
}

int EmulatedDevice::unbindDriver(std::uint8_t interface) {
    std::lock_guard guard(_lock);
    if (!_bound.erase(interface)) return ENODATA;
    ++_counters.driverDetaches;
    return 0;
}

bool EmulatedDevice::sendIn(std::uint8_t endpoint, std::vector<std::uint8_t> bytes) {
    InSender sender;
    {
        std::lock_guard guard(_lock);
        sender = _sender;
    }
    return sender && sender(endpoint, std::move(bytes));
}

void EmulatedDevice::connectSender(InSender sender) {
    std::lock_guard guard(_lock);
    _sender = std::move(sender);
}

int EmulatedDevice::rebindDriver(std::uint8_t interface) {
    std::lock_guard guard(_lock);
    if (_claimed.count(interface)) return EBUSY;
    auto it = _spec.drivers.find(interface);
    if (it == _spec.drivers.end()) return ENODATA;
    if (_bound.emplace(interface, it->second).second) ++_counters.driverAttaches;
    return 0;
}

}  // namespace reemploi::testing::usb
