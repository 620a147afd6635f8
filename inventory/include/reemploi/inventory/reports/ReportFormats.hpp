// A donor's report written out: canonical JSON (the signed form, documented in
// docs/donor-report.schema.json), CSV for French Excel, standalone HTML; and the words every
// format shares (French first, English on request), which the application's PDF uses too.
#pragma once

#include <string>
#include <string_view>

#include <reemploi/inventory/reports/DonorReport.hpp>

namespace reemploi::inventory::reports {

// The canonical JSON (keys sorted, no spaces): the exact bytes that are signed. Language-neutral.
std::string reportJson(const DonorReport &report);

// One row per unit, `;`-separated, UTF-8 with a byte order mark and CRLF line ends (French Excel
// opens it as is). Cells starting with = + - @ are prefixed with ' so that a spreadsheet never
// reads them as formulas.
std::string reportCsv(const DonorReport &report, Lang lang);

// A standalone page (styles inline, no script). `signatureHex` (the JSON's detached signature)
// is printed in the verification section when given.
std::string reportHtml(const DonorReport &report, Lang lang, std::string_view signatureHex = {});

// The shared words. `key` is one of the keys in ReportFormats.cpp's table; an unknown key is
// returned as is (a missing translation shows, rather than nothing).
std::string_view word(Lang lang, std::string_view key);
std::string outcomeText(Lang lang, Outcome outcome);
std::string mediumStateText(Lang lang, MediumState state);
std::string kindText(Lang lang, UnitKind kind);
std::string noMediaText(Lang lang, NoMedia why);
// "1 234,5" (fr) or "1,234.5" (en), one decimal at most.
std::string formatNumber(Lang lang, double value);
// The outcome as one line: "Réemployé : École Jean Jaurès (Lyon), 2026-11-25" / "recyclé, bordereau …".
std::string outcomeLine(Lang lang, const ReportUnit &unit);
// The sanitization of one medium as one line: "clear-zero, NIST clear, vérification full, 2026-11-23, RC-…".
std::string mediumLine(Lang lang, const ReportMedium &medium);
// The donor as the report names it: an individual donor by number ("donateur particulier n° 4").
std::string donorText(Lang lang, const DonorReport &report);
// The donor's name and the report's title ("Rapport de traçabilité — don n° 3").
std::string reportTitle(Lang lang, const DonorReport &report);

// How to check the report and the certificates with OpenSSL alone, given the files' names.
std::string opensslReportCommand(std::string_view jsonFile);
std::string opensslCertificateCommand();

}  // namespace reemploi::inventory::reports
