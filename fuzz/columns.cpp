// The column mapper on a fuzzed header row, against the donors' list, school and need fields.
// Besides crashes: the map is consistent both ways, and names stay valid UTF-8.
#include <reemploi/intake/Columns.hpp>
#include <reemploi/intake/Csv.hpp>
#include <reemploi/intake/DonorListImport.hpp>
#include <reemploi/intake/NeedImport.hpp>
#include <reemploi/intake/SchoolImport.hpp>

#include "FuzzInput.hpp"

using namespace reemploi;
using namespace reemploi::intake;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    fuzz::Input in(data, size);
    const char delimiter = ",;\t"[in.u8() % 3];
    const std::string_view text = in.rest();
    CsvReader reader(text, delimiter, false);
    CsvRecord header;
    auto read = reader.next(header);
    if (!read || !*read) return 0;
    const bool utf8 = fuzz::isValidUtf8(text);
    for (const auto &cell : header.fields) {
        auto key = normalizeKey(cell);
        auto folded = foldCase(cell);
        auto [name, unit] = splitHeaderUnit(cell);
        if (utf8) {
            REEMPLOI_FUZZ_CHECK(fuzz::isValidUtf8(key), cell);
            REEMPLOI_FUZZ_CHECK(fuzz::isValidUtf8(folded), cell);
            REEMPLOI_FUZZ_CHECK(fuzz::isValidUtf8(name) && fuzz::isValidUtf8(unit), cell);
        }
    }
    for (const auto *specs : {&donorListFields(), &schoolFields(), &needFields()}) {
        auto map = mapColumns(header, *specs);
        if (!map) continue;
        REEMPLOI_FUZZ_CHECK(map->fieldOfColumn.size() == map->header.size(), {});
        REEMPLOI_FUZZ_CHECK(map->columnOfField.size() == map->fields.size(), {});
        for (std::size_t f = 0; f < map->fields.size(); ++f) {
            if (auto c = map->columnOfField[f]) {
                REEMPLOI_FUZZ_CHECK(*c < map->header.size(), {});
                REEMPLOI_FUZZ_CHECK(map->fieldOfColumn[*c] == f, map->fields[f]);
            }
            if ((*specs)[f].required) REEMPLOI_FUZZ_CHECK(map->columnOfField[f].has_value(), map->fields[f]);
        }
        for (std::size_t c : map->unknownColumns) REEMPLOI_FUZZ_CHECK(c < map->header.size(), {});
        for (std::size_t c = 0; c < map->header.size(); ++c) (void)map->describeColumn(c);
    }
    return 0;
}
