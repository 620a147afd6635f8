// The USB bench over one libusb context: identification of each device (descriptors, usb.ids,
// sysfs strings, the handler table, an access probe) and hotplug. libusb calls the hotplug
// callback from our event thread, where it must not do I/O, so arrivals and departures are queued
// and identified on a second thread that also calls the listener.
#include <reemploi/diagnostics/UsbBus.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "usb/LibusbSupport.hpp"

namespace reemploi::diagnostics {

namespace {

std::string readSysfsString(const std::string &device, const char *attribute) {
    if (device.empty()) return {};
    std::ifstream in("/sys/bus/usb/devices/" + device + "/" + attribute);
    std::string value;
    if (!in || !std::getline(in, value)) return {};
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r' || value.back() == ' ')) value.pop_back();
    return value;
}

void describeSpeed(libusb_device *dev, UsbDeviceInfo &info) {
    switch (libusb_get_device_speed(dev)) {
    case LIBUSB_SPEED_LOW: info.speed = "low"; info.speedMbps = 1.5; break;
    case LIBUSB_SPEED_FULL: info.speed = "full"; info.speedMbps = 12; break;
    case LIBUSB_SPEED_HIGH: info.speed = "high"; info.speedMbps = 480; break;
    case LIBUSB_SPEED_SUPER: info.speed = "super"; info.speedMbps = 5000; break;
    case LIBUSB_SPEED_SUPER_PLUS: info.speed = "super+"; info.speedMbps = 10000; break;
    default: info.speed = "unknown"; info.speedMbps = 0; break;
    }
}

// Natural order of port paths: 1-1.2 before 1-1.10; root hubs ("usb1") first on their bus.
bool portPathLess(const UsbDeviceInfo &a, const UsbDeviceInfo &b) {
    if (a.bus != b.bus) return a.bus < b.bus;
    auto numbers = [](const std::string &p) {
        std::vector<int> out;
        if (p.rfind("usb", 0) == 0) return out;
        int current = 0;
        bool any = false;
        for (char c : p.substr(p.find('-') + 1)) {
            if (c >= '0' && c <= '9') {
                current = current * 10 + (c - '0');
                any = true;
            } else if (any) {
                out.push_back(current);
                current = 0;
                any = false;
            }
        }
        if (any) out.push_back(current);
        return out;
    };
    return numbers(a.portPath) < numbers(b.portPath);
}

}  // namespace

struct UsbBus::Impl {
    UsbBusOptions options;
    std::shared_ptr<detail::LibusbContext> context;
    UsbIds ids;
    DeviceTable table;

    // Watching.
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<std::pair<UsbEvent::Kind, libusb_device *>> queue;
    bool stopDispatch = false;
    std::atomic<int> stopEvents{0};
    bool watching = false;
    libusb_hotplug_callback_handle hotplug = 0;
    std::thread eventThread;
    std::thread dispatchThread;
    Listener listener;
    std::map<std::pair<int, int>, UsbDeviceInfo> known;  // (bus, address) -> what arrived there

    UsbDeviceInfo describe(libusb_device *dev, bool probe) const;
    static int LIBUSB_CALL onHotplug(libusb_context *, libusb_device *dev, libusb_hotplug_event event, void *user);
    void dispatchLoop();
};

UsbDeviceInfo UsbBus::Impl::describe(libusb_device *dev, bool probe) const {
    UsbDeviceInfo info;
    libusb_device_descriptor dd{};
    libusb_get_device_descriptor(dev, &dd);
    info.bus = libusb_get_bus_number(dev);
    info.address = libusb_get_device_address(dev);
    std::uint8_t ports[8];
    int depth = libusb_get_port_numbers(dev, ports, sizeof ports);
    if (depth <= 0) {
        info.portPath = "usb" + std::to_string(info.bus);
    } else {
        info.portPath = std::to_string(info.bus) + "-";
        for (int i = 0; i < depth; ++i) info.portPath += (i ? "." : "") + std::to_string(ports[i]);
    }
    describeSpeed(dev, info);
    info.vendorId = dd.idVendor;
    info.productId = dd.idProduct;
    info.release = dd.bcdDevice;
    info.deviceClass = ClassTriple{dd.bDeviceClass, dd.bDeviceSubClass, dd.bDeviceProtocol};

    // Interfaces: first alternate setting of each, from the active (else the first) configuration.
    // libusb parses the descriptors and refuses malformed ones; we only say so.
    libusb_config_descriptor *config = nullptr;
    int rc = libusb_get_active_config_descriptor(dev, &config);
    if (rc < 0 && dd.bNumConfigurations > 0) rc = libusb_get_config_descriptor(dev, 0, &config);
    if (rc < 0 || !config) {
        info.descriptorProblem = dd.bNumConfigurations == 0
                                     ? "the device declares no configuration"
                                     : std::string("configuration descriptor unreadable (") + libusb_error_name(rc) + ")";
    } else {
        for (int i = 0; i < config->bNumInterfaces; ++i) {
            const libusb_interface &iface = config->interface[i];
            if (iface.num_altsetting < 1 || !iface.altsetting) continue;
            const libusb_interface_descriptor &alt = iface.altsetting[0];
            UsbInterfaceInfo ii;
            ii.number = alt.bInterfaceNumber;
            ii.triple = ClassTriple{alt.bInterfaceClass, alt.bInterfaceSubClass, alt.bInterfaceProtocol};
            ii.className = ids.className(alt.bInterfaceClass).value_or("");
            ii.subclassName = ids.subclassName(alt.bInterfaceClass, alt.bInterfaceSubClass).value_or("");
            ii.protocolName = ids.protocolName(alt.bInterfaceClass, alt.bInterfaceSubClass, alt.bInterfaceProtocol).value_or("");
            ii.endpoints = alt.bNumEndpoints;
            info.interfaces.push_back(std::move(ii));
        }
        // libusb keeps what it could parse of a truncated configuration: none of it is usable.
        if (info.interfaces.empty()) info.descriptorProblem = "the configuration has no interface (empty or truncated)";
        libusb_free_config_descriptor(config);
    }

    // Names: usb.ids first; the strings the kernel read from the device otherwise. The sysfs entry
    // is named after the port path; its devnum must be ours (a hub libusb did not see would give
    // a short port path, naming another device).
    std::string sysName = info.portPath;
    if (readSysfsString(sysName, "devnum") != std::to_string(info.address)) sysName.clear();
    info.vendorName = ids.vendor(dd.idVendor).value_or("");
    info.productName = ids.product(dd.idVendor, dd.idProduct).value_or("");
    if (info.vendorName.empty()) info.vendorName = readSysfsString(sysName, "manufacturer");
    if (info.productName.empty()) info.productName = readSysfsString(sysName, "product");
    if (dd.bDeviceClass != 0) info.className = ids.className(dd.bDeviceClass).value_or("");
    else if (!info.interfaces.empty()) info.className = info.interfaces.front().className;

    std::vector<ClassTriple> triples;
    for (const auto &i : info.interfaces) triples.push_back(i.triple);
    DeviceMatch match = table.lookup(dd.idVendor, dd.idProduct, triples, info.deviceClass);
    info.handler = match.handler;
    info.quirks = match.quirks;
    info.handlerLabel = match.label;

    // Serial: the kernel's copy in sysfs needs no access to the device; read it from the device
    // only when the kernel has none.
    if (dd.iSerialNumber == 0) {
        info.serialUnavailable = "the device reports no serial number";
    } else if (auto cached = readSysfsString(sysName, "serial"); !cached.empty()) {
        info.serial = cached;
    } else if (!probe) {
        info.serialUnavailable = "not read (the device was not opened)";
    }

    if (probe) {
        // Access: open the device node as libusb_open() does first (read-write), without its
        // capability ioctl and event-loop registration, which cost ten times more.
        char node[32];
        std::snprintf(node, sizeof node, "/dev/bus/usb/%03u/%03u", info.bus, info.address);
        int fd = ::open(node, O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            int err = errno;
            // No node: the device went, unless there are no USB nodes at all (a container
            // without /dev/bus/usb), which is an installation problem.
            bool noNodes = err == ENOENT && ::access("/dev/bus/usb", F_OK) != 0;
            int code = err == EACCES || err == EPERM ? LIBUSB_ERROR_ACCESS
                       : noNodes                        ? LIBUSB_ERROR_NOT_FOUND
                       : err == ENOENT || err == ENODEV ? LIBUSB_ERROR_NO_DEVICE
                       : err == EBUSY                  ? LIBUSB_ERROR_BUSY
                                                       : LIBUSB_ERROR_IO;
            AccessIssue issue = accessIssue(code);
            info.accessible = false;
            info.accessProblem = issue.problem;
            info.accessHint = issue.hint;
            if (!info.serial && dd.iSerialNumber) info.serialUnavailable = issue.problem;
        } else {
            ::close(fd);
        }
        // The serial from the device itself, when the kernel has not cached it.
        if (info.accessible && !info.serial && dd.iSerialNumber) {
            libusb_device_handle *handle = nullptr;
            rc = libusb_open(dev, &handle);
            if (rc < 0) {
                info.serialUnavailable = accessIssue(rc).problem;
            } else {
                LibusbTransport transport(context, handle);  // closes the handle
                auto serial = transport.stringDescriptor(dd.iSerialNumber);
                if (serial && !serial->empty()) info.serial = *serial;
                else info.serialUnavailable = serial ? "the serial number is empty" : "unreadable: " + serial.error().message;
            }
        }
    }
    return info;
}

Result<std::unique_ptr<UsbBus>> UsbBus::open(UsbBusOptions options) {
    auto impl = std::make_unique<Impl>();
    impl->options = options;
    auto table = options.deviceTablePath.empty() ? DeviceTable::loadDefault() : DeviceTable::load(options.deviceTablePath);
    if (!table) return table.error().withContext("cannot load the USB device table");
    impl->table = std::move(*table);
    impl->ids = UsbIds::loadOrEmpty(options.usbIdsPath.empty() ? std::string(UsbIds::DefaultPath) : options.usbIdsPath);
    impl->context = std::make_shared<detail::LibusbContext>();
    int rc = libusb_init(&impl->context->ctx);
    if (rc < 0) {
        impl->context->ctx = nullptr;
        return makeError(Errc::Unsupported, std::string("cannot initialise libusb: ") + libusb_error_name(rc));
    }
    return std::unique_ptr<UsbBus>(new UsbBus(std::move(impl)));
}

UsbBus::UsbBus(std::unique_ptr<Impl> impl) : _impl(std::move(impl)) {}

UsbBus::~UsbBus() { stopWatching(); }

const UsbIds &UsbBus::ids() const { return _impl->ids; }
const DeviceTable &UsbBus::table() const { return _impl->table; }

Result<std::vector<UsbDeviceInfo>> UsbBus::list() {
    libusb_device **devices = nullptr;
    ssize_t count = libusb_get_device_list(_impl->context->ctx, &devices);
    if (count < 0) return libusbError(static_cast<int>(count), "cannot list USB devices");
    std::vector<UsbDeviceInfo> out;
    out.reserve(static_cast<std::size_t>(count));
    for (ssize_t i = 0; i < count; ++i) out.push_back(_impl->describe(devices[i], _impl->options.probeAccess));
    libusb_free_device_list(devices, 1);
    std::sort(out.begin(), out.end(), portPathLess);
    return out;
}

Result<std::unique_ptr<LibusbTransport>> UsbBus::open(std::uint8_t bus, std::uint8_t address) {
    libusb_device **devices = nullptr;
    ssize_t count = libusb_get_device_list(_impl->context->ctx, &devices);
    if (count < 0) return libusbError(static_cast<int>(count), "cannot list USB devices");
    libusb_device *found = nullptr;
    for (ssize_t i = 0; i < count && !found; ++i)
        if (libusb_get_bus_number(devices[i]) == bus && libusb_get_device_address(devices[i]) == address) found = devices[i];
    char where[32];
    std::snprintf(where, sizeof where, "%03u:%03u", bus, address);
    if (!found) {
        libusb_free_device_list(devices, 1);
        return makeError(Errc::NotFound, std::string("no USB device at ") + where);
    }
    libusb_device_handle *handle = nullptr;
    int rc = libusb_open(found, &handle);
    libusb_free_device_list(devices, 1);
    if (rc < 0) {
        AccessIssue issue = accessIssue(rc);
        return makeError(issue.code, std::string("cannot open the USB device at ") + where + ": " + issue.problem + ": " + issue.hint);
    }
    return std::make_unique<LibusbTransport>(_impl->context, handle);
}

int LIBUSB_CALL UsbBus::Impl::onHotplug(libusb_context *, libusb_device *dev, libusb_hotplug_event event, void *user) {
    auto *self = static_cast<Impl *>(user);
    {
        std::lock_guard guard(self->mutex);
        self->queue.emplace_back(event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED ? UsbEvent::Kind::Arrived : UsbEvent::Kind::Left,
                                 libusb_ref_device(dev));
    }
    self->wake.notify_one();
    return 0;  // stay registered
}

void UsbBus::Impl::dispatchLoop() {
    while (true) {
        std::pair<UsbEvent::Kind, libusb_device *> item;
        {
            std::unique_lock lock(mutex);
            wake.wait(lock, [&] { return stopDispatch || !queue.empty(); });
            if (queue.empty()) return;  // stopping, and nothing left to tell
            item = queue.front();
            queue.pop_front();
        }
        auto [kind, dev] = item;
        UsbEvent event;
        event.kind = kind;
        auto key = std::make_pair(static_cast<int>(libusb_get_bus_number(dev)), static_cast<int>(libusb_get_device_address(dev)));
        if (kind == UsbEvent::Kind::Arrived) {
            event.device = describe(dev, options.probeAccess);
            known[key] = event.device;
        } else {
            // Gone: what we learnt on arrival is all there is (the device cannot be asked any more).
            auto it = known.find(key);
            event.device = it != known.end() ? it->second : describe(dev, false);
            if (it != known.end()) known.erase(it);
        }
        libusb_unref_device(dev);
        if (listener) listener(event);
    }
}

Status UsbBus::watch(Listener listener, bool includePresent) {
    auto &impl = *_impl;
    if (impl.watching) return makeError(Errc::Conflict, "already watching the USB bus");
    if (!libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG))
        return makeError(Errc::Unsupported, "this libusb has no hotplug support");
    impl.listener = std::move(listener);
    impl.stopDispatch = false;
    impl.stopEvents = 0;
    impl.dispatchThread = std::thread([&impl] { impl.dispatchLoop(); });
    int rc = libusb_hotplug_register_callback(
        impl.context->ctx,
        static_cast<libusb_hotplug_event>(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT),
        includePresent ? LIBUSB_HOTPLUG_ENUMERATE : static_cast<libusb_hotplug_flag>(0), LIBUSB_HOTPLUG_MATCH_ANY,
        LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY, &Impl::onHotplug, &impl, &impl.hotplug);
    if (rc < 0) {
        {
            std::lock_guard guard(impl.mutex);
            impl.stopDispatch = true;
        }
        impl.wake.notify_one();
        impl.dispatchThread.join();
        return libusbError(rc, "cannot watch the USB bus");
    }
    impl.eventThread = std::thread([&impl] {
        while (!impl.stopEvents.load()) {
            timeval tv{0, 200000};
            int completed = 0;
            libusb_handle_events_timeout_completed(impl.context->ctx, &tv, &completed);
        }
    });
    impl.watching = true;
    return {};
}

void UsbBus::stopWatching() {
    auto &impl = *_impl;
    if (!impl.watching) return;
    libusb_hotplug_deregister_callback(impl.context->ctx, impl.hotplug);
    impl.stopEvents = 1;
    libusb_interrupt_event_handler(impl.context->ctx);
    impl.eventThread.join();
    {
        std::lock_guard guard(impl.mutex);
        impl.stopDispatch = true;
    }
    impl.wake.notify_one();
    impl.dispatchThread.join();
    for (auto &[kind, dev] : impl.queue) libusb_unref_device(dev);
    impl.queue.clear();
    impl.known.clear();
    impl.watching = false;
}

json::Object UsbEvent::toJson() const {
    json::Object o;
    o.set("event", kind == Kind::Arrived ? "arrived" : "left");
    o.set("device", device.toJson());
    return o;
}

std::string UsbEvent::toLine() const { return (kind == Kind::Arrived ? "+ " : "- ") + device.toLine(); }

}  // namespace reemploi::diagnostics
