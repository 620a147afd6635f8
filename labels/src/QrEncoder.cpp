// QR encoding: segment bits, Reed-Solomon blocks, function patterns, zigzag placement, masks.
#include "QrEncoder.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace reemploi::labels::detail {
namespace {

// Error correction codewords per block and number of blocks, by level (L, M, Q, H) and version
// (ISO/IEC 18004 table 9; index 0 unused).
constexpr std::int8_t kEccPerBlock[4][41] = {
    {-1, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
     28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30},
    {-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
     26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28},
    {-1, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
     28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30},
    {-1, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
     30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30},
};
constexpr std::int8_t kBlocks[4][41] = {
    {-1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
     8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25},
    {-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
     17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49},
    {-1, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
     23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68},
    {-1, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
     25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81},
};

constexpr const char *kAlphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

int rawDataModules(int v) {
    int result = (16 * v + 128) * v + 64;
    if (v >= 2) {
        const int align = v / 7 + 2;
        result -= (25 * align - 10) * align - 55;
        if (v >= 7) result -= 36;
    }
    return result;
}

int dataCodewords(int v, int e) { return rawDataModules(v) / 8 - kEccPerBlock[e][v] * kBlocks[e][v]; }

std::vector<int> alignmentPositions(int v) {
    if (v == 1) return {};
    const int n = v / 7 + 2;
    const int step = v == 32 ? 26 : (v * 4 + n * 2 + 1) / (n * 2 - 2) * 2;
    std::vector<int> pos(static_cast<std::size_t>(n));
    pos[0] = 6;
    for (int i = n - 1, p = v * 4 + 10; i >= 1; --i, p -= step) pos[static_cast<std::size_t>(i)] = p;
    return pos;
}

class Bits {
public:
    void add(std::uint32_t value, int count) {
        for (int i = count - 1; i >= 0; --i) _bits.push_back(((value >> i) & 1) != 0);
    }
    std::size_t size() const { return _bits.size(); }
    const std::vector<bool> &bits() const { return _bits; }

private:
    std::vector<bool> _bits;
};

enum class Mode { Numeric, Alphanumeric, Byte };

Mode modeFor(std::string_view text) {
    if (std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) return Mode::Numeric;
    if (std::all_of(text.begin(), text.end(), [](char c) { return c != '\0' && std::strchr(kAlphanumeric, c); }))
        return Mode::Alphanumeric;
    return Mode::Byte;
}

int countBits(Mode mode, int v) {
    const int group = v <= 9 ? 0 : v <= 26 ? 1 : 2;
    static const int numeric[] = {10, 12, 14}, alnum[] = {9, 11, 13}, bytes[] = {8, 16, 16};
    return mode == Mode::Numeric ? numeric[group] : mode == Mode::Alphanumeric ? alnum[group] : bytes[group];
}

// Reed-Solomon over GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1.
struct GaloisTables {
    std::array<std::uint8_t, 512> exp{};
    std::array<int, 256> log{};
    GaloisTables() {
        unsigned v = 1;
        for (int i = 0; i < 255; ++i) {
            exp[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v);
            log[v] = i;
            v <<= 1;
            if (v & 0x100) v ^= 0x11D;
        }
        for (int i = 255; i < 512; ++i) exp[static_cast<std::size_t>(i)] = exp[static_cast<std::size_t>(i - 255)];
    }
};

std::uint8_t gfMultiply(std::uint8_t x, std::uint8_t y) {
    static const GaloisTables t;
    if (x == 0 || y == 0) return 0;
    return t.exp[static_cast<std::size_t>(t.log[x] + t.log[y])];
}

std::vector<std::uint8_t> rsDivisor(int degree) {
    std::vector<std::uint8_t> d(static_cast<std::size_t>(degree), 0);
    d.back() = 1;
    std::uint8_t root = 1;
    for (int i = 0; i < degree; ++i) {
        for (int j = 0; j < degree; ++j) {
            d[j] = gfMultiply(d[j], root);
            if (j + 1 < degree) d[j] ^= d[j + 1];
        }
        root = gfMultiply(root, 0x02);
    }
    return d;
}

std::vector<std::uint8_t> rsRemainder(const std::uint8_t *data, int length, const std::vector<std::uint8_t> &divisor) {
    std::vector<std::uint8_t> r(divisor.size(), 0);
    for (int i = 0; i < length; ++i) {
        const std::uint8_t factor = data[i] ^ r[0];
        std::rotate(r.begin(), r.begin() + 1, r.end());
        r.back() = 0;
        for (std::size_t j = 0; j < r.size(); ++j) r[j] ^= gfMultiply(divisor[j], factor);
    }
    return r;
}

class Symbol {
public:
    explicit Symbol(int version) : _size(version * 4 + 17), _dark(cells(), 0), _function(cells(), 0) {}

    int size() const { return _size; }
    bool dark(int x, int y) const { return _dark[index(x, y)] != 0; }
    bool function(int x, int y) const { return _function[index(x, y)] != 0; }
    void set(int x, int y, bool dark) { _dark[index(x, y)] = dark; }
    const std::uint8_t *darkModules() const { return _dark.data(); }
    const std::uint8_t *functionModules() const { return _function.data(); }
    void setFunction(int x, int y, bool dark) {
        _dark[index(x, y)] = dark;
        _function[index(x, y)] = 1;
    }

private:
    std::size_t cells() const { return static_cast<std::size_t>(_size) * _size; }
    std::size_t index(int x, int y) const { return static_cast<std::size_t>(y) * _size + x; }
    int _size;
    std::vector<std::uint8_t> _dark, _function;
};

void drawFinder(Symbol &s, int cx, int cy) {
    for (int dy = -4; dy <= 4; ++dy)
        for (int dx = -4; dx <= 4; ++dx) {
            const int x = cx + dx, y = cy + dy;
            if (x < 0 || y < 0 || x >= s.size() || y >= s.size()) continue;
            const int dist = std::max(std::abs(dx), std::abs(dy));
            s.setFunction(x, y, dist != 2 && dist != 4);
        }
}

constexpr int kLevelBits[4] = {1, 0, 3, 2};  // L, M, Q, H in the format information

void drawFormat(Symbol &s, int level, int mask) {
    const int data = kLevelBits[level] << 3 | mask;
    int rem = data;
    for (int i = 0; i < 10; ++i) rem = (rem << 1) ^ ((rem >> 9) * 0x537);
    const int bits = ((data << 10) | rem) ^ 0x5412;
    auto bit = [&](int i) { return ((bits >> i) & 1) != 0; };
    const int n = s.size();
    for (int i = 0; i <= 5; ++i) s.setFunction(8, i, bit(i));
    s.setFunction(8, 7, bit(6));
    s.setFunction(8, 8, bit(7));
    s.setFunction(7, 8, bit(8));
    for (int i = 9; i < 15; ++i) s.setFunction(14 - i, 8, bit(i));
    for (int i = 0; i < 8; ++i) s.setFunction(n - 1 - i, 8, bit(i));
    for (int i = 8; i < 15; ++i) s.setFunction(8, n - 15 + i, bit(i));
    s.setFunction(8, n - 8, true);  // the dark module
}

void drawFunctionPatterns(Symbol &s, int version, int level) {
    const int n = s.size();
    for (int i = 0; i < n; ++i) {
        s.setFunction(6, i, i % 2 == 0);
        s.setFunction(i, 6, i % 2 == 0);
    }
    drawFinder(s, 3, 3);
    drawFinder(s, n - 4, 3);
    drawFinder(s, 3, n - 4);
    const std::vector<int> align = alignmentPositions(version);
    const int count = static_cast<int>(align.size());
    for (int i = 0; i < count; ++i)
        for (int j = 0; j < count; ++j) {
            if ((i == 0 && j == 0) || (i == 0 && j == count - 1) || (i == count - 1 && j == 0)) continue;
            for (int dy = -2; dy <= 2; ++dy)
                for (int dx = -2; dx <= 2; ++dx)
                    s.setFunction(align[i] + dx, align[j] + dy, std::max(std::abs(dx), std::abs(dy)) != 1);
        }
    drawFormat(s, level, 0);  // reserves the area; redrawn with the chosen mask
    if (version >= 7) {
        int rem = version;
        for (int i = 0; i < 12; ++i) rem = (rem << 1) ^ ((rem >> 11) * 0x1F25);
        const long bits = static_cast<long>(version) << 12 | rem;
        for (int i = 0; i < 18; ++i) {
            const bool b = ((bits >> i) & 1) != 0;
            const int a = n - 11 + i % 3, c = i / 3;
            s.setFunction(a, c, b);
            s.setFunction(c, a, b);
        }
    }
}

void placeCodewords(Symbol &s, const std::vector<std::uint8_t> &codewords) {
    const int n = s.size();
    std::size_t i = 0;
    const std::size_t total = codewords.size() * 8;
    for (int right = n - 1; right >= 1; right -= 2) {
        if (right == 6) right = 5;  // skip the vertical timing pattern
        const bool upward = ((right + 1) & 2) == 0;
        for (int vert = 0; vert < n; ++vert)
            for (int j = 0; j < 2; ++j) {
                const int x = right - j, y = upward ? n - 1 - vert : vert;
                if (s.function(x, y) || i >= total) continue;
                s.set(x, y, ((codewords[i >> 3] >> (7 - (i & 7))) & 1) != 0);
                ++i;
            }
    }
}

bool maskBit(int mask, int x, int y) {
    switch (mask) {
    case 0: return (x + y) % 2 == 0;
    case 1: return y % 2 == 0;
    case 2: return x % 3 == 0;
    case 3: return (x + y) % 3 == 0;
    case 4: return (x / 3 + y / 2) % 2 == 0;
    case 5: return x * y % 2 + x * y % 3 == 0;
    case 6: return (x * y % 2 + x * y % 3) % 2 == 0;
    default: return ((x + y) % 2 + x * y % 3) % 2 == 0;
    }
}

// The eight mask patterns for one symbol size, computed once per size and thread.
const std::vector<std::uint8_t> &maskPatterns(int n) {
    thread_local int size = 0;
    thread_local std::vector<std::uint8_t> patterns;
    if (size != n) {
        size = n;
        patterns.resize(static_cast<std::size_t>(8) * n * n);
        for (int mask = 0; mask < 8; ++mask)
            for (int y = 0; y < n; ++y)
                for (int x = 0; x < n; ++x)
                    patterns[(static_cast<std::size_t>(mask) * n + y) * n + x] = maskBit(mask, x, y);
    }
    return patterns;
}

// `out` = the unmasked symbol with `mask` applied to every module outside the function patterns.
void applyMask(const Symbol &s, int mask, std::vector<std::uint8_t> &out) {
    const std::size_t cells = static_cast<std::size_t>(s.size()) * s.size();
    const std::uint8_t *pattern = maskPatterns(s.size()).data() + static_cast<std::size_t>(mask) * cells;
    const std::uint8_t *dark = s.darkModules(), *function = s.functionModules();
    for (std::size_t i = 0; i < cells; ++i) out[i] = dark[i] ^ (pattern[i] & (function[i] ^ 1));
}

// The penalty rules of ISO/IEC 18004 7.8.3 over one line of modules (a row or a column), written
// without data-dependent branches: modules are random, and mispredictions dominated the time.
long linePenalty(const std::uint8_t *line, int n, int step) {
    long penalty = 0;
    // N1: a run of five or more modules of one colour costs 3 + (length - 5) = length - 2.
    int run = 1;
    for (int i = 1; i < n; ++i) {
        const bool same = line[i * step] == line[(i - 1) * step];
        penalty += (!same && run >= 5) * (run - 2);
        run = same ? run + 1 : 1;
    }
    penalty += (run >= 5) * (run - 2);
    // N3: dark-light-dark-dark-dark-light-dark (1:1:3:1:1) with four light modules before or
    // after it; outside the symbol counts as light. One count per pattern, as ZXing does.
    auto at = [&](int i) -> unsigned { return i >= 0 && i < n ? line[i * step] : 0u; };
    for (int x = 0; x + 7 <= n; ++x) {
        const bool finder = at(x) & !at(x + 1) & at(x + 2) & at(x + 3) & at(x + 4) & !at(x + 5) & at(x + 6);
        const bool before = !(at(x - 1) | at(x - 2) | at(x - 3) | at(x - 4));
        const bool after = !(at(x + 7) | at(x + 8) | at(x + 9) | at(x + 10));
        penalty += 40 * (finder & (before | after));
    }
    return penalty;
}

long penaltyScalar(const std::vector<std::uint8_t> &m, int n) {
    long total = 0;
    for (int y = 0; y < n; ++y) total += linePenalty(m.data() + static_cast<std::size_t>(y) * n, n, 1);
    for (int x = 0; x < n; ++x) total += linePenalty(m.data() + x, n, n);
    int dark = 0, blocks = 0;
    for (int y = 0; y < n; ++y) {
        const std::uint8_t *row = m.data() + static_cast<std::size_t>(y) * n;
        for (int x = 0; x < n; ++x) dark += row[x];
        if (y + 1 == n) break;
        for (int x = 0; x + 1 < n; ++x)  // N2: 2x2 blocks of one colour
            blocks += (row[x] == row[x + 1]) & (row[x] == row[x + n]) & (row[x] == row[x + n + 1]);
    }
    total += 3L * blocks;
    // N4: 10 points for every full 5 % the dark share strays from half.
    const int cells = n * n;
    total += std::abs(dark * 2 - cells) * 10 / cells * 10L;
    return total;
}

// The same rules with each row and column as a 64-bit word (symbols up to version 11, which is
// every label's): bit x of a row is module x.
long penaltyWords(const std::vector<std::uint8_t> &m, int n) {
    std::array<std::uint64_t, 64> rows{}, cols{};
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x) {
            const std::uint64_t v = m[static_cast<std::size_t>(y) * n + x];
            rows[static_cast<std::size_t>(y)] |= v << x;
            cols[static_cast<std::size_t>(x)] |= v << y;
        }
    const std::uint64_t inner = n == 64 ? ~0ull >> 1 : (1ull << (n - 1)) - 1;  // boundaries 0..n-2
    auto line = [&](std::uint64_t l) {
        long penalty = 0;
        // N1: runs between colour changes.
        std::uint64_t changes = (l ^ (l >> 1)) & inner;
        int previous = -1;
        while (changes) {
            const int at = __builtin_ctzll(changes);
            const int run = at - previous;
            penalty += (run >= 5) * (run - 2);
            previous = at;
            changes &= changes - 1;
        }
        const int last = n - 1 - previous;
        penalty += (last >= 5) * (last - 2);
        // N3: 1:1:3:1:1 with four light modules before or after; four light modules pad each end.
        const unsigned __int128 padded = static_cast<unsigned __int128>(l) << 4;
        int hits = 0;
        for (int j = 4; j + 7 <= n + 4; ++j) {
            const bool finder = (static_cast<unsigned>(padded >> j) & 0x7fu) == 0x5du;
            const bool before = (static_cast<unsigned>(padded >> (j - 4)) & 0xfu) == 0;
            const bool after = (static_cast<unsigned>(padded >> (j + 7)) & 0xfu) == 0;
            hits += finder & (before | after);
        }
        return penalty + 40L * hits;
    };
    long total = 0;
    int dark = 0, blocks = 0;
    for (int i = 0; i < n; ++i) {
        total += line(rows[static_cast<std::size_t>(i)]) + line(cols[static_cast<std::size_t>(i)]);
        dark += __builtin_popcountll(rows[static_cast<std::size_t>(i)]);
        if (i + 1 < n) {  // N2: 2x2 blocks of one colour
            const std::uint64_t a = rows[static_cast<std::size_t>(i)], b = rows[static_cast<std::size_t>(i) + 1];
            blocks += __builtin_popcountll(~(a ^ b) & ~(a ^ (a >> 1)) & ~(b ^ (b >> 1)) & inner);
        }
    }
    total += 3L * blocks;
    const int cells = n * n;
    return total + std::abs(dark * 2 - cells) * 10 / cells * 10L;
}

long penalty(const std::vector<std::uint8_t> &m, int n) { return n <= 64 ? penaltyWords(m, n) : penaltyScalar(m, n); }

}  // namespace

std::optional<BitMatrix> encodeQr(std::string_view text, QrEcLevel ecLevel) {
    const int level = static_cast<int>(ecLevel);
    const Mode mode = modeFor(text);
    const bool ascii = std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    const bool eci = mode == Mode::Byte && !ascii;
    auto payloadBits = [&](int v) {
        std::size_t bits = (eci ? 12 : 0) + 4 + static_cast<std::size_t>(countBits(mode, v));
        const std::size_t n = text.size();
        if (mode == Mode::Numeric) bits += n / 3 * 10 + (n % 3 == 2 ? 7 : n % 3 == 1 ? 4 : 0);
        else if (mode == Mode::Alphanumeric) bits += n / 2 * 11 + (n % 2) * 6;
        else bits += n * 8;
        return bits;
    };
    int version = 1;
    while (version <= 40 && (payloadBits(version) > static_cast<std::size_t>(dataCodewords(version, level)) * 8 ||
                             text.size() >= (1u << countBits(mode, version))))
        ++version;
    if (version > 40) return std::nullopt;

    Bits bits;
    if (eci) {
        bits.add(0x7, 4);  // ECI
        bits.add(26, 8);   // UTF-8
    }
    bits.add(mode == Mode::Numeric ? 0x1 : mode == Mode::Alphanumeric ? 0x2 : 0x4, 4);
    bits.add(static_cast<std::uint32_t>(text.size()), countBits(mode, version));
    if (mode == Mode::Numeric) {
        for (std::size_t i = 0; i < text.size(); i += 3) {
            const std::size_t len = std::min<std::size_t>(3, text.size() - i);
            std::uint32_t v = 0;
            for (std::size_t k = 0; k < len; ++k) v = v * 10 + static_cast<std::uint32_t>(text[i + k] - '0');
            bits.add(v, len == 3 ? 10 : len == 2 ? 7 : 4);
        }
    } else if (mode == Mode::Alphanumeric) {
        auto code = [](char c) { return static_cast<std::uint32_t>(std::strchr(kAlphanumeric, c) - kAlphanumeric); };
        for (std::size_t i = 0; i < text.size(); i += 2) {
            if (i + 1 < text.size()) bits.add(code(text[i]) * 45 + code(text[i + 1]), 11);
            else bits.add(code(text[i]), 6);
        }
    } else {
        for (char c : text) bits.add(static_cast<unsigned char>(c), 8);
    }
    const std::size_t capacity = static_cast<std::size_t>(dataCodewords(version, level)) * 8;
    bits.add(0, static_cast<int>(std::min<std::size_t>(4, capacity - bits.size())));  // terminator
    bits.add(0, static_cast<int>((8 - bits.size() % 8) % 8));
    std::vector<std::uint8_t> data(bits.size() / 8, 0);
    for (std::size_t i = 0; i < bits.size(); ++i)
        if (bits.bits()[i]) data[i >> 3] |= static_cast<std::uint8_t>(0x80 >> (i & 7));
    for (std::uint8_t pad = 0xEC; data.size() < capacity / 8; pad ^= 0xEC ^ 0x11) data.push_back(pad);

    // Blocks of data with their error correction, interleaved codeword by codeword.
    const int blocks = kBlocks[level][version], ecc = kEccPerBlock[level][version];
    const int raw = rawDataModules(version) / 8;
    const int shortBlocks = blocks - raw % blocks, shortData = raw / blocks - ecc;
    const std::vector<std::uint8_t> divisor = rsDivisor(ecc);
    std::vector<std::vector<std::uint8_t>> dataBlocks, eccBlocks;
    for (int b = 0, offset = 0; b < blocks; ++b) {
        const int len = shortData + (b < shortBlocks ? 0 : 1);
        dataBlocks.emplace_back(data.begin() + offset, data.begin() + offset + len);
        eccBlocks.push_back(rsRemainder(data.data() + offset, len, divisor));
        offset += len;
    }
    std::vector<std::uint8_t> codewords;
    codewords.reserve(static_cast<std::size_t>(raw));
    for (int j = 0; j <= shortData; ++j)
        for (const auto &block : dataBlocks)
            if (j < static_cast<int>(block.size())) codewords.push_back(block[j]);
    for (int j = 0; j < ecc; ++j)
        for (const auto &block : eccBlocks) codewords.push_back(block[j]);

    Symbol symbol(version);
    drawFunctionPatterns(symbol, version, level);
    placeCodewords(symbol, codewords);
    // Each mask is tried with its format information in place; the lowest penalty wins.
    std::vector<std::uint8_t> masked(static_cast<std::size_t>(symbol.size()) * symbol.size()), best;
    long bestPenalty = -1;
    for (int mask = 0; mask < 8; ++mask) {
        drawFormat(symbol, level, mask);
        applyMask(symbol, mask, masked);
        const long p = penalty(masked, symbol.size());
        if (bestPenalty < 0 || p < bestPenalty) {
            bestPenalty = p;
            best = masked;
        }
    }

    BitMatrix out;
    out.width = out.height = symbol.size();
    out.bits = std::move(best);
    return out;
}

}  // namespace reemploi::labels::detail
