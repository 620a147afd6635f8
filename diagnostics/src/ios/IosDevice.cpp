// iPads and iPhones: lockdownd values through libimobiledevice, and what they mean at the bench.
#include <reemploi/diagnostics/ios/IosDevice.hpp>

#include <reemploi/common/Text.hpp>

#include <charconv>
#include <cinttypes>
#include <cstring>

#include <libimobiledevice/libimobiledevice.h>
#include <libimobiledevice/lockdown.h>
#include <plist/plist.h>

#include <reemploi/inventory/DeviceFacts.hpp>
#include <reemploi/inventory/DeviceLocks.hpp>
#include <reemploi/inventory/Units.hpp>

namespace reemploi::diagnostics::ios {

namespace {

template <class T>
std::optional<T> number(const std::string &s) {
    T v{};
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

std::optional<bool> boolean(const std::map<std::string, std::string> &m, const std::string &key) {
    auto it = m.find(key);
    if (it == m.end()) return std::nullopt;
    if (it->second == "true") return true;
    if (it->second == "false") return false;
    return std::nullopt;
}

// The device's text, made valid UTF-8 before it reaches JSON or a unit.
std::string value(const std::map<std::string, std::string> &m, const std::string &key) {
    auto it = m.find(key);
    return it == m.end() ? std::string() : reemploi::text::validUtf8(it->second);
}

// A plist scalar as ideviceinfo prints it; nullopt for containers and data.
std::optional<std::string> scalar(plist_t node) {
    switch (plist_get_node_type(node)) {
    case PLIST_STRING: {
        char *s = nullptr;
        plist_get_string_val(node, &s);
        std::string out = s ? s : "";
        std::free(s);
        return out;
    }
    case PLIST_BOOLEAN: {
        uint8_t b = 0;
        plist_get_bool_val(node, &b);
        return std::string(b ? "true" : "false");
    }
    case PLIST_UINT: {
        uint64_t u = 0;
        plist_get_uint_val(node, &u);
        return std::to_string(u);
    }
    case PLIST_REAL: {
        double d = 0;
        plist_get_real_val(node, &d);
        char buf[64];
        std::snprintf(buf, sizeof buf, "%f", d);
        return std::string(buf);
    }
    default:
        return std::nullopt;
    }
}

class LibimobiledeviceLockdown final : public IosLockdown {
public:
    LibimobiledeviceLockdown(idevice_t device, lockdownd_client_t client, std::string udid)
        : _device(device), _client(client), _udid(std::move(udid)) {}
    ~LibimobiledeviceLockdown() override {
        lockdownd_client_free(_client);
        idevice_free(_device);
    }

    Result<std::map<std::string, std::string>> domain(const std::string &name) override {
        plist_t dict = nullptr;
        auto rc = lockdownd_get_value(_client, name.empty() ? nullptr : name.c_str(), nullptr, &dict);
        if (rc != LOCKDOWN_E_SUCCESS || !dict)
            return makeError(Errc::Device, describe() + ": lockdown domain " + (name.empty() ? "(root)" : name) +
                                               " not readable (error " + std::to_string(rc) + ")");
        std::map<std::string, std::string> out;
        if (plist_get_node_type(dict) == PLIST_DICT) {
            plist_dict_iter it = nullptr;
            plist_dict_new_iter(dict, &it);
            for (;;) {
                char *key = nullptr;
                plist_t item = nullptr;
                plist_dict_next_item(dict, it, &key, &item);
                if (!key) break;
                if (auto v = scalar(item)) out[key] = *v;
                std::free(key);
            }
            std::free(it);
        }
        plist_free(dict);
        return out;
    }

    std::string describe() const override { return "iOS device " + _udid; }

private:
    idevice_t _device;
    lockdownd_client_t _client;
    std::string _udid;
};

}  // namespace

Result<std::unique_ptr<IosLockdown>> openIosDevice(const std::string &udid) {
    idevice_t device = nullptr;
    auto rc = idevice_new_with_options(&device, udid.empty() ? nullptr : udid.c_str(), IDEVICE_LOOKUP_USBMUX);
    if (rc != IDEVICE_E_SUCCESS)
        return makeError(Errc::NotFound, udid.empty() ? std::string("no iPad or iPhone connected (usbmuxd sees none: is "
                                                                    "it plugged in and unlocked?)")
                                                      : "no iPad or iPhone with UDID " + udid + " connected");
    char *found = nullptr;
    idevice_get_udid(device, &found);
    std::string id = found ? found : udid;
    std::free(found);
    lockdownd_client_t client = nullptr;
    auto lrc = lockdownd_client_new_with_handshake(device, &client, "reemploi");
    if (lrc != LOCKDOWN_E_SUCCESS) {
        idevice_free(device);
        if (lrc == LOCKDOWN_E_PAIRING_DIALOG_RESPONSE_PENDING || lrc == LOCKDOWN_E_USER_DENIED_PAIRING ||
            lrc == LOCKDOWN_E_PASSWORD_PROTECTED || lrc == LOCKDOWN_E_INVALID_HOST_ID)
            return makeError(Errc::Refused, "iOS device " + id +
                                                ": not paired: unlock it and tap \"Trust\" on \"Trust this computer?\", "
                                                "then try again");
        return makeError(Errc::Device, "iOS device " + id + ": lockdown handshake failed (error " + std::to_string(lrc) + ")");
    }
    return std::unique_ptr<IosLockdown>(new LibimobiledeviceLockdown(device, client, id));
}

std::map<std::string, std::string> parseIdeviceinfo(std::string_view text) {
    std::map<std::string, std::string> out;
    while (!text.empty()) {
        auto nl = text.find('\n');
        auto line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line.front() == ' ' || line.front() == '\t') continue;  // inside a container
        auto colon = line.find(": ");
        if (colon == std::string_view::npos) continue;  // "Key:" opens a container; value-less keys too
        auto key = line.substr(0, colon);
        if (key.find('[') != std::string_view::npos) continue;
        out[std::string(key)] = std::string(line.substr(colon + 2));
    }
    return out;
}

std::string_view toString(ActivationLock l) {
    switch (l) {
    case ActivationLock::Off: return "off";
    case ActivationLock::On: return "on";
    default: return "unknown";
    }
}

ActivationLock IosFacts::activationLock() const {
    // Find My tied to an Apple ID is what locks activation after an erase.
    if (findMy && *findMy) return ActivationLock::On;
    // Not activated: Apple's servers decide at activation whether a lock holds; nothing read
    // here can tell, so it must be activated (and read again) first.
    if (activationState != "Activated" && activationState != "FactoryActivated") return ActivationLock::Unknown;
    if (!findMy) return ActivationLock::Unknown;
    return ActivationLock::Off;
}

std::string IosFacts::lockAdvice() const {
    switch (activationLock()) {
    case ActivationLock::On:
        return "Find My is on, tied to the donor's Apple ID: ask the donor to sign out of iCloud on the device "
               "(Settings › their name › Sign Out), or to remove it from their account at icloud.com/find (serial " +
               serial + "), then read the device again";
    case ActivationLock::Unknown:
        if (activationState != "Activated" && activationState != "FactoryActivated")
            return "the device is not activated (" + (activationState.empty() ? std::string("state unknown") : activationState) +
                   "): activate it on its setup screen (Wi-Fi); if it asks for an Apple ID, ask the donor to remove the "
                   "device from their account at icloud.com/find (serial " + serial + "), then read it again";
        return "Find My could not be read: check Settings › Apple ID › Find My on the device, then read it again";
    default:
        return "";
    }
}

json::Object IosFacts::toJson() const {
    json::Object o;
    o.set("kind", kind()).set("device_class", deviceClass).set("product_type", productType).set("model_number", modelNumber);
    o.set("hardware_model", hardwareModel).set("serial", serial).set("ios_version", iosVersion).set("build", buildVersion);
    o.set("activation_state", activationState).set("find_my", findMy);
    o.set("activation_lock", toString(activationLock()));
    if (auto advice = lockAdvice(); !advice.empty()) o.set("lock_advice", advice);
    o.set("data_total_bytes", dataTotalBytes).set("data_free_bytes", dataFreeBytes).set("disk_bytes", diskBytes);
    o.set("battery_percent", batteryPercent).set("charging", charging);
    json::Array missing;
    for (const auto &u : unavailable) missing.add(u);
    o.raw("unavailable", missing.str());
    return o;
}

Result<IosFacts> readIosFacts(IosLockdown &device) {
    auto root = device.domain("");
    if (!root) return root.error();
    IosFacts f;
    f.deviceClass = value(*root, "DeviceClass");
    f.productType = value(*root, "ProductType");
    f.modelNumber = value(*root, "ModelNumber");
    f.hardwareModel = value(*root, "HardwareModel");
    f.serial = value(*root, "SerialNumber");
    f.iosVersion = value(*root, "ProductVersion");
    f.buildVersion = value(*root, "BuildVersion");
    f.activationState = value(*root, "ActivationState");
    if (f.productType.empty()) return makeError(Errc::Device, device.describe() + ": lockdown gave no ProductType");
    if (auto fmip = device.domain("com.apple.fmip")) {
        f.findMy = boolean(*fmip, "IsAssociated");
        if (!f.findMy) f.unavailable.push_back("com.apple.fmip: no IsAssociated");
    } else {
        f.unavailable.push_back(fmip.error().message);
    }
    if (auto disk = device.domain("com.apple.disk_usage")) {
        f.dataTotalBytes = number<std::int64_t>(value(*disk, "TotalDataCapacity"));
        f.dataFreeBytes = number<std::int64_t>(value(*disk, "TotalDataAvailable"));
        f.diskBytes = number<std::int64_t>(value(*disk, "TotalDiskCapacity"));
    } else {
        f.unavailable.push_back(disk.error().message);
    }
    if (auto battery = device.domain("com.apple.mobile.battery")) {
        f.batteryPercent = number<int>(value(*battery, "BatteryCurrentCapacity"));
        f.charging = boolean(*battery, "BatteryIsCharging");
    } else {
        f.unavailable.push_back(battery.error().message);
    }
    // Wear (cycle count, capacity against design) is only in the diagnostics relay's IORegistry.
    f.unavailable.push_back("battery health: not exposed by lockdown");
    return f;
}

Result<IosDiagnosis> diagnoseIos(IosLockdown &device, inventory::Database *db, const std::optional<std::string> &unitTag,
                                 const inventory::Actor &actor) {
    if (unitTag) {
        if (!db) return makeError(Errc::Internal, "no database to store the facts in");
        auto unit = inventory::getUnit(*db, *unitTag);
        if (!unit) return unit.error();
    }
    IosDiagnosis out;
    out.where = device.describe();
    auto facts = readIosFacts(device);
    if (!facts) return facts.error();
    out.facts = std::move(*facts);
    if (!unitTag) return out;
    const auto &f = out.facts;
    return inventory::inTransaction(*db, "recording the facts of " + *unitTag, [&]() -> Result<IosDiagnosis> {
        inventory::DeviceFacts d;
        d.kind = f.kind() == "tablet" ? inventory::UnitKind::Tablet : inventory::UnitKind::Phone;
        d.make = "Apple";
        d.model = f.productType + (f.modelNumber.empty() ? "" : " (" + f.modelNumber + ")");
        d.serial = f.serial;
        if (!f.iosVersion.empty()) d.os = (f.deviceClass == "iPad" ? "iPadOS " : "iOS ") + f.iosVersion;
        d.internalCapacityBytes = f.diskBytes ? f.diskBytes : f.dataTotalBytes;
        auto unit = inventory::recordDeviceFacts(*db, *unitTag, d, actor);
        if (!unit) return unit.error();
        inventory::DeviceLock lock;
        lock.state = std::string(toString(f.activationLock()));
        lock.detail = f.lockAdvice();
        auto recorded = inventory::recordDeviceLock(*db, *unitTag, lock, actor);
        if (!recorded) return recorded.error();
        out.unit = std::move(*unit);
        return out;
    });
}

}  // namespace reemploi::diagnostics::ios
