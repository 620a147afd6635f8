// BlockTarget over the kernel: regular files and block devices (O_DIRECT, aligned buffers,
// O_EXCL so nobody mounts the disk while we wipe it). Identity comes from ioctls, sysfs and udev.
#include <reemploi/diagnostics/storage/BlockTarget.hpp>
#include <reemploi/diagnostics/storage/InternalDisk.hpp>
#include <reemploi/diagnostics/storage/UsbMassStorage.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>
#include <sstream>

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace reemploi::diagnostics::storage {

std::string TargetInfo::mediaType() const {
    if (kind == "file" || kind == "loop") return "other";
    if (transport == "nvme") return "nvme";
    if (transport == "mmc") return "emmc";
    if (rotational && *rotational) return "hdd";
    if (transport == "usb" || removable) return "flash";
    if (rotational && !*rotational) return "ssd";
    return "other";
}

bool TargetInfo::isFlash() const {
    auto t = mediaType();
    return t == "ssd" || t == "nvme" || t == "emmc" || t == "flash";
}

AlignedBuffer::AlignedBuffer(std::size_t size, std::size_t alignment) : _size(size) {
    std::size_t rounded = (size + alignment - 1) / alignment * alignment;
    _data = static_cast<std::byte *>(std::aligned_alloc(alignment, rounded ? rounded : alignment));
    if (!_data) throw std::bad_alloc();
}
AlignedBuffer::AlignedBuffer(AlignedBuffer &&other) noexcept : _data(other._data), _size(other._size) {
    other._data = nullptr;
    other._size = 0;
}
AlignedBuffer &AlignedBuffer::operator=(AlignedBuffer &&other) noexcept {
    if (this != &other) {
        std::free(_data);
        _data = other._data;
        _size = other._size;
        other._data = nullptr;
        other._size = 0;
    }
    return *this;
}
AlignedBuffer::~AlignedBuffer() { std::free(_data); }

namespace {

std::string trim(std::string s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

std::string readSysfs(const std::string &path) {
    std::ifstream in(path);
    if (!in) return {};
    std::stringstream ss;
    ss << in.rdbuf();
    return trim(ss.str());
}

// udev's database entry for the device ("E:ID_SERIAL_SHORT=…" lines), the same source lsblk uses.
std::string udevProperty(dev_t rdev, const std::string &key) {
    std::ifstream in("/run/udev/data/b" + std::to_string(major(rdev)) + ":" + std::to_string(minor(rdev)));
    std::string prefix = "E:" + key + "=";
    for (std::string line; std::getline(in, line);)
        if (line.rfind(prefix, 0) == 0) return trim(line.substr(prefix.size()));
    return {};
}

bool isDeviceGone(int err) { return err == ENODEV || err == ENXIO || err == ESHUTDOWN || err == ENOMEDIUM; }

Error ioError(const char *what, std::uint64_t offset, int err) {
    std::string msg = std::string(what) + " at byte " + std::to_string(offset) + ": " + std::strerror(err);
    if (isDeviceGone(err)) msg += " (device disconnected)";
    return makeError(Errc::Device, msg);
}

class KernelTarget final : public BlockTarget {
public:
    KernelTarget(int fd, int bufferedFd, TargetInfo info) : _fd(fd), _bufferedFd(bufferedFd), _info(std::move(info)) {}
    ~KernelTarget() override {
        if (_bufferedFd >= 0 && _bufferedFd != _fd) ::close(_bufferedFd);
        if (_fd >= 0) ::close(_fd);
    }

    const TargetInfo &info() const override { return _info; }
    std::size_t alignment() const override { return std::max<std::size_t>(4096, _info.physicalSectorSize); }

    Status write(std::uint64_t offset, std::span<const std::byte> data) override {
        std::size_t done = 0;
        while (done < data.size()) {
            std::size_t n = data.size() - done;
            int fd = pickFd(offset + done, n);
            ssize_t w = ::pwrite(fd, data.data() + done, n, static_cast<off_t>(offset + done));
            if (w < 0) {
                if (errno == EINTR) continue;
                if (errno == ENOSPC)
                    return makeError(Errc::Device, "short write at byte " + std::to_string(offset + done) +
                                                       ": the target ends before its claimed size (" +
                                                       std::to_string(_info.sizeBytes) + " bytes)");
                return ioError("write error", offset + done, errno);
            }
            if (w == 0)
                return makeError(Errc::Device, "short write at byte " + std::to_string(offset + done) +
                                                   ": the target ends before its claimed size (" +
                                                   std::to_string(_info.sizeBytes) + " bytes)");
            done += static_cast<std::size_t>(w);
        }
        return {};
    }

    Status read(std::uint64_t offset, std::span<std::byte> data) override {
        std::size_t done = 0;
        while (done < data.size()) {
            std::size_t n = data.size() - done;
            int fd = pickFd(offset + done, n);
            ssize_t r = ::pread(fd, data.data() + done, n, static_cast<off_t>(offset + done));
            if (r < 0) {
                if (errno == EINTR) continue;
                return ioError("read error", offset + done, errno);
            }
            if (r == 0)
                return makeError(Errc::Device, "short read at byte " + std::to_string(offset + done) +
                                                   ": the target ends before its claimed size");
            done += static_cast<std::size_t>(r);
        }
        return {};
    }

    Status flush() override {
        if (::fsync(_fd) != 0) return ioError("flush failed", _info.sizeBytes, errno);
        if (_bufferedFd != _fd && ::fsync(_bufferedFd) != 0) return ioError("flush failed", _info.sizeBytes, errno);
        return {};
    }

private:
    // O_DIRECT needs sector-aligned offsets and lengths; a file's unaligned tail goes through
    // the buffered descriptor.
    int pickFd(std::uint64_t offset, std::size_t n) const {
        if (_bufferedFd == _fd) return _fd;
        if (offset % 512 != 0 || n % 512 != 0) return _bufferedFd;
        return _fd;
    }

    int _fd;
    int _bufferedFd;
    TargetInfo _info;
};

// sysfs directory of a whole disk or of the disk holding a partition.
std::string sysfsBlockDir(dev_t rdev) {
    std::string dir = "/sys/dev/block/" + std::to_string(major(rdev)) + ":" + std::to_string(minor(rdev));
    char resolved[PATH_MAX];
    if (!::realpath(dir.c_str(), resolved)) return dir;
    std::string r = resolved;
    struct stat st {};
    if (::stat((r + "/partition").c_str(), &st) == 0) r = r.substr(0, r.rfind('/'));
    return r;
}

void fillBlockIdentity(TargetInfo &info, dev_t rdev) {
    std::string sys = sysfsBlockDir(rdev);
    std::string name = sys.substr(sys.rfind('/') + 1);
    if (name.rfind("loop", 0) == 0) info.kind = "loop";
    std::string rot = readSysfs(sys + "/queue/rotational");
    if (!rot.empty()) info.rotational = rot == "1";
    info.removable = readSysfs(sys + "/removable") == "1";
    info.vendor = readSysfs(sys + "/device/vendor");
    info.model = readSysfs(sys + "/device/model");
    info.serial = readSysfs(sys + "/device/serial");
    info.firmware = readSysfs(sys + "/device/firmware_rev");
    if (info.firmware.empty()) info.firmware = readSysfs(sys + "/device/rev");
    if (name.rfind("nvme", 0) == 0) info.transport = "nvme";
    else if (name.rfind("mmcblk", 0) == 0) info.transport = "mmc";
    else if (name.rfind("vd", 0) == 0) info.transport = "virtio";
    std::string bus = udevProperty(rdev, "ID_BUS");
    if (bus == "usb") info.transport = "usb";
    else if (bus == "ata" && info.transport.empty()) info.transport = "sata";
    if (info.serial.empty()) info.serial = udevProperty(rdev, "ID_SERIAL_SHORT");
    if (info.model.empty()) info.model = udevProperty(rdev, "ID_MODEL");
    if (info.firmware.empty()) info.firmware = udevProperty(rdev, "ID_REVISION");
    if (info.kind == "loop") {
        // A loop device's identity is the file behind it.
        info.model = "loop device";
        info.serial = readSysfs(sys + "/loop/backing_file");
    }
}

}  // namespace

Result<std::unique_ptr<BlockTarget>> openTarget(const std::string &path, bool writable, const UsbBusOptions &usb) {
    if (isUsbTargetSpec(path)) return openUsbTarget(path, usb);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return makeError(errno == ENOENT ? Errc::NotFound : Errc::Io, path + ": " + std::strerror(errno));
    int mode = writable ? O_RDWR : O_RDONLY;
    TargetInfo info;
    info.path = path;

    if (S_ISBLK(st.st_mode)) {
        // Exclusive for writing only: reading a mounted disk for diagnostics is harmless.
        int fd = ::open(path.c_str(), mode | O_DIRECT | (writable ? O_EXCL : 0) | O_CLOEXEC);
        if (fd < 0) {
            int err = errno;
            if (err == EBUSY)
                return makeError(Errc::Refused, path + ": device is in use (mounted, or opened exclusively by "
                                                       "another program); unmount it first");
            return makeError(err == EACCES || err == EPERM ? Errc::Refused : Errc::Io,
                             path + ": cannot open: " + std::strerror(err));
        }
        info.kind = "block";
        std::uint64_t size = 0;
        int logical = 512;
        unsigned int physical = 512;
        if (::ioctl(fd, BLKGETSIZE64, &size) != 0 || ::ioctl(fd, BLKSSZGET, &logical) != 0 ||
            ::ioctl(fd, BLKPBSZGET, &physical) != 0) {
            int err = errno;
            ::close(fd);
            return makeError(Errc::Device, path + ": cannot read its geometry: " + std::strerror(err));
        }
        info.sizeBytes = size;
        info.logicalSectorSize = static_cast<std::uint32_t>(logical);
        info.physicalSectorSize = physical;
        fillBlockIdentity(info, st.st_rdev);
        // An internal SATA or NVMe disk gets its drive's own commands too (InternalDisk.hpp).
        return withDriveCommands(std::unique_ptr<BlockTarget>(new KernelTarget(fd, fd, std::move(info))));
    }
    if (S_ISREG(st.st_mode)) {
        int buffered = ::open(path.c_str(), mode | O_CLOEXEC);
        if (buffered < 0) return makeError(Errc::Io, path + ": cannot open: " + std::strerror(errno));
        // Not every file system takes O_DIRECT (tmpfs does not): fall back to buffered I/O.
        int direct = ::open(path.c_str(), mode | O_DIRECT | O_CLOEXEC);
        if (direct < 0) direct = buffered;
        info.kind = "file";
        info.sizeBytes = static_cast<std::uint64_t>(st.st_size);
        info.logicalSectorSize = 512;
        info.physicalSectorSize = st.st_blksize > 0 ? static_cast<std::uint32_t>(st.st_blksize) : 4096;
        return std::unique_ptr<BlockTarget>(new KernelTarget(direct, buffered, std::move(info)));
    }
    return makeError(Errc::InvalidInput, path + ": neither a block device nor a regular file");
}

}  // namespace reemploi::diagnostics::storage
