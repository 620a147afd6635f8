// The umockdev glue: sysfs entries and uevents for plugged devices, and a usbdevfs ioctl handler
// that plays each device the way the kernel would (URB queue, halts, driver binding, disconnect).
#include "support/usb/UsbTestbed.hpp"

#include <umockdev.h>

#include <linux/usbdevice_fs.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <stdexcept>

namespace reemploi::testing::usb {

namespace {

// A URB the device has answered (or that was cancelled), waiting for the host to reap it. The
// outcome is written into the URB when reaped, as the kernel does.
struct Completion {
    UMockdevIoctlData *urb = nullptr;
    UMockdevIoctlData *buffer = nullptr;
    int status = 0;
    std::size_t actual = 0;
    std::vector<std::uint8_t> in;  // bytes to copy into the buffer (IN transfers)
    std::size_t inOffset = 0;      // 8 for control transfers (after the SETUP packet)
};

}  // namespace

struct Plugged {
    std::shared_ptr<EmulatedDevice> device;
    UsbTestbed::Impl *bed = nullptr;
    int bus = 0;
    int address = 0;
    std::string portPath;
    std::string sysfs;    // /sys/devices/usb1/1-1
    std::string devnode;  // /dev/bus/usb/001/002
    UMockdevIoctlBase *handler = nullptr;

    std::recursive_mutex mutex;  // held for the whole of each ioctl, by unplug and sendIn (re-entered from callbacks)
    std::deque<Completion> completed;
    std::vector<Completion> pending;  // transfers the device never answers (until cancelled)
    std::set<std::uint8_t> halted;
    bool gone = false;
};

struct UsbTestbed::Impl {
    UMockdevTestbed *testbed = nullptr;
    std::recursive_mutex testbedMutex;  // umockdev's testbed object is not thread-safe
    std::map<const EmulatedDevice *, std::unique_ptr<Plugged>> plugged;
    std::map<int, int> nextAddress;  // per bus

    Plugged &find(const std::shared_ptr<EmulatedDevice> &device) const {
        auto it = plugged.find(device.get());
        if (it == plugged.end()) throw std::logic_error("UsbTestbed: device is not plugged");
        return *it->second;
    }
    void removeFromSysfs(Plugged &p);
};

namespace {

void release(Completion &c) {
    if (c.buffer) umockdev_ioctl_data_unref(c.buffer);
    if (c.urb) umockdev_ioctl_data_unref(c.urb);
    c.buffer = c.urb = nullptr;
}

// Fails everything in flight, as a yanked device does: the host reaps them with "no device".
void failPending(Plugged &p) {
    for (auto &c : p.pending) {
        c.status = -ESHUTDOWN;
        c.actual = 0;
        p.completed.push_back(std::move(c));
    }
    p.pending.clear();
}

void completeWith(UMockdevIoctlClient *client, int result, int error) {
    umockdev_ioctl_client_complete(client, result, error);
}

// The argument of an ioctl that takes a pointer to a small struct.
template <class T>
UMockdevIoctlData *resolveArg(UMockdevIoctlClient *client) {
    return umockdev_ioctl_data_resolve(umockdev_ioctl_client_get_arg(client), 0, sizeof(T), nullptr);
}

void handleSubmit(Plugged &p, UMockdevIoctlClient *client) {
    UMockdevIoctlData *urbData = resolveArg<usbdevfs_urb>(client);
    auto *urb = reinterpret_cast<usbdevfs_urb *>(urbData->data);
    const auto length = static_cast<std::size_t>(urb->buffer_length > 0 ? urb->buffer_length : 0);
    UMockdevIoctlData *buffer =
        length ? umockdev_ioctl_data_resolve(urbData, G_STRUCT_OFFSET(usbdevfs_urb, buffer), length, nullptr) : nullptr;

    Completion c{urbData, buffer, 0, 0, {}, 0};
    const std::uint8_t endpoint = urb->endpoint;
    const bool in = (endpoint & 0x80) != 0;
    Reply reply;
    if (urb->type == USBDEVFS_URB_TYPE_CONTROL) {
        if (length < 8) {
            release(c);
            completeWith(client, -1, EINVAL);
            return;
        }
        const std::uint8_t *b = buffer->data;
        SetupPacket setup{b[0], b[1], static_cast<std::uint16_t>(b[2] | b[3] << 8),
                          static_cast<std::uint16_t>(b[4] | b[5] << 8), static_cast<std::uint16_t>(b[6] | b[7] << 8)};
        std::size_t dataLength = std::min<std::size_t>(setup.length, length - 8);
        if (setup.isIn()) {
            reply = p.device->onControl(setup, {});
            if (reply.kind == Reply::Kind::Data) {
                c.in = std::move(reply.bytes);
                if (c.in.size() > dataLength) c.in.resize(dataLength);  // the host asked for less
                c.actual = c.in.size();
                c.inOffset = 8;
            }
        } else {
            reply = p.device->onControl(setup, std::span<const std::uint8_t>(b + 8, dataLength));
            if (reply.kind == Reply::Kind::Data) c.actual = reply.accepted.value_or(dataLength);
        }
        if (reply.kind == Reply::Kind::Stall) c.status = -EPIPE;  // a control stall clears itself
    } else if (urb->type == USBDEVFS_URB_TYPE_BULK || urb->type == USBDEVFS_URB_TYPE_INTERRUPT) {
        if (p.halted.count(endpoint)) {
            c.status = -EPIPE;
            p.completed.push_back(std::move(c));
            completeWith(client, 0, 0);
            return;
        }
        if (in) {
            reply = p.device->onBulkIn(endpoint, length);
            if (reply.kind == Reply::Kind::Data) {
                c.in = std::move(reply.bytes);
                if (c.in.size() > length) {  // babble: the kernel reports an overflow
                    c.in.resize(length);
                    c.status = -EOVERFLOW;
                }
                c.actual = c.in.size();
            }
        } else {
            reply = p.device->onBulkOut(endpoint, std::span<const std::uint8_t>(buffer ? buffer->data : nullptr, length));
            if (reply.kind == Reply::Kind::Data) c.actual = std::min(length, reply.accepted.value_or(length));
        }
        if (reply.kind == Reply::Kind::Stall) {
            c.status = -EPIPE;
            p.halted.insert(endpoint);
        }
    } else {
        release(c);
        completeWith(client, -1, EINVAL);  // isochronous transfers are not emulated
        return;
    }

    switch (reply.kind) {
    case Reply::Kind::Never:
        p.pending.push_back(std::move(c));
        break;
    case Reply::Kind::Disconnect:
        c.status = -ESHUTDOWN;
        c.actual = 0;
        c.in.clear();
        p.completed.push_back(std::move(c));
        p.gone = true;
        failPending(p);
        {
            std::lock_guard guard(p.bed->testbedMutex);
            p.bed->removeFromSysfs(p);
        }
        break;
    default:
        p.completed.push_back(std::move(c));
    }
    completeWith(client, 0, 0);
}

void handleReap(Plugged &p, UMockdevIoctlClient *client) {
    if (p.completed.empty()) {
        completeWith(client, -1, p.gone ? ENODEV : EAGAIN);
        return;
    }
    Completion c = std::move(p.completed.front());
    p.completed.pop_front();
    auto *urb = reinterpret_cast<usbdevfs_urb *>(c.urb->data);
    urb->status = c.status;
    urb->actual_length = static_cast<int>(c.actual);
    if (!c.in.empty() && c.buffer) std::memcpy(c.buffer->data + c.inOffset, c.in.data(), c.in.size());
    UMockdevIoctlData *out = resolveArg<void *>(client);
    umockdev_ioctl_data_set_ptr(out, 0, c.urb);
    umockdev_ioctl_data_unref(out);
    completeWith(client, 0, 0);
    release(c);
}

void handleDiscard(Plugged &p, UMockdevIoctlClient *client) {
    UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
    gulong address = *reinterpret_cast<gulong *>(arg->data);
    for (auto it = p.pending.begin(); it != p.pending.end(); ++it) {
        if (it->urb->client_addr == address) {
            it->status = -ENOENT;
            p.completed.push_back(std::move(*it));
            p.pending.erase(it);
            ++p.device->counters().discarded;
            completeWith(client, 0, 0);
            return;
        }
    }
    completeWith(client, -1, EINVAL);  // already completed: the kernel says the same
}

// A late answer: the oldest IN transfer pending on `endpoint` completes with `bytes`.
bool deliverIn(Plugged &p, std::uint8_t endpoint, std::vector<std::uint8_t> bytes) {
    std::lock_guard guard(p.mutex);
    if (p.gone) return false;
    for (auto it = p.pending.begin(); it != p.pending.end(); ++it) {
        auto *urb = reinterpret_cast<usbdevfs_urb *>(it->urb->data);
        if (urb->endpoint != endpoint) continue;
        const auto length = static_cast<std::size_t>(urb->buffer_length > 0 ? urb->buffer_length : 0);
        it->in = std::move(bytes);
        it->status = 0;
        if (it->in.size() > length) {
            it->in.resize(length);
            it->status = -EOVERFLOW;
        }
        it->actual = it->in.size();
        p.completed.push_back(std::move(*it));
        p.pending.erase(it);
        return true;
    }
    return false;
}

gboolean onIoctl(UMockdevIoctlBase *, UMockdevIoctlClient *client, gpointer user) {
    auto &p = *static_cast<Plugged *>(user);
    std::lock_guard guard(p.mutex);
    const unsigned long request = umockdev_ioctl_client_get_request(client);
    if (p.gone && request != USBDEVFS_REAPURB && request != USBDEVFS_REAPURBNDELAY) {
        completeWith(client, -1, ENODEV);
        return TRUE;
    }
    auto &device = *p.device;
    switch (request) {
    case USBDEVFS_GET_CAPABILITIES: {
        UMockdevIoctlData *caps = resolveArg<std::uint32_t>(client);
        *reinterpret_cast<std::uint32_t *>(caps->data) = USBDEVFS_CAP_BULK_SCATTER_GATHER | USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
                                                         USBDEVFS_CAP_REAP_AFTER_DISCONNECT | USBDEVFS_CAP_ZERO_PACKET;
        umockdev_ioctl_data_unref(caps);
        completeWith(client, 0, 0);
        return TRUE;
    }
    case USBDEVFS_CLAIMINTERFACE:
    case USBDEVFS_RELEASEINTERFACE: {
        UMockdevIoctlData *arg = resolveArg<unsigned int>(client);
        auto iface = static_cast<std::uint8_t>(*reinterpret_cast<unsigned int *>(arg->data));
        umockdev_ioctl_data_unref(arg);
        int err = request == USBDEVFS_CLAIMINTERFACE ? device.claim(iface) : device.release(iface);
        completeWith(client, err ? -1 : 0, err);
        return TRUE;
    }
    case USBDEVFS_DISCONNECT_CLAIM: {
        UMockdevIoctlData *arg = resolveArg<usbdevfs_disconnect_claim>(client);
        auto *dc = reinterpret_cast<usbdevfs_disconnect_claim *>(arg->data);
        auto iface = static_cast<std::uint8_t>(dc->interface);
        std::string bound = device.kernelDriver(iface);
        bool unbind = !bound.empty();
        if (dc->flags & USBDEVFS_DISCONNECT_CLAIM_IF_DRIVER) unbind = unbind && bound == dc->driver;
        if (dc->flags & USBDEVFS_DISCONNECT_CLAIM_EXCEPT_DRIVER) unbind = unbind && bound != dc->driver;
        umockdev_ioctl_data_unref(arg);
        if (unbind) device.unbindDriver(iface);
        int err = device.claim(iface);
        completeWith(client, err ? -1 : 0, err);
        return TRUE;
    }
    case USBDEVFS_GETDRIVER: {
        UMockdevIoctlData *arg = resolveArg<usbdevfs_getdriver>(client);
        auto *gd = reinterpret_cast<usbdevfs_getdriver *>(arg->data);
        std::string name = device.claimedInterfaces().count(static_cast<std::uint8_t>(gd->interface))
                               ? "usbfs"
                               : device.kernelDriver(static_cast<std::uint8_t>(gd->interface));
        if (!name.empty()) std::snprintf(gd->driver, sizeof gd->driver, "%s", name.c_str());
        umockdev_ioctl_data_unref(arg);
        completeWith(client, name.empty() ? -1 : 0, name.empty() ? ENODATA : 0);
        return TRUE;
    }
    case USBDEVFS_IOCTL: {
        UMockdevIoctlData *arg = resolveArg<usbdevfs_ioctl>(client);
        auto *cmd = reinterpret_cast<usbdevfs_ioctl *>(arg->data);
        auto iface = static_cast<std::uint8_t>(cmd->ifno);
        int code = cmd->ioctl_code;
        umockdev_ioctl_data_unref(arg);
        int err = ENOTTY;
        int success = 0;
        if (code == static_cast<int>(USBDEVFS_DISCONNECT)) err = device.unbindDriver(iface);
        if (code == static_cast<int>(USBDEVFS_CONNECT)) {
            err = device.rebindDriver(iface);
            success = 1;  // the kernel returns device_attach()'s 1: "a driver was bound"
        }
        completeWith(client, err ? -1 : success, err);
        return TRUE;
    }
    case USBDEVFS_CLEAR_HALT:
    case USBDEVFS_RESETEP: {
        UMockdevIoctlData *arg = resolveArg<unsigned int>(client);
        p.halted.erase(static_cast<std::uint8_t>(*reinterpret_cast<unsigned int *>(arg->data)));
        umockdev_ioctl_data_unref(arg);
        ++device.counters().clearHalts;
        completeWith(client, 0, 0);
        return TRUE;
    }
    case USBDEVFS_RESET:
        p.halted.clear();
        ++device.counters().resets;
        device.onReset();
        completeWith(client, 0, 0);
        return TRUE;
    case USBDEVFS_SETINTERFACE:
    case USBDEVFS_SETCONFIGURATION:
        completeWith(client, 0, 0);
        return TRUE;
    case USBDEVFS_SUBMITURB:
        handleSubmit(p, client);
        return TRUE;
    case USBDEVFS_REAPURB:
    case USBDEVFS_REAPURBNDELAY:
        handleReap(p, client);
        return TRUE;
    case USBDEVFS_DISCARDURB:
        handleDiscard(p, client);
        return TRUE;
    default:
        std::fprintf(stderr, "emulated USB device %s: unhandled ioctl 0x%lx\n", p.devnode.c_str(), request);
        completeWith(client, -1, ENOTTY);
        return TRUE;
    }
}

std::string escapeAttribute(const std::string &value) {
    std::string out;
    for (char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string threeDigits(int n) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%03d", n);
    return buf;
}

int busOf(const std::string &portPath) {
    auto dash = portPath.find('-');
    if (dash == std::string::npos || dash == 0) throw std::invalid_argument("UsbTestbed: bad port path '" + portPath + "'");
    return std::stoi(portPath.substr(0, dash));
}

}  // namespace

void UsbTestbed::Impl::removeFromSysfs(Plugged &p) {
    std::lock_guard guard(testbedMutex);
    if (p.sysfs.empty()) return;
    umockdev_testbed_uevent(testbed, p.sysfs.c_str(), "remove");
    umockdev_testbed_remove_device(testbed, p.sysfs.c_str());
    p.sysfs.clear();
}

UsbTestbed::UsbTestbed() : _impl(std::make_unique<Impl>()) {
    if (!inMockEnvironment()) throw std::runtime_error("UsbTestbed needs the test to run under umockdev-wrapper");
    _impl->testbed = umockdev_testbed_new();
}

UsbTestbed::~UsbTestbed() {
    for (auto &[key, p] : _impl->plugged) {
        p->device->connectSender(nullptr);  // the device may outlive the testbed
        std::lock_guard guard(p->mutex);
        p->gone = true;
        failPending(*p);
        for (auto &c : p->completed) release(c);
        p->completed.clear();
    }
    for (auto &[key, p] : _impl->plugged) {
        if (p->handler) {
            umockdev_testbed_detach_ioctl(_impl->testbed, p->devnode.c_str(), nullptr);
            g_object_unref(p->handler);
        }
    }
    g_object_unref(_impl->testbed);
}

bool UsbTestbed::inMockEnvironment() {
    // umockdev_in_mock_environment() only says yes once a testbed exists; the preload is what matters.
    const char *preload = std::getenv("LD_PRELOAD");
    return preload && std::strstr(preload, "umockdev-preload");
}

std::shared_ptr<EmulatedDevice> UsbTestbed::plug(DeviceSpec spec, const std::string &portPath) {
    return plug(std::make_shared<EmulatedDevice>(std::move(spec)), portPath);
}

std::shared_ptr<EmulatedDevice> UsbTestbed::plug(std::shared_ptr<EmulatedDevice> device, const std::string &portPath) {
    auto &impl = *_impl;
    std::lock_guard guard(impl.testbedMutex);
    const bool rootHub = portPath.rfind("usb", 0) == 0;
    const int bus = rootHub ? std::stoi(portPath.substr(3)) : busOf(portPath);
    if (!rootHub && !impl.nextAddress.count(bus)) {
        auto hub = fixture("linux-root-hub-2.0");
        if (!hub) throw std::runtime_error(hub.error().message);
        plug(std::make_shared<EmulatedDevice>(std::move(*hub)), "usb" + std::to_string(bus));
    }
    int &next = impl.nextAddress[bus];
    if (next == 0) next = 1;

    auto p = std::make_unique<Plugged>();
    p->device = device;
    p->bed = &impl;
    p->bus = bus;
    p->address = next++;
    p->portPath = portPath;
    // sysfs: /devices/usb1/1-1/1-1.4 (each hub level is a directory of its parent).
    std::string path = "/devices/usb" + std::to_string(bus);
    if (!rootHub) {
        auto dash = portPath.find('-');
        std::string prefix = portPath.substr(0, dash + 1);
        std::string rest = portPath.substr(dash + 1);
        std::string acc;
        std::size_t start = 0;
        while (true) {
            auto dot = rest.find('.', start);
            acc = rest.substr(0, dot);
            path += "/" + prefix + acc;
            if (dot == std::string::npos) break;
            start = dot + 1;
        }
    }
    p->sysfs = "/sys" + path;
    p->devnode = "/dev/bus/usb/" + threeDigits(bus) + "/" + threeDigits(p->address);

    p->handler = umockdev_ioctl_base_new();
    g_signal_connect(p->handler, "handle-ioctl", G_CALLBACK(onIoctl), p.get());
    // Attach before the device appears, so that an "add" listener can open it at once.
    if (!umockdev_testbed_attach_ioctl(impl.testbed, p->devnode.c_str(), p->handler, nullptr))
        throw std::runtime_error("UsbTestbed: cannot attach the ioctl handler to " + p->devnode);

    const DeviceSpec &spec = device->spec();
    std::string text = "P: " + path + "\nN: " + p->devnode.substr(5) + "\n";
    text += "E: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\nE: DRIVER=usb\n";
    text += "E: BUSNUM=" + threeDigits(bus) + "\nE: DEVNUM=" + threeDigits(p->address) + "\n";
    text += "E: DEVNAME=" + p->devnode + "\n";
    char ids[32];
    std::snprintf(ids, sizeof ids, "%x/%x", spec.vendorId(), spec.productId());
    text += std::string("E: PRODUCT=") + ids + "\n";
    text += "A: busnum=" + std::to_string(bus) + "\\n\n";
    text += "A: devnum=" + std::to_string(p->address) + "\\n\n";
    text += "A: speed=" + spec.speed + "\\n\n";
    text += "A: bConfigurationValue=1\\n\n";
    std::snprintf(ids, sizeof ids, "%04x", spec.vendorId());
    text += std::string("A: idVendor=") + ids + "\\n\n";
    std::snprintf(ids, sizeof ids, "%04x", spec.productId());
    text += std::string("A: idProduct=") + ids + "\\n\n";
    // The kernel caches these three strings in sysfs when the device has them.
    const std::pair<const char *, std::size_t> cached[] = {{"manufacturer", 14}, {"product", 15}, {"serial", 16}};
    for (auto [attribute, offset] : cached) {
        std::uint8_t index = spec.descriptors.size() > offset ? spec.descriptors[offset] : 0;
        if (auto s = spec.strings.find(index); index && s != spec.strings.end())
            text += std::string("A: ") + attribute + "=" + escapeAttribute(s->second) + "\\n\n";
    }
    text += "H: descriptors=" + toHex(spec.descriptors) + "\n";
    GError *error = nullptr;
    if (!umockdev_testbed_add_from_string(impl.testbed, text.c_str(), &error)) {
        std::string message = error ? error->message : "unknown error";
        if (error) g_error_free(error);
        throw std::runtime_error("UsbTestbed: cannot add " + portPath + ": " + message);
    }
    Plugged *plugged = p.get();
    device->connectSender([plugged](std::uint8_t endpoint, std::vector<std::uint8_t> bytes) {
        return deliverIn(*plugged, endpoint, std::move(bytes));
    });
    impl.plugged[device.get()] = std::move(p);
    return device;
}

std::shared_ptr<EmulatedDevice> UsbTestbed::plugHub(const std::string &portPath) {
    auto spec = fixture("hub-intel-8087-0020");
    if (!spec) throw std::runtime_error(spec.error().message);
    return plug(std::move(*spec), portPath);
}

void UsbTestbed::unplug(const std::shared_ptr<EmulatedDevice> &device) {
    auto &impl = *_impl;
    Plugged &p = impl.find(device);
    // Children first: a hub takes its downstream devices with it.
    if (!p.portPath.empty()) {
        std::vector<std::shared_ptr<EmulatedDevice>> children;
        for (auto &[key, other] : impl.plugged) {
            const std::string &child = other->portPath;
            bool below = p.portPath.rfind("usb", 0) == 0
                             ? (child != p.portPath && busOf(child) == p.bus)
                             : (child.size() > p.portPath.size() && child.rfind(p.portPath + ".", 0) == 0);
            if (below && !other->sysfs.empty()) children.push_back(other->device);
        }
        for (auto &c : children) unplug(c);
    }
    {
        std::lock_guard guard(p.mutex);
        p.gone = true;
        failPending(p);
    }
    impl.removeFromSysfs(p);
}

int UsbTestbed::busNumber(const std::shared_ptr<EmulatedDevice> &device) const { return _impl->find(device).bus; }
int UsbTestbed::address(const std::shared_ptr<EmulatedDevice> &device) const { return _impl->find(device).address; }
std::string UsbTestbed::sysfsPath(const std::shared_ptr<EmulatedDevice> &device) const {
    const Plugged &p = _impl->find(device);
    return p.sysfs;
}
std::string UsbTestbed::devNode(const std::shared_ptr<EmulatedDevice> &device) const { return _impl->find(device).devnode; }
std::string UsbTestbed::devNodeFile(const std::shared_ptr<EmulatedDevice> &device) const {
    gchar *root = umockdev_testbed_get_root_dir(_impl->testbed);
    std::string file = std::string(root) + _impl->find(device).devnode;
    g_free(root);
    return file;
}

}  // namespace reemploi::testing::usb
