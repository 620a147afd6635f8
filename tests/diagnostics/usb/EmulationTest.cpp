// The emulated-device framework seen through plain libusb: what a device answers reaches the host
// the way the kernel would deliver it (data, stall, timeout, disconnect).
#include <gtest/gtest.h>

#include <libusb.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "support/usb/UsbTestbed.hpp"

using namespace reemploi::testing::usb;

namespace {

// Raised once by the device's thread, waited for by the test's: the event itself, not a delay.
class Flag {
public:
    void raise() {
        {
            std::lock_guard guard(_mutex);
            _raised = true;
        }
        _changed.notify_all();
    }
    bool waitFor(std::chrono::milliseconds timeout) {
        std::unique_lock lock(_mutex);
        return _changed.wait_for(lock, timeout, [&] { return _raised; });
    }

private:
    std::mutex _mutex;
    std::condition_variable _changed;
    bool _raised = false;
};

class EchoDevice : public EmulatedDevice {
public:
    using EmulatedDevice::EmulatedDevice;
    Reply onBulkOut(std::uint8_t, std::span<const std::uint8_t> bytes) override {
        std::string text(bytes.begin(), bytes.end());
        if (text == "stall") return Reply::stall();
        if (text == "yank") return Reply::disconnect();
        _last.assign(bytes.begin(), bytes.end());
        return Reply::data({});
    }
    Reply onBulkIn(std::uint8_t, std::size_t) override {
        if (_last.empty()) {
            // Raised inside the ioctl: the testbed's unplug() and sendIn() wait for the ioctl to
            // end, by which time the transfer is pending.
            inWaiting.raise();
            return Reply::never();
        }
        auto out = _last;
        _last.clear();
        return Reply::data(out);
    }

    Flag inWaiting;  // an IN transfer waits for data

private:
    std::vector<std::uint8_t> _last;
};

struct Libusb {
    libusb_context *ctx = nullptr;
    Libusb() { libusb_init(&ctx); }
    ~Libusb() { libusb_exit(ctx); }
    libusb_device_handle *open(std::uint16_t vid, std::uint16_t pid) { return libusb_open_device_with_vid_pid(ctx, vid, pid); }
};

}  // namespace

TEST(UsbEmulation, FixtureParsesAndNamesTheLineOfAnError) {
    auto spec = fixture("realtek-rtl9210");
    ASSERT_TRUE(spec) << spec.error().message;
    EXPECT_EQ(spec->vendorId(), 0x0bda);
    EXPECT_EQ(spec->productId(), 0x9210);
    EXPECT_EQ(spec->strings.at(2), "RTL9210");
    auto bad = parseFixture("speed 480\nstrnig 1 x\ndescriptors\n12 01\n", "bad.usbdev");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("bad.usbdev:2"), std::string::npos) << bad.error().message;
    auto oddHex = parseFixture("descriptors\n12 0\n", "odd.usbdev");
    ASSERT_FALSE(oddHex);
    EXPECT_NE(oddHex.error().message.find("hex"), std::string::npos);
}

TEST(UsbEmulation, BulkAndStringsReachTheDevice) {
    UsbTestbed bed;
    auto device = bed.plug(std::make_shared<EchoDevice>(fixture("realtek-rtl9210").value()), "1-1");
    Libusb usb;
    libusb_device_handle *h = usb.open(0x0bda, 0x9210);
    ASSERT_NE(h, nullptr);
    unsigned char text[64] = {};
    ASSERT_GT(libusb_get_string_descriptor_ascii(h, 3, text, sizeof text), 0);
    EXPECT_STREQ(reinterpret_cast<char *>(text), "012345678903");

    // A kernel driver holds interface 0: claiming fails until it is detached.
    EXPECT_EQ(libusb_kernel_driver_active(h, 0), 1);
    EXPECT_EQ(libusb_claim_interface(h, 0), LIBUSB_ERROR_BUSY);
    ASSERT_EQ(libusb_detach_kernel_driver(h, 0), 0);
    ASSERT_EQ(libusb_claim_interface(h, 0), 0);

    unsigned char hello[] = {'h', 'i'};
    int moved = 0;
    ASSERT_EQ(libusb_bulk_transfer(h, 0x02, hello, 2, &moved, 1000), 0);
    EXPECT_EQ(moved, 2);
    unsigned char back[16] = {};
    ASSERT_EQ(libusb_bulk_transfer(h, 0x81, back, sizeof back, &moved, 1000), 0);
    ASSERT_EQ(moved, 2);
    EXPECT_EQ(std::memcmp(back, "hi", 2), 0);

    // Stall: the endpoint stays halted until cleared.
    unsigned char stall[] = {'s', 't', 'a', 'l', 'l'};
    EXPECT_EQ(libusb_bulk_transfer(h, 0x02, stall, 5, &moved, 1000), LIBUSB_ERROR_PIPE);
    EXPECT_EQ(libusb_bulk_transfer(h, 0x02, hello, 2, &moved, 1000), LIBUSB_ERROR_PIPE);
    ASSERT_EQ(libusb_clear_halt(h, 0x02), 0);
    EXPECT_EQ(libusb_bulk_transfer(h, 0x02, hello, 2, &moved, 1000), 0);
    ASSERT_EQ(libusb_bulk_transfer(h, 0x81, back, sizeof back, &moved, 1000), 0);

    // Nothing to send: the IN transfer never completes and times out.
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(libusb_bulk_transfer(h, 0x81, back, sizeof back, &moved, 100), LIBUSB_ERROR_TIMEOUT);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
    EXPECT_EQ(device->counters().discarded.load(), 1);

    ASSERT_EQ(libusb_release_interface(h, 0), 0);
    ASSERT_EQ(libusb_attach_kernel_driver(h, 0), 0);
    EXPECT_EQ(device->kernelDriver(0), "usb-storage");
    libusb_close(h);
}

TEST(UsbEmulation, DisconnectFailsTheTransferAndLaterOnes) {
    UsbTestbed bed;
    bed.plug(std::make_shared<EchoDevice>(fixture("realtek-rtl9210").value()), "1-2");
    Libusb usb;
    libusb_device_handle *h = usb.open(0x0bda, 0x9210);
    ASSERT_NE(h, nullptr);
    ASSERT_EQ(libusb_detach_kernel_driver(h, 0), 0);
    ASSERT_EQ(libusb_claim_interface(h, 0), 0);
    unsigned char yank[] = {'y', 'a', 'n', 'k'};
    int moved = 0;
    EXPECT_EQ(libusb_bulk_transfer(h, 0x02, yank, 4, &moved, 1000), LIBUSB_ERROR_NO_DEVICE);
    EXPECT_EQ(libusb_bulk_transfer(h, 0x02, yank, 4, &moved, 1000), LIBUSB_ERROR_NO_DEVICE);
    libusb_close(h);
    libusb_device **list = nullptr;
    ssize_t n = libusb_get_device_list(usb.ctx, &list);
    for (ssize_t i = 0; i < n; ++i) {
        libusb_device_descriptor d{};
        libusb_get_device_descriptor(list[i], &d);
        EXPECT_NE(d.idProduct, 0x9210) << "the yanked device is still listed";
    }
    libusb_free_device_list(list, 1);
}

TEST(UsbEmulation, UnplugDuringAPendingTransferEndsItWithNoDevice) {
    UsbTestbed bed;
    auto echo = std::make_shared<EchoDevice>(fixture("realtek-rtl9210").value());
    auto device = bed.plug(echo, "1-3");
    Libusb usb;
    libusb_device_handle *h = usb.open(0x0bda, 0x9210);
    ASSERT_NE(h, nullptr);
    ASSERT_EQ(libusb_detach_kernel_driver(h, 0), 0);
    ASSERT_EQ(libusb_claim_interface(h, 0), 0);
    std::thread yanker([&] {
        EXPECT_TRUE(echo->inWaiting.waitFor(std::chrono::seconds(5))) << "the transfer never reached the device";
        bed.unplug(device);
    });
    unsigned char back[16];
    int moved = 0;
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(libusb_bulk_transfer(h, 0x81, back, sizeof back, &moved, 5000), LIBUSB_ERROR_NO_DEVICE);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
    yanker.join();
    libusb_close(h);
}

TEST(UsbEmulation, ALateAnswerCompletesTheWaitingTransfer) {
    UsbTestbed bed;
    auto echo = std::make_shared<EchoDevice>(fixture("realtek-rtl9210").value());
    auto device = bed.plug(echo, "1-4");
    Libusb usb;
    libusb_device_handle *h = usb.open(0x0bda, 0x9210);
    ASSERT_NE(h, nullptr);
    ASSERT_EQ(libusb_detach_kernel_driver(h, 0), 0);
    ASSERT_EQ(libusb_claim_interface(h, 0), 0);
    EXPECT_FALSE(device->sendIn(0x81, {'e', 'a', 'r', 'l', 'y'}));  // nobody waits yet
    std::thread answer([&] {
        EXPECT_TRUE(echo->inWaiting.waitFor(std::chrono::seconds(5))) << "the transfer never reached the device";
        EXPECT_TRUE(device->sendIn(0x81, {'l', 'a', 't', 'e'}));
    });
    unsigned char back[16] = {};
    int moved = 0;
    EXPECT_EQ(libusb_bulk_transfer(h, 0x81, back, sizeof back, &moved, 5000), 0);
    answer.join();
    ASSERT_EQ(moved, 4);
    EXPECT_EQ(std::memcmp(back, "late", 4), 0);
    EXPECT_EQ(device->counters().discarded.load(), 0);
    libusb_release_interface(h, 0);
    libusb_close(h);
    bed.unplug(device);
    EXPECT_FALSE(device->sendIn(0x81, {'g', 'o', 'n', 'e'}));
}
