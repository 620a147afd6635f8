// Which disks `reemploi probe wipe` erases: every internal disk of the computer (as the probe
// lists them: not USB, not removable), except the disks the running system lives on, found from
// /proc/self/mountinfo and sysfs (partitions, device-mapper and md members, loop devices' files).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/diagnostics/probe/Snapshot.hpp>

namespace reemploi::diagnostics::probe {

// A disk the system uses, and why ("/ is on sda2", "/run/live/medium is on sdb1").
struct SystemDisk {
    std::string disk;
    std::string why;
};

// The disks holding /, /boot, /boot/efi, /usr and a live system's medium (/run/live/medium and
// the other places live-build, dracut and casper mount it), under `root`.
Result<std::vector<SystemDisk>> systemDisks(const std::filesystem::path &root);

struct WipeTarget {
    std::string name;  // sda, nvme0n1
    std::string path;  // root/dev/NAME
    Disk disk;
};
struct WipePlan {
    std::vector<WipeTarget> targets;
    std::vector<std::string> notes;  // "sda is not wiped: the running system is on it (/ is on sda2)"
};

// The internal disks to erase: all of them, or those named in `only` (NAME or /dev/NAME). Refused
// (naming the disk and why) for a disk the system runs from, a USB or removable disk, an unknown
// name; when nothing is left to erase.
Result<WipePlan> planInternalWipe(const std::filesystem::path &root, const std::vector<std::string> &only);

}  // namespace reemploi::diagnostics::probe
