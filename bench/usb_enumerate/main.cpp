// bench/usb_enumerate: how long the bench takes to see and identify a hub full of devices.
// 64 emulated devices (8 real device types from tests/fixtures/usb, unique serials) on 10 hubs.
// Ours: UsbBus::list() (libusb enumeration, usb.ids names, handler table, sysfs serial, access
// probe) on an open bus, and cold (UsbBus::open + list + close: libusb init, usb.ids and table
// loading). Baselines on the same devices: bare libusb, cold (init + device list + descriptors +
// exit: the floor under the cold figure), and identification by string descriptors read from each
// device (open + manufacturer, product, serial over control transfers, as lsusb -v does).
// Target: enumerate and identify under 50 ms. Under umockdev every sysfs read and device open goes
// through its preload and ioctl thread, so all figures are slower than on real hardware.
#include <libusb.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <reemploi/diagnostics/UsbBus.hpp>

#include "support/usb/UsbTestbed.hpp"

using namespace reemploi;
using namespace reemploi::diagnostics;
using namespace reemploi::testing::usb;
using Clock = std::chrono::steady_clock;

namespace {

double medianMs(int runs, const std::function<void()> &run) {
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        auto t0 = Clock::now();
        run();
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

// lsusb -v's way: every device opened and asked for its strings.
std::size_t identifyByStrings(libusb_context *ctx) {
    libusb_device **list = nullptr;
    ssize_t n = libusb_get_device_list(ctx, &list);
    std::size_t named = 0;
    for (ssize_t i = 0; i < n; ++i) {
        libusb_device_descriptor d{};
        libusb_get_device_descriptor(list[i], &d);
        libusb_device_handle *h = nullptr;
        if (libusb_open(list[i], &h) != 0) continue;
        unsigned char text[256];
        for (std::uint8_t index : {d.iManufacturer, d.iProduct, d.iSerialNumber})
            if (index && libusb_get_string_descriptor_ascii(h, index, text, sizeof text) > 0) ++named;
        libusb_close(h);
    }
    libusb_free_device_list(list, 1);
    return named;
}

std::size_t bareEnumeration(libusb_context *ctx) {
    libusb_device **list = nullptr;
    ssize_t n = libusb_get_device_list(ctx, &list);
    std::size_t seen = 0;
    for (ssize_t i = 0; i < n; ++i) {
        libusb_device_descriptor d{};
        if (libusb_get_device_descriptor(list[i], &d) == 0) ++seen;
    }
    libusb_free_device_list(list, 1);
    return seen;
}

}  // namespace

int main(int argc, char **argv) {
    int runs = 21;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            runs = std::max(1, std::atoi(argv[++i]));
        } else {
            std::fprintf(stderr, "usage: bench_usb_enumerate [--runs N]\n");
            return 2;
        }
    }
    if (!UsbTestbed::inMockEnvironment()) {
        // The emulated devices need umockdev's preload: start again under the wrapper.
        std::vector<char *> args{const_cast<char *>("umockdev-wrapper")};
        for (int i = 0; i < argc; ++i) args.push_back(argv[i]);
        args.push_back(nullptr);
        execvp("umockdev-wrapper", args.data());
        std::perror("bench_usb_enumerate: cannot run umockdev-wrapper (install umockdev)");
        return 1;
    }

    const char *types[] = {"jmicron-jms578", "asmedia-asm1153e", "realtek-rtl9210", "via-vl716",
                           "jmicron-jms583", "android-adb-tablet", "lenovo-tablet-mtp", "roland-srm20"};
    UsbTestbed bed;
    const int devices = 64;
    int hubs = 0;
    for (int i = 0; i < devices; ++i) {
        int hub = i / 7 + 1, port = i % 7 + 1;
        if (hub > hubs) {
            bed.plugHub("1-" + std::to_string(hub));
            hubs = hub;
        }
        auto spec = fixture(types[i % 8]);
        if (!spec) {
            std::fprintf(stderr, "%s\n", spec.error().message.c_str());
            return 1;
        }
        if (auto serial = spec->strings.find(spec->serialIndex()); spec->serialIndex() && serial != spec->strings.end())
            serial->second += "-" + std::to_string(i);
        bed.plug(std::move(*spec), "1-" + std::to_string(hub) + "." + std::to_string(port));
    }
    const std::size_t total = static_cast<std::size_t>(devices + hubs + 1);

    auto bus = UsbBus::open();
    if (!bus) {
        std::fprintf(stderr, "%s\n", bus.error().message.c_str());
        return 1;
    }
    std::size_t listed = 0, identified = 0;
    double warm = medianMs(runs, [&] {
        auto all = (*bus)->list();
        listed = all ? all->size() : 0;
        identified = 0;
        if (all)
            for (const auto &d : *all) identified += d.handler != Handler::Unknown || !d.vendorName.empty();
    });
    if (listed != total) {
        std::fprintf(stderr, "listed %zu devices, expected %zu\n", listed, total);
        return 1;
    }
    UsbBusOptions noProbe;
    noProbe.probeAccess = false;
    auto quiet = UsbBus::open(noProbe);
    double unprobed = medianMs(runs, [&] { (void)(*quiet)->list(); });
    double cold = medianMs(runs, [&] {
        auto fresh = UsbBus::open();
        if (fresh) (void)(*fresh)->list();
    });

    std::size_t seen = 0, named = 0;
    double bare = medianMs(runs, [&] {
        libusb_context *fresh = nullptr;
        libusb_init(&fresh);
        seen = bareEnumeration(fresh);
        libusb_exit(fresh);
    });
    libusb_context *ctx = nullptr;
    libusb_init(&ctx);
    double strings = medianMs(runs, [&] { named = identifyByStrings(ctx); });
    libusb_exit(ctx);

    std::printf("bench/usb_enumerate: %d emulated devices + %d hubs + root hub (umockdev), median of %d runs\n",
                devices, hubs, runs);
    std::printf("  %-52s %8.2f ms   (%zu listed, %zu named or handled)\n", "ours: UsbBus::list (identify, probe access)", warm,
                listed, identified);
    std::printf("  %-52s %8.2f ms\n", "ours without the access probe (no device opened)", unprobed);
    std::printf("  %-52s %8.2f ms\n", "ours cold: UsbBus::open + list + close", cold);
    std::printf("  %-52s %8.2f ms   (%zu devices)\n", "baseline cold: libusb init + list + descriptors", bare, seen);
    std::printf("  %-52s %8.2f ms   (%zu strings)\n", "baseline: string descriptors read from each device", strings, named);
    std::printf("  ratio ours/string-descriptors %.3f (%.0fx faster); ours cold/bare libusb cold %.2f\n", warm / strings,
                strings / warm, cold / bare);
    std::printf("  target: enumerate and identify under 50 ms: %s (%.2f ms)\n", warm < 50 ? "met" : "NOT met", warm);
    return 0;
}
