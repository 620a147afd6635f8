// RSA host keys for ADB with OpenSSL's libcrypto: creation, Android's public key struct, token
// signatures (and their checks, for the emulated device).
#include <reemploi/diagnostics/android/AdbKey.hpp>

#include <cstdio>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <reemploi/diagnostics/android/AdbProtocol.hpp>

namespace fs = std::filesystem;

namespace reemploi::diagnostics::android {

namespace {

constexpr int kModulusBytes = 256;  // RSA-2048, the only size adb uses
constexpr int kModulusWords = kModulusBytes / 4;
// libcrypto_utils' RSAPublicKey: modulus_size_words, n0inv, modulus[64], rr[64], exponent.
constexpr std::size_t kStructSize = 4 + 4 + kModulusBytes + kModulusBytes + 4;

struct BnFree {
    void operator()(BIGNUM *b) const { BN_free(b); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;
struct PkeyFree {
    void operator()(EVP_PKEY *k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

void put32(std::vector<std::uint8_t> &out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::uint32_t get32(const std::vector<std::uint8_t> &b, std::size_t at) {
    return static_cast<std::uint32_t>(b[at]) | static_cast<std::uint32_t>(b[at + 1]) << 8 |
           static_cast<std::uint32_t>(b[at + 2]) << 16 | static_cast<std::uint32_t>(b[at + 3]) << 24;
}

std::string base64(const std::vector<std::uint8_t> &bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(out.data()), bytes.data(), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

}  // namespace

struct AdbKey::Impl {
    Pkey key;
};

struct AdbPublicKey::Impl {
    Pkey key;
};

Result<AdbKey> AdbKey::generate() {
    EVP_PKEY *k = EVP_RSA_gen(2048);
    if (!k) return makeError(Errc::Internal, "cannot generate an RSA-2048 key");
    auto impl = std::make_shared<Impl>();
    impl->key.reset(k);
    return AdbKey(impl);
}

Result<AdbKey> AdbKey::load(const std::string &path) {
    FILE *f = std::fopen(path.c_str(), "r");
    if (!f) return makeError(Errc::NotFound, path + ": cannot open the ADB key");
    EVP_PKEY *k = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    if (!k) return makeError(Errc::InvalidInput, path + ": not a PEM private key");
    Pkey key(k);
    if (EVP_PKEY_get_base_id(k) != EVP_PKEY_RSA || EVP_PKEY_get_bits(k) != 2048)
        return makeError(Errc::InvalidInput, path + ": the ADB key must be RSA-2048");
    auto impl = std::make_shared<Impl>();
    impl->key = std::move(key);
    return AdbKey(impl);
}

Result<AdbKey> AdbKey::loadOrCreate(const std::string &path) {
    if (fs::exists(path)) return load(path);
    std::error_code ec;
    fs::path dir = fs::path(path).parent_path();
    if (!dir.empty()) {
        fs::create_directories(dir, ec);
        if (ec) return makeError(Errc::Io, dir.string() + ": cannot create the key folder: " + ec.message());
        ::chmod(dir.c_str(), 0700);
    }
    auto fresh = generate();
    if (!fresh) return fresh.error();
    // Written under a temporary name then renamed, so that two first uses never leave half a key.
    std::string tmp = path + ".tmp" + std::to_string(::getpid());
    mode_t old = ::umask(077);
    FILE *f = std::fopen(tmp.c_str(), "wx");
    ::umask(old);
    if (!f) return makeError(Errc::Io, path + ": cannot create the ADB key file");
    bool written = PEM_write_PrivateKey(f, fresh->_impl->key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
    written = (std::fclose(f) == 0) && written;
    if (!written) {
        std::remove(tmp.c_str());
        return makeError(Errc::Io, path + ": cannot write the ADB key");
    }
    // A concurrent first use may have won: keep whichever key landed first.
    if (::link(tmp.c_str(), path.c_str()) != 0 && !fs::exists(path)) {
        std::remove(tmp.c_str());
        return makeError(Errc::Io, path + ": cannot store the ADB key");
    }
    std::remove(tmp.c_str());
    return load(path);
}

std::string AdbKey::publicKey(const std::string &comment) const {
    BIGNUM *nRaw = nullptr, *eRaw = nullptr;
    EVP_PKEY_get_bn_param(_impl->key.get(), OSSL_PKEY_PARAM_RSA_N, &nRaw);
    EVP_PKEY_get_bn_param(_impl->key.get(), OSSL_PKEY_PARAM_RSA_E, &eRaw);
    Bn n(nRaw), e(eRaw);
    BN_CTX *ctx = BN_CTX_new();
    // n0inv = -1 / n[0] mod 2^32; rr = (2^2048)^2 mod n: what the device's Montgomery code needs.
    Bn r32(BN_new()), n0inv(BN_new()), rr(BN_new());
    BN_set_bit(r32.get(), 32);
    BN_mod_inverse(n0inv.get(), n.get(), r32.get(), ctx);
    BN_sub(n0inv.get(), r32.get(), n0inv.get());
    BN_set_bit(rr.get(), kModulusBytes * 8 * 2);
    BN_mod(rr.get(), rr.get(), n.get(), ctx);
    BN_CTX_free(ctx);

    std::vector<std::uint8_t> s;
    s.reserve(kStructSize);
    put32(s, kModulusWords);
    put32(s, static_cast<std::uint32_t>(BN_get_word(n0inv.get())));
    std::vector<std::uint8_t> le(kModulusBytes);
    BN_bn2lebinpad(n.get(), le.data(), kModulusBytes);
    s.insert(s.end(), le.begin(), le.end());
    BN_bn2lebinpad(rr.get(), le.data(), kModulusBytes);
    s.insert(s.end(), le.begin(), le.end());
    put32(s, static_cast<std::uint32_t>(BN_get_word(e.get())));
    std::string out = base64(s);
    if (!comment.empty()) out += " " + comment;
    return out;
}

Result<std::vector<std::uint8_t>> AdbKey::sign(std::span<const std::uint8_t> token) const {
    if (token.size() != kTokenSize)
        return makeError(Errc::Device, "the device's AUTH token is " + std::to_string(token.size()) +
                                           " bytes, expected 20");
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(_impl->key.get(), nullptr);
    std::vector<std::uint8_t> sig(kModulusBytes);
    std::size_t len = sig.size();
    bool ok = ctx && EVP_PKEY_sign_init(ctx) == 1 && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
              EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha1()) == 1 &&
              EVP_PKEY_sign(ctx, sig.data(), &len, token.data(), token.size()) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok) return makeError(Errc::Internal, "cannot sign the ADB token");
    sig.resize(len);
    return sig;
}

Result<AdbPublicKey> AdbPublicKey::parse(std::string_view text) {
    while (!text.empty() && (text.back() == '\0' || text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
    auto space = text.find(' ');
    std::string encoded(text.substr(0, space));
    if (encoded.empty() || encoded.size() % 4 != 0)
        return makeError(Errc::InvalidInput, "ADB public key: not base64 (length " + std::to_string(encoded.size()) + ")");
    std::vector<std::uint8_t> raw(encoded.size() / 4 * 3 + 1);
    int n = EVP_DecodeBlock(raw.data(), reinterpret_cast<const unsigned char *>(encoded.data()),
                            static_cast<int>(encoded.size()));
    if (n < 0) return makeError(Errc::InvalidInput, "ADB public key: not base64");
    std::size_t pad = encoded.ends_with("==") ? 2 : encoded.ends_with("=") ? 1 : 0;
    raw.resize(static_cast<std::size_t>(n) - pad);
    if (raw.size() != kStructSize)
        return makeError(Errc::InvalidInput, "ADB public key: " + std::to_string(raw.size()) + " bytes, expected " +
                                                 std::to_string(kStructSize) + " (RSAPublicKey)");
    if (get32(raw, 0) != kModulusWords)
        return makeError(Errc::InvalidInput, "ADB public key: modulus of " + std::to_string(get32(raw, 0)) +
                                                 " words, expected 64 (RSA-2048)");
    std::uint32_t exponent = get32(raw, kStructSize - 4);
    if (exponent != 3 && exponent != 65537)
        return makeError(Errc::InvalidInput, "ADB public key: exponent " + std::to_string(exponent) + " (expected 3 or 65537)");
    Bn nBn(BN_lebin2bn(raw.data() + 8, kModulusBytes, nullptr)), eBn(BN_new());
    BN_set_word(eBn.get(), exponent);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, nBn.get());
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, eBn.get());
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
    EVP_PKEY *key = nullptr;
    bool ok = ctx && EVP_PKEY_fromdata_init(ctx) == 1 && EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    if (!ok) return makeError(Errc::InvalidInput, "ADB public key: not a usable RSA key");
    auto impl = std::make_shared<Impl>();
    impl->key.reset(key);
    return AdbPublicKey(impl, encoded);
}

bool AdbPublicKey::verify(std::span<const std::uint8_t> token, std::span<const std::uint8_t> signature) const {
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(_impl->key.get(), nullptr);
    bool ok = ctx && EVP_PKEY_verify_init(ctx) == 1 && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
              EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha1()) == 1 &&
              EVP_PKEY_verify(ctx, signature.data(), signature.size(), token.data(), token.size()) == 1;
    EVP_PKEY_CTX_free(ctx);
    return ok;
}

}  // namespace reemploi::diagnostics::android
