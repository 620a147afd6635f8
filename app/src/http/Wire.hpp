// HTTP/1.1 on a connection (RFC 9112): a request's head and body read from the socket through
// one buffer, an answer written with one send.
//
// Poco's HTTPServerRequestImpl read the head a character at a time through three stream layers
// and asked the kernel for both ends' addresses at each request; its answer went through a
// name-value list and an ostream. That was a fifth of a request (bench/http). What Poco still
// does here: the sockets (plain or TLS), URIs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Poco/Net/StreamSocket.h>

namespace reemploi::app::http::wire {

struct Limits {
    std::size_t maxHead = 64 * 1024;  // request line and fields
    std::size_t maxTarget = 8 * 1024;  // the request line's target (414 past it)
    std::size_t maxField = 8 * 1024;   // one field line (431 past it)
    std::size_t maxFields = 100;       // 431 past it
};

struct RequestHead {
    std::string method;  // "GET"
    std::string target;  // "/api/units/RE-000001?x=1", as sent
    int minor = 1;       // HTTP/1.minor
    std::vector<std::pair<std::string, std::string>> fields;  // names in lower case, in order
    bool keepAlive = true;      // HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with "keep-alive"
    bool chunked = false;       // Transfer-Encoding: chunked
    std::optional<std::uint64_t> contentLength;
    bool expectContinue = false;  // Expect: 100-continue

    // The last value of a field (lower-case name), or nullptr.
    const std::string *field(std::string_view name) const;
    bool hasBody() const { return chunked || contentLength.value_or(0) > 0; }
};

// What is wrong with a request: answered with `status` (400, 413, 414, 431, 501) and the
// connection closed.
struct BadRequest {
    int status = 400;
    std::string message;
};

// Where a reader's bytes come from: a connection's socket, or a fuzzer's bytes.
class ByteSource {
public:
    virtual ~ByteSource() = default;
    // Up to `n` bytes into `out`; 0 once the other side has closed. Throws when the source fails
    // (a reset, a receive timeout).
    virtual std::size_t receive(char *out, std::size_t n) = 0;
};

class SocketSource final : public ByteSource {
public:
    explicit SocketSource(Poco::Net::StreamSocket &socket) : _socket(socket) {}
    std::size_t receive(char *out, std::size_t n) override;

private:
    Poco::Net::StreamSocket &_socket;
};

// One connection's incoming bytes. Holds what the client sent past the request being read (a
// pipelined next request) until it is asked for.
class Reader {
public:
    explicit Reader(ByteSource &source, Limits limits = {}) : _source(source), _limits(limits) {}

    enum class Outcome { Head, Closed };
    // The next request's head: Closed when the client closed before sending a byte of it; throws
    // BadRequest for a malformed or too large head; what the source throws (a socket that fails
    // or stays silent past its receive timeout in the middle of a head).
    Outcome readHead(RequestHead &head);
    // Up to `n` bytes of the current request's body (its Content-Length, or its chunks decoded);
    // 0 once it has all been read. Throws BadRequest for a malformed chunk or a body cut short.
    std::size_t readBody(char *out, std::size_t n);
    // Whether bytes of a next request are already here (epoll will not report them).
    bool hasBuffered() const { return _start < _end; }

private:
    bool fill();  // one receive appended to the buffer; false when the client has closed
    // The next line of the buffer without its CRLF (or LF), reading more as needed; BadRequest
    // past `limit` bytes; nullopt when the client closed first.
    std::optional<std::string_view> line(std::size_t limit, int status, const char *what);
    void parseRequestLine(std::string_view line, RequestHead &head);
    void parseField(std::string_view line, RequestHead &head);
    void settle(RequestHead &head);
    enum class Body { None, Length, ChunkSize, ChunkData, ChunkEnd, Trailers };
    std::size_t take(char *out, std::size_t n);  // from the buffer, then one receive
    std::size_t takeLeft(char *out, std::size_t n, Body then);

    ByteSource &_source;
    Limits _limits;
    std::string _buffer;     // [_start, _end): received, not yet consumed
    std::size_t _start = 0;
    std::size_t _end = 0;
    // The body being read.
    Body _body = Body::None;
    std::uint64_t _left = 0;  // of the body (Length) or of the current chunk (ChunkData)
};

// The reason phrase of a status code ("OK", "Not Found").
std::string_view reasonOf(int status);

// An answer's head: "HTTP/1.1 <status> <reason>", the fields, then the blank line.
class HeadWriter {
public:
    explicit HeadWriter(int status);
    HeadWriter &field(std::string_view name, std::string_view value);
    // The head, and `body` after it when given (one send for both).
    std::string &finish() {
        _out.append("\r\n");
        return _out;
    }

private:
    std::string _out;
};

// Every byte of `bytes`, however many sends it takes.
void sendAll(Poco::Net::StreamSocket &socket, std::string_view bytes);

}  // namespace reemploi::app::http::wire
