// SCSI block target: bring-up, identity, chunked READ/WRITE (10/16), sense → errors.
#include <reemploi/diagnostics/storage/ScsiBlockTarget.hpp>

#include <thread>

#include <reemploi/diagnostics/storage/BulkOnlyTransport.hpp>

namespace reemploi::diagnostics::storage {

namespace {

using namespace std::chrono_literals;

void putBe(std::uint8_t *p, std::uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i, v >>= 8) p[i] = static_cast<std::uint8_t>(v & 0xff);
}
std::uint64_t be(const std::uint8_t *p, int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
    return v;
}

Error commandError(const char *what, std::uint64_t offset, const SenseData &s, std::uint64_t size) {
    if (s.valid && s.key == sense::IllegalRequest && s.asc == 0x21)
        return makeError(Errc::Device, std::string("short ") + what + " at byte " + std::to_string(offset) +
                                           ": the target ends before its claimed size (" + std::to_string(size) +
                                           " bytes; " + s.describe() + ")");
    return makeError(Errc::Device, std::string(what) + " error at byte " + std::to_string(offset) + ": " + s.describe());
}

}  // namespace

Result<std::unique_ptr<ScsiBlockTarget>> ScsiBlockTarget::open(ScsiTransport &scsi, const ScsiTargetOptions &options) {
    std::unique_ptr<ScsiBlockTarget> t(new ScsiBlockTarget(scsi, options));
    // TEST UNIT READY: a fresh device reports UNIT ATTENTION (power on) once, a spinning-up
    // disk NOT READY (becoming ready) for a few seconds.
    std::array<std::uint8_t, 6> tur{};
    std::string notReady;
    for (int attempt = 0; attempt < 20; ++attempt) {
        auto st = scsi.execute(tur, DataDirection::None, {}, 5s);
        if (!st) return st.error().withContext("TEST UNIT READY");
        if (!st->checkCondition) {
            notReady.clear();
            break;
        }
        notReady = st->sense.describe();
        if (st->sense.key == sense::UnitAttention) continue;
        if (st->sense.key == sense::NotReady && st->sense.asc == 0x04 && st->sense.ascq == 0x01) {
            std::this_thread::sleep_for(250ms);
            continue;
        }
        return makeError(Errc::Device, "TEST UNIT READY: " + notReady);
    }
    if (!notReady.empty()) return makeError(Errc::Device, "TEST UNIT READY: still " + notReady);

    std::array<std::uint8_t, 36> inq{};
    std::array<std::uint8_t, 6> inqCdb = {0x12, 0, 0, 0, 36, 0};
    auto st = scsi.execute(inqCdb, DataDirection::In, inq, 5s);
    if (!st) return st.error().withContext("INQUIRY");
    if (st->checkCondition) return makeError(Errc::Device, "INQUIRY: " + st->sense.describe());
    auto parsed = parseInquiry({inq.data(), st->transferred});
    if (!parsed) return parsed.error().withContext("INQUIRY");
    t->_inquiry = *parsed;
    std::array<std::uint8_t, 255> vpd{};
    std::array<std::uint8_t, 6> vpdCdb = {0x12, 0x01, 0x80, 0, 255, 0};
    if (auto v = scsi.execute(vpdCdb, DataDirection::In, vpd, 5s); v && !v->checkCondition && v->transferred >= 4) {
        std::size_t n = std::min<std::size_t>(vpd[3], v->transferred - 4);
        std::string s(reinterpret_cast<const char *>(vpd.data() + 4), n);
        auto b = s.find_first_not_of(' ');
        if (b != std::string::npos) t->_inquiry.serial = s.substr(b, s.find_last_not_of(' ') - b + 1);
    }

    REEMPLOI_TRY(t->readCapacity());
    auto &info = t->_info;
    info.path = options.path;
    info.kind = "usb";
    info.transport = "usb";
    info.removable = t->_inquiry.removable;
    info.vendor = t->_inquiry.vendor;
    info.model = t->_inquiry.product;
    info.firmware = t->_inquiry.revision;
    info.serial = t->_inquiry.serial;

    if (options.ataPassThrough) {
        AtaPassThrough ata(scsi, options.sat12Only);
        auto id = ata.identify();
        if (id) {
            t->_identity = *id;
            info.vendor.clear();
            info.model = id->model;
            info.serial = id->serial;
            info.firmware = id->firmware;
            info.rotational = id->rotational;
            if (info.rotational && !*info.rotational) info.removable = false;
        } else {
            t->_ataWhy = id.error().message;
        }
    } else {
        t->_ataWhy = "the bridge does not pass ATA commands through (device table quirk)";
    }
    return t;
}

Status ScsiBlockTarget::readCapacity() {
    // READ CAPACITY (10); 0xFFFFFFFF means "too big, ask with (16)".
    std::array<std::uint8_t, 8> cap10{};
    std::array<std::uint8_t, 10> rc10 = {0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    auto st = _scsi.execute(rc10, DataDirection::In, cap10, 5s);
    if (!st) return st.error().withContext("READ CAPACITY (10)");
    if (st->checkCondition) return makeError(Errc::Device, "READ CAPACITY (10): " + st->sense.describe());
    if (st->transferred < 8) return makeError(Errc::Device, "READ CAPACITY (10): short answer");
    std::uint64_t lastLba = be(cap10.data(), 4);
    std::uint32_t blockLen = static_cast<std::uint32_t>(be(cap10.data() + 4, 4));
    std::uint32_t physical = blockLen;
    if (lastLba == 0xffffffff) {
        std::array<std::uint8_t, 32> cap16{};
        std::array<std::uint8_t, 16> rc16 = {0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0};
        st = _scsi.execute(rc16, DataDirection::In, cap16, 5s);
        if (!st) return st.error().withContext("READ CAPACITY (16)");
        if (st->checkCondition) return makeError(Errc::Device, "READ CAPACITY (16): " + st->sense.describe());
        if (st->transferred < 14) return makeError(Errc::Device, "READ CAPACITY (16): short answer");
        lastLba = be(cap16.data(), 8);
        blockLen = static_cast<std::uint32_t>(be(cap16.data() + 8, 4));
        physical = blockLen << (cap16[13] & 0x0f);
    }
    if (blockLen == 0 || blockLen % 512 != 0)
        return makeError(Errc::Device, "READ CAPACITY: block length " + std::to_string(blockLen) + " is not a multiple of 512");

    _info.sizeBytes = (lastLba + 1) * blockLen;
    _info.logicalSectorSize = blockLen;
    _info.physicalSectorSize = physical;
    return {};
}

Result<std::uint64_t> ScsiBlockTarget::hiddenSectors() {
    if (!_identity) return makeError(Errc::Unsupported, "hidden areas need ATA pass-through: " + _ataWhy);
    if (!_identity->hpaSupported && !_identity->dcoSupported) return std::uint64_t{0};  // nothing can hide sectors
    if (!_identity->lba48) return makeError(Errc::Unsupported, "the hidden-area check needs a 48-bit drive");
    AtaPassThrough ata(_scsi, _options.sat12Only);
    std::uint64_t user = _identity->sectors;
    std::uint64_t limit = user;
    if (_identity->hpaSupported) {
        auto native = ata.readNativeMaxAddress();
        if (!native) return native.error();
        limit = std::max(limit, *native + 1);
    }
    // A DCO can shrink the native maximum itself: the factory maximum is what the drive holds.
    if (_identity->dcoSupported) {
        if (auto dco = ata.dcoMaxLba()) limit = std::max(limit, *dco + 1);
    }
    return limit - user;
}

Status ScsiBlockTarget::restoreHiddenArea() {
    auto hidden = hiddenSectors();
    if (!hidden) return hidden.error();
    if (*hidden == 0) return {};
    AtaPassThrough ata(_scsi, _options.sat12Only);
    std::uint64_t target = _identity->sectors + *hidden;
    if (_identity->hpaSupported) {
        auto native = ata.readNativeMaxAddress();
        if (!native) return native.error();
        if (*native + 1 > _identity->sectors) REEMPLOI_TRY(ata.setMaxAddress(*native));
        if (*native + 1 < target) {
            // The rest is behind a DCO: the drive must give its factory configuration back.
            REEMPLOI_TRY(ata.dcoRestore());
            auto again = ata.readNativeMaxAddress();
            if (!again) return again.error();
            REEMPLOI_TRY(ata.setMaxAddress(*again));
        }
    } else {
        REEMPLOI_TRY(ata.dcoRestore());
    }
    auto id = ata.identify();
    if (!id) return id.error();
    _identity = *id;
    REEMPLOI_TRY(readCapacity());
    if (_info.sizeBytes / _info.logicalSectorSize != target)
        return makeError(Errc::Device, "the bridge reports " + std::to_string(_info.sizeBytes) +
                                           " bytes after the hidden area was restored, " +
                                           std::to_string(target * _info.logicalSectorSize) +
                                           " expected (it may cache the capacity: replug the drive)");
    return {};
}

SmartSummary ScsiBlockTarget::smart() {
    if (!_options.ataPassThrough || !_identity) {
        SmartSummary s;
        s.unavailableWhy = _ataWhy.empty() ? "no ATA identity" : _ataWhy;
        return s;
    }
    return AtaPassThrough(_scsi, _options.sat12Only).smart();
}

Status ScsiBlockTarget::checkFirmwareErase(FirmwareErase kind) const {
    if (!_identity)
        return makeError(Errc::Unsupported, "the drive's own erase needs ATA pass-through: " +
                                                (_ataWhy.empty() ? std::string("no ATA identity") : _ataWhy));
    const auto &id = *_identity;
    switch (kind) {
    case FirmwareErase::SanitizeBlockErase:
    case FirmwareErase::SanitizeCryptoScramble:
        if (!id.sanitizeSupported) return makeError(Errc::Unsupported, id.model + " does not support ATA SANITIZE");
        if (kind == FirmwareErase::SanitizeBlockErase ? !id.blockEraseSupported : !id.cryptoScrambleSupported)
            return makeError(Errc::Unsupported, id.model + " does not support SANITIZE " +
                                                    (kind == FirmwareErase::SanitizeBlockErase ? "BLOCK ERASE"
                                                                                               : "CRYPTO SCRAMBLE"));
        if (_options.sat12Only)
            return makeError(Errc::Unsupported, "SANITIZE is a 48-bit command and this bridge only passes ATA "
                                                "PASS-THROUGH (12)");
        return {};
    case FirmwareErase::SecurityErase:
        if (!id.securitySupported) return makeError(Errc::Unsupported, id.model + " has no ATA security feature set");
        if (id.securityEnabled)
            return makeError(Errc::Refused, id.model + " already has a user password set: it must be unlocked and "
                                                       "disabled first");
        if (id.securityFrozen)
            return makeError(Errc::Refused, id.model + "'s security is frozen (the computer's firmware froze it): "
                                                       "power-cycle the drive in the USB dock, then retry");
        return {};
    default:
        return makeError(Errc::Unsupported, "NVMe commands do not reach " + _info.path + ", which is not an NVMe drive");
    }
}

Status ScsiBlockTarget::firmwareErase(FirmwareErase kind, const std::function<void(double)> &progress,
                                      const CancelToken *cancel) {
    REEMPLOI_TRY(checkFirmwareErase(kind));
    AtaPassThrough ata(_scsi, _options.sat12Only);
    if (kind == FirmwareErase::SecurityErase) {
        // A throwaway password: the erase clears it, and nobody needs it afterwards.
        const std::string password = "reemploi-erase";
        const bool enhanced = _identity->enhancedEraseSupported;
        std::uint16_t minutes = enhanced ? _identity->enhancedEraseMinutes : _identity->securityEraseMinutes;
        auto timeout = std::chrono::minutes(std::max<int>(minutes * 2, 10));
        REEMPLOI_TRY(ata.securitySetPassword(password));
        if (progress) progress(0);
        REEMPLOI_TRY(ata.securityEraseUnit(password, enhanced, timeout));
        if (progress) progress(1);
    } else {
        REEMPLOI_TRY(ata.sanitize(kind == FirmwareErase::SanitizeBlockErase ? AtaPassThrough::SanitizeKind::BlockErase
                                                                           : AtaPassThrough::SanitizeKind::CryptoScramble));
        // SANITIZE returns at once and runs in the drive; it survives a power cycle, so an
        // interrupted wait is an interrupted record, not a half-erased drive left silently.
        for (;;) {
            if (cancel && cancel->cancelled()) return makeError(Errc::Device, "interrupted while the drive sanitizes itself");
            auto st = ata.sanitizeStatus();
            if (!st) return st.error();
            if (progress) progress(st->inProgress ? st->progress : 1.0);
            if (!st->inProgress) {
                if (!st->completedWithoutError) return makeError(Errc::Device, "SANITIZE ended with an error");
                break;
            }
            std::this_thread::sleep_for(200ms);
        }
    }
    // The drive's identity changes nothing else, but refresh it: security must be disabled again.
    if (auto id = ata.identify()) _identity = *id;
    return {};
}

Status ScsiBlockTarget::transfer(bool write, std::uint64_t offset, std::span<std::uint8_t> data) {
    const std::uint32_t bs = _info.logicalSectorSize;
    if (offset % bs != 0 || data.size() % bs != 0)
        return makeError(Errc::Internal, "unaligned transfer at byte " + std::to_string(offset));
    const std::size_t maxBytes = std::max<std::size_t>(_options.maxTransferBytes / bs * bs, bs);
    for (std::size_t done = 0; done < data.size();) {
        std::size_t n = std::min(maxBytes, data.size() - done);
        std::uint64_t lba = (offset + done) / bs;
        std::uint32_t blocks = static_cast<std::uint32_t>(n / bs);
        std::vector<std::uint8_t> cdb;
        if (lba + blocks <= 0xffffffffULL && blocks <= 0xffff) {
            cdb.assign(10, 0);
            cdb[0] = write ? 0x2a : 0x28;
            putBe(&cdb[2], lba, 4);
            putBe(&cdb[7], blocks, 2);
        } else {
            cdb.assign(16, 0);
            cdb[0] = write ? 0x8a : 0x88;
            putBe(&cdb[2], lba, 8);
            putBe(&cdb[10], blocks, 4);
        }
        auto st = _scsi.execute(cdb, write ? DataDirection::Out : DataDirection::In, data.subspan(done, n), 30s);
        if (!st) {
            if (isDisconnect(st.error()))
                return makeError(Errc::Device, std::string(write ? "write" : "read") + " error at byte " +
                                                   std::to_string(offset + done) + ": device disconnected");
            return st.error().withContext(std::string(write ? "write" : "read") + " at byte " + std::to_string(offset + done));
        }
        if (st->checkCondition) return commandError(write ? "write" : "read", offset + done, st->sense, _info.sizeBytes);
        if (st->transferred != n)
            return makeError(Errc::Device, std::string("short ") + (write ? "write" : "read") + " at byte " +
                                               std::to_string(offset + done + st->transferred) +
                                               ": the device moved " + std::to_string(st->transferred) + " of " +
                                               std::to_string(n) + " bytes");
        done += n;
    }
    return {};
}

Status ScsiBlockTarget::write(std::uint64_t offset, std::span<const std::byte> data) {
    // The transport does not change OUT data; the span is non-const only to share the code path.
    auto *p = const_cast<std::uint8_t *>(reinterpret_cast<const std::uint8_t *>(data.data()));
    return transfer(true, offset, {p, data.size()});
}

Status ScsiBlockTarget::read(std::uint64_t offset, std::span<std::byte> data) {
    return transfer(false, offset, {reinterpret_cast<std::uint8_t *>(data.data()), data.size()});
}

Status ScsiBlockTarget::flush() {
    std::array<std::uint8_t, 10> sync = {0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    auto st = _scsi.execute(sync, DataDirection::None, {}, 60s);
    if (!st) return st.error().withContext("SYNCHRONIZE CACHE");
    // Bridges without a cache answer ILLEGAL REQUEST: nothing to flush then.
    if (st->checkCondition && !(st->sense.key == sense::IllegalRequest && st->sense.asc == 0x20))
        return makeError(Errc::Device, "SYNCHRONIZE CACHE: " + st->sense.describe());
    return {};
}

}  // namespace reemploi::diagnostics::storage
