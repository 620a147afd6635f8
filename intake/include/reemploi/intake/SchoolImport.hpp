// Importing the schools' list and the families' needs from the spreadsheets schools send, with
// the donor lists' CSV reader: any delimiter and encoding, French or English headers in any order
// (case- and accent-insensitive). Every row is checked before anything is written; one invalid
// row and nothing is (all or nothing), and every error names its line and column.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/intake/Columns.hpp>
#include <reemploi/intake/Csv.hpp>
#include <reemploi/intake/ImportLimits.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::intake {

// What is wrong with one row: "line 4, column A \"uai\": UAI '0750655A': wrong check letter…".
struct SchoolDataError {
    std::size_t line = 0;
    std::string column;  // "column A \"uai\"", empty when the whole row is concerned
    std::string message;
    std::string text() const;
};

// The outcome of a school or need import (or of its dry run).
struct SchoolDataReport {
    TextEncoding encoding = TextEncoding::Utf8;
    char delimiter = ',';
    bool dryRun = false;
    std::size_t rows = 0;     // data rows read
    std::size_t created = 0;  // written (0 when refused or dry)
    std::size_t updated = 0;  // schools already known, whose fields were replaced
    std::size_t wouldCreate = 0;  // what the import writes or, dry, would write
    std::size_t wouldUpdate = 0;
    std::size_t filtered = 0;     // rows left out by onlyType (not errors)
    std::vector<std::string> ignoredColumns;  // headers no field claims
    std::vector<SchoolDataError> errors;      // the first maxErrors errors, in file order
    std::size_t errorsTotal = 0;              // all of them
    std::size_t maxErrors = kDefaultMaxReportedErrors;

    bool succeeded() const { return errors.empty() && errorsTotal == 0; }
    // Counts the error, keeps it if fewer than maxErrors are (its message and column shortened).
    void addError(std::size_t line, std::string column, std::string message);
    // {"created","delimiter","dry_run","encoding","errors":[{"column","line","message"}],"errors_total",
    //  "ignored_columns","rows","updated","would_create","would_update","filtered"}
    std::string json() const;
};

struct SchoolDataOptions {
    bool dryRun = false;
    // Schools only: keep the rows whose type column (Type_etablissement) says this, compared
    // without regard to case or accents ("Ecole" keeps "École"); the others are counted as
    // filtered. InvalidInput when the file has no type column.
    std::string onlyType = {};
    std::uint64_t maxBytes = kDefaultMaxImportBytes;     // a larger file is refused unread
    std::size_t maxErrors = kDefaultMaxReportedErrors;  // the report lists these, counts the rest
    // Needs only: the programme (by name) every need of the file belongs to; empty: the default.
    std::string programme = {};
};

// Columns: uai (required), nom/name (required), commune/town, quartier/district,
// qpv/priority_area (oui/non, yes/no, 1/0, REP, REP+), contact, type. The national school
// directory's export (Annuaire de l'éducation) is read as downloaded: Identifiant_de_l_etablissement,
// Nom_etablissement, Nom_commune, Appartenance_Education_Prioritaire, Type_etablissement; its
// other columns are ignored.
const std::vector<FieldSpec> &schoolFields();

// Schools already registered (same UAI) are updated; new ones created. File-level problems
// (unreadable, not a regular file, over maxBytes, no uai column) are errors; row problems are in
// the report.
Result<SchoolDataReport> importSchools(inventory::Database &db, std::string_view bytes,
                                       const SchoolDataOptions &options, const inventory::Actor &actor);
Result<SchoolDataReport> importSchoolsFile(inventory::Database &db, const std::string &path,
                                           const SchoolDataOptions &options, const inventory::Actor &actor);
inline Result<SchoolDataReport> importSchools(inventory::Database &db, std::string_view bytes, bool dryRun,
                                              const inventory::Actor &actor) {
    return importSchools(db, bytes, SchoolDataOptions{dryRun}, actor);
}
inline Result<SchoolDataReport> importSchoolsFile(inventory::Database &db, const std::string &path, bool dryRun,
                                                  const inventory::Actor &actor) {
    return importSchoolsFile(db, path, SchoolDataOptions{dryRun}, actor);
}

// "oui", "non", "yes", "no", "1", "0", "vrai", "faux", "x" (and blank: false).
Result<bool> parseYesNo(std::string_view text);

// A priority neighbourhood as schools and the directory write it: parseYesNo, or the education
// prioritaire network ("REP", "REP+", "REP +": yes; "hors REP", "hors éducation prioritaire": no).
Result<bool> parsePriorityArea(std::string_view text);

}  // namespace reemploi::intake
