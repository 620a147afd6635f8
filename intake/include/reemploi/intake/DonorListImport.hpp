// Importing a donor's asset list (a spreadsheet saved as CSV, a Snipe-IT or GLPI export) into a
// donation: every row checked before anything is written, then one transaction for all units.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/intake/Columns.hpp>
#include <reemploi/intake/Csv.hpp>
#include <reemploi/intake/ImportLimits.hpp>
#include <reemploi/intake/Values.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::intake {

// The fields a donor's list can give and the headers that stand for them, French and English,
// including the columns of Snipe-IT's asset export and GLPI's computer export. Fields:
// serial (required), make, model, kind, donor_tag, ram, storage, cpu, os, screen, notes.
const std::vector<FieldSpec> &donorListFields();

// What is wrong with one row: the line, the column (as its header is written) and why.
struct RowError {
    std::size_t line = 0;
    std::string column;        // header text; empty when the error concerns the whole row
    std::string columnLetter;  // "D"; empty with column
    std::string field;         // our field name ("ram"), empty for a whole-row error
    std::string message;

    // "line 12, column D \"RAM\": RAM \"huit\" is not a number (…)"
    std::string text() const;
};

// One data row, mapped onto a unit and checked on its own and against the other rows (not yet
// against the database).
struct ListRow {
    std::size_t line = 0;
    inventory::NewUnit unit;  // donationId is set by the import
    std::optional<inventory::UnitKind> listedKind;  // the kind the row's cell gives, if any
    std::vector<RowError> errors;
    std::vector<RowError> warnings;  // imported all the same: a peripheral, an empty kind
    bool ok() const { return errors.empty(); }
};

// A list read and checked. Only the valid rows are kept: an invalid row leaves its errors (the
// first maxErrors of the file) and a count, so that memory follows the valid rows.
struct DonorList {
    TextEncoding encoding = TextEncoding::Utf8;
    char delimiter = ',';
    std::size_t headerLine = 1;  // a title above the header is passed over
    ColumnMap columns;
    std::size_t rowCount = 0;     // data rows read (blank ones aside)
    std::vector<ListRow> rows;    // the valid rows, in file order
    std::size_t invalidRows = 0;  // rows with at least one error
    std::vector<RowError> errors; // the first maxErrors errors, in file order
    std::size_t errorsTotal = 0;  // all of them
    std::size_t firstUnreportedLine = 0;  // the line of the first error not in `errors` (0: none)
    std::vector<RowError> warnings;  // the valid rows' first maxErrors warnings, in file order
    std::size_t warningsTotal = 0;
    std::size_t warnedRows = 0;      // valid rows with at least one warning
    std::vector<std::string> droppedColumns;  // personal-looking headers whose values were dropped
};

// Reads and maps a list and checks every row (the header is the first row naming a serial among
// the first ones, so that a title line above it is passed over): empty serial, a serial Excel turned into a number,
// unknown kind, RAM / storage / screen not understood, more values than headers, a serial
// repeated in the file (make + serial, where a row with no make matches any make: the later rows
// are the invalid ones). Columns no field claims are kept as the unit's donor fields (outside the
// audit trail), except those that look like personal data (PersonalColumns.hpp), which are
// dropped and named in droppedColumns unless `keepColumns` names them. A kind names one of ours
// (or `kinds`' words); things we do not refurbish (printers, headsets, mice, UPS…) are `other`,
// the donor's word kept in the notes, with a warning; an empty kind cell is `other` with a
// warning. Errors are only for the file as a whole (unreadable, malformed CSV, no serial column,
// two columns for one field).
Result<DonorList> parseDonorList(std::string_view bytes, std::size_t maxErrors = kDefaultMaxReportedErrors,
                                 const KindMap &kinds = {}, const std::vector<std::string> &keepColumns = {});

struct ImportOptions {
    std::int64_t donationId = 0;
    bool dryRun = false;       // check and report, write nothing
    bool skipInvalid = false;  // write the valid rows even if some are invalid
    // A row whose make + serial is a unit of this donation updates its changed fields (one
    // `unit_updated` event each) instead of being refused as registered.
    bool update = false;
    KindMap kindMap;           // the donor's own words for kinds (--kind-map)
    std::uint64_t maxBytes = kDefaultMaxImportBytes;      // a larger file is refused unread
    std::size_t maxErrors = kDefaultMaxReportedErrors;   // the report lists these, counts the rest
    std::vector<std::string> keepColumns;  // personal-looking headers to keep nonetheless (--keep-column)
};

struct ImportReport {
    std::int64_t donationId = 0;
    bool dryRun = false;
    bool skipInvalid = false;
    TextEncoding encoding = TextEncoding::Utf8;
    char delimiter = ',';
    std::size_t headerLine = 1;
    std::vector<std::pair<std::string, std::string>> columns;  // header as written → field (empty: a donor field)
    std::size_t rows = 0;         // data rows read (blank ones aside)
    std::size_t valid = 0;        // rows that pass every check
    bool update = false;
    std::size_t created = 0;      // units written (0 in a dry run or when refused)
    std::size_t updated = 0;      // units whose fields were corrected (--update; 0 in a dry run)
    std::size_t unchanged = 0;    // rows of units already registered that change nothing (--update)
    std::size_t wouldCreate = 0;  // what the import writes or, dry, would write
    std::size_t wouldUpdate = 0;
    std::vector<std::string> updatedTags;  // the corrected units (or, dry, to correct), in file order
    std::vector<RowError> warnings;  // imported all the same (peripherals, empty kinds), first maxErrors
    std::size_t warningsTotal = 0;
    std::size_t warned = 0;          // valid rows with a warning
    std::size_t skipped = 0;      // invalid rows left out because of skipInvalid
    std::size_t invalid = 0;      // rows with at least one error
    std::vector<std::string> tags;  // the new units' tags, in file order
    std::vector<RowError> errors;   // the first maxErrors errors of the invalid rows, in file order
    std::size_t errorsTotal = 0;    // every error; errorsTotal - errors.size() were not listed
    std::vector<std::string> droppedColumns;  // personal-looking columns not imported

    // True when the import did what was asked (or, dry, would): no invalid row, or skipInvalid.
    bool succeeded() const { return invalid == 0 || skipInvalid; }
    // {"created","delimiter","donation","dry_run","encoding","header_line","errors":[{"column","field","line",
    //  "message"}],"errors_total","invalid","rows","skipped","tags":[…],"valid","columns":[{"header","field"|null}],
    //  "update","updated","unchanged","updated_tags":[…],"would_create","would_update","warned",
    //  "warnings":[{"column","field","line","message"}],"warnings_total"}
    std::string json() const;
};

// Imports a list into a donation. The donation must exist (NotFound otherwise). Every row is
// checked first, including against the units already registered (same make + serial, in any
// donation: the error names the unit). Then, unless dryRun, and unless a row is invalid without
// skipInvalid (all or nothing: nothing is written), the valid rows are registered in one
// transaction with one `unit_created` event each (and, with update, the corrections with one
// `unit_updated` event each, in the same transaction). File-level problems are errors; row problems
// are in the report (see succeeded()). A row that has errors of its own is not also looked up in
// the database. importDonorListFile refuses what is not a regular file of at most maxBytes.
Result<ImportReport> importDonorList(inventory::Database &db, std::string_view bytes, const ImportOptions &options,
                                     const inventory::Actor &actor);
Result<ImportReport> importDonorListFile(inventory::Database &db, const std::string &path,
                                         const ImportOptions &options, const inventory::Actor &actor);

}  // namespace reemploi::intake
