// Expected failures as values: an Error names what is wrong and gains context on the way up.
// Exceptions stay for programming errors and library boundaries (see docs/ARCHITECTURE.md).
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace reemploi {

// What kind of failure; the command line maps it to an exit code (see exitCodeFor).
enum class Errc {
    InvalidInput,  // malformed value, file, option: the caller must fix the input
    NotFound,      // a named record or device does not exist
    Conflict,      // duplicate, or the record changed under us
    Refused,       // a rule forbids it (lifecycle, privacy)
    Forbidden,     // the actor's role may not do it (a trainee confirming an allocation)
    Io,            // file system, network, database I/O
    Busy,          // another writer holds the database past our wait: try again (HTTP: 503)
    Device,        // a USB or block device misbehaved
    Timeout,
    Unsupported,   // the device or platform cannot do it
    Internal,
};

struct Error {
    Errc code = Errc::Internal;
    std::string message;
    std::string field;  // the input field at fault, when one is ("serial"): forms highlight it

    // Prefixes the message with where it happened: "cannot open device: " + message.
    Error &context(const std::string &where) {
        message = where + ": " + message;
        return *this;
    }
    Error withContext(const std::string &where) const {
        Error e = *this;
        e.context(where);
        return e;
    }
};

inline Error makeError(Errc code, std::string message) { return Error{code, std::move(message), {}}; }
inline Error makeFieldError(Errc code, std::string field, std::string message) {
    return Error{code, std::move(message), std::move(field)};
}

// Exit codes of the command line: 0 success, 2 bad input or a refused action, 1 anything else.
inline int exitCodeFor(const Error &e) {
    switch (e.code) {
    case Errc::InvalidInput:
    case Errc::NotFound:
    case Errc::Conflict:
    case Errc::Refused:
    case Errc::Forbidden:
        return 2;
    case Errc::Busy:  // not the user's input: the same command succeeds later
    default:
        return 1;
    }
}

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : _v(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : _v(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return _v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { assert(ok()); return std::get<0>(_v); }
    const T &value() const & { assert(ok()); return std::get<0>(_v); }
    T &&value() && { assert(ok()); return std::get<0>(std::move(_v)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const Error &error() const { assert(!ok()); return std::get<1>(_v); }
    Error &error() { assert(!ok()); return std::get<1>(_v); }

    // Adds context to the error, if any, and passes the result on.
    Result &&context(const std::string &where) && {
        if (!ok()) error().context(where);
        return std::move(*this);
    }

private:
    std::variant<T, Error> _v;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : _error(std::move(error)), _failed(true) {}

    bool ok() const { return !_failed; }
    explicit operator bool() const { return ok(); }
    const Error &error() const { assert(_failed); return _error; }
    Error &error() { assert(_failed); return _error; }
    Result &&context(const std::string &where) && {
        if (_failed) _error.context(where);
        return std::move(*this);
    }

private:
    Error _error;
    bool _failed = false;
};

using Status = Result<void>;

}  // namespace reemploi

// Returns the error of `expr` from the enclosing function (which returns a Result).
#define REEMPLOI_TRY(expr)                                   \
    do {                                                     \
        auto &&reemploi_try_result_ = (expr);                \
        if (!reemploi_try_result_) return reemploi_try_result_.error(); \
    } while (0)
