// An emulated USB-to-SATA bridge (Bulk-Only Transport, SCSI, SAT) with a disk image behind it,
// answering as the drive in tests/fixtures/storage/*.ata would: INQUIRY built from IDENTIFY as
// SAT-4 §10.3 prescribes, IDENTIFY and SMART READ DATA from the real drive's dump (capacity
// words patched to the image's size), SMART RETURN STATUS with the ATA registers in descriptor
// sense. Faults on demand: stalls, a phase error, no ATA pass-through, a capacity larger than
// the image, a yank after N writes.
#pragma once

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "support/usb/Descriptors.hpp"
#include "support/usb/EmulatedDevice.hpp"

namespace reemploi::test {

using reemploi::testing::usb::DescriptorBuilder;
using reemploi::testing::usb::EmulatedDevice;
using reemploi::testing::usb::Reply;
using reemploi::testing::usb::SetupPacket;

struct AtaDump {
    std::array<std::uint8_t, 512> identify{};
    std::array<std::uint8_t, 512> smart{};
};

// Reads a .ata fixture: an `identify` section of 16-bit words and a `smart` section of bytes,
// each line "OFFSET: hex hex …". Throws on a malformed line (a broken fixture is a test bug).
inline AtaDump loadAtaDump(const std::string &name) {
    std::ifstream in(std::string(REEMPLOI_TEST_FIXTURES) + "/storage/" + name);
    if (!in) throw std::runtime_error("missing fixture " + name);
    AtaDump dump;
    std::string section;
    std::size_t words = 0, bytes = 0;
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        if (line == "identify" || line == "smart") {
            section = line;
            continue;
        }
        std::istringstream row(line.substr(line.find(':') + 1));
        for (std::string hex; row >> hex;) {
            unsigned v = static_cast<unsigned>(std::stoul(hex, nullptr, 16));
            if (section == "identify") {
                dump.identify[2 * words] = static_cast<std::uint8_t>(v & 0xff);
                dump.identify[2 * words + 1] = static_cast<std::uint8_t>(v >> 8);
                ++words;
            } else {
                dump.smart[bytes++] = static_cast<std::uint8_t>(v);
            }
        }
    }
    if (words != 256 || bytes != 512) throw std::runtime_error("fixture " + name + ": incomplete dump");
    return dump;
}

class EmulatedSataBridge : public EmulatedDevice {
public:
    static constexpr std::uint8_t kIn = 0x81, kOut = 0x02;

    // `productId` picks the row of the device table: 0x0578 (JMS578, plain SAT), 0x0583 (JMS583,
    // no-ata-passthrough).
    EmulatedSataBridge(AtaDump dump, std::size_t imageBytes, std::uint16_t productId = 0x0578)
        : EmulatedDevice(DescriptorBuilder(0x152d, productId)  // a JMicron bridge's ids
                             .manufacturer("JMicron")
                             .product("USB to ATA/ATAPI Bridge")
                             .serial("0123456789ABCDEF")
                             .interface(0x08, 0x06, 0x50, {{kIn, 512}, {kOut, 512}}, "usb-storage")
                             .build()),
          _dump(dump), _image(imageBytes) {
        setCapacitySectors(imageBytes / 512);
    }

    // Faults, set by the test before (or while) the host talks.
    bool passThrough = true;
    int stallNextDataIn = 0;   // data-in stages to stall (the CSW then reports a failed command)
    int stallNextCswRead = 0;  // CSW reads to stall once each (the host must clear and re-read)
    int phaseErrorNext = 0;    // commands whose CSW reports a phase error (nothing written)
    int disconnectAfterWrites = -1;
    std::uint64_t reportedSectors = 0;  // > image: a drive claiming more than it holds

    std::vector<std::uint8_t> &image() { return _image; }
    int classResets() const { return _classResets; }
    int writes() const { return _writes; }

    // The drive's security is frozen in the dump (a laptop's BIOS froze it); a power cycle in the
    // dock unfreezes it, as on real hardware.
    void powerCycle() {
        std::lock_guard lock(_m);
        setWord(128, word(128) & ~0x0008);
    }
    // The dump's drive has no SANITIZE; this gives it BLOCK ERASE and CRYPTO SCRAMBLE (word 59).
    void enableSanitize() {
        std::lock_guard lock(_m);
        setWord(59, word(59) | 0x1000 | 0x2000 | 0x8000);
    }
    bool sanitizeDoesNothing = false;  // a drive that reports success and erases nothing
    bool allowSetMax = true;           // false: the HPA is locked (SET MAX ADDRESS aborted)
    bool dcoFrozen = false;  // DEVICE CONFIGURATION FREEZE LOCK in effect
    // A Device Configuration Overlay shrinking the drive by `sectors` (native max included).
    void dcoHideSectors(std::uint64_t sectors) {
        std::lock_guard lock(_m);
        _dcoLimit = _image.size() / 512 - sectors;
        setCapacitySectors(_dcoLimit);
    }
    // A Host Protected Area hiding the image's last `sectors` from READ CAPACITY and IDENTIFY.
    void hideSectors(std::uint64_t sectors) {
        std::lock_guard lock(_m);
        setCapacitySectors(_image.size() / 512 - sectors);
    }
    bool securityEnabled() {
        std::lock_guard lock(_m);
        return (word(128) & 0x0002) != 0;
    }

    void setCapacitySectors(std::uint64_t sectors) {
        reportedSectors = sectors;
        // IDENTIFY words 100-103 (LBA48 capacity) and 60-61 follow, and the checksum is redone.
        for (int w = 0; w < 4; ++w) {
            std::uint16_t v = static_cast<std::uint16_t>(sectors >> (16 * w));
            _dump.identify[2 * (100 + w)] = v & 0xff;
            _dump.identify[2 * (100 + w) + 1] = v >> 8;
        }
        std::uint32_t lba28 = static_cast<std::uint32_t>(std::min<std::uint64_t>(sectors, 0x0fffffff));
        _dump.identify[120] = lba28 & 0xff;
        _dump.identify[121] = (lba28 >> 8) & 0xff;
        _dump.identify[122] = (lba28 >> 16) & 0xff;
        _dump.identify[123] = (lba28 >> 24) & 0xff;
        std::uint8_t sum = 0;
        for (int i = 0; i < 511; ++i) sum = static_cast<std::uint8_t>(sum + _dump.identify[i]);
        _dump.identify[511] = static_cast<std::uint8_t>(-sum);
    }

    Reply onControl(const SetupPacket &s, std::span<const std::uint8_t> data) override {
        std::lock_guard lock(_m);
        if (s.requestType == 0x21 && s.request == 0xff) {  // Bulk-Only Mass Storage Reset
            ++_classResets;
            _state = State::Idle;
            return Reply::data({});
        }
        if (s.requestType == 0xa1 && s.request == 0xfe) return Reply::data({0});  // Get Max LUN: one LUN
        return EmulatedDevice::onControl(s, data);
    }

    Reply onBulkOut(std::uint8_t, std::span<const std::uint8_t> bytes) override {
        std::lock_guard lock(_m);
        if (_state == State::DataOut) {
            _outData.insert(_outData.end(), bytes.begin(), bytes.end());
            if (_outData.size() >= _length) finishWrite();
            return Reply::data({});
        }
        if (bytes.size() != 31 || le32(bytes.data()) != 0x43425355) return Reply::stall();  // not a CBW
        _tag = le32(bytes.data() + 4);
        _length = le32(bytes.data() + 8);
        _in = (bytes[12] & 0x80) != 0;
        _cdb.assign(bytes.begin() + 15, bytes.begin() + 15 + bytes[14]);
        _residue = _length;
        _status = 0;
        _inData.clear();
        _outData.clear();
        _phaseError = phaseErrorNext > 0;
        if (_phaseError) --phaseErrorNext;
        if (_length > 0 && !_in) {
            if ((_cdb[0] == 0x2a || _cdb[0] == 0x8a) && disconnectAfterWrites >= 0 && _writes >= disconnectAfterWrites)
                return Reply::disconnect();
            _state = State::DataOut;
            return Reply::data({});
        }
        execute();
        _state = _length > 0 ? State::DataIn : State::Status;
        return Reply::data({});
    }

    Reply onBulkIn(std::uint8_t, std::size_t maxLength) override {
        std::lock_guard lock(_m);
        if (_state == State::DataIn) {
            if (stallNextDataIn > 0) {
                --stallNextDataIn;
                _status = 1;
                _residue = _length;
                setSense(0x0b, 0x47, 0x00);  // ABORTED COMMAND: SCSI parity error (a glitch on the wire)
                _state = State::Status;
                return Reply::stall();
            }
            std::vector<std::uint8_t> out(_inData.begin(), _inData.begin() + std::min(_inData.size(), maxLength));
            _residue = _length - static_cast<std::uint32_t>(out.size());
            _state = State::Status;
            return Reply::data(out);
        }
        if (_state == State::Status) {
            if (stallNextCswRead > 0) {
                --stallNextCswRead;
                return Reply::stall();
            }
            std::vector<std::uint8_t> csw(13, 0);
            putLe32(csw.data(), 0x53425355);
            putLe32(csw.data() + 4, _tag);
            putLe32(csw.data() + 8, _residue);
            csw[12] = _phaseError ? 2 : _status;
            _state = State::Idle;
            return Reply::data(csw);
        }
        return Reply::stall();
    }

private:
    enum class State { Idle, DataIn, DataOut, Status };

    static std::uint32_t le32(const std::uint8_t *p) {
        return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
    }
    static void putLe32(std::uint8_t *p, std::uint32_t v) {
        for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
    }
    static std::uint64_t be(const std::uint8_t *p, int n) {
        std::uint64_t v = 0;
        for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
        return v;
    }

    void setSense(std::uint8_t key, std::uint8_t asc, std::uint8_t ascq) {
        _sense.assign(18, 0);
        _sense[0] = 0x70;
        _sense[2] = key;
        _sense[7] = 10;
        _sense[12] = asc;
        _sense[13] = ascq;
    }
    void checkCondition(std::uint8_t key, std::uint8_t asc, std::uint8_t ascq) {
        setSense(key, asc, ascq);
        _status = 1;
        _inData.clear();
    }
    void reply(std::vector<std::uint8_t> data) {
        data.resize(std::min<std::size_t>(data.size(), _length));
        _inData = std::move(data);
    }
    std::string identifyString(int first, int words) const {
        std::string s;
        for (int w = first; w < first + words; ++w) {
            s += static_cast<char>(_dump.identify[2 * w + 1]);
            s += static_cast<char>(_dump.identify[2 * w]);
        }
        return s;
    }

    std::uint16_t word(int w) const { return _dump.identify[2 * w] | (_dump.identify[2 * w + 1] << 8); }
    void setWord(int w, std::uint16_t v) {
        _dump.identify[2 * w] = v & 0xff;
        _dump.identify[2 * w + 1] = v >> 8;
        std::uint8_t sum = 0;
        for (int i = 0; i < 511; ++i) sum = static_cast<std::uint8_t>(sum + _dump.identify[i]);
        _dump.identify[511] = static_cast<std::uint8_t>(-sum);
    }
    void ataAbort() { checkCondition(0x0b, 0x00, 0x00); }

    bool rangeOk(std::uint64_t lba, std::uint64_t blocks) {
        if (lba + blocks > reportedSectors) {
            checkCondition(0x05, 0x21, 0x00);
            return false;
        }
        if ((lba + blocks) * 512 > _image.size()) {  // claimed but not there
            checkCondition(0x05, 0x21, 0x00);
            return false;
        }
        return true;
    }

    void execute() {
        const auto *c = _cdb.data();
        if (_unitAttention && c[0] != 0x12 && c[0] != 0x03) {
            _unitAttention = false;
            checkCondition(0x06, 0x29, 0x00);  // power on: once, as every real device does
            return;
        }
        switch (c[0]) {
        case 0x00: return;  // TEST UNIT READY
        case 0x03: {        // REQUEST SENSE
            auto s = _sense.empty() ? std::vector<std::uint8_t>{0x70, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
                                    : _sense;
            _sense.clear();
            reply(s);
            return;
        }
        case 0x12: {  // INQUIRY
            if (c[1] & 1) {
                if (c[2] != 0x80) return checkCondition(0x05, 0x24, 0x00);
                std::string serial = identifyString(10, 10);
                std::vector<std::uint8_t> v = {0, 0x80, 0, static_cast<std::uint8_t>(serial.size())};
                v.insert(v.end(), serial.begin(), serial.end());
                return reply(v);
            }
            std::vector<std::uint8_t> q(36, ' ');
            q[0] = 0;
            q[1] = 0;
            q[2] = 6;
            q[3] = 2;
            q[4] = 31;
            q[5] = q[6] = q[7] = 0;
            std::memcpy(q.data() + 8, "ATA     ", 8);
            std::string model = identifyString(27, 8), fw = identifyString(23, 4);
            std::memcpy(q.data() + 16, model.data(), 16);
            std::memcpy(q.data() + 32, fw.data() + 4, 4);
            return reply(q);
        }
        case 0x25: {  // READ CAPACITY (10)
            std::uint64_t last = reportedSectors - 1;
            std::uint32_t l = last > 0xffffffff ? 0xffffffff : static_cast<std::uint32_t>(last);
            return reply({static_cast<std::uint8_t>(l >> 24), static_cast<std::uint8_t>(l >> 16),
                          static_cast<std::uint8_t>(l >> 8), static_cast<std::uint8_t>(l), 0, 0, 2, 0});
        }
        case 0x9e: {  // READ CAPACITY (16)
            std::vector<std::uint8_t> r(32, 0);
            std::uint64_t last = reportedSectors - 1;
            for (int i = 0; i < 8; ++i) r[i] = static_cast<std::uint8_t>(last >> (56 - 8 * i));
            r[10] = 2;
            return reply(r);
        }
        case 0x28:
        case 0x88: {  // READ (10/16)
            std::uint64_t lba = c[0] == 0x28 ? be(c + 2, 4) : be(c + 2, 8);
            std::uint64_t n = c[0] == 0x28 ? be(c + 7, 2) : be(c + 10, 4);
            if (!rangeOk(lba, n)) return;
            return reply(std::vector<std::uint8_t>(_image.begin() + lba * 512, _image.begin() + (lba + n) * 512));
        }
        case 0x35: return;  // SYNCHRONIZE CACHE
        case 0x85:
        case 0xa1: return ataPassThrough(c);
        default: return checkCondition(0x05, 0x20, 0x00);
        }
    }

    void ataPassThrough(const std::uint8_t *c) {
        if (!passThrough) return checkCondition(0x05, 0x20, 0x00);
        bool sat16 = c[0] == 0x85;
        std::uint8_t features = sat16 ? c[4] : c[3];
        std::uint8_t command = sat16 ? c[14] : c[9];
        bool ckCond = (c[2] & 0x20) != 0;
        if (command == 0xec) return reply(std::vector<std::uint8_t>(_dump.identify.begin(), _dump.identify.end()));
        if (command == 0xb0 && features == 0xd0) return reply(std::vector<std::uint8_t>(_dump.smart.begin(), _dump.smart.end()));
        if (command == 0xb0 && features == 0xda && ckCond) {
            // Descriptor sense, ATA Status Return descriptor: LBA mid/high 4F/C2 = healthy.
            _sense = {0x72, 0x01, 0x00, 0x1d, 0, 0, 0, 14, 0x09, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0x4f, 0, 0xc2, 0, 0x50};
            _status = 1;
            return;
        }
        if (command == 0xb4) return sanitize(c, features, ckCond);
        if (command == 0xb1 && features == 0xc2) {  // DEVICE CONFIGURATION IDENTIFY
            std::vector<std::uint8_t> d(512, 0);
            d[0] = 0x02;  // revision
            std::uint64_t factoryMax = std::max<std::uint64_t>(_image.size() / 512, reportedSectors) - 1;
            for (int w = 0; w < 4; ++w) {
                d[2 * (3 + w)] = static_cast<std::uint8_t>(factoryMax >> (16 * w));
                d[2 * (3 + w) + 1] = static_cast<std::uint8_t>(factoryMax >> (16 * w + 8));
            }
            d[510] = 0xa5;
            std::uint8_t sum = 0;
            for (int i = 0; i < 511; ++i) sum = static_cast<std::uint8_t>(sum + d[i]);
            d[511] = static_cast<std::uint8_t>(-sum);
            return reply(d);
        }
        if (command == 0xb1 && features == 0xc0) {  // DEVICE CONFIGURATION RESTORE
            if (dcoFrozen || reportedSectors < _dcoLimit) return ataAbort();  // frozen, or an HPA is set
            _dcoLimit = _image.size() / 512;
            return;
        }
        if (command == 0x27 && ckCond) {  // READ NATIVE MAX ADDRESS EXT
            std::uint64_t native = std::min<std::uint64_t>(std::max<std::uint64_t>(_image.size() / 512, reportedSectors),
                                                           std::max<std::uint64_t>(_dcoLimit, reportedSectors)) - 1;
            auto b = [&](int shift) { return static_cast<std::uint8_t>(native >> shift); };
            _sense = {0x72, 0x01, 0x00, 0x1d, 0, 0, 0, 14, 0x09, 0x0c, 0x01, 0, 0, 0,
                      b(24), b(0), b(32), b(8), b(40), b(16), 0x40, 0x50};
            _status = 1;
            return;
        }
        if (command == 0x37) {  // SET MAX ADDRESS EXT
            if (!allowSetMax) return ataAbort();
            std::uint64_t lba = static_cast<std::uint64_t>(c[8]) | (static_cast<std::uint64_t>(c[10]) << 8) |
                                (static_cast<std::uint64_t>(c[12]) << 16) | (static_cast<std::uint64_t>(c[7]) << 24) |
                                (static_cast<std::uint64_t>(c[9]) << 32) | (static_cast<std::uint64_t>(c[11]) << 40);
            if (lba + 1 > std::max<std::uint64_t>(_dcoLimit, reportedSectors)) return ataAbort();  // past the DCO limit
            setCapacitySectors(lba + 1);
            return;
        }
        if (command == 0xf3) {  // SECURITY ERASE PREPARE
            _erasePrepared = true;
            return;
        }
        checkCondition(0x0b, 0x00, 0x00);  // the drive aborted an ATA command it does not know
    }

    void sanitize(const std::uint8_t *c, std::uint8_t features, bool ckCond) {
        if (!(word(59) & 0x1000)) return ataAbort();
        std::uint64_t lba = static_cast<std::uint64_t>(c[8]) | (static_cast<std::uint64_t>(c[10]) << 8) |
                            (static_cast<std::uint64_t>(c[12]) << 16) | (static_cast<std::uint64_t>(c[7]) << 24);
        if (features == 0x12) {
            if (lba != 0x426b4572) return ataAbort();  // "BkEr" signature missing
            if (!sanitizeDoesNothing) std::fill(_image.begin(), _image.end(), 0);
            _sanitizePolls = 2;
            return;
        }
        if (features == 0x11) {
            if (lba != 0x43727970) return ataAbort();  // "Cryp"
            if (!sanitizeDoesNothing) {
                std::uint64_t x = 0x2545f4914f6cdd1dULL;
                for (auto &b : _image) {
                    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                    b = static_cast<std::uint8_t>(x);
                }
            }
            _sanitizePolls = 2;
            return;
        }
        if (features == 0x00 && ckCond) {  // SANITIZE STATUS: in progress for a poll or two
            bool running = _sanitizePolls > 0;
            if (running) --_sanitizePolls;
            std::uint8_t countHigh = running ? 0x40 : 0x80;
            std::uint8_t progressHigh = running ? 0x80 : 0x00;
            _sense = {0x72, 0x01, 0x00, 0x1d, 0, 0, 0, 14, 0x09, 0x0c, 0x01, 0, countHigh, 0, 0, 0, 0, progressHigh, 0, 0, 0, 0x50};
            _status = 1;
            return;
        }
        ataAbort();
    }

    // PIO data-out ATA commands: SECURITY SET PASSWORD and SECURITY ERASE UNIT.
    void ataPassThroughOut(const std::uint8_t *c) {
        if (!passThrough) return checkCondition(0x05, 0x20, 0x00);
        std::uint8_t command = c[0] == 0x85 ? c[14] : c[9];
        std::string password(reinterpret_cast<const char *>(_outData.data() + 2), 32);
        if (command == 0xf1) {
            if ((word(128) & 0x0008) || (word(128) & 0x0002)) return ataAbort();  // frozen, or already set
            _password = password;
            setWord(128, word(128) | 0x0002);
            return;
        }
        if (command == 0xf4) {
            if (!_erasePrepared || !(word(128) & 0x0002) || password != _password) return ataAbort();
            _erasePrepared = false;
            std::fill(_image.begin(), _image.end(), 0);
            _password.clear();
            setWord(128, word(128) & ~0x0002);
            return;
        }
        ataAbort();
    }

    void finishWrite() {
        const auto *c = _cdb.data();
        _state = State::Status;
        if (_phaseError) return;  // the data went nowhere
        _residue = 0;
        if (c[0] == 0x85 || c[0] == 0xa1) return ataPassThroughOut(c);
        if (c[0] != 0x2a && c[0] != 0x8a) return checkCondition(0x05, 0x20, 0x00);
        std::uint64_t lba = c[0] == 0x2a ? be(c + 2, 4) : be(c + 2, 8);
        std::uint64_t n = c[0] == 0x2a ? be(c + 7, 2) : be(c + 10, 4);
        if (!rangeOk(lba, n)) return;
        std::copy(_outData.begin(), _outData.begin() + n * 512, _image.begin() + lba * 512);
        _residue = 0;
        ++_writes;
    }

    std::mutex _m;
    AtaDump _dump;
    std::vector<std::uint8_t> _image;
    State _state = State::Idle;
    std::uint32_t _tag = 0, _length = 0, _residue = 0;
    bool _in = false;
    std::uint8_t _status = 0;
    std::vector<std::uint8_t> _cdb, _inData, _outData, _sense;
    bool _unitAttention = true;
    bool _phaseError = false;
    bool _erasePrepared = false;
    std::string _password;
    int _sanitizePolls = 0;
    std::uint64_t _dcoLimit = ~std::uint64_t{0};  // sectors the DCO lets the drive show
    int _classResets = 0;
    int _writes = 0;
};

}  // namespace reemploi::test
