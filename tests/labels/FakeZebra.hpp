// A Zebra label printer on a loopback port, for tests: answers ~HS (host status) as the ZPL II
// manual describes and keeps every byte it is sent.
#pragma once

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <string>
#include <thread>

namespace reemploi::labels::test {

inline std::string hostStatus(bool paperOut, bool paused, bool headOpen) {
    // Three STX…ETX CR LF lines, as in the ZPL II manual's ~HS example.
    return std::string("\x02") + "030," + (paperOut ? "1" : "0") + "," + (paused ? "1" : "0") +
           ",1245,000,0,0,0,000,0,0,0\x03\r\n" + "\x02" + "001,0," + (headOpen ? "1" : "0") +
           ",0,1,2,6,0,00000000,1,000\x03\r\n" + "\x02" + "1234,0\x03\r\n";
}

// A Zebra on 127.0.0.1: answers ~HS with `status` (unless empty), then keeps everything else.
class FakeZebra {
public:
    explicit FakeZebra(std::string status) : _server(Poco::Net::SocketAddress("127.0.0.1", 0)), _status(std::move(status)) {
        _thread = std::thread([this] { serve(); });
    }
    ~FakeZebra() {
        _thread.join();
    }
    int port() const { return _server.address().port(); }
    // Everything the printer received, once the client has closed (or 10 s without one).
    std::string received() {
        _thread.join();
        _thread = std::thread([] {});
        return _received;
    }

private:
    void serve() {
        // A client that never comes (a test failing early) must not hang the test.
        if (!_server.poll(Poco::Timespan(10, 0), Poco::Net::Socket::SELECT_READ)) return;
        Poco::Net::StreamSocket s = _server.acceptConnection();
        s.setReceiveTimeout(Poco::Timespan(5, 0));
        char buf[4096];
        bool answered = false;
        for (;;) {
            int n = 0;
            try {
                n = s.receiveBytes(buf, sizeof buf);
            } catch (...) {
                break;
            }
            if (n <= 0) break;
            _received.append(buf, static_cast<std::size_t>(n));
            if (!answered && _received.find("~HS") != std::string::npos && !_status.empty()) {
                s.sendBytes(_status.data(), static_cast<int>(_status.size()));
                answered = true;
            }
        }
    }
    Poco::Net::ServerSocket _server;
    std::string _status;
    std::string _received;
    std::thread _thread;
};

}  // namespace reemploi::labels::test
