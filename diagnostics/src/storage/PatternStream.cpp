// Wipe patterns; the random one is AES-128-CTR over zeros, generated in large blocks.
#include <reemploi/diagnostics/storage/PatternStream.hpp>

#include <cstring>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/rand.h>

namespace reemploi::diagnostics::storage {

struct PatternStream::Cipher {
    EVP_CIPHER_CTX *ctx = nullptr;
    std::array<std::uint8_t, 16> key{};
    std::array<std::uint8_t, 16> iv{};
    ~Cipher() { EVP_CIPHER_CTX_free(ctx); }
};

PatternStream::PatternStream(Pattern pattern) : _pattern(pattern) {
    if (pattern != Pattern::Random) return;
    std::array<std::uint8_t, 32> keyAndIv{};
    if (RAND_bytes(keyAndIv.data(), static_cast<int>(keyAndIv.size())) != 1)
        throw std::runtime_error("the system random generator failed");
    *this = PatternStream(pattern, keyAndIv);
}

PatternStream::PatternStream(Pattern pattern, const std::array<std::uint8_t, 32> &keyAndIv)
    : _pattern(pattern), _keyAndIv(keyAndIv) {
    if (pattern != Pattern::Random) return;
    _cipher = std::make_unique<Cipher>();
    _cipher->ctx = EVP_CIPHER_CTX_new();
    if (!_cipher->ctx) throw std::runtime_error("EVP_CIPHER_CTX_new failed");
    std::memcpy(_cipher->key.data(), keyAndIv.data(), 16);
    std::memcpy(_cipher->iv.data(), keyAndIv.data() + 16, 16);
    // Low 64 bits of the counter start at zero so that adding a block number never wraps
    // into the high half (which keeps the stream a pure function of the offset).
    std::memset(_cipher->iv.data() + 8, 0, 8);
}

PatternStream PatternStream::clone() const { return PatternStream(_pattern, _keyAndIv); }

PatternStream::~PatternStream() = default;
PatternStream::PatternStream(PatternStream &&) noexcept = default;
PatternStream &PatternStream::operator=(PatternStream &&) noexcept = default;

void PatternStream::fill(std::uint64_t offset, std::span<std::byte> out) {
    switch (_pattern) {
    case Pattern::Zero: std::memset(out.data(), 0x00, out.size()); return;
    case Pattern::One: std::memset(out.data(), 0xff, out.size()); return;
    case Pattern::Random: break;
    }
    if (offset % 16 != 0) throw std::invalid_argument("PatternStream::fill: offset not a multiple of 16");
    std::array<std::uint8_t, 16> counter = _cipher->iv;
    std::uint64_t block = offset / 16;
    for (int i = 15; i >= 8; --i) {
        counter[i] = static_cast<std::uint8_t>(block & 0xff);
        block >>= 8;
    }
    if (EVP_EncryptInit_ex(_cipher->ctx, EVP_aes_128_ctr(), nullptr, _cipher->key.data(), counter.data()) != 1)
        throw std::runtime_error("AES-128-CTR init failed");
    // Keystream = AES-CTR over zeros, read from a small cache-hot zero block rather than by
    // clearing the output first (which would cost one more pass over memory).
    static const std::array<unsigned char, 64 * 1024> zeros{};
    auto *p = reinterpret_cast<unsigned char *>(out.data());
    std::size_t left = out.size();
    while (left > 0) {
        int n = static_cast<int>(std::min<std::size_t>(left, zeros.size()));
        int outLen = 0;
        if (EVP_EncryptUpdate(_cipher->ctx, p, &outLen, zeros.data(), n) != 1)
            throw std::runtime_error("AES-128-CTR failed");
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

}  // namespace reemploi::diagnostics::storage
