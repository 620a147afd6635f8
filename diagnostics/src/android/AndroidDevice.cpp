// Finding and opening a tablet or phone: the USB bench's ADB interfaces, or TCP.
#include <reemploi/diagnostics/android/AndroidDevice.hpp>

#include <array>
#include <optional>

using namespace std::chrono_literals;

namespace reemploi::diagnostics::android {

Result<AndroidTarget> AndroidTarget::parse(const std::string &spec) {
    if (!spec.starts_with("adb:"))
        return makeError(Errc::InvalidInput, "'" + spec + "': expected adb:SERIAL or adb:HOST:PORT");
    AndroidTarget t;
    std::string rest = spec.substr(4);
    if (rest.find(':') != std::string::npos) t.tcp = rest;
    else t.serial = rest;
    for (char c : rest)
        if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f)
            return makeError(Errc::InvalidInput, "'" + spec + "': a serial or address has no spaces or control characters");
    return t;
}

std::string AndroidTarget::describe() const {
    if (!tcp.empty()) return "adb:" + tcp;
    return serial.empty() ? std::string("adb:") : "adb:" + serial;
}

Result<AdbInterface> parseAdbInterface(std::span<const std::uint8_t> d) {
    auto found = findBulkInterface(d, [](std::span<const std::uint8_t> i) {
        return i[5] == 0xff && i[6] == 0x42 && i[7] == 0x01;  // vendor class, ADB subclass and protocol
    });
    if (!found) return found.error();
    if (*found) return **found;
    return makeError(Errc::Unsupported, "no ADB interface (class ff, subclass 42, protocol 01) with bulk endpoints");
}

struct AndroidDevice::Usb {
    std::unique_ptr<UsbBus> bus;
    std::unique_ptr<LibusbTransport> transport;
    InterfaceClaim claim;
};

AndroidDevice::~AndroidDevice() {
    _adb.reset();  // before the transport and the claim it runs on
}

namespace {

Result<AdbInterface> readAdbInterface(UsbTransport &usb) {
    std::array<std::uint8_t, 9> head{};
    auto r = usb.control(0x80, 0x06, 0x0200, 0, head, 1000ms);
    if (!r) return r.error().withContext("reading the configuration descriptor");
    if (*r < 4) return makeError(Errc::Device, "configuration descriptor: short answer");
    std::vector<std::uint8_t> all(head[2] | (head[3] << 8));
    r = usb.control(0x80, 0x06, 0x0200, 0, all, 1000ms);
    if (!r) return r.error().withContext("reading the configuration descriptor");
    all.resize(*r);
    return parseAdbInterface(all);
}

}  // namespace

Result<std::unique_ptr<AndroidDevice>> AndroidDevice::open(const AndroidTarget &target, const AndroidOpenOptions &options) {
    auto key = AdbKey::loadOrCreate(options.keyPath);
    if (!key) return key.error().withContext("the bench's ADB key");
    std::unique_ptr<AndroidDevice> device(new AndroidDevice());
    std::unique_ptr<AdbTransport> transport;
    if (!target.tcp.empty()) {
        auto tcp = connectTcp(target.tcp, options.adb.timeout);
        if (!tcp) return tcp.error();
        transport = std::move(*tcp);
        device->_where = "tcp " + target.tcp;
    } else {
        auto bus = UsbBus::open(options.bus);
        if (!bus) return bus.error();
        auto devices = (*bus)->list();
        if (!devices) return devices.error();
        std::vector<UsbDeviceInfo> found;
        std::string serials;
        for (const auto &d : *devices) {
            if (d.handler != Handler::AndroidAdb) continue;
            serials += (serials.empty() ? "" : ", ") + d.serial.value_or("(no serial) at " + d.portPath);
            if (target.serial.empty() || d.serial == target.serial) found.push_back(d);
        }
        if (found.empty()) {
            if (!target.serial.empty() && !serials.empty())
                return makeError(Errc::NotFound, "no Android device with serial " + target.serial +
                                                     " on the bench (plugged in: " + serials + ")");
            return makeError(Errc::NotFound, "no Android device with USB debugging on the bench: plug it in, enable "
                                             "Settings › Developer options › USB debugging (see reemploi diag list)");
        }
        if (found.size() > 1)
            return makeError(Errc::InvalidInput, "several Android devices on the bench (" + serials +
                                                     "): name one, adb:SERIAL");
        const auto &d = found.front();
        if (!d.accessible) return makeError(Errc::Refused, d.accessProblem + "; " + d.accessHint);
        auto usb = std::make_unique<Usb>();
        auto open = (*bus)->open(d);
        if (!open) return open.error();
        usb->transport = std::move(*open);
        auto iface = readAdbInterface(*usb->transport);
        if (!iface) return iface.error().withContext("usb " + d.portPath);
        auto claim = usb->transport->claimInterface(iface->interface);
        if (!claim) return claim.error().withContext("usb " + d.portPath + ": claiming the ADB interface");
        usb->claim = std::move(*claim);
        usb->bus = std::move(*bus);
        device->_where = "usb " + d.portPath + " (" + d.displayName() + (d.serial ? ", serial " + *d.serial : "") + ")";
        transport = usbTransport(*usb->transport, iface->bulkIn, iface->bulkOut, "usb " + d.portPath);
        device->_usb = std::move(usb);
    }
    auto adb = AdbClient::connect(std::move(transport), *key, options.adb);
    if (!adb) return adb.error();
    device->_adb = std::move(*adb);
    return device;
}

std::string AdbIdentity::line() const {
    if (state == "device") return "adb: " + model;
    if (state == "unauthorized") return "adb: unauthorized (accept the prompt on the tablet's screen)";
    return "adb: " + state;
}

std::map<std::string, AdbIdentity> identifyAdbDevices(UsbBus &bus, const std::vector<UsbDeviceInfo> &devices,
                                                      const AndroidOpenOptions &options) {
    std::map<std::string, AdbIdentity> out;
    std::optional<AdbKey> key;
    for (const auto &d : devices) {
        if (d.handler != Handler::AndroidAdb || !d.accessible) continue;
        AdbIdentity &id = out[d.portPath];
        if (!key) {
            auto k = AdbKey::loadOrCreate(options.keyPath);
            if (!k) {
                id.state = "unreachable: " + k.error().message;
                continue;
            }
            key = std::move(*k);
        }
        auto transport = bus.open(d);
        if (!transport) {
            id.state = "unreachable: " + transport.error().message;
            continue;
        }
        auto iface = readAdbInterface(**transport);
        if (!iface) {
            id.state = "unreachable: " + iface.error().message;
            continue;
        }
        auto claim = (*transport)->claimInterface(iface->interface);
        if (!claim) {
            id.state = "unreachable: " + claim.error().message;
            continue;
        }
        AdbConnectOptions bounded = options.adb;
        bounded.timeout = std::min(bounded.timeout, std::chrono::milliseconds(2000));
        bounded.promptWait = std::chrono::milliseconds(1);
        auto adb = AdbClient::connect(usbTransport(**transport, iface->bulkIn, iface->bulkOut, "usb " + d.portPath), *key,
                                      bounded);
        if (adb) {
            id.state = (*adb)->banner().state;
            auto model = (*adb)->banner().properties.find("ro.product.model");
            if (model != (*adb)->banner().properties.end()) id.model = model->second;
        } else if (adb.error().message == kUnauthorized) {
            id.state = "unauthorized";
        } else {
            id.state = "unreachable: " + adb.error().message;
        }
    }
    return out;
}

}  // namespace reemploi::diagnostics::android
