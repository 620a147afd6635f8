// SAT ATA PASS-THROUGH (12/16), IDENTIFY DEVICE and SMART decoding.
#include <reemploi/diagnostics/storage/AtaPassThrough.hpp>

#include <algorithm>

namespace reemploi::diagnostics::storage {

namespace {

constexpr std::uint8_t kProtoNonData = 3, kProtoPioIn = 4, kProtoPioOut = 5;

std::uint16_t word(std::span<const std::uint8_t> d, int w) { return d[2 * w] | (d[2 * w + 1] << 8); }

// ATA strings are big-endian within each word, space padded.
std::string ataString(std::span<const std::uint8_t> d, int first, int words) {
    std::string s;
    for (int w = first; w < first + words; ++w) {
        s += static_cast<char>(d[2 * w + 1]);
        s += static_cast<char>(d[2 * w]);
    }
    for (auto &c : s)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = ' ';
    auto b = s.find_first_not_of(' ');
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

const char *attributeName(std::uint8_t id) {
    switch (id) {
    case 1: return "raw read error rate";
    case 5: return "reallocated sectors";
    case 9: return "power-on hours";
    case 12: return "power cycles";
    case 177: return "wear leveling count";
    case 179: return "used reserved blocks";
    case 181: return "program fail count";
    case 182: return "erase fail count";
    case 183: return "runtime bad blocks";
    case 187: return "reported uncorrectable";
    case 190: return "airflow temperature";
    case 194: return "temperature";
    case 195: return "ECC error rate";
    case 196: return "reallocation events";
    case 197: return "current pending sectors";
    case 198: return "offline uncorrectable";
    case 199: return "UDMA CRC errors";
    case 231: return "SSD life left";
    case 233: return "media wearout indicator";
    case 235: return "POR recovery count";
    case 241: return "total LBAs written";
    default: return "";
    }
}

}  // namespace

Result<AtaIdentity> parseIdentify(std::span<const std::uint8_t> d) {
    if (d.size() < 512)
        return makeError(Errc::Device, "IDENTIFY data is " + std::to_string(d.size()) + " bytes, 512 expected");
    // Word 255: signature 0xA5 in the low byte, then a checksum making all 512 bytes sum to 0.
    if ((word(d, 255) & 0xff) == 0xa5) {
        std::uint8_t sum = 0;
        for (std::size_t i = 0; i < 512; ++i) sum = static_cast<std::uint8_t>(sum + d[i]);
        if (sum != 0) return makeError(Errc::Device, "IDENTIFY word 255: checksum does not match the data");
    }
    AtaIdentity id;
    id.serial = ataString(d, 10, 10);
    id.firmware = ataString(d, 23, 4);
    id.model = ataString(d, 27, 20);
    if (id.model.empty()) return makeError(Errc::Device, "IDENTIFY words 27-46: no model number");
    bool lba48 = (word(d, 83) & 0x0400) != 0;
    id.lba48 = lba48;
    id.hpaSupported = (word(d, 82) & 0x0400) != 0;
    id.dcoSupported = (word(d, 83) & 0x0800) != 0;
    if (lba48) {
        for (int w = 103; w >= 100; --w) id.sectors = (id.sectors << 16) | word(d, w);
    } else {
        id.sectors = word(d, 60) | (static_cast<std::uint64_t>(word(d, 61)) << 16);
    }
    std::uint16_t w106 = word(d, 106);
    if ((w106 & 0xc000) == 0x4000) {
        if (w106 & 0x1000) id.logicalSectorSize = 2 * (word(d, 117) | (static_cast<std::uint32_t>(word(d, 118)) << 16));
        if (w106 & 0x2000) id.physicalSectorSize = id.logicalSectorSize << (w106 & 0x0f);
        else id.physicalSectorSize = id.logicalSectorSize;
    }
    std::uint16_t rate = word(d, 217);
    if (rate == 1) id.rotational = false;
    else if (rate >= 0x0401 && rate <= 0xfffe) {
        id.rotational = true;
        id.rpm = rate;
    }
    id.smartSupported = (word(d, 82) & 0x0001) != 0;
    id.smartEnabled = (word(d, 85) & 0x0001) != 0;
    std::uint16_t sec = word(d, 128);
    id.securitySupported = (sec & 0x0001) != 0;
    id.securityEnabled = (sec & 0x0002) != 0;
    id.securityFrozen = (sec & 0x0008) != 0;
    id.enhancedEraseSupported = (sec & 0x0020) != 0;
    std::uint16_t w59 = word(d, 59);
    id.sanitizeSupported = (w59 & 0x1000) != 0;
    id.cryptoScrambleSupported = (w59 & 0x2000) != 0;
    id.blockEraseSupported = (w59 & 0x8000) != 0;
    id.trimSupported = (word(d, 169) & 0x0001) != 0;
    // Words 89/90: erase time in units of 2 minutes (bit 15 set: extended format, 15 bits).
    auto minutes = [](std::uint16_t w) -> std::uint16_t {
        std::uint16_t units = (w & 0x8000) ? (w & 0x7fff) : (w & 0x00ff);
        return static_cast<std::uint16_t>(units * 2);
    };
    id.securityEraseMinutes = minutes(word(d, 89));
    id.enhancedEraseMinutes = minutes(word(d, 90));
    return id;
}

Result<std::vector<SmartAttribute>> parseSmartData(std::span<const std::uint8_t> d) {
    if (d.size() < 512)
        return makeError(Errc::Device, "SMART data is " + std::to_string(d.size()) + " bytes, 512 expected");
    std::uint8_t sum = 0;
    for (std::size_t i = 0; i < 512; ++i) sum = static_cast<std::uint8_t>(sum + d[i]);
    if (sum != 0) return makeError(Errc::Device, "SMART data byte 511: checksum does not match the data");
    std::vector<SmartAttribute> out;
    for (int slot = 0; slot < 30; ++slot) {
        const std::uint8_t *p = d.data() + 2 + 12 * slot;
        if (p[0] == 0) continue;
        SmartAttribute a;
        a.id = p[0];
        a.current = p[3];
        a.worst = p[4];
        for (int i = 5; i >= 0; --i) a.raw = (a.raw << 8) | p[5 + i];
        a.name = attributeName(a.id);
        out.push_back(a);
    }
    return out;
}

void summarizeSmart(SmartSummary &s) {
    for (const auto &a : s.attributes) {
        switch (a.id) {
        case 5: s.reallocated = a.raw; break;
        case 9: s.powerOnHours = a.raw & 0xffffffff; break;
        case 197: s.pending = a.raw; break;
        case 198: s.uncorrectable = a.raw; break;
        case 187:
            if (!s.uncorrectable) s.uncorrectable = a.raw;
            break;
        case 177:
        case 231:
        case 233: s.wearPercentLeft = a.current; break;
        default: break;
        }
    }
}

Result<ScsiStatus> AtaPassThrough::run(const Command &c, DataDirection dir, std::span<std::uint8_t> data,
                                       bool checkCondition, std::chrono::milliseconds timeout) {
    const std::uint8_t protocol = dir == DataDirection::None ? kProtoNonData : dir == DataDirection::In ? kProtoPioIn : kProtoPioOut;
    // Byte 2: CK_COND, T_DIR (1 = in), BYTE_BLOCK (count in blocks), T_LENGTH = 2 (in the count field).
    std::uint8_t flags = dir == DataDirection::None ? 0x00 : dir == DataDirection::In ? 0x0e : 0x06;
    if (checkCondition) flags |= 0x20;
    if (c.extended && _sat12)
        return makeError(Errc::Unsupported, "a 48-bit ATA command needs ATA PASS-THROUGH (16), which this bridge lacks");
    std::vector<std::uint8_t> cdb;
    auto b = [](std::uint64_t v, int shift) { return static_cast<std::uint8_t>((v >> shift) & 0xff); };
    if (_sat12) {
        cdb = {0xa1, static_cast<std::uint8_t>(protocol << 1), flags, b(c.features, 0), b(c.count, 0), b(c.lba, 0),
               b(c.lba, 8), b(c.lba, 16), c.device, c.command, 0, 0};
    } else {
        // Bytes 3-14: features, count, LBA low/mid/high as (15:8, 7:0) pairs, device, command.
        cdb = {0x85, static_cast<std::uint8_t>((protocol << 1) | (c.extended ? 1 : 0)), flags,
               b(c.features, 8), b(c.features, 0), b(c.count, 8), b(c.count, 0), b(c.lba, 24), b(c.lba, 0),
               b(c.lba, 32), b(c.lba, 8), b(c.lba, 40), b(c.lba, 16), c.device, c.command, 0};
    }
    auto st = _scsi.execute(cdb, dir, data, timeout);
    if (!st) return st.error();
    if (st->checkCondition) {
        const auto &s = st->sense;
        // CK_COND asks for a CHECK CONDITION carrying the ATA registers: that one is a success.
        if (checkCondition && s.ataReturn && !((*s.ataReturn)[13] & 0x01)) return st;
        if (s.valid && s.key == sense::IllegalRequest && (s.asc == 0x20 || s.asc == 0x24))
            return makeError(Errc::Unsupported,
                             "the USB bridge or disk controller does not pass ATA commands through (" + s.describe() + ")");
        if (s.valid && s.key == sense::AbortedCommand)
            return makeError(Errc::Refused, "the drive aborted the ATA command (" + s.describe() + ")");
        return makeError(Errc::Device, "ATA pass-through failed: " + s.describe());
    }
    return st;
}

Status AtaPassThrough::sanitize(SanitizeKind kind) {
    Command c;
    c.command = 0xb4;
    c.extended = true;
    // The LBA carries a signature so that a stray command cannot erase a drive (ACS-3 §7.34).
    if (kind == SanitizeKind::BlockErase) {
        c.features = 0x0012;
        c.lba = 0x0000426b4572ULL;  // "BkEr"
    } else {
        c.features = 0x0011;
        c.lba = 0x000043727970ULL;  // "Cryp"
    }
    auto st = run(c, DataDirection::None, {}, false);
    if (!st) return st.error().withContext(kind == SanitizeKind::BlockErase ? "SANITIZE BLOCK ERASE" : "SANITIZE CRYPTO SCRAMBLE");
    return {};
}

Result<AtaPassThrough::SanitizeStatus> AtaPassThrough::sanitizeStatus() {
    Command c;
    c.command = 0xb4;
    c.extended = true;
    c.features = 0x0000;
    auto st = run(c, DataDirection::None, {}, true);
    if (!st) return st.error().withContext("SANITIZE STATUS");
    if (!st->sense.ataReturn) return makeError(Errc::Device, "SANITIZE STATUS: the bridge returned no ATA registers");
    const auto &r = *st->sense.ataReturn;
    // Descriptor bytes: 4 count (15:8), 7 LBA (7:0), 9 LBA (15:8). Count bit 15: completed without
    // error, bit 14: in progress; LBA (15:0): the progress indicator, in 1/65536ths.
    SanitizeStatus s;
    s.completedWithoutError = (r[4] & 0x80) != 0;
    s.inProgress = (r[4] & 0x40) != 0;
    s.progress = ((r[9] << 8) | r[7]) / 65536.0;
    return s;
}

Result<std::uint64_t> AtaPassThrough::readNativeMaxAddress() {
    Command c;
    c.command = 0x27;
    c.extended = true;
    c.device = 0x40;  // LBA mode
    auto st = run(c, DataDirection::None, {}, true);
    if (!st) return st.error().withContext("READ NATIVE MAX ADDRESS EXT");
    if (!st->sense.ataReturn) return makeError(Errc::Device, "READ NATIVE MAX ADDRESS EXT: no ATA registers returned");
    const auto &r = *st->sense.ataReturn;
    // Descriptor LBA bytes: 7 (7:0), 9 (15:8), 11 (23:16), 6 (31:24), 8 (39:32), 10 (47:40).
    std::uint64_t lba = static_cast<std::uint64_t>(r[7]) | (static_cast<std::uint64_t>(r[9]) << 8) |
                        (static_cast<std::uint64_t>(r[11]) << 16) | (static_cast<std::uint64_t>(r[6]) << 24) |
                        (static_cast<std::uint64_t>(r[8]) << 32) | (static_cast<std::uint64_t>(r[10]) << 40);
    return lba;
}

Result<std::uint64_t> AtaPassThrough::dcoMaxLba() {
    std::array<std::uint8_t, 512> buf{};
    Command c;
    c.command = 0xb1;
    c.features = 0xc2;
    c.count = 1;
    auto st = run(c, DataDirection::In, buf, false);
    if (!st) return st.error().withContext("DEVICE CONFIGURATION IDENTIFY");
    if ((buf[510]) == 0xa5) {
        std::uint8_t sum = 0;
        for (auto b : buf) sum = static_cast<std::uint8_t>(sum + b);
        if (sum != 0) return makeError(Errc::Device, "DEVICE CONFIGURATION IDENTIFY word 255: checksum does not match");
    }
    std::uint64_t lba = 0;
    for (int w = 6; w >= 3; --w) lba = (lba << 16) | word(buf, w);
    return lba;
}

Status AtaPassThrough::dcoRestore() {
    Command c;
    c.command = 0xb1;
    c.features = 0xc0;
    auto st = run(c, DataDirection::None, {}, false);
    if (!st) return st.error().withContext("DEVICE CONFIGURATION RESTORE");
    return {};
}

Status AtaPassThrough::setMaxAddress(std::uint64_t lastLba) {
    Command c;
    c.command = 0x37;
    c.extended = true;
    c.device = 0x40;
    c.lba = lastLba;
    c.count = 0;  // volatile: the drive forgets it at the next power cycle
    auto st = run(c, DataDirection::None, {}, false);
    if (!st) return st.error().withContext("SET MAX ADDRESS EXT");
    return {};
}

namespace {

std::array<std::uint8_t, 512> passwordBlock(const std::string &password, std::uint16_t control) {
    std::array<std::uint8_t, 512> d{};
    d[0] = static_cast<std::uint8_t>(control & 0xff);
    d[1] = static_cast<std::uint8_t>(control >> 8);
    // Words 1-16: the password, 32 bytes, as bytes in order (hdparm and the kernel agree).
    for (std::size_t i = 0; i < 32 && i < password.size(); ++i) d[2 + i] = static_cast<std::uint8_t>(password[i]);
    return d;
}

}  // namespace

Status AtaPassThrough::securitySetPassword(const std::string &password) {
    auto block = passwordBlock(password, 0x0000);  // user password, high security
    Command c;
    c.command = 0xf1;
    c.count = 1;
    auto st = run(c, DataDirection::Out, block, false);
    if (!st) return st.error().withContext("SECURITY SET PASSWORD");
    return {};
}

Status AtaPassThrough::securityEraseUnit(const std::string &password, bool enhanced, std::chrono::minutes timeout) {
    Command prepare;
    prepare.command = 0xf3;
    auto st = run(prepare, DataDirection::None, {}, false);
    if (!st) return st.error().withContext("SECURITY ERASE PREPARE");
    auto block = passwordBlock(password, enhanced ? 0x0002 : 0x0000);
    Command erase;
    erase.command = 0xf4;
    erase.count = 1;
    st = run(erase, DataDirection::Out, block, false, timeout);
    if (!st) return st.error().withContext("SECURITY ERASE UNIT");
    return {};
}

Result<std::array<std::uint8_t, 512>> AtaPassThrough::identifyRaw() {
    std::array<std::uint8_t, 512> buf{};
    Command c;
    c.command = 0xec;
    c.count = 1;
    auto st = run(c, DataDirection::In, buf, false);
    if (!st) return st.error().withContext("IDENTIFY DEVICE");
    if (st->transferred != 512)
        return makeError(Errc::Device, "IDENTIFY DEVICE: " + std::to_string(st->transferred) + " bytes, 512 expected");
    return buf;
}

Result<AtaIdentity> AtaPassThrough::identify() {
    auto raw = identifyRaw();
    if (!raw) return raw.error();
    return parseIdentify(*raw);
}

Result<std::array<std::uint8_t, 512>> AtaPassThrough::smartReadData() {
    std::array<std::uint8_t, 512> buf{};
    Command c;
    c.command = 0xb0;
    c.features = 0xd0;
    c.count = 1;
    c.lba = 0xc24f00;  // LBA mid 4F, high C2: the SMART signature
    auto st = run(c, DataDirection::In, buf, false);
    if (!st) return st.error().withContext("SMART READ DATA");
    if (st->transferred != 512)
        return makeError(Errc::Device, "SMART READ DATA: " + std::to_string(st->transferred) + " bytes, 512 expected");
    return buf;
}

Result<bool> AtaPassThrough::smartReturnStatus() {
    Command c;
    c.command = 0xb0;
    c.features = 0xda;
    c.lba = 0xc24f00;  // LBA mid 4F, high C2: the SMART signature
    auto st = run(c, DataDirection::None, {}, true);
    if (!st) return st.error().withContext("SMART RETURN STATUS");
    if (!st->sense.ataReturn) return makeError(Errc::Unsupported, "SMART RETURN STATUS: the bridge returned no ATA registers");
    const auto &r = *st->sense.ataReturn;
    // Descriptor bytes 9 and 11: LBA mid and high (7:0). 4F/C2 = good, F4/2C = threshold exceeded.
    std::uint8_t mid = r[9], high = r[11];
    if (mid == 0x4f && high == 0xc2) return true;
    if (mid == 0xf4 && high == 0x2c) return false;
    return makeError(Errc::Device, "SMART RETURN STATUS: unexpected LBA mid/high registers");
}

SmartSummary AtaPassThrough::smart() {
    SmartSummary s;
    auto id = identify();
    if (!id) {
        s.unavailableWhy = id.error().message;
        return s;
    }
    if (!id->smartSupported) {
        s.unavailableWhy = "the drive does not support SMART";
        return s;
    }
    auto data = smartReadData();
    if (!data) {
        s.unavailableWhy = data.error().message;
        return s;
    }
    auto attrs = parseSmartData(*data);
    if (!attrs) {
        s.unavailableWhy = attrs.error().message;
        return s;
    }
    s.available = true;
    s.attributes = std::move(*attrs);
    if (auto healthy = smartReturnStatus()) s.healthy = *healthy;
    summarizeSmart(s);
    return s;
}

}  // namespace reemploi::diagnostics::storage
