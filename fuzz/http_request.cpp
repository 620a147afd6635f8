// The web server's HTTP/1.1 reader (app/src/http/Wire): requests as a client may send them, in
// pieces of any size, pipelined, with bodies by length or in chunks. Every head read must be
// one the server can act on; nothing may read past what was sent.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/Wire.hpp"

namespace {

using namespace reemploi::app::http::wire;

// The input after its first byte, handed over in pieces whose sizes the first byte varies.
class Pieces final : public ByteSource {
public:
    Pieces(std::string_view bytes, unsigned seed) : _rest(bytes), _seed(seed | 1) {}
    std::size_t receive(char *out, std::size_t n) override {
        _seed = _seed * 1103515245u + 12345u;
        std::size_t piece = std::min<std::size_t>({n, _rest.size(), 1 + (_seed >> 16) % 64});
        std::copy_n(_rest.data(), piece, out);
        _rest.remove_prefix(piece);
        given += piece;
        return piece;
    }
    std::size_t given = 0;

private:
    std::string_view _rest;
    unsigned _seed;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    if (size == 0) return 0;
    Pieces source(std::string_view(reinterpret_cast<const char *>(data) + 1, size - 1), data[0]);
    Limits limits;
    limits.maxHead = 4096;  // small, so that the limits are reached too
    limits.maxTarget = 512;
    limits.maxField = 512;
    limits.maxFields = 16;
    Reader reader(source, limits);
    std::size_t bodies = 0;
    try {
        for (int requests = 0; requests < 64; ++requests) {
            RequestHead head;
            if (reader.readHead(head) == Reader::Outcome::Closed) break;
            if (head.method.empty() || head.target.empty() || head.minor < 0 || head.minor > 9) std::abort();
            if (head.chunked && head.contentLength) std::abort();  // refused as smuggling
            if (head.target.size() > limits.maxTarget || head.fields.size() > limits.maxFields) std::abort();
            for (const auto &[name, value] : head.fields)
                if (name.empty() || value.find('\n') != std::string::npos) std::abort();
            char body[300];
            std::size_t read = 0;
            while (std::size_t n = reader.readBody(body, sizeof body)) read += n;
            if (head.contentLength && read != *head.contentLength) std::abort();
            bodies += read;
        }
    } catch (const BadRequest &bad) {
        if (bad.message.empty() || bad.status < 400 || bad.status > 505) std::abort();
    }
    if (bodies > source.given) std::abort();  // never more body than bytes sent
    return 0;
}
