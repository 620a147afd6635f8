// What an iPad or iPhone says through lockdown, as `ideviceinfo` prints it: the text parser, then
// the facts read from four domains (the root, com.apple.fmip, com.apple.disk_usage,
// com.apple.mobile.battery) and the activation lock decided from them. The input is the four
// domains' texts separated by a 0xFF byte; a domain whose text starts with 0xFE fails to read.
// Properties: the facts' JSON is valid UTF-8; a lock said to be off comes with no advice.
#include <reemploi/diagnostics/ios/IosDevice.hpp>

#include "FuzzInput.hpp"

using namespace reemploi;
using namespace reemploi::diagnostics::ios;

namespace {

class FuzzLockdown final : public IosLockdown {
public:
    explicit FuzzLockdown(std::string_view text) {
        const char *names[] = {"", "com.apple.fmip", "com.apple.disk_usage", "com.apple.mobile.battery"};
        for (const char *name : names) {
            auto cut = text.find('\xff');
            _texts[name] = std::string(text.substr(0, cut));
            text = cut == std::string_view::npos ? std::string_view() : text.substr(cut + 1);
        }
    }
    Result<std::map<std::string, std::string>> domain(const std::string &name) override {
        const auto &t = _texts[name];
        if (!t.empty() && t[0] == '\xfe') return makeError(Errc::Device, "lockdown: domain " + name + " unreadable");
        return parseIdeviceinfo(t);
    }
    std::string describe() const override { return "fuzz"; }

private:
    std::map<std::string, std::string> _texts;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char *>(data), size);
    for (const auto &[k, v] : parseIdeviceinfo(text)) {
        REEMPLOI_FUZZ_CHECK(k.find('\n') == std::string::npos && v.find('\n') == std::string::npos, k);
    }
    FuzzLockdown device(text);
    auto facts = readIosFacts(device);
    if (!facts) return 0;
    auto json = facts->toJson().str();
    REEMPLOI_FUZZ_CHECK(fuzz::isValidUtf8(json), json);
    if (facts->activationLock() == ActivationLock::Off) REEMPLOI_FUZZ_CHECK(facts->lockAdvice().empty(), json);
    else REEMPLOI_FUZZ_CHECK(!facts->lockAdvice().empty(), json);
    return 0;
}
