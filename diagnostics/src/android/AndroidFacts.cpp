// Parsing what Android's own commands print: the facts of the bench's tablets and phones.
#include <reemploi/diagnostics/android/AndroidFacts.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <sstream>

#include <reemploi/common/Text.hpp>
#include <reemploi/diagnostics/android/AdbClient.hpp>

namespace reemploi::diagnostics::android {

namespace {

std::vector<std::string_view> lines(std::string_view text) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
        auto nl = text.find('\n');
        auto line = text.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        out.push_back(line);
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

template <class T>
std::optional<T> number(std::string_view s) {
    s = trim(s);
    T v{};
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

std::optional<double> decimal(std::string_view s) {
    s = trim(s);
    if (s.empty()) return std::nullopt;
    std::string copy(s);
    std::istringstream in(copy);
    in.imbue(std::locale::classic());
    double v = 0;
    if (!(in >> v) || !in.eof()) return std::nullopt;
    return v;
}

// "56G", "421M", "32K", "0K", "1.5G" (toolbox df) in bytes, powers of 1024.
std::optional<std::int64_t> sized(std::string_view s) {
    s = trim(s);
    if (s.empty()) return std::nullopt;
    double scale = 1;
    switch (s.back()) {
    case 'K': scale = 1024.0; break;
    case 'M': scale = 1024.0 * 1024; break;
    case 'G': scale = 1024.0 * 1024 * 1024; break;
    case 'T': scale = 1024.0 * 1024 * 1024 * 1024; break;
    default: break;
    }
    if (scale != 1) s.remove_suffix(1);
    auto v = decimal(s);
    if (!v) return std::nullopt;
    return static_cast<std::int64_t>(std::llround(*v * scale));
}

std::vector<std::string_view> fields(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
        if (i > start) out.push_back(line.substr(start, i - start));
    }
    return out;
}

std::string prop(const std::map<std::string, std::string> &p, const std::string &key) {
    auto it = p.find(key);
    return it == p.end() ? std::string() : it->second;
}

// A command's output that is an error rather than an answer.
bool failed(std::string_view out) {
    return out.find("not found") != std::string_view::npos || out.find("Can't find service") != std::string_view::npos ||
           out.find("inaccessible or not found") != std::string_view::npos;
}

std::string firstLine(std::string_view out) {
    auto l = lines(out);
    for (auto s : l)
        if (!trim(s).empty()) return reemploi::text::validUtf8(trim(s));
    return "no output";
}

}  // namespace

std::string_view toString(Encryption e) {
    switch (e) {
    case Encryption::None: return "none";
    case Encryption::FileBased: return "file-based";
    case Encryption::FullDisk: return "full-disk";
    default: return "unknown";
    }
}

std::string AndroidFacts::plainName() const {
    auto startsWith = [](const std::string &s, const std::string &p) {
        return p.size() <= s.size() && std::equal(p.begin(), p.end(), s.begin(), [](char a, char b) {
                   return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
               });
    };
    const std::string &what = marketName.empty() ? model : marketName;
    const std::string &maker = manufacturer.empty() ? brand : manufacturer;
    if (what.empty()) return maker;
    if (maker.empty() || startsWith(what, maker)) return what;
    return maker + " " + what;
}

std::map<std::string, std::string> parseGetprop(std::string_view text) {
    std::map<std::string, std::string> out;
    for (auto line : lines(text)) {
        // "[key]: [value]"; a value may hold brackets, so the last ']' closes it.
        line = trim(line);
        if (line.size() < 6 || line.front() != '[') continue;
        auto keyEnd = line.find("]: [");
        if (keyEnd == std::string_view::npos || line.back() != ']') continue;
        // A property is the device's text: made valid UTF-8 before it reaches JSON or a unit.
        out[reemploi::text::validUtf8(line.substr(1, keyEnd - 1))] = reemploi::text::validUtf8(line.substr(keyEnd + 4, line.size() - keyEnd - 5));
    }
    return out;
}

void applyGetprop(const std::map<std::string, std::string> &p, AndroidFacts &f) {
    f.manufacturer = prop(p, "ro.product.manufacturer");
    f.brand = prop(p, "ro.product.brand");
    f.model = prop(p, "ro.product.model");
    f.device = prop(p, "ro.product.device");
    // The name on the box ("Xiaomi Pad 6" where ro.product.model says "23043RP34G"), where the
    // vendor sets one.
    for (const char *key : {"ro.product.marketname", "ro.product.vendor.marketname", "ro.product.odm.marketname",
                            "ro.config.marketing_name"})
        if (f.marketName.empty()) f.marketName = prop(p, key);
    f.serial = prop(p, "ro.serialno");
    if (f.serial.empty()) f.serial = prop(p, "ro.boot.serialno");
    f.androidVersion = prop(p, "ro.build.version.release");
    f.sdk = number<int>(prop(p, "ro.build.version.sdk"));
    f.fingerprint = prop(p, "ro.build.fingerprint");
    f.kind = prop(p, "ro.build.characteristics").find("tablet") != std::string::npos ? "tablet" : "phone";
    std::string state = prop(p, "ro.crypto.state"), type = prop(p, "ro.crypto.type");
    if (state == "encrypted") f.encryption = type == "file" ? Encryption::FileBased : Encryption::FullDisk;
    else if (state == "unencrypted") f.encryption = Encryption::None;
    else f.encryption = Encryption::Unknown;
    f.persistentDataBlock = !prop(p, "ro.frp.pst").empty();
    if (auto v = prop(p, "sys.oem_unlock_allowed"); !v.empty()) f.oemUnlockAllowed = v == "1";
    auto flash = prop(p, "ro.boot.flash.locked"), vbState = prop(p, "ro.boot.vbmeta.device_state"),
         bootState = prop(p, "ro.boot.verifiedbootstate");
    if (flash == "0" || vbState == "unlocked" || bootState == "orange") f.bootloaderUnlocked = true;
    else if (flash == "1" || vbState == "locked" || bootState == "green") f.bootloaderUnlocked = false;
    auto secure = prop(p, "ro.secure"), debuggable = prop(p, "ro.debuggable"), buildType = prop(p, "ro.build.type");
    if (secure == "0" || debuggable == "1" || (!buildType.empty() && buildType != "user")) f.rootPossible = true;
    else if (secure == "1" && debuggable == "0") f.rootPossible = false;
}

AndroidFacts::Battery parseBattery(std::string_view text) {
    AndroidFacts::Battery b;
    std::optional<int> scale;
    for (auto line : lines(text)) {
        auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        std::string key(trim(line.substr(0, colon)));
        auto value = trim(line.substr(colon + 1));
        for (auto &c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (key == "level") b.levelPercent = number<int>(value), b.read = true;
        else if (key == "scale") scale = number<int>(value);
        else if (key == "voltage") b.voltageMv = number<int>(value);
        else if (key == "temperature") {
            if (auto t = number<int>(value)) b.temperatureC = *t / 10.0;  // tenths of a degree
        } else if (key == "present") b.present = value == "true";
        else if (key == "technology") b.technology = reemploi::text::validUtf8(value);
        else if (key == "health") {
            // BatteryManager.BATTERY_HEALTH_*
            static const char *names[] = {"", "unknown", "good", "overheat", "dead", "over-voltage", "failure", "cold"};
            auto h = number<int>(value);
            b.health = h && *h >= 1 && *h <= 7 ? names[*h] : "unknown";
        } else if (key == "status") {
            static const char *names[] = {"", "unknown", "charging", "discharging", "not charging", "full"};
            auto s = number<int>(value);
            b.status = s && *s >= 1 && *s <= 5 ? names[*s] : "unknown";
        } else if (key == "cycle count" || key == "battery cycle count" || key == "charge cycles") {
            b.cycles = number<int>(value);
        } else if (key == "state of health" || key == "battery state of health") {
            b.healthPercent = number<int>(value);
        }
    }
    if (b.levelPercent && scale && *scale > 0 && *scale != 100) b.levelPercent = *b.levelPercent * 100 / *scale;
    return b;
}

std::optional<DfLine> parseDf(std::string_view text, std::string_view mount) {
    auto all = lines(text);
    if (all.empty()) return std::nullopt;
    auto head = fields(all[0]);
    bool toolbox = head.size() >= 4 && head[1] == "Size" && head[3] == "Free";
    std::int64_t unit = 1024;  // "1K-blocks"
    if (!head.empty() && head.size() > 1 && head[1].ends_with("-blocks")) {
        auto n = head[1].substr(0, head[1].size() - 7);
        if (n == "1K") unit = 1024;
        else if (auto v = number<std::int64_t>(n)) unit = *v;
    }
    for (std::size_t i = 1; i < all.size(); ++i) {
        auto f = fields(all[i]);
        if (toolbox) {
            if (f.size() >= 4 && f[0] == mount) {
                auto size = sized(f[1]), free = sized(f[3]);
                if (size && free) return DfLine{*size, *free};
            }
        } else if (f.size() >= 6 && f.back() == mount) {
            auto size = number<std::int64_t>(f[1]), avail = number<std::int64_t>(f[3]);
            if (size && avail) return DfLine{*size * unit, *avail * unit};
        }
    }
    return std::nullopt;
}

std::optional<std::int64_t> parseMemTotal(std::string_view meminfo) {
    for (auto line : lines(meminfo)) {
        if (!line.starts_with("MemTotal:")) continue;
        auto f = fields(line.substr(9));
        if (f.empty()) return std::nullopt;
        auto kb = number<std::int64_t>(f[0]);
        if (!kb) return std::nullopt;
        return *kb * 1024;
    }
    return std::nullopt;
}

std::optional<std::pair<int, int>> parseWmSize(std::string_view text) {
    for (auto line : lines(text)) {
        if (!line.starts_with("Physical size:")) continue;
        auto v = trim(line.substr(14));
        auto x = v.find('x');
        if (x == std::string_view::npos) return std::nullopt;
        auto w = number<int>(v.substr(0, x)), h = number<int>(v.substr(x + 1));
        if (w && h && *w > 0 && *h > 0) return std::pair{*w, *h};
    }
    return std::nullopt;
}

std::optional<int> parseWmDensity(std::string_view text) {
    for (auto line : lines(text))
        if (line.starts_with("Physical density:")) return number<int>(line.substr(17));
    return std::nullopt;
}

std::optional<double> parseDisplayInches(std::string_view text) {
    // DisplayDeviceInfo{"…": uniqueId="…", 1800 x 2880, modeId 3, …, density 400, 308.918 x 309.049 dpi, …
    auto at = text.find("DisplayDeviceInfo{");
    if (at == std::string_view::npos) return std::nullopt;
    auto rest = text.substr(at);
    auto end = rest.find('\n');
    rest = rest.substr(0, end);
    auto dpi = rest.find(" dpi,");
    if (dpi == std::string_view::npos) return std::nullopt;
    auto before = rest.substr(0, dpi);
    auto comma = before.rfind(", ");
    if (comma == std::string_view::npos) return std::nullopt;
    auto pair = fields(before.substr(comma + 2));  // "308.918" "x" "309.049"
    if (pair.size() != 3 || pair[1] != "x") return std::nullopt;
    auto xdpi = decimal(pair[0]), ydpi = decimal(pair[2]);
    // The pixels: the first "W x H," after the uniqueId.
    auto uid = rest.find("uniqueId=\"");
    if (uid == std::string_view::npos) return std::nullopt;
    auto after = rest.substr(uid + 10);
    auto q = after.find("\", ");
    if (q == std::string_view::npos) return std::nullopt;
    auto px = fields(after.substr(q + 3, after.find(',', q + 3) - q - 3));
    if (px.size() != 3 || px[1] != "x") return std::nullopt;
    auto w = decimal(px[0]), h = decimal(px[2]);
    if (!xdpi || !ydpi || !w || !h || *xdpi <= 0 || *ydpi <= 0) return std::nullopt;
    double inches = std::hypot(*w / *xdpi, *h / *ydpi);
    return std::round(inches * 10) / 10;
}

std::optional<AccountCount> parseAccounts(std::string_view text) {
    AccountCount c;
    bool seen = false;
    for (auto line : lines(text)) {
        auto t = trim(line);
        if (t.starts_with("Accounts:")) seen = true;
        if (!t.starts_with("Account {")) continue;
        // "Account {name=…, type=com.google}": only the type is looked at.
        auto type = t.rfind("type=");
        if (type == std::string_view::npos) continue;
        auto value = t.substr(type + 5);
        if (auto close = value.find('}'); close != std::string_view::npos) value = value.substr(0, close);
        if (value == "com.google") ++c.google;
        else ++c.other;
    }
    if (!seen) return std::nullopt;
    return c;
}

bool AndroidFacts::accountLockRisk() const {
    // FRP exists from Android 5.1 (SDK 22) on, kept in the persistent data block.
    bool frp = persistentDataBlock || sdk.value_or(0) >= 22;
    return frp && (!googleAccounts || *googleAccounts > 0);
}

json::Object AndroidFacts::toJson() const {
    json::Object o;
    o.set("kind", kind).set("manufacturer", manufacturer).set("brand", brand).set("model", model).set("device", device);
    o.set("market_name", marketName).set("name", plainName());
    o.set("serial", serial).set("android_version", androidVersion).set("sdk", sdk).set("fingerprint", fingerprint);
    json::Object b;
    b.set("level_percent", battery.levelPercent).set("health", battery.health).set("status", battery.status);
    b.set("temperature_c", battery.temperatureC).set("voltage_mv", battery.voltageMv).set("cycles", battery.cycles);
    b.set("health_percent", battery.healthPercent).set("present", battery.present).set("technology", battery.technology);
    o.set("battery", battery.read ? b : json::Object().set("read", false));
    o.set("data_total_bytes", dataTotalBytes).set("data_free_bytes", dataFreeBytes).set("ram_bytes", ramBytes);
    o.set("screen_width_px", screenWidthPx).set("screen_height_px", screenHeightPx).set("density_dpi", densityDpi);
    o.set("screen_inches", screenInches);
    o.set("encryption", toString(encryption));
    o.set("google_accounts", googleAccounts).set("other_accounts", otherAccounts);
    o.set("persistent_data_block", persistentDataBlock).set("account_lock_risk", accountLockRisk());
    o.set("oem_unlock_allowed", oemUnlockAllowed).set("bootloader_unlocked", bootloaderUnlocked);
    o.set("root_possible", rootPossible);
    json::Array missing;
    for (const auto &u : unavailable) missing.add(u);
    o.raw("unavailable", missing.str());
    return o;
}

Result<AndroidFacts> readFacts(AdbClient &adb) {
    AndroidFacts f;
    auto run = [&](const std::string &command) -> Result<std::string> { return adb.shell(command); };

    auto props = run("getprop");
    if (!props) return props.error();
    auto map = parseGetprop(*props);
    if (map.empty()) return makeError(Errc::Device, "getprop printed no property: '" + firstLine(*props) + "'");
    applyGetprop(map, f);

    auto note = [&](const std::string &command, const std::string &why) { f.unavailable.push_back(command + ": " + why); };

    auto battery = run("dumpsys battery");
    if (!battery) return battery.error();
    f.battery = parseBattery(*battery);
    if (!f.battery.read) note("dumpsys battery", firstLine(*battery));

    // Wear, where the kernel's fuel gauge is readable by the shell (many devices allow it).
    const std::string gauge = "/sys/class/power_supply/battery/";
    auto sysNumber = [&](const std::string &file) -> Result<std::optional<std::int64_t>> {
        auto out = run("cat " + gauge + file);
        if (!out) return out.error();
        auto v = number<std::int64_t>(trim(std::string_view(*out).substr(0, out->find('\n'))));
        if (!v) note("cat " + gauge + file, firstLine(*out));
        return v;
    };
    auto cycles = sysNumber("cycle_count");
    if (!cycles) return cycles.error();
    if (*cycles && !f.battery.cycles) f.battery.cycles = static_cast<int>(**cycles);
    auto full = sysNumber("charge_full");
    if (!full) return full.error();
    if (*full) {
        auto design = sysNumber("charge_full_design");
        if (!design) return design.error();
        if (*design && **design > 0 && !f.battery.healthPercent)
            f.battery.healthPercent = static_cast<int>(std::lround(100.0 * static_cast<double>(**full) / static_cast<double>(**design)));
    }

    auto df = run("df /data");
    if (!df) return df.error();
    if (auto d = parseDf(*df)) f.dataTotalBytes = d->totalBytes, f.dataFreeBytes = d->freeBytes;
    else note("df /data", firstLine(*df));

    auto mem = run("cat /proc/meminfo");
    if (!mem) return mem.error();
    if ((f.ramBytes = parseMemTotal(*mem)); !f.ramBytes) note("/proc/meminfo", firstLine(*mem));

    auto size = run("wm size");
    if (!size) return size.error();
    if (auto s = parseWmSize(*size)) f.screenWidthPx = s->first, f.screenHeightPx = s->second;
    else note("wm size", firstLine(*size));
    auto density = run("wm density");
    if (!density) return density.error();
    if ((f.densityDpi = parseWmDensity(*density)); !f.densityDpi) {
        if (auto lcd = number<int>(prop(map, "ro.sf.lcd_density"))) f.densityDpi = lcd;
        else note("wm density", firstLine(*density));
    }
    auto display = run("dumpsys display");
    if (!display) return display.error();
    if ((f.screenInches = parseDisplayInches(*display)); !f.screenInches)
        note("dumpsys display", failed(*display) ? firstLine(*display) : "no panel size in its output");

    auto accounts = run("dumpsys account");
    if (!accounts) return accounts.error();
    if (auto a = parseAccounts(*accounts)) f.googleAccounts = a->google, f.otherAccounts = a->other;
    else note("dumpsys account", firstLine(*accounts));
    return f;
}

}  // namespace reemploi::diagnostics::android
