// A sanitization certificate as someone may hand it back to be checked: its id read, and the
// check against a real signature and the text as issued (so that the field-by-field comparison
// runs on whatever JSON the input is).
#include <cstdlib>
#include <filesystem>

#include <reemploi/diagnostics/storage/Certificate.hpp>

#include "FuzzInput.hpp"

using namespace reemploi;
using namespace reemploi::diagnostics::storage;

namespace {

struct Issued {
    WorkshopKey key;
    IssuedCertificate certificate;
};

const Issued &issued() {
    static const Issued value = [] {
        std::string dir = (std::filesystem::temp_directory_path() / "reemploi-fuzz-key-XXXXXX").string();
        if (!mkdtemp(dir.data())) fuzz::fail("mkdtemp");
        auto key = WorkshopKey::loadOrCreate(dir + "/workshop-ed25519.pem");
        std::filesystem::remove_all(dir);
        if (!key) fuzz::fail("key", key.error().message);
        CertificateFields f;
        f.id = "RC-20261123-1a2b3c4d";
        f.issuedAt = "2026-11-23T10:00:00Z";
        f.manufacturer = "Samsung";
        f.model = "SSD 870 QVO 4TB";
        f.serial = "S5STNF0W706332M";
        f.capacityBytes = 4'000'787'030'016;
        f.unitTag = "RE-000042";
        f.method = "clear-zero";
        f.passes = {"zeros"};
        f.result = "passed";
        auto certificate = issueCertificate(f, *key);
        if (!certificate) fuzz::fail("issue", certificate.error().message);
        return Issued{std::move(*key), std::move(*certificate)};
    }();
    return value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const Issued &is = issued();
    std::string_view text(reinterpret_cast<const char *>(data), size);
    (void)certificateIdOf(text);
    auto check = verifyCertificate(text, is.certificate.signature, is.key, is.certificate.json);
    if (text == is.certificate.json) REEMPLOI_FUZZ_CHECK(check.valid, check.problem);
    else REEMPLOI_FUZZ_CHECK(!check.valid, text);
    (void)verifyCertificate(text, std::string(64, '\0'), is.key);
    return 0;
}
