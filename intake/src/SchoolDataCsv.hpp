// The start the school and need imports share: the file read and its columns mapped, the report
// begun (encoding, delimiter, ignored columns).
#pragma once

#include <reemploi/intake/SchoolImport.hpp>

namespace reemploi::intake {

struct MappedCsv {
    CsvTable table;
    ColumnMap map;
};

Result<MappedCsv> readMappedCsv(std::string_view bytes, const std::vector<FieldSpec> &fields, bool dryRun,
                                SchoolDataReport &report);

}  // namespace reemploi::intake
