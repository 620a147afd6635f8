// A request to stop a long task (a wipe, a surface scan) between two of its steps, made from a
// cancel button, another thread or a signal handler. Tokens chain: a wipe target's token is also
// cancelled when its session's is.
#pragma once

#include <atomic>

namespace reemploi::diagnostics {

class CancelToken {
public:
    CancelToken() = default;
    // A token that also reads as cancelled once `parent` is; the parent must outlive it.
    explicit CancelToken(const CancelToken *parent) : _parent(parent) {}
    CancelToken(const CancelToken &) = delete;
    CancelToken &operator=(const CancelToken &) = delete;

    // Async-signal-safe (a lock-free store), so a SIGINT handler may call it.
    void cancel() noexcept { _flag.store(true, std::memory_order_relaxed); }
    bool cancelled() const noexcept {
        return _flag.load(std::memory_order_relaxed) || (_parent && _parent->cancelled());
    }

private:
    static_assert(std::atomic<bool>::is_always_lock_free, "cancel() must be usable from a signal handler");
    std::atomic<bool> _flag{false};
    const CancelToken *_parent = nullptr;
};

}  // namespace reemploi::diagnostics
