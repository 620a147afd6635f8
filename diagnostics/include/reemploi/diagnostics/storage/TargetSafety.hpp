// What a wipe must never write to, checked before anything is written: the inventory database
// and its companions (-wal, -journal, -shm), the signing key, any block device holding them (the
// file system they live on, the disk of its partition, the devices under a device-mapper or RAID
// volume, the loop device over a disk image), a mounted file system (or a disk one of whose
// partitions is mounted), and the disk the system runs from.
#pragma once

#include <string>
#include <vector>

#include <reemploi/common/Result.hpp>

namespace reemploi::diagnostics::storage {

struct ProtectedFile {
    std::string path;
    std::string what;  // "the inventory database", "the workshop signing key", …
};

// The database at `databasePath` with its -wal, -journal and -shm files, and the key at `keyPath`
// (either may be empty; ":memory:" has no file).
std::vector<ProtectedFile> protectedFilesFor(const std::string &databasePath, const std::string &keyPath);

struct TargetSafety {
    std::vector<ProtectedFile> files;
    // The system's root: the disk holding this path's file system is never wiped. Tests point it
    // at a mount of their own.
    std::string systemRoot = "/";
};

// Ok when writing over `target` (a path, a block device or usb:PORT) destroys none of the above;
// otherwise Refused, naming the rule and the file or mount point ("/dev/loop3 holds the inventory
// database (/var/lib/reemploi/reemploi.db)"). It only reads: stat, sysfs, /proc/self/mountinfo.
Status checkTargetIsSafe(const std::string &target, const TargetSafety &safety);

}  // namespace reemploi::diagnostics::storage
