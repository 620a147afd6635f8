// Reading spreadsheet exports as they really arrive: `,`, `;` or tab delimited, quoted fields
// with embedded delimiters and line breaks, UTF-8 (with or without BOM), UTF-16 with BOM, or
// Windows-1252, CRLF or LF line ends. Every record keeps the physical line it starts on so that
// importers can name it in their errors. Used by every import (donors' lists, schools, needs).
// Files are read only if they are regular files within a size limit (ImportLimits.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/intake/ImportLimits.hpp>

namespace reemploi::intake {

enum class TextEncoding { Utf8, Utf8Bom, Utf16Le, Utf16Be, Windows1252, MacRoman };
// "utf-8", "utf-8-bom", "utf-16le", "utf-16be", "windows-1252", "mac-roman"
std::string_view toString(TextEncoding encoding);

// Guesses the encoding of raw bytes: a BOM decides; otherwise valid UTF-8 is UTF-8; anything
// else is Windows-1252 (what Excel writes for "CSV (séparateur: point-virgule)"), or Mac Roman
// (old Excel for Mac's "CSV (Macintosh)") when its bytes read as Mac Roman's accented letters
// (bytes Windows-1252 leaves undefined, or accents mostly in 0x80..0x9F, with CR line ends).
TextEncoding detectEncoding(std::string_view bytes);

// Converts raw bytes to UTF-8 without a BOM (detecting the encoding unless given).
// Fails on malformed UTF-16 (odd length, unpaired surrogate) and on text said to be UTF-8 (by
// its byte order mark or the caller) that is not, naming the byte offset.
Result<std::string> toUtf8(std::string_view bytes, std::optional<TextEncoding> encoding = {});

struct CsvOptions {
    // The field delimiter; when empty it is detected among `,` `;` and tab (detectDelimiter).
    std::optional<char> delimiter;
    // Records whose fields are all blank (an empty line, or ";;;;" left by Excel) are skipped.
    bool skipBlankRecords = true;
    // readCsvFile refuses a larger file before reading it.
    std::uint64_t maxBytes = kDefaultMaxImportBytes;
};

// A record may have this many fields at most (Excel's column count): more is an error, not
// gigabytes of empty strings for a line of delimiters.
inline constexpr std::size_t kMaxCsvFields = 16384;

struct CsvRecord {
    std::size_t line = 0;     // physical line (1-based) where the record starts
    std::size_t endLine = 0;  // physical line where it ends (> line when a quoted field spans lines)
    std::vector<std::string> fields;

    std::size_t size() const { return fields.size(); }
    // The field at `index`, or an empty string if the record is shorter (ragged rows are common).
    const std::string &field(std::size_t index) const;
};

// The delimiter of UTF-8 text: the candidate that splits the first records into the same number
// (at least 2) of fields most consistently, quotes respected; `,` when nothing splits.
char detectDelimiter(std::string_view utf8Text);

// Pulls records one by one from UTF-8 text (no BOM; see toUtf8). The text must outlive the reader.
// Quoted fields follow RFC 4180 ("" is a quote inside a quoted field); spaces before an opening
// or after a closing quote are ignored; a quote inside an unquoted field is kept literally
// (15.6" screen). Line breaks inside quoted fields come out as "\n".
class CsvReader {
public:
    CsvReader(std::string_view utf8Text, char delimiter, bool skipBlankRecords = true);

    // Reads the next record into `record` (its storage is reused). Returns false at the end of
    // the text; an InvalidInput error (naming the line) on malformed input or a record of more
    // than kMaxCsvFields fields, after which the reader stays at the end.
    Result<bool> next(CsvRecord &record);

    char delimiter() const { return _delimiter; }

private:
    std::string_view _text;
    std::size_t _pos = 0;
    std::size_t _line = 1;
    char _delimiter;
    bool _skipBlank;
};

// A whole file: the header (first non-blank record) and the data records.
struct CsvTable {
    TextEncoding encoding = TextEncoding::Utf8;
    char delimiter = ',';
    CsvRecord header;
    std::vector<CsvRecord> records;
};

// The records of raw bytes one at a time, decoded and with the delimiter detected: for imports
// whose memory must follow the rows they keep, not the file. UTF-8 is read in place (the bytes
// must outlive the source); other encodings are converted once.
class CsvSource {
public:
    static Result<std::unique_ptr<CsvSource>> open(std::string_view bytes, const CsvOptions &options = {});
    CsvSource(const CsvSource &) = delete;
    CsvSource &operator=(const CsvSource &) = delete;

    TextEncoding encoding() const { return _encoding; }
    char delimiter() const { return _reader.delimiter(); }
    // As CsvReader::next.
    Result<bool> next(CsvRecord &record) { return _reader.next(record); }

private:
    CsvSource(std::string decoded, std::optional<std::string_view> inPlace, TextEncoding encoding,
              const CsvOptions &options);

    std::string _decoded;  // the text when it had to be converted
    TextEncoding _encoding;
    CsvReader _reader;
};

// Decodes, detects the delimiter and reads every record. An empty file is an error.
Result<CsvTable> parseCsv(std::string_view bytes, const CsvOptions &options = {});
// Same, from a file (errors name the path; over options.maxBytes it is refused unread).
Result<CsvTable> readCsvFile(const std::string &path, const CsvOptions &options = {});

// Reads a whole regular file into memory. Errors name the path: NotFound, InvalidInput for a
// directory ("liste.csv is a directory, not a file"), a FIFO or device ("/dev/zero is not a
// regular file") or a file over `maxBytes` (refused before reading), Io for a read error.
Result<std::string> readFileBytes(const std::string &path, std::uint64_t maxBytes = kDefaultMaxImportBytes);

}  // namespace reemploi::intake
