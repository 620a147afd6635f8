// The emulated tablet on TCP, as `adb tcpip` leaves a real one: listens on 127.0.0.1, one thread
// per connection, each a TabletSession of the same TabletState. Used in-process by the tests and
// by the reemploi-emulated-tablet tool.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "support/android/EmulatedTablet.hpp"

namespace reemploi::testing::android {

class TabletServer {
public:
    // Port 0: any free port (see port()).
    static Result<std::unique_ptr<TabletServer>> start(TabletState &state, int port = 0);
    ~TabletServer();

    int port() const { return _port; }
    std::string address() const { return "127.0.0.1:" + std::to_string(_port); }
    int connections() const { return _connections.load(); }

private:
    TabletServer(TabletState &state, int fd, int port);
    void acceptLoop();
    void serve(int fd);

    TabletState &_state;
    int _fd;
    int _port;
    int _wake[2] = {-1, -1};
    std::atomic<int> _connections{0};
    std::thread _acceptor;
    std::mutex _lock;
    std::vector<std::thread> _workers;
    std::vector<int> _open;
};

}  // namespace reemploi::testing::android
