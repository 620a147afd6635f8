// The bench's ADB host key: RSA-2048, created on first use in the workshop's key folder, and the
// two things ADB does with it: the public key in Android's format (base64 of the RSAPublicKey
// struct of libcrypto_utils, then " user@host") and the signature of a device's 20-byte token
// (RSA PKCS#1 v1.5, the token taken as a SHA-1 digest, as adb's RSA_sign(NID_sha1, …)).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <reemploi/common/Result.hpp>

namespace reemploi::diagnostics::android {

class AdbKey {
public:
    // Loads the PEM private key at `path` (adb's own ~/.android/adbkey is such a file too).
    static Result<AdbKey> load(const std::string &path);
    // Loads it, or creates it (mode 0600, its folder 0700) when the file does not exist yet.
    static Result<AdbKey> loadOrCreate(const std::string &path);
    // A fresh key that lives in memory only (tests).
    static Result<AdbKey> generate();

    // "QAAAA…= reemploi@bench": what AUTH RSAPUBLICKEY carries (without the final NUL).
    std::string publicKey(const std::string &comment = "reemploi@bench") const;
    Result<std::vector<std::uint8_t>> sign(std::span<const std::uint8_t> token) const;

    struct Impl;

private:
    explicit AdbKey(std::shared_ptr<Impl> impl) : _impl(std::move(impl)) {}
    std::shared_ptr<Impl> _impl;
};

// The device side: a public key as a host sends it ("base64[ comment]", a final NUL allowed),
// decoded from Android's struct, and checks of signatures made with its private half.
class AdbPublicKey {
public:
    // InvalidInput naming what is wrong (base64, struct size, modulus size, exponent).
    static Result<AdbPublicKey> parse(std::string_view text);
    bool verify(std::span<const std::uint8_t> token, std::span<const std::uint8_t> signature) const;
    // The base64 part alone, which identifies the key.
    const std::string &encoded() const { return _encoded; }

    struct Impl;

private:
    AdbPublicKey(std::shared_ptr<Impl> impl, std::string encoded) : _impl(std::move(impl)), _encoded(std::move(encoded)) {}
    std::shared_ptr<Impl> _impl;
    std::string _encoded;
};

}  // namespace reemploi::diagnostics::android
