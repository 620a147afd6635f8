// The start the school and need imports share: the header read and its columns mapped, the
// report begun (encoding, delimiter, ignored columns, error limit). The records are then pulled
// one at a time from `source`, so that memory follows the rows kept.
#pragma once

#include <memory>

#include <reemploi/intake/SchoolImport.hpp>

namespace reemploi::intake {

struct MappedCsv {
    std::unique_ptr<CsvSource> source;
    ColumnMap map;
};

Result<MappedCsv> readMappedCsv(std::string_view bytes, const std::vector<FieldSpec> &fields,
                                const SchoolDataOptions &options, SchoolDataReport &report);

// A school, need or site file: read within options.maxBytes, its bytes given to `import`, the
// file named in any error.
template <class Import>
Result<SchoolDataReport> importSchoolDataFile(const std::string &path, const SchoolDataOptions &options, Import &&import) {
    auto bytes = readFileBytes(path, options.maxBytes);
    if (!bytes) return bytes.error();
    auto report = import(std::string_view(*bytes));
    if (!report) return report.error().withContext(path);
    return report;
}

}  // namespace reemploi::intake
