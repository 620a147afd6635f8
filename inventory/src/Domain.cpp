// Text forms of the domain's enums, the clock, and date validation.
#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <vector>

#include <reemploi/common/Time.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::inventory {

namespace {

// One table per enum: the text form of each value, in enum order.
constexpr std::array<std::string_view, 4> kRoles = {"mediator", "trainee", "coordinator", "admin"};
constexpr std::array<std::string_view, 4> kDonorKinds = {"company", "administration", "association", "individual"};
constexpr std::array<std::string_view, 11> kUnitKinds = {"laptop",  "desktop", "tablet", "phone",    "monitor", "other",
                                                         "printer", "charger", "mouse",  "keyboard", "cable"};
constexpr std::array<std::string_view, 11> kStatuses = {"received",  "diagnosed", "wiped",     "ready",
                                                        "allocated", "delivered", "returned",  "to_repair",
                                                        "for_parts", "recycled",  "lent"};
constexpr std::array<std::string_view, 4> kGrades = {"A", "B", "C", "D"};
constexpr std::array<std::string_view, 6> kMediumTypes = {"hdd", "ssd", "nvme", "emmc", "flash", "other"};
constexpr std::array<std::string_view, 3> kLevels = {"clear", "purge", "destroy"};
constexpr std::array<std::string_view, 3> kResults = {"passed", "failed", "interrupted"};

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i] >= 'A' && a[i] <= 'Z' ? char(a[i] + 32) : a[i];
        char y = b[i] >= 'A' && b[i] <= 'Z' ? char(b[i] + 32) : b[i];
        if (x != y) return false;
    }
    return true;
}

template <class E, std::size_t N>
Result<E> parseFrom(const std::array<std::string_view, N> &names, std::string_view text, std::string_view what) {
    for (std::size_t i = 0; i < N; ++i)
        if (equalsIgnoreCase(names[i], text)) return static_cast<E>(i);
    std::string expected;
    for (auto n : names) expected += (expected.empty() ? "" : ", ") + std::string(n);
    return makeError(Errc::InvalidInput,
                     "unknown " + std::string(what) + " '" + std::string(text) + "' (expected one of: " + expected + ")");
}

}  // namespace

std::string_view toString(Role v) { return kRoles[static_cast<std::size_t>(v)]; }
std::string_view toString(DonorKind v) { return kDonorKinds[static_cast<std::size_t>(v)]; }
std::string_view toString(UnitKind v) { return kUnitKinds[static_cast<std::size_t>(v)]; }
std::string_view toString(UnitStatus v) { return kStatuses[static_cast<std::size_t>(v)]; }
std::string_view toString(Grade v) { return kGrades[static_cast<std::size_t>(v)]; }
std::string_view toString(MediumType v) { return kMediumTypes[static_cast<std::size_t>(v)]; }
std::string_view toString(SanitizationLevel v) { return kLevels[static_cast<std::size_t>(v)]; }
std::string_view toString(SanitizationResult v) { return kResults[static_cast<std::size_t>(v)]; }

Result<Role> parseRole(std::string_view s) { return parseFrom<Role>(kRoles, s, "role"); }
Result<DonorKind> parseDonorKind(std::string_view s) { return parseFrom<DonorKind>(kDonorKinds, s, "donor kind"); }
Result<UnitKind> parseUnitKind(std::string_view s) { return parseFrom<UnitKind>(kUnitKinds, s, "unit kind"); }
Result<UnitStatus> parseUnitStatus(std::string_view s) { return parseFrom<UnitStatus>(kStatuses, s, "status"); }
Result<Grade> parseGrade(std::string_view s) { return parseFrom<Grade>(kGrades, s, "grade"); }
Result<MediumType> parseMediumType(std::string_view s) { return parseFrom<MediumType>(kMediumTypes, s, "medium type"); }
Result<SanitizationLevel> parseSanitizationLevel(std::string_view s) {
    return parseFrom<SanitizationLevel>(kLevels, s, "sanitization level");
}
Result<SanitizationResult> parseSanitizationResult(std::string_view s) {
    return parseFrom<SanitizationResult>(kResults, s, "sanitization result");
}

Status requireRole(const Actor &actor, Role minimum, std::string_view what) {
    if (static_cast<int>(actor.role) >= static_cast<int>(minimum)) return {};
    auto withArticle = [](Role r) { return std::string(r == Role::Admin ? "an " : "a ") + std::string(toString(r)); };
    return makeError(Errc::Forbidden,
                     withArticle(actor.role) + " cannot " + std::string(what) + ": " + withArticle(minimum) + " must");
}

bool alwaysHoldsData(UnitKind kind) {
    return kind == UnitKind::Laptop || kind == UnitKind::Desktop || kind == UnitKind::Tablet || kind == UnitKind::Phone;
}

bool isAccessory(UnitKind kind) {
    return kind == UnitKind::Charger || kind == UnitKind::Mouse || kind == UnitKind::Keyboard || kind == UnitKind::Cable;
}

std::string_view checkOf(UnitKind kind) {
    if (kind == UnitKind::Printer) return "test_page_printed";
    if (isAccessory(kind)) return "works";
    return {};
}

std::string nowUtc() { return utcTimestampNow(); }

Result<std::int64_t> parseCapacity(std::string_view text) {
    std::string s;
    for (char c : text)
        if (c != ' ') s += (c == ',') ? '.' : c;
    auto bad = [&] {
        return makeError(Errc::InvalidInput, "capacity '" + std::string(text) + "' is not a size like 256G, 500 Go or 1T");
    };
    std::size_t i = 0;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    if (i == 0) return bad();
    double value = std::strtod(s.substr(0, i).c_str(), nullptr);
    std::string unit;
    for (char c : s.substr(i)) unit += (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
    static const std::vector<std::pair<std::string, double>> units = {
        {"", 1}, {"b", 1}, {"o", 1},
        {"k", 1e3}, {"kb", 1e3}, {"ko", 1e3}, {"kib", 1024.0},
        {"m", 1e6}, {"mb", 1e6}, {"mo", 1e6}, {"mib", 1048576.0},
        {"g", 1e9}, {"gb", 1e9}, {"go", 1e9}, {"gib", 1073741824.0},
        {"t", 1e12}, {"tb", 1e12}, {"to", 1e12}, {"tib", 1099511627776.0},
    };
    for (const auto &[name, factor] : units)
        if (unit == name) {
            double bytes = value * factor;
            if (bytes < 1 || bytes > 1e18) return bad();
            return static_cast<std::int64_t>(bytes + 0.5);
        }
    return bad();
}

std::string formatCapacity(std::int64_t bytes) {
    const char *units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1000 && u < 5) {
        v /= 1000;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, v < 10 && u > 0 ? "%.1f %s" : "%.0f %s", v, units[u]);
    return buf;
}

Status checkDate(std::string_view date, std::string_view field) {
    auto bad = [&](const std::string &why) {
        return makeError(Errc::InvalidInput,
                         std::string(field) + ": '" + std::string(date) + "' is not a date YYYY-MM-DD (" + why + ")");
    };
    if (date.size() != 10 || date[4] != '-' || date[7] != '-') return bad("wrong shape");
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (date[i] < '0' || date[i] > '9') return bad("not digits");
    int y = std::stoi(std::string(date.substr(0, 4)));
    int m = std::stoi(std::string(date.substr(5, 2)));
    int d = std::stoi(std::string(date.substr(8, 2)));
    if (m < 1 || m > 12) return bad("no month " + std::to_string(m));
    std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{unsigned(m)}, std::chrono::day{unsigned(d)}};
    if (!ymd.ok()) return bad("no such day");
    return {};
}

}  // namespace reemploi::inventory
