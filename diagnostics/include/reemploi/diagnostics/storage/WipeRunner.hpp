// The one wipe runner: it owns the timing, the progress reports, the verification, the error
// list and the outcome of a wipe, whatever the method. The caller stores the outcome (see
// WipeRecords.hpp) and issues the certificate (Certificate.hpp).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <reemploi/common/Time.hpp>
#include <reemploi/diagnostics/storage/BlockTarget.hpp>
#include <reemploi/diagnostics/storage/WipeMethods.hpp>

namespace reemploi::diagnostics::storage {

enum class WipeOutcome { Passed, Failed, Interrupted };
std::string_view toString(WipeOutcome);

struct WipeError {
    std::uint64_t lba = 0;
    std::string message;
};

struct WipeProgress {
    std::string phase;  // "write" or "verify"
    int pass = 1;       // 1-based, of `passes`
    int passes = 1;
    std::uint64_t bytesDone = 0;
    std::uint64_t bytesTotal = 0;
    double percent = 0;      // of this phase
    double mbPerSecond = 0;  // 10^6 bytes per second since the phase began
    std::optional<double> etaSeconds;
};

struct WipeOptions {
    Verification verification = Verification::Sample;
    // One write; a multiple of the physical sector size. 1 MiB: what the block layer sends a disk
    // in one request anyway (max_sectors_kb), and small enough that a generated chunk is still
    // in the CPU cache when the kernel copies it (bench/wipe: 4 MiB made random 2x slower).
    std::size_t chunkBytes = 1u << 20;
    std::size_t buffers = 6;            // generated chunks queued ahead of the writer thread
    // Writes in flight at once (threads issuing them, in offset order): more than one keeps a
    // device with command queueing busy while the previous write completes.
    std::size_t writers = 2;
    // Threads generating a random pattern (the calling one included); 0: one per core, up to 2.
    std::size_t generators = 0;
    std::size_t maxErrors = 256;        // beyond this the drive is hopeless: stop, record failed
    // Cancelled (by a signal handler, a cancel button) to stop between two writes.
    const CancelToken *cancel = nullptr;
    std::function<void(const WipeProgress &)> onProgress;
    std::chrono::milliseconds progressInterval{250};
    // Called every `checkpointInterval` while writing, with the last LBA written so far, so the
    // caller can keep the stored record's lastLba current in case the process is killed.
    std::function<void(std::uint64_t lastLba, std::uint64_t bytesWritten)> onCheckpoint;
    std::chrono::milliseconds checkpointInterval{5000};
    std::optional<std::uint64_t> sampleSeed;  // fixed positions for tests; random otherwise
};

struct WipeReport {
    TargetInfo target;
    std::string method;
    NistLevel level = NistLevel::Clear;
    WipeOutcome outcome = WipeOutcome::Failed;
    Verification verification = Verification::None;
    std::string verificationResult = "not run";  // "passed", "failed", "not run"
    std::string startedAt;                      // UTC ISO 8601
    std::string endedAt;
    double durationSeconds = 0;
    double writeSeconds = 0;
    double verifySeconds = 0;
    std::uint64_t bytesWritten = 0;
    std::uint64_t bytesVerified = 0;
    std::uint64_t sampleSeed = 0;
    std::size_t sampleSubsections = 0;
    std::optional<std::uint64_t> lastLba;  // the last LBA written in sequence
    std::vector<WipeError> errors;
    // Host Protected Area: "none", "restored N sectors", or "not checked: why" (no ATA access).
    std::string hiddenArea = "not checked";
    std::string failure;  // why it did not pass, one line
    bool recommendDestroy = false;

    double writeMBps() const { return writeSeconds > 0 ? bytesWritten / writeSeconds / 1e6 : 0; }
};

// A region of the media, in logical sectors.
struct LbaExtent {
    std::uint64_t lba = 0;
    std::uint64_t count = 0;
};

// NIST SP 800-88 Rev. 1 sampling: at least 1,000 pseudorandom subsections covering at least 10%
// of the media, the first and the last LBA always included. Sorted, disjoint. Media too small
// for that are covered whole.
std::vector<LbaExtent> samplePlan(std::uint64_t sectors, std::uint64_t seed);

// Whether `method` can run on `target` at all (an overwrite always can; SANITIZE and SECURITY
// ERASE need a drive reached through ATA pass-through). Unsupported names why.
Status checkWipeSupported(const BlockTarget &target, const WipeMethod &method);

// Runs the method on the target, then the verification. Never throws for device trouble: the
// report carries the outcome; only `Passed` means every LBA was written and verified.
WipeReport runWipe(BlockTarget &target, const WipeMethod &method, const WipeOptions &options);

}  // namespace reemploi::diagnostics::storage
