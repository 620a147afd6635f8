// What a storage target says about itself, and the surface read test: every LBA read once,
// throughput measured, unreadable LBAs listed.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include <reemploi/diagnostics/storage/BlockTarget.hpp>
#include <reemploi/diagnostics/storage/WipeRunner.hpp>

namespace reemploi::diagnostics::storage {

struct SurfaceOptions {
    std::size_t chunkBytes = 4u << 20;
    std::size_t maxListed = 1000;  // unreadable LBAs listed beyond this are only counted
    const CancelToken *cancel = nullptr;  // stops between two reads
    std::function<void(const WipeProgress &)> onProgress;
    std::chrono::milliseconds progressInterval{250};
};

struct SurfaceScan {
    std::uint64_t bytesRead = 0;
    double seconds = 0;
    double mbPerSecond = 0;
    std::uint64_t unreadableCount = 0;
    std::vector<std::uint64_t> unreadableLbas;  // the first maxListed
    bool interrupted = false;
    std::string stoppedBy;  // a device that went away
};

// Reads the whole target; a failing chunk is re-read sector by sector to name the bad LBAs.
SurfaceScan surfaceScan(BlockTarget &target, const SurfaceOptions &options);

struct StorageReport {
    TargetInfo info;
    // SMART needs ATA pass-through (USB bridges that have it): unavailable, with why, elsewhere.
    SmartSummary smart;
    std::string hiddenArea = "not checked";  // "none", "N sectors hidden (HPA)", "not checked: why"
    std::optional<SurfaceScan> surface;
};

std::string toJson(const StorageReport &report);

}  // namespace reemploi::diagnostics::storage
