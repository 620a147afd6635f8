// ADB messages on the wire, and the TCP and USB transports that carry them.
#include <reemploi/diagnostics/android/AdbProtocol.hpp>

#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <reemploi/diagnostics/UsbTransport.hpp>

namespace reemploi::diagnostics::android {

namespace {

void put32(std::vector<std::uint8_t> &out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::uint32_t get32(std::span<const std::uint8_t> b, std::size_t at) {
    return static_cast<std::uint32_t>(b[at]) | static_cast<std::uint32_t>(b[at + 1]) << 8 |
           static_cast<std::uint32_t>(b[at + 2]) << 16 | static_cast<std::uint32_t>(b[at + 3]) << 24;
}

bool knownCommand(std::uint32_t c) {
    return c == kCnxn || c == kAuth || c == kOpen || c == kOkay || c == kClse || c == kWrte || c == kSync || c == kStls;
}

}  // namespace

Message Message::make(std::uint32_t command, std::uint32_t arg0, std::uint32_t arg1, std::string_view data) {
    return Message{command, arg0, arg1, std::vector<std::uint8_t>(data.begin(), data.end())};
}

std::string commandName(std::uint32_t command) {
    if (knownCommand(command)) {
        std::string s;
        for (int i = 0; i < 4; ++i) s += static_cast<char>(command >> (8 * i));
        return s;
    }
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", command);
    return buf;
}

std::uint32_t checksum(std::span<const std::uint8_t> data) {
    std::uint32_t sum = 0;
    for (auto b : data) sum += b;
    return sum;
}

std::vector<std::uint8_t> encodeHeader(const Message &m) {
    std::vector<std::uint8_t> out;
    out.reserve(kHeaderSize);
    put32(out, m.command);
    put32(out, m.arg0);
    put32(out, m.arg1);
    put32(out, static_cast<std::uint32_t>(m.data.size()));
    put32(out, checksum(m.data));
    put32(out, m.command ^ 0xffffffffu);
    return out;
}

Result<Header> decodeHeader(std::span<const std::uint8_t> bytes, std::uint32_t maxPayload) {
    if (bytes.size() != kHeaderSize)
        return makeError(Errc::Device, "ADB message header is " + std::to_string(bytes.size()) + " bytes, expected 24");
    Header h{get32(bytes, 0), get32(bytes, 4), get32(bytes, 8), get32(bytes, 12), get32(bytes, 16)};
    std::uint32_t magic = get32(bytes, 20);
    if (magic != (h.command ^ 0xffffffffu))
        return makeError(Errc::Device, "ADB message header: magic (bytes 20-23) does not match command " +
                                           commandName(h.command) + " (not an ADB peer, or the stream lost its place)");
    if (!knownCommand(h.command))
        return makeError(Errc::Device, "ADB message header: unknown command " + commandName(h.command) + " (bytes 0-3)");
    if (h.dataLength > maxPayload)
        return makeError(Errc::Device, "ADB message " + commandName(h.command) + ": data length " +
                                           std::to_string(h.dataLength) + " (bytes 12-15) exceeds the negotiated maximum " +
                                           std::to_string(maxPayload));
    return h;
}

Status checkData(const Header &header, std::span<const std::uint8_t> data) {
    if (checksum(data) != header.dataCheck)
        return makeError(Errc::Device, "ADB message " + commandName(header.command) +
                                           ": data checksum (bytes 16-19) does not match the data");
    return {};
}

namespace {

class TcpTransport final : public AdbTransport {
public:
    TcpTransport(int fd, std::string where) : _fd(fd), _where(std::move(where)) {}
    ~TcpTransport() override { ::close(_fd); }

    Status send(const Message &m) override {
        auto header = encodeHeader(m);
        REEMPLOI_TRY(writeAll(header));
        if (!m.data.empty()) REEMPLOI_TRY(writeAll(m.data));
        return {};
    }

    Result<Message> receive(std::chrono::milliseconds timeout) override {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        std::vector<std::uint8_t> header(kHeaderSize);
        REEMPLOI_TRY(readAll(header, deadline));
        auto h = decodeHeader(header, _maxPayload);
        if (!h) return h.error();
        Message m{h->command, h->arg0, h->arg1, std::vector<std::uint8_t>(h->dataLength), h->dataCheck};
        if (h->dataLength) REEMPLOI_TRY(readAll(m.data, deadline));
        if (_checkData) REEMPLOI_TRY(checkData(*h, m.data));
        return m;
    }

    std::string describe() const override { return _where; }

private:
    Status writeAll(std::span<const std::uint8_t> bytes) {
        std::size_t done = 0;
        while (done < bytes.size()) {
            ssize_t n = ::send(_fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0)
                return makeError(Errc::Device, _where + ": disconnected (" + std::strerror(errno) + ")");
            done += static_cast<std::size_t>(n);
        }
        return {};
    }

    Status readAll(std::span<std::uint8_t> into, std::chrono::steady_clock::time_point deadline) {
        std::size_t done = 0;
        while (done < into.size()) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return makeError(Errc::Timeout, _where + ": no answer in time");
            pollfd p{_fd, POLLIN, 0};
            int r = ::poll(&p, 1, static_cast<int>(left.count()));
            if (r < 0 && errno == EINTR) continue;
            if (r == 0) return makeError(Errc::Timeout, _where + ": no answer in time");
            ssize_t n = ::recv(_fd, into.data() + done, into.size() - done, 0);
            if (n < 0 && errno == EINTR) continue;
            if (n == 0) return makeError(Errc::Device, _where + ": disconnected (the device closed the connection)");
            if (n < 0) return makeError(Errc::Device, _where + ": disconnected (" + std::strerror(errno) + ")");
            done += static_cast<std::size_t>(n);
        }
        return {};
    }

    int _fd;
    std::string _where;
};

class UsbAdbTransport final : public AdbTransport {
public:
    UsbAdbTransport(UsbTransport &usb, std::uint8_t in, std::uint8_t out, std::string where)
        : _usb(usb), _in(in), _out(out), _where(std::move(where)) {}

    Status send(const Message &m) override {
        auto header = encodeHeader(m);
        REEMPLOI_TRY(bulkOut(header));
        if (!m.data.empty()) REEMPLOI_TRY(bulkOut(m.data));
        return {};
    }

    Result<Message> receive(std::chrono::milliseconds timeout) override {
        std::vector<std::uint8_t> header(kHeaderSize);
        auto n = _usb.bulkIn(_in, header, timeout);
        if (!n) return translate(n.error());
        header.resize(*n);
        auto h = decodeHeader(header, _maxPayload);
        if (!h) return h.error();
        Message m{h->command, h->arg0, h->arg1, {}, h->dataCheck};
        m.data.reserve(h->dataLength);
        while (m.data.size() < h->dataLength) {
            std::vector<std::uint8_t> chunk(h->dataLength - m.data.size());
            auto got = _usb.bulkIn(_in, chunk, timeout);
            if (!got) return translate(got.error());
            if (*got == 0) return makeError(Errc::Device, _where + ": empty transfer inside an ADB payload");
            m.data.insert(m.data.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(*got));
        }
        if (_checkData) REEMPLOI_TRY(checkData(*h, m.data));
        return m;
    }

    std::string describe() const override { return _where; }

private:
    Status bulkOut(std::span<const std::uint8_t> bytes) {
        auto n = _usb.bulkOut(_out, bytes, std::chrono::milliseconds(5000));
        if (!n) return translate(n.error());
        if (*n != bytes.size())
            return makeError(Errc::Device, _where + ": the device took " + std::to_string(*n) + " of " +
                                               std::to_string(bytes.size()) + " bytes");
        return {};
    }

    Error translate(Error e) const {
        e.context(_where);
        return e;
    }

    UsbTransport &_usb;
    std::uint8_t _in, _out;
    std::string _where;
};

}  // namespace

std::unique_ptr<AdbTransport> tcpTransportFromSocket(int fd, std::string describe) {
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return std::make_unique<TcpTransport>(fd, std::move(describe));
}

Result<std::unique_ptr<AdbTransport>> connectTcp(const std::string &hostPort, std::chrono::milliseconds timeout) {
    auto colon = hostPort.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == hostPort.size())
        return makeFieldError(Errc::InvalidInput, "tcp", "'" + hostPort + "' is not HOST:PORT");
    std::string host = hostPort.substr(0, colon), port = hostPort.substr(colon + 1);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    for (char c : port)
        if (c < '0' || c > '9') return makeFieldError(Errc::InvalidInput, "tcp", "'" + port + "' is not a port number");
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *found = nullptr;
    if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0)
        return makeError(Errc::NotFound, hostPort + ": " + ::gai_strerror(rc));
    std::string last = "no address";
    for (auto *a = found; a; a = a->ai_next) {
        int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
        if (rc < 0 && errno == EINPROGRESS) {
            pollfd p{fd, POLLOUT, 0};
            rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
            if (rc == 0) {
                errno = ETIMEDOUT;
                rc = -1;
            } else if (rc > 0) {
                int err = 0;
                socklen_t len = sizeof err;
                ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
                errno = err;
                rc = err ? -1 : 0;
            }
        }
        if (rc == 0) {
            int flags = 0;  // back to blocking: reads are bounded by poll
            ::ioctl(fd, FIONBIO, &flags);
            ::freeaddrinfo(found);
            return tcpTransportFromSocket(fd, "tcp " + hostPort);
        }
        last = std::strerror(errno);
        ::close(fd);
    }
    ::freeaddrinfo(found);
    return makeError(Errc::Device, "tcp " + hostPort + ": cannot connect (" + last + ")");
}

std::unique_ptr<AdbTransport> usbTransport(UsbTransport &usb, std::uint8_t endpointIn, std::uint8_t endpointOut,
                                           std::string describe) {
    return std::make_unique<UsbAdbTransport>(usb, endpointIn, endpointOut, std::move(describe));
}

}  // namespace reemploi::diagnostics::android
