// The wipe runner. Writing: the calling thread generates the pattern into a ring of aligned
// buffers while a writer thread issues large O_DIRECT writes, so pattern generation overlaps
// the I/O. Then the flush, then the verification read-back. An interrupt, a vanished device or
// a write error ends in `interrupted` or `failed`, with the last LBA written: never `passed`.
#include <reemploi/diagnostics/storage/WipeRunner.hpp>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include <openssl/rand.h>

#include <reemploi/diagnostics/storage/PatternStream.hpp>

namespace reemploi::diagnostics::storage {

using Clock = std::chrono::steady_clock;

std::string_view toString(WipeOutcome o) {
    switch (o) {
    case WipeOutcome::Passed: return "passed";
    case WipeOutcome::Failed: return "failed";
    case WipeOutcome::Interrupted: return "interrupted";
    }
    return "failed";
}

namespace {

std::uint64_t splitmix64(std::uint64_t &state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

bool isFatal(const Error &e) {
    return e.message.find("disconnected") != std::string::npos ||
           e.message.find("short write") != std::string::npos ||
           e.message.find("short read") != std::string::npos;
}

// Progress of one phase: rate and ETA from the phase's start.
class PhaseMeter {
public:
    PhaseMeter(const WipeOptions &options, std::string phase, int pass, int passes, std::uint64_t total)
        : _options(options), _start(Clock::now()), _last(_start) {
        _p.phase = std::move(phase);
        _p.pass = pass;
        _p.passes = passes;
        _p.bytesTotal = total;
    }
    void report(std::uint64_t done, bool force = false) {
        if (!_options.onProgress) return;
        auto now = Clock::now();
        if (!force && now - _last < _options.progressInterval) return;
        _last = now;
        double secs = std::chrono::duration<double>(now - _start).count();
        _p.bytesDone = done;
        _p.percent = _p.bytesTotal ? 100.0 * static_cast<double>(done) / static_cast<double>(_p.bytesTotal) : 100.0;
        _p.mbPerSecond = secs > 0 ? static_cast<double>(done) / secs / 1e6 : 0;
        if (done > 0 && secs > 0)
            _p.etaSeconds = static_cast<double>(_p.bytesTotal - std::min(done, _p.bytesTotal)) / (done / secs);
        else
            _p.etaSeconds.reset();
        _options.onProgress(_p);
    }

private:
    const WipeOptions &_options;
    Clock::time_point _start, _last;
    WipeProgress _p;
};

struct Chunk {
    std::size_t buffer = 0;
    std::uint64_t offset = 0;
    std::size_t length = 0;
};

// One overwrite pass: generators (this thread, plus helpers for a random pattern) fill a ring of
// buffers with chunks claimed in order; one writer thread writes them strictly by offset, so the
// position reached is always a prefix of the media.
class OverwritePass {
public:
    OverwritePass(BlockTarget &target, const WipeOptions &options, std::vector<AlignedBuffer> &buffers,
                  std::vector<WipeError> &errors)
        : _target(target), _options(options), _buffers(buffers), _errors(errors) {}

    struct Outcome {
        std::uint64_t position = 0;  // bytes written in sequence from the start
        std::uint64_t bytesWritten = 0;
        bool interrupted = false;
        std::string fatal;
    };

    Outcome run(PatternStream &stream, int pass, int passes) {
        _total = _target.info().sizeBytes;
        // A constant pattern is written from one buffer, filled once: like dd, every write reads
        // the same cache-hot memory. A random one cycles through the ring.
        _shared = stream.isConstant();
        if (_shared) {
            stream.fill(0, _buffers[0].span(_buffers[0].size()));
        } else {
            for (std::size_t i = 0; i < _buffers.size(); ++i) _free.push_back(i);
        }
        PhaseMeter meter(_options, "write", pass, passes, _total);
        _lastCheckpoint = Clock::now();

        // Constant patterns cost nothing to produce; a random one gets a second generator when
        // the machine has a spare core, so AES never holds the writer back.
        std::size_t generators = stream.isConstant() ? 1 : std::clamp<std::size_t>(_options.generators, 1, 8);
        _producersLeft = generators;
        const std::size_t writerCount = std::clamp<std::size_t>(_options.writers, 1, _target.maxConcurrentIo());
        std::vector<std::thread> writers;
        for (std::size_t w = 0; w < writerCount; ++w) writers.emplace_back([this] { writeLoop(); });
        std::vector<std::thread> helpers;
        std::vector<PatternStream> helperStreams;
        helperStreams.reserve(generators);
        for (std::size_t g = 1; g < generators; ++g) helperStreams.push_back(stream.clone());
        for (std::size_t g = 1; g < generators; ++g)
            helpers.emplace_back([this, &helperStreams, g] { produce(helperStreams[g - 1], nullptr); });
        produce(stream, &meter);
        for (auto &h : helpers) h.join();
        for (auto &w : writers) w.join();

        Outcome out;
        out.position = _position.load();
        out.bytesWritten = _bytesWritten.load();
        out.fatal = _fatal;
        out.interrupted = _interrupted;
        if (out.fatal.empty() && !out.interrupted) meter.report(out.position, true);
        return out;
    }

private:
    // Claims the next chunk and a free buffer, fills it, hands it to the writer; the generator
    // with a meter also reports progress and checkpoints while it waits.
    void produce(PatternStream &stream, PhaseMeter *meter) {
        const std::uint32_t ss = _target.info().logicalSectorSize;
        for (;;) {
            std::unique_lock lock(_m);
            for (;;) {
                if (!_fatal.empty() || _stop || _next >= _total) break;
                if (_options.cancel && _options.cancel->cancelled()) {
                    _stop = _interrupted = true;
                    break;
                }
                if (_shared ? _ready.size() < _buffers.size() : !_free.empty()) break;
                _cv.wait_for(lock, _options.progressInterval);
                if (meter) {
                    lock.unlock();
                    meter->report(_position.load());
                    checkpoint(ss);
                    lock.lock();
                }
            }
            if (!_fatal.empty() || _stop || _next >= _total) break;
            std::size_t b = 0;
            if (!_shared) {
                b = _free.front();
                _free.pop_front();
            }
            std::uint64_t offset = _next;
            std::size_t len = static_cast<std::size_t>(std::min<std::uint64_t>(_options.chunkBytes, _total - offset));
            _next += len;
            lock.unlock();

            if (!_shared) stream.fill(offset, _buffers[b].span((len + 15) / 16 * 16));
            lock.lock();
            _ready.emplace(offset, Chunk{b, offset, len});
            lock.unlock();
            _cv.notify_all();
            if (meter) {
                meter->report(_position.load());
                checkpoint(ss);
            }
        }
        {
            std::lock_guard lock(_m);
            --_producersLeft;
        }
        _cv.notify_all();
    }

    void checkpoint(std::uint32_t ss) {
        if (!_options.onCheckpoint || Clock::now() - _lastCheckpoint < _options.checkpointInterval) return;
        _lastCheckpoint = Clock::now();
        std::uint64_t pos = _position.load();
        if (pos >= ss) _options.onCheckpoint(pos / ss - 1, pos);
    }

    // Writers take chunks strictly in offset order, so that with several of them the writes in
    // flight are always the next ones; completion is tracked so that the position reached is the
    // prefix of the media written without a gap.
    void writeLoop() {
        for (;;) {
            std::unique_lock lock(_m);
            _cv.wait(lock, [&] { return _ready.count(_nextWrite) || _producersLeft == 0; });
            auto it = _ready.find(_nextWrite);
            if (it == _ready.end()) {
                if (_producersLeft == 0) {
                    // Nothing more in sequence: give back what was generated past a stop.
                    if (!_shared)
                        for (auto &[off, c] : _ready) _free.push_back(c.buffer);
                    _ready.clear();
                    _cv.notify_all();
                    return;
                }
                continue;
            }
            Chunk c = it->second;
            _ready.erase(it);
            _nextWrite = c.offset + c.length;
            bool skip = !_fatal.empty();
            lock.unlock();

            std::uint64_t reached = skip ? c.offset : writeChunk(c);

            lock.lock();
            _completed[c.offset] = reached;
            while (true) {
                auto done = _completed.find(_contiguous);
                if (done == _completed.end() || done->second == done->first) break;
                _contiguous = done->second;
                _completed.erase(done);
            }
            _position.store(_contiguous);
            if (!_shared) _free.push_back(c.buffer);
            lock.unlock();
            _cv.notify_all();
        }
    }

    void setFatal(std::string message) {
        std::lock_guard lock(_m);
        if (_fatal.empty()) _fatal = std::move(message);
    }

    // Writes one chunk; returns the offset reached (its end, or where the target ended).
    std::uint64_t writeChunk(const Chunk &c) {
        const auto &info = _target.info();
        auto data = _buffers[c.buffer].span(c.length);
        auto st = _target.write(c.offset, data);
        if (st) {
            _bytesWritten += c.length;
            return c.offset + c.length;
        }
        const std::size_t piece = std::max<std::size_t>(64 * 1024, info.physicalSectorSize);
        if (st.error().message.find("short write") != std::string::npos) {
            // The target ends inside this chunk: find where, so the record names the real end.
            for (std::size_t at = 0; at < c.length; at += piece) {
                std::size_t n = std::min(piece, c.length - at);
                auto pst = _target.write(c.offset + at, data.subspan(at, n));
                if (!pst) {
                    setFatal(pst.error().message);
                    return c.offset + at;
                }
                _bytesWritten += n;
            }
            return c.offset + c.length;  // it all fitted on a second try: the first failure was transient
        }
        if (isFatal(st.error())) {
            setFatal(st.error().message);
            return c.offset;
        }
        // A media error somewhere in the chunk: rewrite it in small pieces to list the bad LBAs
        // and keep going past them (the verification and the record will show them).
        for (std::size_t at = 0; at < c.length; at += piece) {
            std::size_t n = std::min(piece, c.length - at);
            auto pst = _target.write(c.offset + at, data.subspan(at, n));
            if (pst) {
                _bytesWritten += n;
                continue;
            }
            if (isFatal(pst.error())) {
                setFatal(pst.error().message);
                return c.offset + at;
            }
            std::lock_guard lock(_m);
            _errors.push_back({(c.offset + at) / info.logicalSectorSize, pst.error().message});
            if (_errors.size() >= _options.maxErrors && _fatal.empty())
                _fatal = "too many write errors (" + std::to_string(_errors.size()) + "): stopped";
        }
        return c.offset + c.length;
    }

    BlockTarget &_target;
    const WipeOptions &_options;
    std::vector<AlignedBuffer> &_buffers;
    std::vector<WipeError> &_errors;
    std::uint64_t _total = 0;
    bool _shared = false;  // one buffer for every write (constant pattern)
    Clock::time_point _lastCheckpoint;

    std::mutex _m;
    std::condition_variable _cv;
    std::deque<std::size_t> _free;
    std::map<std::uint64_t, Chunk> _ready;  // by offset
    std::uint64_t _next = 0;                // the next offset to claim
    std::size_t _producersLeft = 0;
    bool _stop = false;
    bool _interrupted = false;
    std::string _fatal;
    std::atomic<std::uint64_t> _position{0};
    std::atomic<std::uint64_t> _bytesWritten{0};
    std::uint64_t _nextWrite = 0;                     // the next offset a writer takes
    std::uint64_t _contiguous = 0;                    // everything before it is written
    std::map<std::uint64_t, std::uint64_t> _completed;  // chunk offset -> offset reached
};

// Reads extents back and compares them with the pattern. Returns false when it had to stop.
struct VerifyOutcome {
    std::uint64_t bytesVerified = 0;
    std::uint64_t mismatchedSectors = 0;
    std::uint64_t readErrors = 0;
    bool interrupted = false;
    std::string fatal;
};

VerifyOutcome verify(BlockTarget &target, PatternStream &stream, const std::vector<LbaExtent> &extents,
                     const WipeOptions &options, std::vector<AlignedBuffer> &buffers, std::vector<WipeError> &errors) {
    const auto &info = target.info();
    const std::uint32_t ss = info.logicalSectorSize;
    std::uint64_t total = 0;
    for (const auto &e : extents) total += std::min(e.count * ss, info.sizeBytes - std::min(info.sizeBytes, e.lba * ss));
    PhaseMeter meter(options, "verify", 1, 1, total);
    VerifyOutcome out;
    auto &readBuf = buffers[0];
    auto &expected = buffers[1];
    bool expectedIsConstant = false;

    for (const auto &e : extents) {
        std::uint64_t begin = e.lba * ss;
        std::uint64_t end = std::min((e.lba + e.count) * ss, info.sizeBytes);
        for (std::uint64_t at = begin; at < end;) {
            if (options.cancel && options.cancel->cancelled()) {
                out.interrupted = true;
                return out;
            }
            std::size_t len = static_cast<std::size_t>(std::min<std::uint64_t>(readBuf.size(), end - at));
            auto st = target.read(at, readBuf.span(len));
            if (!st) {
                if (isFatal(st.error())) {
                    out.fatal = "verification: " + st.error().message;
                    return out;
                }
                ++out.readErrors;
                errors.push_back({at / ss, "verification: " + st.error().message});
                if (errors.size() >= options.maxErrors) {
                    out.fatal = "verification: too many errors (" + std::to_string(errors.size()) + ")";
                    return out;
                }
                at += len;
                continue;
            }
            if (!stream.isConstant() || !expectedIsConstant) {
                stream.fill(at, expected.span(stream.isConstant() ? expected.size() : (len + 15) / 16 * 16));
                expectedIsConstant = stream.isConstant();
            }
            if (std::memcmp(readBuf.data(), expected.data(), len) != 0) {
                std::uint64_t bad = 0, firstBad = 0;
                for (std::size_t s = 0; s < len; s += ss) {
                    std::size_t n = std::min<std::size_t>(ss, len - s);
                    if (std::memcmp(readBuf.data() + s, expected.data() + s, n) != 0) {
                        if (bad++ == 0) firstBad = (at + s) / ss;
                    }
                }
                out.mismatchedSectors += bad;
                errors.push_back({firstBad, "verification: " + std::to_string(bad) +
                                                " sector(s) from here differ from the pattern written"});
                if (errors.size() >= options.maxErrors) {
                    out.fatal = "verification: too many errors (" + std::to_string(errors.size()) + ")";
                    return out;
                }
            }
            at += len;
            out.bytesVerified += len;
            meter.report(out.bytesVerified);
        }
    }
    meter.report(out.bytesVerified, true);
    return out;
}

}  // namespace

std::vector<LbaExtent> samplePlan(std::uint64_t sectors, std::uint64_t seed) {
    constexpr std::uint64_t kSubsections = 1000;
    if (sectors == 0) return {};
    // Below 10 sectors per stratum a sample would be the whole media anyway.
    if (sectors < kSubsections * 10) return {{0, sectors}};
    std::vector<LbaExtent> plan;
    plan.reserve(kSubsections);
    std::uint64_t state = seed;
    for (std::uint64_t i = 0; i < kSubsections; ++i) {
        // Stratified: one subsection of at least a tenth of each thousandth of the media, so the
        // sample covers >= 10% and reaches every region.
        std::uint64_t begin = sectors * i / kSubsections;
        std::uint64_t end = sectors * (i + 1) / kSubsections;
        std::uint64_t len = (end - begin + 9) / 10;
        std::uint64_t start;
        if (i == 0) start = 0;
        else if (i == kSubsections - 1) start = end - len;
        else start = begin + splitmix64(state) % (end - begin - len + 1);
        plan.push_back({start, len});
    }
    return plan;
}

namespace {

// The drive command a firmware method uses on this target: SANITIZE BLOCK ERASE when the drive
// has it, else CRYPTO SCRAMBLE; SECURITY ERASE UNIT for purge-secure-erase; the NVMe commands for
// the NVMe methods (Sanitize: block erase, else crypto erase).
Result<BlockTarget::FirmwareErase> firmwareEraseFor(const BlockTarget &target, const WipeMethod &method) {
    using FE = BlockTarget::FirmwareErase;
    if (method.kind == WipeKind::AtaSecureErase) {
        REEMPLOI_TRY(target.checkFirmwareErase(FE::SecurityErase));
        return FE::SecurityErase;
    }
    if (method.kind == WipeKind::NvmeFormatCrypto || method.kind == WipeKind::NvmeFormatUserData) {
        FE kind = method.kind == WipeKind::NvmeFormatCrypto ? FE::NvmeFormatCrypto : FE::NvmeFormatUserData;
        REEMPLOI_TRY(target.checkFirmwareErase(kind));
        return kind;
    }
    if (method.kind == WipeKind::NvmeSanitize) {
        auto block = target.checkFirmwareErase(FE::NvmeSanitizeBlockErase);
        if (block) return FE::NvmeSanitizeBlockErase;
        if (target.checkFirmwareErase(FE::NvmeSanitizeCryptoErase)) return FE::NvmeSanitizeCryptoErase;
        return block.error();
    }
    auto block = target.checkFirmwareErase(FE::SanitizeBlockErase);
    if (block) return FE::SanitizeBlockErase;
    if (target.checkFirmwareErase(FE::SanitizeCryptoScramble)) return FE::SanitizeCryptoScramble;
    return block.error();
}

bool uniform(const std::byte *p, std::size_t n) {
    for (std::size_t i = 1; i < n; ++i)
        if (p[i] != p[0]) return false;
    return true;
}

}  // namespace

Status checkWipeSupported(const BlockTarget &target, const WipeMethod &method) {
    if (method.kind == WipeKind::Overwrite) return {};
    auto kind = firmwareEraseFor(target, method);
    if (!kind) return kind.error().withContext(std::string(method.id));
    return {};
}

// A firmware erase: reference sectors are read first (the first sector of every sample
// subsection, and the last LBA); the drive erases itself; verification then reads the sample
// (or everything) back and checks that no reference sector still holds what it held before.
// Sectors that were blank (one repeated byte) prove nothing and are not used as references.
static void runFirmwareWipe(BlockTarget &target, const WipeMethod &method, const WipeOptions &opts, WipeReport &r,
                            std::vector<AlignedBuffer> &buffers) {
    const auto &info = target.info();
    const std::uint32_t ss = info.logicalSectorSize;
    const std::uint64_t sectors = info.sizeBytes / ss;
    auto kind = firmwareEraseFor(target, method);
    if (!kind) {
        r.outcome = WipeOutcome::Failed;
        r.failure = kind.error().message;
        return;
    }
    r.sampleSeed = opts.sampleSeed.value_or(0);
    if (!opts.sampleSeed) RAND_bytes(reinterpret_cast<unsigned char *>(&r.sampleSeed), sizeof r.sampleSeed);
    auto plan = samplePlan(sectors, r.sampleSeed);
    std::vector<std::uint64_t> refLbas;
    for (const auto &e : plan) refLbas.push_back(e.lba);
    if (sectors > 0 && (refLbas.empty() || refLbas.back() != sectors - 1)) refLbas.push_back(sectors - 1);
    std::vector<std::pair<std::uint64_t, std::vector<std::byte>>> refs;
    AlignedBuffer one(ss, target.alignment());
    for (auto lba : refLbas) {
        if (!target.read(lba * ss, one.span(ss))) continue;
        if (uniform(one.data(), ss)) continue;
        refs.emplace_back(lba, std::vector<std::byte>(one.data(), one.data() + ss));
    }

    PhaseMeter meter(opts, "erase", 1, 1, info.sizeBytes);
    auto t0 = Clock::now();
    auto st = target.firmwareErase(*kind, [&](double f) { meter.report(static_cast<std::uint64_t>(f * info.sizeBytes)); },
                                   opts.cancel);
    r.writeSeconds = std::chrono::duration<double>(Clock::now() - t0).count();
    if (!st) {
        r.outcome = st.error().message.find("interrupted") != std::string::npos ? WipeOutcome::Interrupted
                                                                                 : WipeOutcome::Failed;
        r.failure = st.error().message;
        return;
    }
    meter.report(info.sizeBytes, true);
    if (sectors > 0) r.lastLba = sectors - 1;  // the drive covers its whole LBA range itself
    if (auto f = target.flush(); !f) {
        r.outcome = WipeOutcome::Failed;
        r.failure = f.error().message;
        return;
    }
    if (opts.verification == Verification::None) {
        r.outcome = WipeOutcome::Passed;
        return;
    }

    std::vector<LbaExtent> extents = opts.verification == Verification::Full ? std::vector<LbaExtent>{{0, sectors}} : plan;
    if (opts.verification == Verification::Sample) r.sampleSubsections = plan.size();
    PhaseMeter vmeter(opts, "verify", 1, 1, info.sizeBytes);
    auto v0 = Clock::now();
    std::size_t stale = 0, unreadable = 0;
    auto &buf = buffers[0];
    for (const auto &e : extents) {
        for (std::uint64_t at = e.lba * ss, end = std::min((e.lba + e.count) * ss, info.sizeBytes); at < end;) {
            if (opts.cancel && opts.cancel->cancelled()) {
                r.outcome = WipeOutcome::Interrupted;
                r.failure = "interrupted during verification";
                return;
            }
            std::size_t len = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), end - at));
            if (auto rd = target.read(at, buf.span(len)); !rd) {
                ++unreadable;
                r.errors.push_back({at / ss, "verification: " + rd.error().message});
                if (rd.error().message.find("disconnected") != std::string::npos) break;
            } else {
                r.bytesVerified += len;
            }
            at += len;
            vmeter.report(r.bytesVerified);
        }
    }
    for (const auto &[lba, before] : refs) {
        if (!target.read(lba * ss, one.span(ss))) continue;
        if (std::memcmp(one.data(), before.data(), ss) == 0) {
            ++stale;
            r.errors.push_back({lba, "verification: the sector still holds its content from before the erase"});
        }
    }
    r.verifySeconds = std::chrono::duration<double>(Clock::now() - v0).count();
    if (stale || unreadable) {
        r.verificationResult = "failed";
        r.outcome = WipeOutcome::Failed;
        r.failure = "verification failed: " + std::to_string(stale) + " sector(s) kept their old content, " +
                    std::to_string(unreadable) + " unreadable region(s)";
        return;
    }
    r.verificationResult = "passed";
    r.outcome = WipeOutcome::Passed;
}

WipeReport runWipe(BlockTarget &target, const WipeMethod &method, const WipeOptions &options) {
    const auto &info = target.info();
    WipeReport r;
    r.target = info;
    r.method = std::string(method.id);
    r.level = method.levelFor(info.isFlash());
    r.verification = options.verification;
    auto wallStart = std::chrono::system_clock::now();
    auto start = Clock::now();
    r.startedAt = utcTimestamp(wallStart);
    auto finish = [&](WipeOutcome outcome, std::string failure) {
        r.outcome = outcome;
        r.failure = std::move(failure);
        r.durationSeconds = std::chrono::duration<double>(Clock::now() - start).count();
        r.endedAt = utcTimestamp(std::chrono::system_clock::now());
        r.recommendDestroy = !r.errors.empty();
        return r;
    };

    if (auto st = checkWipeSupported(target, method); !st) return finish(WipeOutcome::Failed, st.error().message);
    // A hidden area would keep the donor's data out of reach: restore it first, or do not pass.
    if (auto hidden = target.hiddenSectors(); !hidden) {
        r.hiddenArea = "not checked: " + hidden.error().message;
    } else if (*hidden == 0) {
        r.hiddenArea = "none";
    } else if (auto st = target.restoreHiddenArea(); !st) {
        r.hiddenArea = "present: " + std::to_string(*hidden) + " sectors";
        return finish(WipeOutcome::Failed, "a hidden area (HPA) of " + std::to_string(*hidden) +
                                               " sectors could not be restored: " + st.error().message);
    } else {
        r.hiddenArea = "restored " + std::to_string(*hidden) + " sectors";
        r.target = target.info();
    }
    if (info.sizeBytes == 0) return finish(WipeOutcome::Failed, "the target reports a capacity of 0 bytes");

    const std::size_t align = target.alignment();
    std::size_t chunk = std::max<std::size_t>(options.chunkBytes / align * align, align);
    std::vector<AlignedBuffer> buffers;
    for (std::size_t i = 0; i < std::max<std::size_t>(options.buffers, 2); ++i) buffers.emplace_back(chunk, align);
    WipeOptions opts = options;
    opts.chunkBytes = chunk;
    if (opts.generators == 0)
        opts.generators = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 2);

    if (method.kind != WipeKind::Overwrite) {
        runFirmwareWipe(target, method, opts, r, buffers);
        auto outcome = r.outcome;
        auto failure = r.failure;
        return finish(outcome, failure);
    }

    const std::uint32_t ss = info.logicalSectorSize;
    const int passes = static_cast<int>(method.passes.size());
    std::unique_ptr<PatternStream> stream;
    for (int pass = 1; pass <= passes; ++pass) {
        stream = std::make_unique<PatternStream>(method.passes[pass - 1]);
        OverwritePass writer(target, opts, buffers, r.errors);
        auto t0 = Clock::now();
        auto out = writer.run(*stream, pass, passes);
        r.writeSeconds += std::chrono::duration<double>(Clock::now() - t0).count();
        r.bytesWritten += out.bytesWritten;
        if (out.position >= ss) r.lastLba = out.position / ss - 1;
        if (out.interrupted)
            return finish(WipeOutcome::Interrupted,
                          "interrupted during pass " + std::to_string(pass) + " at byte " + std::to_string(out.position));
        if (!out.fatal.empty()) return finish(WipeOutcome::Failed, out.fatal);
    }
    if (auto st = target.flush(); !st) return finish(WipeOutcome::Failed, st.error().message);
    if (!r.errors.empty())
        return finish(WipeOutcome::Failed, std::to_string(r.errors.size()) + " write error(s): the drive cannot be "
                                                                            "fully overwritten");

    if (opts.verification != Verification::None && stream) {
        std::uint64_t sectors = (info.sizeBytes + ss - 1) / ss;
        std::vector<LbaExtent> extents;
        if (opts.verification == Verification::Full) {
            extents.push_back({0, sectors});
        } else {
            r.sampleSeed = opts.sampleSeed.value_or(0);
            if (!opts.sampleSeed && RAND_bytes(reinterpret_cast<unsigned char *>(&r.sampleSeed), sizeof r.sampleSeed) != 1)
                return finish(WipeOutcome::Failed, "the system random generator failed");
            extents = samplePlan(sectors, r.sampleSeed);
            r.sampleSubsections = extents.size();
        }
        auto t0 = Clock::now();
        auto v = verify(target, *stream, extents, opts, buffers, r.errors);
        r.verifySeconds = std::chrono::duration<double>(Clock::now() - t0).count();
        r.bytesVerified = v.bytesVerified;
        if (v.interrupted) {
            r.verificationResult = "not run";
            return finish(WipeOutcome::Interrupted, "interrupted during verification");
        }
        if (!v.fatal.empty()) {
            r.verificationResult = "failed";
            return finish(WipeOutcome::Failed, v.fatal);
        }
        if (v.mismatchedSectors > 0 || v.readErrors > 0) {
            r.verificationResult = "failed";
            return finish(WipeOutcome::Failed, "verification failed: " + std::to_string(v.mismatchedSectors) +
                                                   " sector(s) differ, " + std::to_string(v.readErrors) +
                                                   " unreadable region(s)");
        }
        r.verificationResult = "passed";
    }
    return finish(WipeOutcome::Passed, "");
}

}  // namespace reemploi::diagnostics::storage
