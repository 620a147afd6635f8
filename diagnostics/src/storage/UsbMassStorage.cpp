// USB mass-storage targets: descriptor parsing, bench lookup, the owning BlockTarget.
#include <reemploi/diagnostics/storage/UsbMassStorage.hpp>

#include <algorithm>

#include <reemploi/diagnostics/UsbBus.hpp>
#include <reemploi/diagnostics/storage/BulkOnlyTransport.hpp>

namespace reemploi::diagnostics::storage {

namespace {

using namespace std::chrono_literals;

// Owns everything under the SCSI target, in destruction order: target, BOT, claim, transport, bus.
class UsbMassStorageTarget final : public BlockTarget {
public:
    UsbMassStorageTarget(std::unique_ptr<UsbBus> bus, std::unique_ptr<UsbTransport> owned, UsbTransport &usb,
                         InterfaceClaim claim, BulkOnlyInterface bot)
        : _bus(std::move(bus)), _owned(std::move(owned)), _claim(std::move(claim)),
          _bot(usb, bot.interface, bot.bulkIn, bot.bulkOut) {}
    ~UsbMassStorageTarget() override {
        _target.reset();
        _claim.release();
    }

    Status start(const ScsiTargetOptions &options) {
        auto t = ScsiBlockTarget::open(_bot, options);
        if (!t) return t.error();
        _target = std::move(*t);
        return {};
    }

    const TargetInfo &info() const override { return _target->info(); }
    std::size_t alignment() const override { return _target->alignment(); }
    std::size_t maxConcurrentIo() const override { return _target->maxConcurrentIo(); }
    Status write(std::uint64_t offset, std::span<const std::byte> data) override { return _target->write(offset, data); }
    Status read(std::uint64_t offset, std::span<std::byte> data) override { return _target->read(offset, data); }
    Status flush() override { return _target->flush(); }
    SmartSummary smart() override { return _target->smart(); }
    Status checkFirmwareErase(FirmwareErase kind) const override { return _target->checkFirmwareErase(kind); }
    Result<std::uint64_t> hiddenSectors() override { return _target->hiddenSectors(); }
    Status restoreHiddenArea() override { return _target->restoreHiddenArea(); }
    Status firmwareErase(FirmwareErase kind, const std::function<void(double)> &progress,
                         const CancelToken *cancel) override {
        return _target->firmwareErase(kind, progress, cancel);
    }

private:
    std::unique_ptr<UsbBus> _bus;
    std::unique_ptr<UsbTransport> _owned;
    InterfaceClaim _claim;
    BulkOnlyTransport _bot;
    std::unique_ptr<ScsiBlockTarget> _target;
};

Result<std::unique_ptr<BlockTarget>> openOn(std::unique_ptr<UsbBus> bus, std::unique_ptr<UsbTransport> owned,
                                            UsbTransport &usb, const std::string &name, bool ataPassThrough,
                                            bool sat12Only) {
    auto iface = findBulkOnlyInterface(usb);
    if (!iface) return iface.error().withContext(name);
    auto claim = usb.claimInterface(iface->interface);
    if (!claim) return claim.error().withContext(name + ": claiming the mass-storage interface");
    auto target = std::make_unique<UsbMassStorageTarget>(std::move(bus), std::move(owned), usb, std::move(*claim), *iface);
    ScsiTargetOptions o;
    o.path = name;
    o.ataPassThrough = ataPassThrough;
    o.sat12Only = sat12Only;
    if (auto st = target->start(o); !st) return st.error().withContext(name);
    return std::unique_ptr<BlockTarget>(std::move(target));
}

}  // namespace

Result<BulkOnlyInterface> parseBulkOnlyInterface(std::span<const std::uint8_t> d) {
    auto found = findBulkInterface(d, [](std::span<const std::uint8_t> i) {
        return i[3] == 0 && i[5] == 0x08 && i[7] == 0x50;  // first alternate setting, mass storage, Bulk-Only
    });
    if (!found) return found.error();
    if (*found) return **found;
    return makeError(Errc::Unsupported, "no Bulk-Only mass-storage interface (class 08, protocol 50) with bulk "
                                        "endpoints (UAS-only and CBI devices are not supported)");
}

Result<BulkOnlyInterface> findBulkOnlyInterface(UsbTransport &usb) {
    std::array<std::uint8_t, 9> head{};
    auto r = usb.control(0x80, 0x06, 0x0200, 0, head, 1000ms);
    if (!r) return r.error().withContext("reading the configuration descriptor");
    if (*r < 4) return makeError(Errc::Device, "configuration descriptor: short answer");
    std::vector<std::uint8_t> all(head[2] | (head[3] << 8));
    r = usb.control(0x80, 0x06, 0x0200, 0, all, 1000ms);
    if (!r) return r.error().withContext("reading the configuration descriptor");
    all.resize(*r);
    return parseBulkOnlyInterface(all);
}

bool isUsbTargetSpec(const std::string &spec) { return spec.rfind("usb:", 0) == 0; }

Result<std::unique_ptr<BlockTarget>> openUsbTarget(UsbTransport &usb, const std::string &name, bool ataPassThrough,
                                                   bool sat12Only) {
    return openOn(nullptr, nullptr, usb, name, ataPassThrough, sat12Only);
}

Result<std::unique_ptr<BlockTarget>> openUsbTarget(const std::string &spec, const UsbBusOptions &options) {
    const std::string port = spec.substr(4);
    if (port.empty()) return makeError(Errc::InvalidInput, "'" + spec + "': expected usb:PORT, e.g. usb:1-1.4");
    auto bus = UsbBus::open(options);
    if (!bus) return bus.error();
    auto devices = (*bus)->list();
    if (!devices) return devices.error();
    for (const auto &d : *devices) {
        if (d.portPath != port) continue;
        if (d.handler != Handler::MassStorage)
            return makeError(Errc::Refused, spec + ": " + d.displayName() + " is not a mass-storage device (handler " +
                                                std::string(toString(d.handler)) + ")");
        if (!d.accessible) return makeError(Errc::Refused, spec + ": " + d.accessProblem + "; " + d.accessHint);
        bool noAta = std::find(d.quirks.begin(), d.quirks.end(), quirk::NoAtaPassthrough) != d.quirks.end();
        bool sat12 = std::find(d.quirks.begin(), d.quirks.end(), quirk::Sat12Only) != d.quirks.end();
        auto transport = (*bus)->open(d);
        if (!transport) return transport.error().withContext(spec);
        UsbTransport &usb = **transport;
        return openOn(std::move(*bus), std::move(*transport), usb, spec, !noAta, sat12);
    }
    return makeError(Errc::NotFound, spec + ": no USB device at port " + port + " (see reemploi diag list)");
}

}  // namespace reemploi::diagnostics::storage
