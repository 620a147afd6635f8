// A disk inside the computer, as the kernel shows it (/dev/sdX, /dev/nvmeXnY), with its drive's
// own commands next to the block I/O: a SATA disk's ATA commands through SG_IO (SANITIZE,
// SECURITY ERASE UNIT, SMART, HPA), an NVMe namespace's admin commands through its controller
// (Sanitize, Format NVM, the SMART / Health log). The wipe runner uses them as it uses a USB
// bridge's: BlockTarget::firmwareErase, smart(), hiddenSectors().
#pragma once

#include <memory>
#include <string>

#include <reemploi/diagnostics/storage/BlockTarget.hpp>
#include <reemploi/diagnostics/storage/Nvme.hpp>
#include <reemploi/diagnostics/storage/SgIoTransport.hpp>

namespace reemploi::diagnostics::storage {

// `kernel` (a block device opened by openTarget) with the commands of its transport: "sata"
// through SG_IO on the same path, "nvme" through the controller /dev/nvmeN. Other transports,
// and drives whose commands cannot be reached, are returned as they were (their firmware erase
// then says why not).
std::unique_ptr<BlockTarget> withDriveCommands(std::unique_ptr<BlockTarget> kernel);

// The same over given devices (tests: a fake SG_IO device, a recorded NVMe drive).
std::unique_ptr<BlockTarget> withAtaCommands(std::unique_ptr<BlockTarget> kernel, std::unique_ptr<SgIoDevice> sg);
std::unique_ptr<BlockTarget> withNvmeCommands(std::unique_ptr<BlockTarget> kernel,
                                              std::unique_ptr<NvmeAdminDevice> controller, std::uint32_t nsid);

}  // namespace reemploi::diagnostics::storage
