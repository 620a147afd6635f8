// Sense data decoding (SPC-4 §4.5) and INQUIRY parsing.
#include <reemploi/diagnostics/storage/Scsi.hpp>

#include <cstdio>

namespace reemploi::diagnostics::storage {

namespace {

struct AscEntry {
    std::uint8_t asc, ascq;  // ascq 0xff: any
    const char *text;
};

// The additional sense codes a wipe or a diagnosis meets in practice (SPC-4 annex F).
const AscEntry kAsc[] = {
    {0x00, 0x00, "no additional sense information"},
    {0x00, 0x1d, "ATA pass-through information available"},
    {0x04, 0x00, "logical unit not ready, cause not reportable"},
    {0x04, 0x01, "logical unit is in process of becoming ready"},
    {0x04, 0x02, "logical unit not ready, initializing command required"},
    {0x04, 0x04, "logical unit not ready, format in progress"},
    {0x04, 0x1b, "logical unit not ready, sanitize in progress"},
    {0x04, 0xff, "logical unit not ready"},
    {0x0c, 0x00, "write error"},
    {0x0c, 0x02, "write error, auto reallocation failed"},
    {0x0c, 0xff, "write error"},
    {0x11, 0x00, "unrecovered read error"},
    {0x11, 0x04, "unrecovered read error, auto reallocate failed"},
    {0x11, 0xff, "unrecovered read error"},
    {0x1a, 0x00, "parameter list length error"},
    {0x20, 0x00, "invalid command operation code"},
    {0x21, 0x00, "logical block address out of range"},
    {0x24, 0x00, "invalid field in CDB"},
    {0x25, 0x00, "logical unit not supported"},
    {0x26, 0x00, "invalid field in parameter list"},
    {0x27, 0x00, "write protected"},
    {0x27, 0xff, "write protected"},
    {0x28, 0x00, "not ready to ready change, medium may have changed"},
    {0x29, 0x00, "power on, reset, or bus device reset occurred"},
    {0x29, 0xff, "power on or reset occurred"},
    {0x31, 0x00, "medium format corrupted"},
    {0x3a, 0x00, "medium not present"},
    {0x3a, 0xff, "medium not present"},
    {0x44, 0x00, "internal target failure"},
    {0x5d, 0x00, "failure prediction threshold exceeded"},
    {0x5d, 0xff, "failure prediction threshold exceeded"},
};

std::string trimAscii(const std::uint8_t *p, std::size_t n) {
    std::string s(reinterpret_cast<const char *>(p), n);
    for (auto &c : s)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = ' ';
    auto b = s.find_first_not_of(' ');
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

}  // namespace

std::string_view senseKeyName(std::uint8_t key) {
    static const char *names[] = {"NO SENSE",        "RECOVERED ERROR", "NOT READY",       "MEDIUM ERROR",
                                  "HARDWARE ERROR",  "ILLEGAL REQUEST", "UNIT ATTENTION",  "DATA PROTECT",
                                  "BLANK CHECK",     "VENDOR SPECIFIC", "COPY ABORTED",    "ABORTED COMMAND",
                                  "RESERVED (0xC)",  "VOLUME OVERFLOW", "MISCOMPARE",      "COMPLETED"};
    return names[key & 0x0f];
}

std::string SenseData::describe() const {
    if (!valid) return "no valid sense data";
    const char *text = nullptr;
    for (const auto &e : kAsc)
        if (e.asc == asc && (e.ascq == ascq || e.ascq == 0xff)) {
            text = e.text;
            break;
        }
    char codes[48];
    std::snprintf(codes, sizeof codes, "(asc 0x%02x, ascq 0x%02x)", asc, ascq);
    return std::string(senseKeyName(key)) + ": " + (text ? text : "unlisted condition") + " " + codes;
}

SenseData parseSense(std::span<const std::uint8_t> b) {
    SenseData s;
    if (b.empty()) return s;
    std::uint8_t code = b[0] & 0x7f;
    if ((code == 0x70 || code == 0x71) && b.size() >= 14) {
        s.valid = true;
        s.key = b[2] & 0x0f;
        s.asc = b[12];
        s.ascq = b[13];
    } else if ((code == 0x72 || code == 0x73) && b.size() >= 8) {
        s.valid = true;
        s.key = b[1] & 0x0f;
        s.asc = b[2];
        s.ascq = b[3];
        std::size_t end = std::min<std::size_t>(b.size(), 8 + b[7]);
        for (std::size_t at = 8; at + 2 <= end;) {
            std::uint8_t type = b[at], len = b[at + 1];
            if (at + 2 + len > end) break;
            if (type == 0x09 && len >= 12) {
                std::array<std::uint8_t, 14> d{};
                std::copy(b.begin() + at, b.begin() + at + 14, d.begin());
                s.ataReturn = d;
            }
            at += 2 + len;
        }
    }
    return s;
}

Result<ScsiInquiry> parseInquiry(std::span<const std::uint8_t> d) {
    if (d.size() < 36)
        return makeError(Errc::Device, "INQUIRY data is " + std::to_string(d.size()) + " bytes, at least 36 expected");
    ScsiInquiry q;
    q.peripheralType = d[0] & 0x1f;
    if ((d[0] >> 5) == 0x3) return makeError(Errc::Device, "INQUIRY byte 0: no logical unit here (qualifier 3)");
    q.removable = (d[1] & 0x80) != 0;
    q.vendor = trimAscii(d.data() + 8, 8);
    q.product = trimAscii(d.data() + 16, 16);
    q.revision = trimAscii(d.data() + 32, 4);
    return q;
}

}  // namespace reemploi::diagnostics::storage
