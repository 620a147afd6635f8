// Real media for the storage tests: temporary files, loop devices and tiny tmpfs mounts, each
// removed on every path (loop devices detached in the destructor).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <sys/mount.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "support/Tools.hpp"

namespace reemploi::test {

using testsupport::run;

class TempDir {
public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "reemploi-wipe-XXXXXX").string();
        std::vector<char> buf(tmpl.begin(), tmpl.end());
        buf.push_back('\0');
        if (!::mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
        _path = buf.data();
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(_path, ec);
    }
    const std::filesystem::path &path() const { return _path; }
    std::string file(const std::string &name) const { return (_path / name).string(); }

private:
    std::filesystem::path _path;
};

// Writes `size` random bytes to `path` and returns them.
inline std::vector<unsigned char> writeRandomFile(const std::string &path, std::size_t size, unsigned seed = 42) {
    std::vector<unsigned char> data(size);
    std::mt19937_64 rng(seed);
    for (std::size_t i = 0; i < size; i += 8) {
        auto v = rng();
        for (std::size_t j = 0; j < 8 && i + j < size; ++j) data[i + j] = static_cast<unsigned char>(v >> (8 * j));
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(data.data()), static_cast<std::streamsize>(size));
    return data;
}

inline std::vector<unsigned char> readFile(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A loop device over a backing file, detached when it goes out of scope. With `partitions`, the
// kernel reads the file's partition table (/dev/loopNp1, …).
class LoopDevice {
public:
    explicit LoopDevice(const std::string &backingFile, bool partitions = false) {
        // Never a skip: the loop-device tests are the proof that wipes reach block devices.
        if (auto missing = testsupport::missingTool("losetup", "mount")) ADD_FAILURE() << *missing;
        _device = run(std::string("losetup -f --show ") + (partitions ? "-P " : "") + "'" + backingFile + "' 2>/dev/null");
    }
    ~LoopDevice() {
        if (!_device.empty()) run("losetup -d " + _device + " 2>/dev/null");
    }
    LoopDevice(const LoopDevice &) = delete;
    LoopDevice &operator=(const LoopDevice &) = delete;
    bool ok() const { return _device.rfind("/dev/loop", 0) == 0; }
    const std::string &device() const { return _device; }

private:
    std::string _device;
};

// A tmpfs of a few bytes' capacity: files on it claim more than the space behind them.
class TinyTmpfs {
public:
    TinyTmpfs(const std::string &dir, std::size_t bytes) : _dir(dir) {
        std::filesystem::create_directories(dir);
        std::string opts = "size=" + std::to_string(bytes);
        _mounted = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, opts.c_str()) == 0;
    }
    ~TinyTmpfs() {
        if (_mounted) ::umount2(_dir.c_str(), MNT_DETACH);
    }
    bool ok() const { return _mounted; }

private:
    std::string _dir;
    bool _mounted = false;
};

// A file system mounted for the length of a test (unmounted, lazily, when it goes out of scope).
class Mounted {
public:
    Mounted(const std::string &device, const std::string &dir, const std::string &type) : _dir(dir) {
        std::filesystem::create_directories(dir);
        _mounted = ::mount(device.c_str(), dir.c_str(), type.c_str(), 0, nullptr) == 0;
    }
    ~Mounted() {
        if (_mounted) ::umount2(_dir.c_str(), MNT_DETACH);
    }
    Mounted(const Mounted &) = delete;
    Mounted &operator=(const Mounted &) = delete;
    bool ok() const { return _mounted; }

private:
    std::string _dir;
    bool _mounted = false;
};

// Writes a zeroed image of `bytes` with an MBR holding one Linux partition from 1 MiB to the end.
inline void writePartitionedImage(const std::string &path, std::uint64_t bytes) {
    std::vector<unsigned char> mbr(512, 0);
    const std::uint32_t first = 2048, count = static_cast<std::uint32_t>(bytes / 512) - first;
    unsigned char *e = mbr.data() + 0x1BE;
    e[4] = 0x83;  // Linux
    for (int i = 0; i < 4; ++i) {
        e[8 + i] = static_cast<unsigned char>(first >> (8 * i));
        e[12 + i] = static_cast<unsigned char>(count >> (8 * i));
    }
    mbr[510] = 0x55;
    mbr[511] = 0xAA;
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char *>(mbr.data()), 512);
    }
    if (::truncate(path.c_str(), static_cast<off_t>(bytes)) != 0) throw std::runtime_error("truncate failed");
}

// Whether a command-line tool is installed; a test that needs one fails under CI without it.
inline bool haveTool(const std::string &tool) { return !run("command -v " + tool + " 2>/dev/null").empty(); }

}  // namespace reemploi::test
