// Walking sysfs and procfs under a root for the probe's snapshot.
#include <reemploi/diagnostics/probe/Probe.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <reemploi/common/Text.hpp>
#include <reemploi/diagnostics/probe/Edid.hpp>
#include <reemploi/diagnostics/storage/BlockTarget.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::diagnostics::probe {

namespace fs = std::filesystem;

namespace {

// The whole file, or nothing (absent, unreadable: sysfs answers some reads with ENODEV or EIO).
std::optional<std::string> readFile(const fs::path &p, std::size_t limit = 1 << 20) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::nullopt;
    std::string out(limit, '\0');
    in.read(out.data(), static_cast<std::streamsize>(limit));
    if (in.bad()) return std::nullopt;
    out.resize(static_cast<std::size_t>(in.gcount()));
    return out;
}

std::string readText(const fs::path &p) {
    auto s = readFile(p, 4096);
    return s ? text::trim(*s) : std::string();
}

std::vector<std::string> entries(const fs::path &dir) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto &e : fs::directory_iterator(dir, ec)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Where a sysfs link points, as text (its target under /sys/devices tells the bus).
std::string linkTarget(const fs::path &p) {
    std::error_code ec;
    auto target = fs::read_symlink(p, ec);
    return ec ? std::string() : target.string();
}

void readIdentity(const fs::path &sys, Snapshot &s) {
    auto id = sys / "class/dmi/id";
    if (!fs::exists(id)) {
        s.unavailable.push_back("DMI: no /sys/class/dmi/id (not a PC firmware, or not mounted)");
        return;
    }
    auto &m = s.machine;
    m.vendor = readText(id / "sys_vendor");
    m.product = readText(id / "product_name");
    m.version = readText(id / "product_version");
    auto serial = readFile(id / "product_serial", 4096);
    if (!serial) s.unavailable.push_back("DMI: no product_serial (absent, or not readable: run as root)");
    else if (!placeholderSerial(*serial)) m.serial = text::trim(*serial);
    std::string lowerVendor;
    for (char c : m.vendor) lowerVendor += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // Lenovo puts the machine type in product_name and the name people use in product_version.
    bool versionIsModel = lowerVendor == "lenovo" && !m.version.empty() && !placeholderSerial(m.version);
    m.model = versionIsModel ? m.version : m.product;
    auto chassis = readText(id / "chassis_type");
    try {
        if (!chassis.empty()) m.chassisType = std::stoi(chassis);
    } catch (...) {
        s.unavailable.push_back("DMI: chassis_type is not a number: \"" + chassis + "\"");
    }
    m.kind = m.chassisType ? std::string(chassisKind(*m.chassisType)) : "other";
    m.biosDate = isoBiosDate(readText(id / "bios_date"));
}

void readCpuAndMemory(const fs::path &root, Snapshot &s) {
    if (auto cpuinfo = readFile(root / "proc/cpuinfo")) {
        auto cpu = parseCpuinfo(*cpuinfo);
        if (cpu) s.cpu = *cpu;
        else s.unavailable.push_back(cpu.error().message);
    } else {
        s.unavailable.push_back("CPU: /proc/cpuinfo not readable");
    }
    if (auto meminfo = readFile(root / "proc/meminfo")) {
        auto kib = parseMemTotalKib(*meminfo);
        if (kib) s.memory.kernelTotalKib = *kib;
        else s.unavailable.push_back(kib.error().message);
    }
    if (auto table = readFile(root / "sys/firmware/dmi/tables/DMI", 1 << 20)) {
        auto bytes = std::span(reinterpret_cast<const std::uint8_t *>(table->data()), table->size());
        auto modules = parseSmbiosMemory(bytes);
        if (modules) s.memory.modules = *modules;
        else s.unavailable.push_back(modules.error().message);
    } else {
        s.unavailable.push_back("memory modules: /sys/firmware/dmi/tables/DMI not readable (run as root)");
    }
    if (!s.memory.modules.empty()) {
        std::int64_t total = 0;
        for (const auto &m : s.memory.modules) total += m.sizeMib;
        s.memory.totalMib = total;
        s.memory.source = "smbios";
    } else if (s.memory.kernelTotalKib) {
        s.memory.totalMib = estimateInstalledMib(*s.memory.kernelTotalKib);
        s.memory.source = "meminfo";
    }
}

void readBatteries(const fs::path &sys, Snapshot &s) {
    auto dir = sys / "class/power_supply";
    for (const auto &name : entries(dir)) {
        auto p = dir / name;
        if (readText(p / "type") != "Battery") continue;
        if (readText(p / "scope") == "Device") continue;  // a mouse's or a headset's battery
        if (readText(p / "present") == "0") continue;
        std::map<std::string, std::string> attributes;
        for (const auto &file : entries(p)) {
            std::error_code ec;
            if (!fs::is_regular_file(p / file, ec)) continue;
            auto content = readFile(p / file, 4096);
            if (content) attributes[file] = text::trim(*content);
            else if (startsWith(file, "energy_full") || startsWith(file, "charge_full"))
                s.unavailable.push_back("battery " + name + ": " + file + " not readable");
        }
        s.batteries.push_back(parseBattery(name, attributes));
    }
}

void readScreens(const fs::path &sys, Snapshot &s) {
    auto dir = sys / "class/drm";
    for (const auto &name : entries(dir)) {
        auto edid = readFile(dir / name / "edid", 65536);
        if (!edid || edid->empty()) continue;  // a connector with nothing plugged in
        auto bytes = std::span(reinterpret_cast<const std::uint8_t *>(edid->data()), edid->size());
        auto info = parseEdid(bytes);
        if (!info) {
            s.unavailable.push_back("screen " + name + ": " + info.error().message);
            continue;
        }
        Screen sc;
        sc.connector = name;
        sc.internal = name.find("-eDP-") != std::string::npos || name.find("-LVDS-") != std::string::npos ||
                      name.find("-DSI-") != std::string::npos;
        sc.manufacturer = info->manufacturer;
        sc.name = info->name;
        sc.productCode = info->productCode;
        sc.widthMm = info->widthMm;
        sc.heightMm = info->heightMm;
        sc.diagonalInches = info->diagonalInches;
        sc.nativeWidth = info->nativeWidth;
        sc.nativeHeight = info->nativeHeight;
        s.screens.push_back(std::move(sc));
    }
}

void readNetwork(const fs::path &sys, Snapshot &s) {
    auto dir = sys / "class/net";
    for (const auto &name : entries(dir)) {
        auto p = dir / name;
        std::error_code ec;
        if (!fs::exists(p / "device", ec)) continue;  // lo, bridges, tunnels: no hardware behind them
        NetworkInterface n;
        n.name = name;
        n.mac = readText(p / "address");
        n.kind = fs::exists(p / "wireless", ec) || fs::exists(p / "phy80211", ec) ? "wireless" : "wired";
        s.network.push_back(std::move(n));
    }
}

void readDisks(const fs::path &sys, Snapshot &s) {
    auto dir = sys / "block";
    auto virtualOrOptical = [](const std::string &name) {
        for (std::string_view skip : {"loop", "ram", "zram", "dm-", "md", "sr", "nbd", "fd"})
            if (startsWith(name, skip)) return true;
        return false;
    };
    for (const auto &name : entries(dir)) {
        if (virtualOrOptical(name)) continue;
        {
            auto p = dir / name;
            Disk d;
            d.name = name;
            std::string target = linkTarget(p);
            auto sectors = readText(p / "size");
            try {
                d.sizeBytes = sectors.empty() ? 0 : std::stoll(sectors) * 512;
            } catch (...) {
                s.unavailable.push_back("disk " + name + ": size is not a number");
            }
            if (d.sizeBytes == 0) continue;  // an empty card reader slot
            d.rotational = readText(p / "queue/rotational") == "1";
            d.removable = readText(p / "removable") == "1";
            if (startsWith(name, "nvme")) {
                d.transport = "nvme";
                // nvme0n1/device is the controller (nvme0): model, serial, firmware live there.
                d.model = readText(p / "device/model");
                d.serial = readText(p / "device/serial");
                d.firmware = readText(p / "device/firmware_rev");
            } else if (startsWith(name, "mmcblk")) {
                d.transport = readText(p / "device/type") == "SD" ? "sd" : "emmc";
                d.model = readText(p / "device/name");
                d.serial = readText(p / "device/serial");
            } else if (startsWith(name, "vd")) {
                d.transport = "virtio";
                d.serial = readText(p / "serial");
            } else {
                if (target.find("/usb") != std::string::npos) d.transport = "usb";
                else if (target.find("/ata") != std::string::npos) d.transport = "sata";
                else d.transport = "scsi";
                d.model = readText(p / "device/model");
                d.firmware = readText(p / "device/rev");
                if (auto vpd = readFile(p / "device/vpd_pg80", 512)) d.serial = parseVpdSerial(*vpd);
                if (d.serial.empty()) d.serial = readText(p / "device/serial");
            }
            if (d.serial.empty()) s.unavailable.push_back("disk " + name + ": no serial number exposed");
            s.disks.push_back(std::move(d));
        }
    }
}

}  // namespace

Result<Snapshot> probeMachine(const ProbeOptions &options) {
    const fs::path &root = options.root;
    std::error_code ec;
    if (!fs::is_directory(root / "sys", ec) || !fs::is_directory(root / "proc", ec))
        return makeError(Errc::InvalidInput, root.string() + " has no sys/ and proc/: not the root of a Linux system");
    Snapshot s;
    s.probedAt = options.now.empty() ? inventory::nowUtc() : options.now;
    auto sys = root / "sys";
    readIdentity(sys, s);
    readCpuAndMemory(root, s);
    readBatteries(sys, s);
    readScreens(sys, s);
    readNetwork(sys, s);
    readDisks(sys, s);
    if (options.driveHealth)
        for (auto &d : s.disks) {
            if (d.transport == "usb" || d.removable) continue;
            DiskHealth h;
            auto target = storage::openTarget((root / "dev" / d.name).string(), false);
            if (!target) {
                h.unavailableWhy = target.error().message;
            } else {
                auto smart = (*target)->smart();
                h.available = smart.available;
                h.unavailableWhy = smart.unavailableWhy;
                h.healthy = smart.healthy;
                h.powerOnHours = smart.powerOnHours;
                h.reallocated = smart.reallocated;
                h.pending = smart.pending;
                h.uncorrectable = smart.uncorrectable;
                if (smart.wearPercentLeft) h.wearPercentLeft = *smart.wearPercentLeft;
            }
            d.health = std::move(h);
        }
    return s;
}

}  // namespace reemploi::diagnostics::probe
