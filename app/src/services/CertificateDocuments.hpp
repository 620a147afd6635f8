// A sanitization certificate as the workshop issued it, for a download from the web app: the
// signed text kept in the database, its signature when this server holds the workshop's key, and
// its PDF drawn again from that text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <reemploi/common/Result.hpp>
#include <reemploi/inventory/Database.hpp>

namespace reemploi::app::certificates {

struct CertificateDocument {
    std::string id;
    std::string json;                      // as issued: the signed bytes
    std::optional<std::string> signature;  // raw Ed25519 (64 bytes), when the key is here to sign again
    std::string keyFingerprint;            // of that key
};

// The certificate `id`. With `donationId` (a donor's link), only a certificate of one of that
// donation's units: any other is NotFound, as an unknown id is, so a link learns nothing of other
// donations. Ed25519 is deterministic: signing the stored text again gives the issued signature.
Result<CertificateDocument> issuedCertificate(inventory::Database &db, std::string_view id, const std::string &keyPath,
                                              std::optional<std::int64_t> donationId = std::nullopt);

// Its one-page PDF, French first (`english` for the English one). InvalidInput if the stored
// text is not a certificate as issued.
Result<std::string> certificatePdf(const CertificateDocument &document, bool english = false);

}  // namespace reemploi::app::certificates
