// A USB mass-storage device driven by us over libusb (no kernel driver in the way): the bench
// finds it by port path ("usb:1-1.4"), the device table gives its quirks (sat12-only,
// no-ata-passthrough), the configuration descriptor gives the Bulk-Only interface and its
// endpoints, and a ScsiBlockTarget runs on top. The kernel driver (usb-storage) is detached
// while we hold the device and re-attached when the target is closed.
#pragma once

#include <reemploi/diagnostics/UsbDescriptors.hpp>

#include <memory>
#include <string>

#include <reemploi/diagnostics/UsbTransport.hpp>
#include <reemploi/diagnostics/storage/BlockTarget.hpp>
#include <reemploi/diagnostics/storage/ScsiBlockTarget.hpp>

namespace reemploi::diagnostics::storage {

using BulkOnlyInterface = BulkInterface;

// Reads the active configuration descriptor (GET_DESCRIPTOR) and finds the first interface of
// class 08 (mass storage), protocol 50 (Bulk-Only) with a bulk-in and a bulk-out endpoint.
Result<BulkOnlyInterface> findBulkOnlyInterface(UsbTransport &usb);
// Same, from raw configuration descriptor bytes; errors name the byte offset that is wrong.
Result<BulkOnlyInterface> parseBulkOnlyInterface(std::span<const std::uint8_t> configuration);

// "usb:1-1.4" → the device at that port path; Refused when its handler is not mass storage.
bool isUsbTargetSpec(const std::string &spec);
Result<std::unique_ptr<BlockTarget>> openUsbTarget(const std::string &spec, const UsbBusOptions &bus = {});

// For callers that have a transport already (tests, the bench's own open): claims the interface
// and brings the SCSI target up. The transport must outlive the target.
Result<std::unique_ptr<BlockTarget>> openUsbTarget(UsbTransport &usb, const std::string &name, bool ataPassThrough,
                                                   bool sat12Only);

}  // namespace reemploi::diagnostics::storage
