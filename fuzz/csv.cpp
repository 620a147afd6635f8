// The CSV reader on any bytes: encoding detection and conversion, delimiter detection, quoting.
// Besides crashes: every field comes out as valid UTF-8, and records' lines only go forward.
#include <reemploi/intake/Csv.hpp>

#include "FuzzInput.hpp"

using namespace reemploi;
using namespace reemploi::intake;

namespace {

void checkRecord(const CsvRecord &r, std::size_t &lastLine) {
    REEMPLOI_FUZZ_CHECK(r.line > lastLine && r.endLine >= r.line, std::to_string(r.line));
    lastLine = r.endLine;
    REEMPLOI_FUZZ_CHECK(r.size() <= kMaxCsvFields, {});
    for (const auto &f : r.fields) REEMPLOI_FUZZ_CHECK(fuzz::isValidUtf8(f), f);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char *>(data), size);
    if (auto table = parseCsv(bytes)) {
        std::size_t last = 0;
        checkRecord(table->header, last);
        for (const auto &r : table->records) checkRecord(r, last);
    }
    for (char d : {',', ';', '\t'}) {
        CsvOptions options;
        options.delimiter = d;
        options.skipBlankRecords = d != '\t';
        auto source = CsvSource::open(bytes, options);
        if (!source) continue;
        CsvRecord r;
        std::size_t last = 0;
        for (;;) {
            auto more = (*source)->next(r);
            if (!more || !*more) break;
            checkRecord(r, last);
        }
    }
    return 0;
}
