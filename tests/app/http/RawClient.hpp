// A client that speaks HTTP/1.1 by hand on one connection, for tests of the server's connections:
// what it sends is exactly what the test wrote, what it reads is what the server sent.
#pragma once

#include <cctype>
#include <string>

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

namespace reemploi::test {

struct RawResponse {
    int status = 0;
    std::string head;
    std::string body;
};

class RawClient {
public:
    explicit RawClient(int port) : _socket(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port))) {
        _socket.setReceiveTimeout(Poco::Timespan(60, 0));
    }

    void send(const std::string &bytes) { _socket.sendBytes(bytes.data(), static_cast<int>(bytes.size())); }

    // One response (its head, and a body of Content-Length bytes); status 0 if the server closed first.
    RawResponse read() {
        RawResponse r = readHeadOnly();
        if (r.status == 0) return r;
        std::size_t length = 0;
        if (auto at = lowered(r.head).find("content-length:"); at != std::string::npos)
            length = std::stoul(r.head.substr(at + 15));
        while (_pending.size() < length)
            if (!fill()) return r;
        r.body = _pending.substr(0, length);
        _pending.erase(0, length);
        return r;
    }

    // One answer's head only (the answer to a HEAD request: a Content-Length but no body).
    RawResponse readHeadOnly() {
        RawResponse r;
        std::size_t end;
        while ((end = _pending.find("\r\n\r\n")) == std::string::npos)
            if (!fill()) return r;
        r.head = _pending.substr(0, end);
        _pending.erase(0, end + 4);
        r.status = std::stoi(r.head.substr(r.head.find(' ') + 1, 3));
        return r;
    }

    // True once the server has closed its side (everything it sent has been read).
    bool closedByServer() { return _pending.empty() && !fill(); }

private:
    static std::string lowered(std::string s) {
        for (auto &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    }
    bool fill() {
        char buffer[4096];
        int n = _socket.receiveBytes(buffer, sizeof buffer);
        if (n <= 0) return false;
        _pending.append(buffer, static_cast<std::size_t>(n));
        return true;
    }

    Poco::Net::StreamSocket _socket;
    std::string _pending;
};

// A GET request's bytes.
inline std::string get(const std::string &path, const std::string &extra = "") {
    return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + extra + "\r\n";
}

}  // namespace reemploi::test
