// The bytes a wipe pass writes, addressable by offset so that verification can regenerate any
// region: constant patterns, or AES-128-CTR keystream (OpenSSL EVP, AES-NI where present) whose
// counter is the byte offset / 16, so any block can be recomputed without the ones before it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include <reemploi/diagnostics/storage/WipeMethods.hpp>

namespace reemploi::diagnostics::storage {

class PatternStream {
public:
    // A random pattern draws a fresh key from the system CSPRNG; constant patterns need none.
    explicit PatternStream(Pattern pattern);
    PatternStream(Pattern pattern, const std::array<std::uint8_t, 32> &keyAndIv);
    ~PatternStream();
    PatternStream(PatternStream &&) noexcept;
    PatternStream &operator=(PatternStream &&) noexcept;

    // The same stream for another thread (an EVP context is not shared between threads).
    PatternStream clone() const;

    Pattern pattern() const { return _pattern; }
    bool isConstant() const { return _pattern != Pattern::Random; }

    // Fills `out` with the stream's bytes at [offset, offset + out.size()); offset % 16 == 0.
    void fill(std::uint64_t offset, std::span<std::byte> out);

private:
    struct Cipher;
    Pattern _pattern;
    std::unique_ptr<Cipher> _cipher;
    std::array<std::uint8_t, 32> _keyAndIv{};
};

}  // namespace reemploi::diagnostics::storage
