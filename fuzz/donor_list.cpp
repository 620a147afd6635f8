// A whole donor's list read, mapped and checked (the import without the database), with a small
// error window. Besides crashes: counts add up, the window holds the first errors in line order,
// messages stay short, valid rows have a serial of at most 100 characters.
#include <reemploi/intake/DonorListImport.hpp>

#include "FuzzInput.hpp"

using namespace reemploi;
using namespace reemploi::intake;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    constexpr std::size_t kWindow = 20;
    auto list = parseDonorList(std::string_view(reinterpret_cast<const char *>(data), size), kWindow);
    if (!list) return 0;
    REEMPLOI_FUZZ_CHECK(list->rows.size() + list->invalidRows == list->rowCount, {});
    REEMPLOI_FUZZ_CHECK(list->errors.size() <= kWindow && list->errors.size() <= list->errorsTotal, {});
    REEMPLOI_FUZZ_CHECK(list->invalidRows <= list->errorsTotal, {});
    REEMPLOI_FUZZ_CHECK((list->errorsTotal > list->errors.size()) == (list->firstUnreportedLine != 0), {});
    for (std::size_t i = 0; i < list->errors.size(); ++i) {
        const auto &e = list->errors[i];
        REEMPLOI_FUZZ_CHECK(e.message.size() <= kMaxErrorMessageBytes, e.message);
        REEMPLOI_FUZZ_CHECK(e.column.size() <= kMaxHeaderBytesInErrors, e.column);
        if (i > 0) REEMPLOI_FUZZ_CHECK(list->errors[i - 1].line <= e.line, e.text());
        if (list->firstUnreportedLine) REEMPLOI_FUZZ_CHECK(e.line <= list->firstUnreportedLine, e.text());
    }
    for (const auto &row : list->rows) {
        REEMPLOI_FUZZ_CHECK(row.ok(), {});
        REEMPLOI_FUZZ_CHECK(!row.unit.serial.empty() && row.unit.serial.size() <= 100, row.unit.serial);
    }
    return 0;
}
