// A donor's report as a PDF document (cairo): title page with the workshop's name and logo, the
// summary and impact tables, the unit table across pages with its header repeated, the
// certificates as an appendix, how to verify, and page numbers ("Page 3 sur 7").
#pragma once

#include <string>

#include <reemploi/common/Result.hpp>
#include <reemploi/inventory/reports/DonorReport.hpp>

namespace reemploi::app::reports {

struct PdfExtras {
    std::string logoPath;      // PNG; none drawn when empty or unreadable
    std::string signatureHex;  // the JSON's detached Ed25519 signature
    std::string jsonSha256;    // of the signed JSON
    std::string jsonFileName;  // the JSON file the openssl command names
};

Result<std::string> reportPdf(const inventory::reports::DonorReport &report, inventory::reports::Lang lang,
                              const PdfExtras &extras);

}  // namespace reemploi::app::reports
