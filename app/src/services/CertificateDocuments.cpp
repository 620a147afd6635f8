// Certificates for download: the stored text, signed again, or drawn as a PDF.
#include "services/CertificateDocuments.hpp"

#include <reemploi/diagnostics/storage/Certificate.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Units.hpp>

namespace reemploi::app::certificates {

using diagnostics::storage::WorkshopKey;

Result<CertificateDocument> issuedCertificate(inventory::Database &db, std::string_view id, const std::string &keyPath,
                                              std::optional<std::int64_t> donationId) {
    const std::string notFound = donationId ? "no such certificate for this donation" : "no such certificate";
    auto record = inventory::getSanitizationByCertificate(db, id);
    if (!record || record->certificateJson.empty()) {
        if (!record && record.error().code != Errc::NotFound) return record.error();
        return makeError(Errc::NotFound, notFound);
    }
    if (donationId) {
        inventory::UnitFilter filter;
        filter.donationId = *donationId;
        auto units = inventory::listUnits(db, filter);
        if (!units) return units.error();
        bool ours = false;
        for (const auto &u : *units)
            for (const auto &m : u.storage) ours |= m.id == record->mediumId;
        if (!ours) return makeError(Errc::NotFound, notFound);
    }
    CertificateDocument doc{record->certificateId, record->certificateJson, std::nullopt, {}};
    if (auto key = WorkshopKey::load(keyPath); key && key->canSign()) {
        if (auto signature = key->sign(doc.json)) doc.signature = std::move(*signature);
        doc.keyFingerprint = key->fingerprint();
    }
    return doc;
}

Result<std::string> certificatePdf(const CertificateDocument &document, bool english) {
    auto fields = diagnostics::storage::certificateFieldsOf(document.json);
    if (!fields) return fields.error().withContext("certificate " + document.id);
    diagnostics::storage::IssuedCertificate issued;
    issued.fields = std::move(*fields);
    issued.json = document.json;
    issued.signature = document.signature.value_or("");
    issued.keyFingerprint = document.keyFingerprint;
    return diagnostics::storage::certificatePdf(issued, english ? diagnostics::storage::CertificateLanguage::English
                                                                : diagnostics::storage::CertificateLanguage::French);
}

}  // namespace reemploi::app::certificates
