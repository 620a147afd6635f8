// Refusing targets whose erasure would destroy the inventory, the key, a mounted file system or
// the system itself. Block devices are compared by device number through sysfs: a device is
// "under" another when it is its partition's disk, a device a device-mapper or RAID volume is
// built on (slaves/), or the file system holding a loop device's backing file.
#include <reemploi/diagnostics/storage/TargetSafety.hpp>

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <reemploi/diagnostics/storage/UsbMassStorage.hpp>

namespace reemploi::diagnostics::storage {

namespace fs = std::filesystem;

std::vector<ProtectedFile> protectedFilesFor(const std::string &databasePath, const std::string &keyPath) {
    std::vector<ProtectedFile> out;
    if (!databasePath.empty() && databasePath != ":memory:") {
        out.push_back({databasePath, "the inventory database"});
        out.push_back({databasePath + "-wal", "the inventory database's write-ahead log"});
        out.push_back({databasePath + "-journal", "the inventory database's journal"});
        out.push_back({databasePath + "-shm", "the inventory database's shared memory file"});
    }
    if (!keyPath.empty()) out.push_back({keyPath, "the workshop signing key"});
    return out;
}

namespace {

std::string devNumber(dev_t d) { return std::to_string(major(d)) + ":" + std::to_string(minor(d)); }

std::string readLine(const fs::path &path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
    return line;
}

std::optional<dev_t> parseDevNumber(const std::string &text) {
    auto colon = text.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 >= text.size()) return std::nullopt;
    try {
        return makedev(std::stoul(text.substr(0, colon)), std::stoul(text.substr(colon + 1)));
    } catch (const std::exception &) {
        return std::nullopt;
    }
}

// /sys/devices/…/block/sda or …/block/sda/sda1; empty when the number is no block device.
fs::path sysfsDir(dev_t d) {
    std::error_code ec;
    auto p = fs::canonical("/sys/dev/block/" + devNumber(d), ec);
    return ec ? fs::path() : p;
}

std::optional<dev_t> diskOfPartition(dev_t d) {
    auto dir = sysfsDir(d);
    std::error_code ec;
    if (dir.empty() || !fs::exists(dir / "partition", ec)) return std::nullopt;
    return parseDevNumber(readLine(dir.parent_path() / "dev"));
}

// `d` and every device whose erasure destroys what `d` holds.
std::set<dev_t> devicesUnder(dev_t d) {
    std::set<dev_t> out;
    std::vector<dev_t> todo{d};
    while (!todo.empty()) {
        dev_t x = todo.back();
        todo.pop_back();
        if (!out.insert(x).second) continue;
        auto dir = sysfsDir(x);
        if (dir.empty()) continue;
        if (auto disk = diskOfPartition(x)) todo.push_back(*disk);
        std::error_code ec;
        for (fs::directory_iterator it(dir / "slaves", ec), end; !ec && it != end; it.increment(ec))
            if (auto s = parseDevNumber(readLine(it->path() / "dev"))) todo.push_back(*s);
        if (auto backing = readLine(dir / "loop" / "backing_file"); !backing.empty()) {
            struct stat st {};
            if (::stat(backing.c_str(), &st) == 0) todo.push_back(st.st_dev);
        }
    }
    return out;
}

// mountinfo writes spaces, tabs, newlines and backslashes in paths as octal escapes ("\\040").
std::string unescapeMountField(const std::string &s) {
    auto octal = [](char c) { return c >= '0' && c <= '7'; };
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() && octal(s[i + 1]) && octal(s[i + 2]) &&
            octal(s[i + 3])) {
            out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            i += 3;
            continue;
        }
        out += s[i];
    }
    return out;
}

struct Mount {
    dev_t device;
    std::string mountPoint;
};

// Every mounted file system backed by a block device (/proc/self/mountinfo: "major:minor" is the
// fourth field; file systems such as btrfs show an anonymous 0:N there, so the source is used).
std::vector<Mount> mounts() {
    std::vector<Mount> out;
    std::ifstream in("/proc/self/mountinfo");
    for (std::string line; std::getline(in, line);) {
        std::istringstream fields(line);
        std::string id, parent, number, root, point;
        if (!(fields >> id >> parent >> number >> root >> point)) continue;
        auto dev = parseDevNumber(number);
        if (!dev) continue;
        if (major(*dev) == 0) {
            auto dash = line.find(" - ");
            if (dash == std::string::npos) continue;
            std::istringstream tail(line.substr(dash + 3));
            std::string type, source;
            tail >> type >> source;
            struct stat st {};
            if (source.rfind("/dev/", 0) != 0 || ::stat(unescapeMountField(source).c_str(), &st) != 0 ||
                !S_ISBLK(st.st_mode))
                continue;
            dev = st.st_rdev;
        }
        out.push_back({*dev, unescapeMountField(point)});
    }
    return out;
}

// The block devices a usb:PORT target reaches (the kernel's view of the disk behind the bridge).
std::vector<dev_t> blockDevicesOfUsbPort(const std::string &port) {
    std::vector<dev_t> out;
    if (port.empty() || port.find_first_not_of("0123456789.-") != std::string::npos) return out;
    std::error_code ec;
    for (fs::recursive_directory_iterator it("/sys/bus/usb/devices/" + port, ec), end; !ec && it != end;
         it.increment(ec)) {
        if (it.depth() > 16) it.disable_recursion_pending();
        if (it->path().filename() == "dev" && it->path().string().find("/block/") != std::string::npos)
            if (auto d = parseDevNumber(readLine(it->path()))) out.push_back(*d);
    }
    return out;
}

// Loop devices whose backing file is the file (device, inode).
std::vector<std::pair<dev_t, std::string>> loopsBackedBy(dev_t device, ino_t inode) {
    std::vector<std::pair<dev_t, std::string>> out;
    std::error_code ec;
    for (fs::directory_iterator it("/sys/block", ec), end; !ec && it != end; it.increment(ec)) {
        auto name = it->path().filename().string();
        if (name.rfind("loop", 0) != 0) continue;
        auto backing = readLine(it->path() / "loop" / "backing_file");
        struct stat st {};
        if (backing.empty() || ::stat(backing.c_str(), &st) != 0) continue;
        if (st.st_dev != device || st.st_ino != inode) continue;
        if (auto d = parseDevNumber(readLine(it->path() / "dev"))) out.emplace_back(*d, "/dev/" + name);
    }
    return out;
}

// The rules for one block device the target's erasure would overwrite; `via` says how the
// target reaches it (empty, or " (through /dev/loop3)").
Status checkBlock(const std::string &target, dev_t block, const std::string &via, const TargetSafety &safety) {
    for (const auto &f : safety.files) {
        struct stat st {};
        if (::stat(f.path.c_str(), &st) != 0) continue;
        if (devicesUnder(st.st_dev).count(block))
            return makeError(Errc::Refused, target + via + " holds " + f.what + " (" + f.path +
                                                "): wiping it would destroy it");
    }
    struct stat root {};
    if (::stat(safety.systemRoot.c_str(), &root) == 0) {
        auto system = devicesUnder(root.st_dev);
        auto disk = diskOfPartition(block);
        if (system.count(block) || (disk && system.count(*disk)))
            return makeError(Errc::Refused, target + via + " is " + (system.count(block) ? "" : "a partition of ") +
                                                "the disk the system runs from (" + safety.systemRoot + " is on it)");
    }
    for (const auto &m : mounts()) {
        if (devicesUnder(m.device).count(block))
            return makeError(Errc::Refused, target + via + " is in use by the file system mounted at " + m.mountPoint +
                                                (m.device == block ? "" : " (device " + devNumber(m.device) + ")") +
                                                ": unmount it first");
    }
    return {};
}

}  // namespace

Status checkTargetIsSafe(const std::string &target, const TargetSafety &safety) {
    if (isUsbTargetSpec(target)) {
        for (dev_t d : blockDevicesOfUsbPort(target.substr(4)))
            REEMPLOI_TRY(checkBlock(target, d, " (the kernel's " + devNumber(d) + ")", safety));
        return {};
    }
    struct stat st {};
    if (::stat(target.c_str(), &st) != 0) return {};  // opening it will say what is wrong
    if (S_ISBLK(st.st_mode)) return checkBlock(target, st.st_rdev, "", safety);
    if (!S_ISREG(st.st_mode)) return {};
    for (const auto &f : safety.files) {
        struct stat pf {};
        if (::stat(f.path.c_str(), &pf) == 0 && pf.st_dev == st.st_dev && pf.st_ino == st.st_ino)
            return makeError(Errc::Refused, target + " is " + f.what + " (" + f.path + "): it is never wiped");
    }
    // A disk image behind a loop device is that device's content.
    for (const auto &[loop, name] : loopsBackedBy(st.st_dev, st.st_ino))
        REEMPLOI_TRY(checkBlock(target, loop, " (the file behind " + name + ")", safety));
    return {};
}

}  // namespace reemploi::diagnostics::storage
