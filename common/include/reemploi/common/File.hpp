// Reading a whole file a user names (an import, a photo) without letting it hurt the workshop: a
// directory, a FIFO, a device such as /dev/zero, or a file over the caller's limit is refused
// before anything is read, and no more than limit + 1 bytes are ever read.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include <reemploi/common/Result.hpp>

namespace reemploi::file {

// "812 bytes", "48 KB", "1.5 MB", "100 MB" (decimal units, as file managers show sizes).
inline std::string formatBytes(std::uint64_t bytes) {
    if (bytes < 1000) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
    static const char *const units[] = {"KB", "MB", "GB", "TB", "PB", "EB"};
    double value = static_cast<double>(bytes);
    int unit = -1;
    while (value >= 1000 && unit < 5) {
        value /= 1000;
        ++unit;
    }
    char text[32];
    if (value < 10 && value != static_cast<double>(static_cast<std::uint64_t>(value)))
        std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
    else
        std::snprintf(text, sizeof text, "%.0f %s", value, units[unit]);
    return text;
}

// The whole content of the regular file at `path`, at most `maxBytes` long. Errors name the path:
// NotFound (no such file), InvalidInput ("liste.csv is a directory, not a file", "/dev/zero is
// not a regular file", "big.csv is 150 MB, over the 100 MB limit", no permission), Io (a read
// error). The file is opened O_NONBLOCK so that a FIFO without a writer is refused rather than
// waited on.
inline Result<std::string> readRegularFile(const std::string &path, std::uint64_t maxBytes) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        const int e = errno;
        return makeError(e == ENOENT || e == ENOTDIR ? Errc::NotFound : e == EACCES ? Errc::InvalidInput : Errc::Io,
                         path + ": cannot open (" + std::strerror(e) + ")");
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) return makeError(Errc::Io, path + ": cannot stat (" + std::strerror(errno) + ")");
    if (S_ISDIR(st.st_mode)) return makeError(Errc::InvalidInput, path + " is a directory, not a file");
    if (!S_ISREG(st.st_mode)) return makeError(Errc::InvalidInput, path + " is not a regular file");
    const auto size = static_cast<std::uint64_t>(st.st_size);
    const std::string limit = "the " + formatBytes(maxBytes) + " limit";
    if (size > maxBytes) return makeError(Errc::InvalidInput, path + " is " + formatBytes(size) + ", over " + limit);
    // It grew while we read it, or the kernel gave no size.
    auto tooLarge = [&] { return makeError(Errc::InvalidInput, path + " is over " + limit); };
    // Regular files ignore O_NONBLOCK; it is cleared anyway so that a read never sees EAGAIN.
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);

    std::string bytes;
    // st_size is 0 for files the kernel makes up as they are read (/proc): read them as a stream.
    bytes.resize(static_cast<std::size_t>(size > 0 ? size + 1 : std::min<std::uint64_t>(maxBytes + 1, 65536)));
    std::size_t got = 0;
    for (;;) {
        if (got == bytes.size()) {
            if (got > maxBytes) return tooLarge();
            bytes.resize(static_cast<std::size_t>(std::min<std::uint64_t>(maxBytes + 1, bytes.size() * 2)));
        }
        ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
        if (n < 0) {
            if (errno == EINTR) continue;
            return makeError(Errc::Io, path + ": read error (" + std::strerror(errno) + ")");
        }
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    if (got > maxBytes) return tooLarge();
    bytes.resize(got);
    return bytes;
}

}  // namespace reemploi::file
