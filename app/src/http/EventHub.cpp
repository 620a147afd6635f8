// The live-event fan-out behind /api/events.
#include "http/EventHub.hpp"

#include <algorithm>

namespace reemploi::app::http {

namespace {
constexpr std::size_t kMaxQueued = 256;  // a browser that stopped reading loses old events, not memory
}

std::unique_ptr<Subscription> EventHub::subscribe() {
    std::lock_guard lock(_m);
    if (_closed) return nullptr;
    std::unique_ptr<Subscription> s(new Subscription(*this));
    _subs.insert(s.get());
    return s;
}

void EventHub::unsubscribe(Subscription *s) {
    std::lock_guard lock(_m);
    _subs.erase(s);
}

void EventHub::publish(std::string name, std::string data, std::string key) {
    std::lock_guard lock(_m);
    LiveEvent e{_nextId++, std::move(name), std::move(data), std::move(key)};
    for (auto *s : _subs) s->push(e);
    _cv.notify_all();
}

void EventHub::close() {
    std::lock_guard lock(_m);
    _closed = true;
    _cv.notify_all();
}

bool EventHub::isClosed() {
    std::lock_guard lock(_m);
    return _closed;
}

std::size_t EventHub::subscribers() {
    std::lock_guard lock(_m);
    return _subs.size();
}

void Subscription::push(const LiveEvent &event) {  // under the hub's lock
    if (!event.key.empty()) {
        auto same = std::find_if(_queue.begin(), _queue.end(), [&](const LiveEvent &e) { return e.key == event.key; });
        if (same != _queue.end()) {
            *same = event;
            return;
        }
    }
    if (_queue.size() >= kMaxQueued) {
        _queue.pop_front();
        _overflowed = true;
    }
    _queue.push_back(event);
}

std::optional<LiveEvent> Subscription::next(std::chrono::milliseconds timeout) {
    std::unique_lock lock(_hub._m);
    _hub._cv.wait_for(lock, timeout, [&] { return !_queue.empty() || _hub._closed; });
    if (_queue.empty() || _hub._closed) return std::nullopt;
    LiveEvent e = std::move(_queue.front());
    _queue.pop_front();
    return e;
}

bool Subscription::closed() const {
    std::lock_guard lock(_hub._m);
    return _hub._closed;
}

Subscription::~Subscription() { _hub.unsubscribe(this); }

}  // namespace reemploi::app::http
