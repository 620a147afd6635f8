// What a tablet prints in answer to the bench's shell commands (getprop, dumpsys battery, df,
// /proc/meminfo, wm size and density, dumpsys display and account), its CNXN banner and the USB
// configuration descriptor its ADB interface is found in, each
// through its parser. The first byte chooses the parser, the rest is the device's output.
// Properties: what reaches JSON, the database or a page is valid UTF-8; numbers stay in range.
#include <reemploi/diagnostics/android/AdbClient.hpp>
#include <reemploi/diagnostics/android/AndroidBench.hpp>
#include <reemploi/diagnostics/android/AndroidDevice.hpp>
#include <reemploi/diagnostics/android/AndroidFacts.hpp>

#include "FuzzInput.hpp"

using namespace reemploi;
using namespace reemploi::diagnostics::android;

namespace {

void checkFacts(const AndroidFacts &f) {
    auto json = f.toJson().str();
    REEMPLOI_FUZZ_CHECK(fuzz::isValidUtf8(json), json);
    auto unit = unitFactsFrom(f);
    (void)unit;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    fuzz::Input in(data, size);
    const int which = in.u8() % 10;
    const std::string_view text = in.rest();
    AndroidFacts f;
    switch (which) {
    case 0: {
        auto props = parseGetprop(text);
        for (const auto &[k, v] : props) {
            REEMPLOI_FUZZ_CHECK(k.find('\n') == std::string::npos, k);
            (void)v;
        }
        applyGetprop(props, f);
        checkFacts(f);
        break;
    }
    case 1:
        f.battery = parseBattery(text);
        if (f.battery.levelPercent) REEMPLOI_FUZZ_CHECK(*f.battery.levelPercent >= 0 && *f.battery.levelPercent <= 100, text);
        checkFacts(f);
        break;
    case 2:
        if (auto d = parseDf(text)) REEMPLOI_FUZZ_CHECK(d->totalBytes >= 0 && d->freeBytes >= 0, text);
        break;
    case 3:
        if (auto m = parseMemTotal(text)) REEMPLOI_FUZZ_CHECK(*m >= 0, text);
        break;
    case 4:
        if (auto s = parseWmSize(text)) REEMPLOI_FUZZ_CHECK(s->first > 0 && s->second > 0, text);
        break;
    case 5:
        if (auto d = parseWmDensity(text)) REEMPLOI_FUZZ_CHECK(*d > 0, text);
        break;
    case 6:
        if (auto i = parseDisplayInches(text)) REEMPLOI_FUZZ_CHECK(*i > 0 && *i < 1000, text);
        break;
    case 7:
        if (auto a = parseAccounts(text)) REEMPLOI_FUZZ_CHECK(a->google >= 0 && a->other >= 0, text);
        break;
    case 8: {
        auto b = parseBanner(text);
        (void)b;
        break;
    }
    case 9: {  // the USB configuration descriptor the ADB interface is found in
        std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t *>(text.data()), text.size());
        if (auto i = parseAdbInterface(bytes))
            REEMPLOI_FUZZ_CHECK((i->bulkIn & 0x80) && !(i->bulkOut & 0x80), text);
        break;
    }
    }
    return 0;
}
