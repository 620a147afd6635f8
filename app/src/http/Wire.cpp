#include "http/Wire.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

#include <Poco/Net/NetException.h>

namespace reemploi::app::http::wire {

namespace {

constexpr std::size_t kReceiveSize = 16 * 1024;
constexpr std::size_t kChunkLine = 1024;  // a chunk's size line, extensions included

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equalsNoCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// RFC 9110's tchar: what a method and a field name are made of.
bool isToken(std::string_view s) {
    if (s.empty()) return false;
    for (unsigned char c : s) {
        if (c >= 'a' && c <= 'z') continue;
        if (c >= 'A' && c <= 'Z') continue;
        if (c >= '0' && c <= '9') continue;
        if (std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos) continue;
        return false;
    }
    return true;
}

[[noreturn]] void bad(int status, std::string message) { throw BadRequest{status, std::move(message)}; }

// Calls f on each comma-separated element of a field value, trimmed.
template <class F>
void forEachElement(std::string_view value, F f) {
    while (!value.empty()) {
        auto comma = value.find(',');
        auto element = trim(value.substr(0, comma));
        if (!element.empty()) f(element);
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
    }
}

}  // namespace

const std::string *RequestHead::field(std::string_view name) const {
    for (auto it = fields.rbegin(); it != fields.rend(); ++it)
        if (it->first == name) return &it->second;
    return nullptr;
}

std::size_t SocketSource::receive(char *out, std::size_t n) {
    int got = _socket.receiveBytes(out, static_cast<int>(std::min<std::size_t>(n, 1u << 30)));
    return got > 0 ? static_cast<std::size_t>(got) : 0;
}

bool Reader::fill() {
    // What was consumed goes first: a kept-alive connection's buffer stays one receive large.
    if (_start > 0) {
        std::copy(_buffer.data() + _start, _buffer.data() + _end, _buffer.data());
        _end -= _start;
        _start = 0;
    }
    if (_buffer.size() - _end < kReceiveSize) _buffer.resize(_end + kReceiveSize);
    std::size_t n = _source.receive(_buffer.data() + _end, _buffer.size() - _end);
    _end += n;
    return n > 0;
}

std::optional<std::string_view> Reader::line(std::size_t limit, int status, const char *what) {
    auto tooLong = [&] { bad(status, std::string(what) + " is longer than " + std::to_string(limit) + " bytes"); };
    std::size_t searched = 0;  // from _start: offsets move when fill() drops the consumed bytes
    for (;;) {
        const char *from = _buffer.data() + _start;
        if (auto *nl = static_cast<const char *>(std::memchr(from + searched, '\n', _end - _start - searched))) {
            std::string_view l(from, static_cast<std::size_t>(nl - from));
            if (l.size() > limit) tooLong();
            _start += l.size() + 1;
            if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
            return l;
        }
        searched = _end - _start;
        if (searched > limit) tooLong();
        if (!fill()) return std::nullopt;
    }
}

Reader::Outcome Reader::readHead(RequestHead &head) {
    head = RequestHead{};
    _body = Body::None;
    // A client may send an empty line before a request (RFC 9112 §2.2).
    std::optional<std::string_view> first;
    for (int blank = 0; blank < 4; ++blank) {
        if (_start == _end && !fill()) return Outcome::Closed;
        first = line(_limits.maxTarget + 64, 414, "the request line");
        if (!first) bad(400, "the request ended in its request line");
        if (!first->empty()) break;
    }
    if (first->empty()) bad(400, "no request line");
    parseRequestLine(*first, head);
    std::size_t headBytes = first->size();
    for (;;) {
        auto l = line(_limits.maxField, 431, "a header field");
        if (!l) bad(400, "the request ended in its header");
        if (l->empty()) break;
        headBytes += l->size();
        if (headBytes > _limits.maxHead) bad(431, "the request's header is larger than " + std::to_string(_limits.maxHead >> 10) + " KiB");
        if (head.fields.size() >= _limits.maxFields) bad(431, "more than " + std::to_string(_limits.maxFields) + " header fields");
        parseField(*l, head);
    }
    settle(head);
    return Outcome::Head;
}

void Reader::parseRequestLine(std::string_view l, RequestHead &head) {
    auto sp1 = l.find(' ');
    auto sp2 = sp1 == std::string_view::npos ? sp1 : l.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || l.find(' ', sp2 + 1) != std::string_view::npos)
        bad(400, "the request line is not METHOD TARGET HTTP/1.x");
    auto method = l.substr(0, sp1), target = l.substr(sp1 + 1, sp2 - sp1 - 1), version = l.substr(sp2 + 1);
    if (!isToken(method)) bad(400, "the request's method is malformed");
    if (target.empty() || target.size() > _limits.maxTarget)
        bad(target.empty() ? 400 : 414, target.empty() ? "the request has no target" : "the request's address is too long");
    for (unsigned char c : target)
        if (c <= ' ' || c == 0x7f) bad(400, "the request's address holds a control character or a space");
    if (version.size() != 8 || version.substr(0, 7) != "HTTP/1." || version[7] < '0' || version[7] > '9')
        bad(400, "not an HTTP/1.x request");
    head.method = std::string(method);
    head.target = std::string(target);
    head.minor = version[7] - '0';
    head.keepAlive = head.minor >= 1;
}

void Reader::parseField(std::string_view l, RequestHead &head) {
    if (l.front() == ' ' || l.front() == '\t') bad(400, "a header field is folded over two lines (obsolete)");
    auto colon = l.find(':');
    if (colon == std::string_view::npos) bad(400, "a header line has no colon");
    auto name = l.substr(0, colon);
    if (!isToken(name)) bad(400, "a header field's name is malformed");  // also "Name :" (RFC 9112 §5.1)
    auto value = trim(l.substr(colon + 1));
    for (unsigned char c : value)
        if ((c < ' ' && c != '\t') || c == 0x7f) bad(400, "a header field's value holds a control character");
    std::string lowered(name);
    for (auto &c : lowered) c = lower(c);
    head.fields.emplace_back(std::move(lowered), std::string(value));
}

// What the fields mean for reading the body and the connection.
void Reader::settle(RequestHead &head) {
    bool transferEncoding = false;
    for (const auto &[name, value] : head.fields) {
        if (name == "content-length") {
            std::uint64_t n = 0;
            auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (value.empty() || ec != std::errc() || p != value.data() + value.size())
                bad(400, "Content-Length is not a number");
            if (head.contentLength && *head.contentLength != n) bad(400, "two different Content-Length fields");
            head.contentLength = n;
        } else if (name == "transfer-encoding") {
            transferEncoding = true;
            std::vector<std::string_view> codings;
            forEachElement(value, [&](std::string_view c) { codings.push_back(c); });
            if (codings.size() != 1 || !equalsNoCase(codings[0], "chunked"))
                bad(501, "only the chunked transfer coding is understood");
            head.chunked = true;
        } else if (name == "connection") {
            forEachElement(value, [&](std::string_view option) {
                if (equalsNoCase(option, "close")) head.keepAlive = false;
                else if (equalsNoCase(option, "keep-alive") && head.minor == 0) head.keepAlive = true;
            });
        } else if (name == "expect") {
            if (!equalsNoCase(value, "100-continue")) bad(417, "only Expect: 100-continue is understood");
            head.expectContinue = head.minor >= 1;
        }
    }
    // Both would let a proxy and this server disagree on where the request ends (smuggling).
    if (transferEncoding && head.contentLength) bad(400, "both Transfer-Encoding and Content-Length");
    if (transferEncoding && head.minor == 0) bad(400, "Transfer-Encoding in an HTTP/1.0 request");
    if (head.chunked) _body = Body::ChunkSize;
    else if (head.contentLength.value_or(0) > 0) {
        _body = Body::Length;
        _left = *head.contentLength;
    }
}

std::size_t Reader::take(char *out, std::size_t n) {
    if (_start == _end && !fill()) bad(400, "the request ended in its body");
    n = std::min(n, _end - _start);
    std::copy_n(_buffer.data() + _start, n, out);
    _start += n;
    return n;
}

// Up to n of the _left bytes of the body or chunk; `then` once they are all read.
std::size_t Reader::takeLeft(char *out, std::size_t n, Body then) {
    std::size_t got = take(out, static_cast<std::size_t>(std::min<std::uint64_t>(n, _left)));
    _left -= got;
    if (_left == 0) _body = then;
    return got;
}

std::size_t Reader::readBody(char *out, std::size_t n) {
    for (;;) {
        switch (_body) {
        case Body::None:
            return 0;
        case Body::Length:
            return takeLeft(out, n, Body::None);
        case Body::ChunkSize: {
            auto l = line(kChunkLine, 400, "a chunk's size line");
            if (!l) bad(400, "the request ended in its body");
            auto size = l->substr(0, l->find(';'));  // chunk extensions are ignored
            size = trim(size);
            std::uint64_t s = 0;
            auto [p, ec] = std::from_chars(size.data(), size.data() + size.size(), s, 16);
            if (size.empty() || ec != std::errc() || p != size.data() + size.size()) bad(400, "a chunk's size is not hexadecimal");
            _left = s;
            _body = s == 0 ? Body::Trailers : Body::ChunkData;
            continue;
        }
        case Body::ChunkData:
            return takeLeft(out, n, Body::ChunkEnd);
        case Body::ChunkEnd: {
            auto l = line(2, 400, "a chunk's end");
            if (!l || !l->empty()) bad(400, "a chunk does not end where its size says");
            _body = Body::ChunkSize;
            continue;
        }
        case Body::Trailers: {
            // Trailer fields are read and dropped, within the head's limits.
            std::size_t bytes = 0;
            for (;;) {
                auto l = line(_limits.maxField, 431, "a trailer field");
                if (!l) bad(400, "the request ended in its trailer");
                if (l->empty()) break;
                if ((bytes += l->size()) > _limits.maxHead) bad(431, "the request's trailer is too large");
            }
            _body = Body::None;
            return 0;
        }
        }
    }
}

std::string_view reasonOf(int status) {
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return status < 300 ? "OK" : status < 400 ? "Redirect" : status < 500 ? "Client Error" : "Server Error";
    }
}

HeadWriter::HeadWriter(int status) {
    _out.reserve(1024);
    _out.append("HTTP/1.1 ").append(std::to_string(status)).append(1, ' ').append(reasonOf(status)).append("\r\n");
}

HeadWriter &HeadWriter::field(std::string_view name, std::string_view value) {
    _out.append(name).append(": ");
    // A value never ends the line early (a handler's text in a header cannot add a field).
    for (char c : value) _out.push_back(c == '\r' || c == '\n' ? ' ' : c);
    _out.append("\r\n");
    return *this;
}

void sendAll(Poco::Net::StreamSocket &socket, std::string_view bytes) {
    while (!bytes.empty()) {
        int n = socket.sendBytes(bytes.data(), static_cast<int>(std::min<std::size_t>(bytes.size(), 1u << 30)));
        if (n <= 0) throw Poco::Net::ConnectionResetException("the client stopped reading");
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

}  // namespace reemploi::app::http::wire
