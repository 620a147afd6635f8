// The internal disks to erase, the running system's own left out.
#include <reemploi/diagnostics/probe/WipeTargets.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <reemploi/common/Text.hpp>
#include <reemploi/diagnostics/probe/Probe.hpp>

namespace reemploi::diagnostics::probe {

namespace fs = std::filesystem;

namespace {

struct Mount {
    std::string device;  // major:minor
    std::string point;
};

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(const std::string &s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size()) {
            try {
                out += static_cast<char>(std::stoi(s.substr(i + 1, 3), nullptr, 8));
                i += 3;
                continue;
            } catch (...) {
            }
        }
        out += s[i];
    }
    return out;
}

Result<std::vector<Mount>> readMountinfo(const fs::path &root) {
    std::ifstream in(root / "proc/self/mountinfo");
    if (!in) return makeError(Errc::NotFound, (root / "proc/self/mountinfo").string() + ": cannot read it, so the system's disk cannot be told apart");
    std::vector<Mount> out;
    std::size_t lineNo = 0;
    for (std::string line; std::getline(in, line);) {
        ++lineNo;
        std::istringstream f(line);
        std::string id, parent, device, mountRoot, point;
        if (!(f >> id >> parent >> device >> mountRoot >> point) || device.find(':') == std::string::npos)
            return makeError(Errc::InvalidInput, "mountinfo line " + std::to_string(lineNo) + ": not \"ID PARENT MAJOR:MINOR ROOT MOUNTPOINT …\"");
        out.push_back({device, unescape(point)});
    }
    return out;
}

std::string readText(const fs::path &p) {
    std::ifstream in(p);
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text::trim(s);
}

// The whole disks behind a block device, by its sysfs directory name (sda2, dm-0, md127, loop0).
void disksOf(const fs::path &root, const std::string &name, const std::vector<Mount> &mounts, std::set<std::string> &out,
             int depth) {
    if (depth > 8 || name.empty()) return;
    fs::path cls = root / "sys/class/block" / name;
    std::error_code ec;
    if (!fs::exists(cls, ec)) cls = root / "sys/block" / name;
    if (fs::exists(cls / "partition", ec)) {  // a partition: its parent directory is the disk
        auto target = fs::read_symlink(cls, ec);
        std::string disk = ec ? "" : target.parent_path().filename().string();
        if (disk.empty()) {
            // No link (a flattened tree): the disk is the name without its partition number.
            disk = name;
            while (!disk.empty() && std::isdigit(static_cast<unsigned char>(disk.back()))) disk.pop_back();
            if (disk.size() > 1 && disk.back() == 'p') disk.pop_back();
        }
        out.insert(disk);
        return;
    }
    bool any = false;
    for (const auto &slave : fs::directory_iterator(cls / "slaves", ec)) {  // dm-crypt, LVM, md
        any = true;
        disksOf(root, slave.path().filename().string(), mounts, out, depth + 1);
    }
    if (any) return;
    std::string backing = readText(cls / "loop/backing_file");
    if (!backing.empty()) {  // a loop device: the disk of the file system holding its file
        const Mount *best = nullptr;
        for (const auto &m : mounts)
            if (backing.rfind(m.point, 0) == 0 && (!best || m.point.size() > best->point.size())) best = &m;
        if (best && best->point != "/") {
            std::string dev = readText(root / "sys/dev/block" / best->device / "uevent");
            auto at = dev.find("DEVNAME=");
            if (at != std::string::npos) disksOf(root, dev.substr(at + 8, dev.find('\n', at) - at - 8), mounts, out, depth + 1);
            else disksOf(root, fs::read_symlink(root / "sys/dev/block" / best->device, ec).filename().string(), mounts, out, depth + 1);
        }
        return;
    }
    out.insert(name);  // a whole disk mounted without partitions
}

}  // namespace

Result<std::vector<SystemDisk>> systemDisks(const fs::path &root) {
    auto mounts = readMountinfo(root);
    if (!mounts) return mounts.error();
    static const std::set<std::string> kSystem = {"/", "/boot", "/boot/efi", "/efi", "/usr", "/run/live/medium",
                                                  "/lib/live/mount/medium", "/run/initramfs/live", "/cdrom",
                                                  "/run/archiso/bootmnt"};
    std::vector<SystemDisk> out;
    for (const auto &m : *mounts) {
        if (!kSystem.count(m.point)) continue;
        if (m.device.rfind("0:", 0) == 0) continue;  // overlay, tmpfs, squashfs on no device
        std::error_code ec;
        auto link = fs::read_symlink(root / "sys/dev/block" / m.device, ec);
        if (ec) continue;  // not a block device (nfs, …)
        std::string name = link.filename().string();
        std::set<std::string> disks;
        disksOf(root, name, *mounts, disks, 0);
        for (const auto &d : disks) out.push_back({d, m.point + " is on " + name});
    }
    return out;
}

Result<WipePlan> planInternalWipe(const fs::path &root, const std::vector<std::string> &only) {
    ProbeOptions options;
    options.root = root;
    auto snapshot = probeMachine(options);
    if (!snapshot) return snapshot.error();
    auto system = systemDisks(root);
    if (!system) return system.error();
    auto systemWhy = [&](const std::string &disk) -> std::string {
        for (const auto &s : *system)
            if (s.disk == disk) return s.why;
        return {};
    };
    WipePlan plan;
    auto add = [&](const Disk &d) { plan.targets.push_back({d.name, (root / "dev" / d.name).string(), d}); };
    if (only.empty()) {
        for (const auto &d : snapshot->disks) {
            if (d.removable || d.transport == "usb" || d.transport == "sd") continue;
            if (auto why = systemWhy(d.name); !why.empty()) {
                plan.notes.push_back(d.name + " is not wiped: the running system is on it (" + why + ")");
                continue;
            }
            add(d);
        }
        if (plan.targets.empty())
            return makeError(Errc::Refused, "no internal disk to wipe" +
                                                (plan.notes.empty() ? std::string(" was found") : ": " + plan.notes.front()));
        return plan;
    }
    for (auto name : only) {
        if (name.rfind("/dev/", 0) == 0) name = name.substr(5);
        auto it = std::find_if(snapshot->disks.begin(), snapshot->disks.end(), [&](const Disk &d) { return d.name == name; });
        if (it == snapshot->disks.end())
            return makeError(Errc::NotFound, "no disk " + name + " in this computer (see reemploi probe)");
        if (auto why = systemWhy(name); !why.empty())
            return makeError(Errc::Refused, name + " is the disk this system runs from (" + why +
                                                "): it cannot be wiped from itself; boot the bench stick and run the probe from it");
        if (it->transport == "usb" || it->removable)
            return makeError(Errc::Refused, name + " is a " + (it->transport == "usb" ? "USB" : "removable") +
                                                " disk, not inside this computer: wipe it with reemploi wipe /dev/" + name);
        add(*it);
    }
    return plan;
}

}  // namespace reemploi::diagnostics::probe
