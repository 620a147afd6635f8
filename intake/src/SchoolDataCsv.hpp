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

}  // namespace reemploi::intake
