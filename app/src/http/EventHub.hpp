// Live events for the pages (Server-Sent Events): USB arrivals and departures, wipe progress and
// results. Publishers never block on a slow browser: each subscriber has a bounded queue, and
// progress events replace the previous one of the same key instead of piling up.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace reemploi::app::http {

struct LiveEvent {
    std::uint64_t id = 0;
    std::string name;  // "usb", "wipe-progress", "wipe-result"
    std::string data;  // JSON
    std::string key;   // events with the same non-empty key coalesce (one wipe's progress)
};

class EventHub;

class Subscription {
public:
    // The next event, or nothing after `timeout` (the caller sends a keep-alive) or once the hub
    // is closed (`closed()` then tells).
    std::optional<LiveEvent> next(std::chrono::milliseconds timeout);
    bool closed() const;
    ~Subscription();

private:
    friend class EventHub;
    explicit Subscription(EventHub &hub) : _hub(hub) {}
    void push(const LiveEvent &event);
    EventHub &_hub;
    std::deque<LiveEvent> _queue;
    bool _overflowed = false;
};

class EventHub {
public:
    std::unique_ptr<Subscription> subscribe();
    void publish(std::string name, std::string data, std::string key = {});
    // Wakes every subscriber and refuses new ones: the server is stopping.
    void close();
    bool isClosed();
    std::size_t subscribers();

private:
    friend class Subscription;
    void unsubscribe(Subscription *s);
    std::mutex _m;
    std::condition_variable _cv;
    std::set<Subscription *> _subs;
    std::uint64_t _nextId = 1;
    bool _closed = false;
};

}  // namespace reemploi::app::http
