// A tablet as a hostile or broken device may behave, seen through our whole ADB host: message
// framing (decodeHeader, checkData), the handshake (CNXN, AUTH, STLS), streams (OPEN, OKAY,
// WRTE, CLSE), every command the bench runs to read the facts, and the factory reset's request
// and restart. The input is the device's side of the conversation, read one message at a time
// (FuzzTablet below; fuzz_seeds writes a well-behaved tablet from tests/fixtures/android).
// Properties: the facts' JSON is valid UTF-8; nothing hangs (an exhausted input is a device gone).
#include <reemploi/diagnostics/android/AdbClient.hpp>
#include <reemploi/diagnostics/android/AndroidFacts.hpp>
#include <reemploi/diagnostics/android/AndroidReset.hpp>

#include "FuzzInput.hpp"

using namespace reemploi;
using namespace reemploi::diagnostics::android;

namespace {

std::uint32_t u32(fuzz::Input &in) { return in.u16() | std::uint32_t(in.u16()) << 16; }

// Each receive() takes one byte `b` first: b % 16 == 0 is a timeout, 1 a disconnection (as is
// an exhausted input); b & 0x10: a message built from parts (u8 % 8 picks the command, then
// arg0, arg1 as u32, u16 data length, the data), else raw: 24 header bytes through decodeHeader
// (its errors are the transport's), then the data it announces, checked like the TCP transport.
class FuzzTablet final : public AdbTransport {
public:
    explicit FuzzTablet(fuzz::Input &in) : _in(in) {}
    Status send(const Message &) override {
        if (_in.empty()) return makeError(Errc::Device, "fuzz: disconnected");
        return {};
    }
    Result<Message> receive(std::chrono::milliseconds) override {
        if (_in.empty()) return makeError(Errc::Device, "fuzz: disconnected");
        std::uint8_t b = _in.u8();
        if (b % 16 == 0) return makeError(Errc::Timeout, "fuzz: nothing arrived");
        if (b % 16 == 1) return makeError(Errc::Device, "fuzz: disconnected");
        Message m;
        if (b & 0x10) {
            static constexpr std::uint32_t commands[] = {kCnxn, kAuth, kOpen, kOkay, kClse, kWrte, kSync, kStls};
            m.command = commands[_in.u8() % 8];
            m.arg0 = u32(_in);
            m.arg1 = u32(_in);
            m.data.resize(std::min<std::uint32_t>(_in.u16(), _maxPayload));
            m.data.resize(_in.bytes(m.data));
            m.dataCheck = checksum(m.data);
            return m;
        }
        std::uint8_t header[kHeaderSize];
        _in.bytes(header);
        auto h = decodeHeader(header, _maxPayload);
        if (!h) return h.error();
        m.command = h->command, m.arg0 = h->arg0, m.arg1 = h->arg1, m.dataCheck = h->dataCheck;
        m.data.resize(h->dataLength);
        if (_in.bytes(m.data) < m.data.size()) return makeError(Errc::Device, "fuzz: disconnected");
        if (_checkData) REEMPLOI_TRY(checkData(*h, m.data));
        return m;
    }
    std::string describe() const override { return "fuzz tablet"; }

private:
    fuzz::Input &_in;
};

const AdbKey &benchKey() {
    static const AdbKey key = *AdbKey::generate();
    return key;
}

}  // namespace

// The RSA key is made once, before the first input (on a busy machine making it takes seconds,
// which the first input's timeout would otherwise count).
extern "C" int LLVMFuzzerInitialize(int *, char ***) {
    (void)benchKey();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    fuzz::Input in(data, size);
    AdbConnectOptions options;
    options.timeout = std::chrono::milliseconds(5);
    options.promptWait = std::chrono::milliseconds(5);
    auto adb = AdbClient::connect(std::make_unique<FuzzTablet>(in), benchKey(), options);
    if (!adb) return 0;
    auto facts = readFacts(**adb);
    if (!facts) return 0;
    auto json = facts->toJson().str();
    REEMPLOI_FUZZ_CHECK(fuzz::isValidUtf8(json), json);
    ResetOptions reset;
    reset.rebootWait = std::chrono::milliseconds(5);
    if (auto outcome = factoryReset(**adb, *facts, reset))
        REEMPLOI_FUZZ_CHECK(fuzz::isValidUtf8(outcome->deviceSaid), outcome->deviceSaid);
    return 0;
}
