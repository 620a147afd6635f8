// What an import (donors' lists, schools, needs) may cost: the bytes it reads and the errors its
// report keeps. A mistaken or hostile file (a 2 GB export, /dev/zero, a million invalid rows)
// is refused or summarised, so that memory follows the valid rows, not the file or its errors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <reemploi/common/Result.hpp>

namespace reemploi::intake {

inline constexpr std::uint64_t kDefaultMaxImportBytes = 100'000'000;  // 100 MB
inline constexpr std::size_t kDefaultMaxReportedErrors = 1000;
// An error message quoting a cell keeps this many bytes at most (start and end, "…" between),
// and a column's header as many as kMaxHeaderBytesInErrors.
inline constexpr std::size_t kMaxErrorMessageBytes = 300;
inline constexpr std::size_t kMaxHeaderBytesInErrors = 80;

// "48,213"
std::string withThousands(std::size_t n);
// "… and 48,213 more errors" ("… and 1 more error"); empty for 0.
std::string moreErrorsText(std::size_t more);
// `text` cut to at most `maxBytes` bytes, keeping its start and end with "…" between, never
// splitting a UTF-8 sequence.
std::string elide(std::string text, std::size_t maxBytes = kMaxErrorMessageBytes);

// The JSON document of an import refused as a whole (no header naming a serial, two columns for
// one field, unreadable text, not a regular file, too large), so that `--json` always prints one:
// {"error": message, "errors": [{"line": N or null, "column": null, "field": null, "message": message}]}
// ("line N" is read from the message when it names one).
std::string refusedImportJson(const Error &error);

// The first `limit` errors, added in file order (E has a `line`), and how many there were.
template <class E>
class ErrorWindow {
public:
    explicit ErrorWindow(std::size_t limit = kDefaultMaxReportedErrors) : _limit(limit) {}

    void add(E error) {
        ++_total;
        if (_kept.size() < _limit) _kept.push_back(std::move(error));
        else if (_firstDroppedLine == 0) _firstDroppedLine = error.line;
    }
    bool full() const { return _kept.size() >= _limit; }
    std::size_t limit() const { return _limit; }
    std::size_t total() const { return _total; }
    const std::vector<E> &kept() const { return _kept; }
    std::vector<E> &&takeKept() { return std::move(_kept); }
    // The line of the first error counted but not kept (0: none): errors found later on an
    // earlier line may still enter the window, none on this line or after.
    std::size_t firstDroppedLine() const { return _firstDroppedLine; }

private:
    std::size_t _limit;
    std::size_t _total = 0;
    std::size_t _firstDroppedLine = 0;
    std::vector<E> _kept;
};

}  // namespace reemploi::intake
