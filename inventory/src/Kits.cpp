// Connectivity kits: identifiers checked (Luhn), registration, listing, and the kit lifecycle.
#include <reemploi/inventory/Kits.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

#include <reemploi/common/Json.hpp>
#include <reemploi/common/Text.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Loans.hpp>
#include <reemploi/inventory/Validation.hpp>

namespace reemploi::inventory {

namespace {

using text::trim;

constexpr std::array<std::string_view, 3> kKinds = {"4g-key", "sim", "hotspot"};
constexpr std::array<std::string_view, 5> kStatuses = {"in_stock", "allocated", "delivered", "returned", "expired"};

template <class E, std::size_t N>
Result<E> parseFrom(const std::array<std::string_view, N> &names, std::string_view text, std::string_view field) {
    std::string key = trim(text);
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    for (std::size_t i = 0; i < N; ++i)
        if (names[i] == key) return static_cast<E>(i);
    std::string expected;
    for (auto n : names) expected += (expected.empty() ? "" : ", ") + std::string(n);
    return makeError(Errc::InvalidInput, std::string(field) + ": '" + trim(text) + "' is not one of " + expected);
}

// Digits only: spaces and dashes dropped; anything else refused.
Result<std::string> digitsOf(std::string_view text, std::string_view field) {
    std::string out;
    for (char c : trim(text)) {
        if (std::isdigit(static_cast<unsigned char>(c))) out += c;
        else if (c != ' ' && c != '-')
            return makeError(Errc::InvalidInput, std::string(field) + ": '" + trim(text) + "' has a character that is not a digit");
    }
    return out;
}

constexpr const char *kKitColumns =
    "k.id, k.tag, k.kind, COALESCE(k.imei, ''), COALESCE(k.iccid, ''), k.operator, k.plan_ends_on, k.status,"
    " COALESCE(s.uai || '/' || n.family_ref, '')"
    " FROM kits k LEFT JOIN needs n ON n.id = k.need_id LEFT JOIN schools s ON s.id = n.school_id";

Kit readKit(const Statement &st) {
    Kit k;
    k.id = st.getInt(0);
    k.tag = st.getText(1);
    k.kind = parseKitKind(st.getText(2)).value();
    k.imei = st.getText(3);
    k.iccid = st.getText(4);
    k.operatorName = st.getText(5);
    k.planEndsOn = st.getText(6);
    k.status = parseKitStatus(st.getText(7)).value();
    k.needRef = st.getText(8);
    return k;
}

bool kitArrow(KitStatus from, KitStatus to) {
    using K = KitStatus;
    switch (to) {
    case K::Delivered: return from == K::Allocated;
    case K::Returned: return from == K::Allocated || from == K::Delivered;
    case K::InStock: return from == K::Returned;
    case K::Expired: return from != K::Expired;
    case K::Allocated: return false;  // only the allocation's confirmation
    }
    return false;
}

}  // namespace

std::string_view toString(KitKind k) { return kKinds[static_cast<std::size_t>(k)]; }
std::string_view toString(KitStatus s) { return kStatuses[static_cast<std::size_t>(s)]; }
Result<KitKind> parseKitKind(std::string_view text) { return parseFrom<KitKind>(kKinds, text, "kind"); }
Result<KitStatus> parseKitStatus(std::string_view text) { return parseFrom<KitStatus>(kStatuses, text, "status"); }

bool luhnValid(std::string_view digits) {
    if (digits.size() < 2) return false;
    int sum = 0;
    bool twice = false;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        if (*it < '0' || *it > '9') return false;
        int d = *it - '0';
        if (twice) {
            d *= 2;
            if (d > 9) d -= 9;
        }
        sum += d;
        twice = !twice;
    }
    return sum % 10 == 0;
}

Result<std::string> checkImei(std::string_view text) {
    auto digits = digitsOf(text, "imei");
    if (!digits) return digits.error();
    if (digits->size() != 15)
        return makeError(Errc::InvalidInput, "imei: '" + trim(text) + "' must be 15 digits (it has " +
                                                 std::to_string(digits->size()) + ")");
    if (!luhnValid(*digits)) return makeError(Errc::InvalidInput, "imei: '" + trim(text) + "' fails its check digit (Luhn)");
    return digits;
}

Result<std::string> checkIccid(std::string_view text) {
    auto digits = digitsOf(text, "iccid");
    if (!digits) return digits.error();
    if (digits->size() < 19 || digits->size() > 20 || digits->rfind("89", 0) != 0)
        return makeError(Errc::InvalidInput, "iccid: '" + trim(text) + "' must be 19 or 20 digits starting with 89");
    if (!luhnValid(*digits)) return makeError(Errc::InvalidInput, "iccid: '" + trim(text) + "' fails its check digit (Luhn)");
    return digits;
}

Result<Kit> addKit(Database &db, const NewKit &input, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "register a kit"));
    Kit k;
    k.kind = input.kind;
    if (!trim(input.imei).empty()) {
        auto imei = checkImei(input.imei);
        if (!imei) return imei.error();
        k.imei = *imei;
    }
    if (!trim(input.iccid).empty()) {
        auto iccid = checkIccid(input.iccid);
        if (!iccid) return iccid.error();
        k.iccid = *iccid;
    }
    if (k.kind == KitKind::Sim && k.iccid.empty())
        return makeError(Errc::InvalidInput, "iccid: a SIM card is registered by its ICCID");
    if (k.kind != KitKind::Sim && k.imei.empty())
        return makeError(Errc::InvalidInput, "imei: a " + std::string(toString(k.kind)) + " is registered by its IMEI");
    k.operatorName = trim(input.operatorName);
    REEMPLOI_TRY(checkLine(k.operatorName, "operator", kMaxNameChars));
    k.planEndsOn = trim(input.planEndsOn);
    if (!k.planEndsOn.empty()) REEMPLOI_TRY(checkDate(k.planEndsOn, "plan_end"));
    return inTransaction(db, "registering a kit", [&]() -> Result<Kit> {
        auto &dup = db.cached("SELECT tag FROM kits WHERE imei = ? OR iccid = ?");
        dup.bind(1, k.imei.empty() ? std::string("-") : k.imei).bind(2, k.iccid.empty() ? std::string("-") : k.iccid);
        std::optional<std::string> taken;
        if (dup.step()) taken = dup.getText(0);
        dup.reset();
        if (taken) return makeError(Errc::Conflict, (k.imei.empty() ? "iccid" : "imei") + std::string(": already registered as ") + *taken);
        char tag[16];
        std::snprintf(tag, sizeof tag, "K-%06lld", static_cast<long long>(db.reserveSequence("kit_tag", 1)));
        k.tag = tag;
        std::string now = nowUtc();
        auto &st = db.cached(
            "INSERT INTO kits (tag, kind, imei, iccid, operator, plan_ends_on, status, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 'in_stock', ?, ?) RETURNING id");
        st.bind(1, k.tag).bind(2, toString(k.kind));
        if (k.imei.empty()) st.bindNull(3);
        else st.bind(3, k.imei);
        if (k.iccid.empty()) st.bindNull(4);
        else st.bind(4, k.iccid);
        st.bind(5, k.operatorName).bind(6, k.planEndsOn).bind(7, now).bind(8, now);
        st.step();
        k.id = st.getInt(0);
        st.reset();
        appendEvent(db, actor, {"kit", k.tag, "kit_created",
                                json::Object()
                                    .set("kind", toString(k.kind))
                                    .set("imei", k.imei)
                                    .set("iccid", k.iccid)
                                    .set("operator", k.operatorName)
                                    .set("plan_ends_on", k.planEndsOn)
                                    .str()});
        return k;
    });
}

Result<Kit> getKit(Database &db, std::string_view tag) {
    return guard("reading a kit", [&]() -> Result<Kit> {
        auto st = db.prepare(std::string("SELECT ") + kKitColumns + " WHERE k.tag = ?");
        st->bind(1, trim(tag));
        if (!st->step()) return makeError(Errc::NotFound, "no kit with tag " + trim(tag));
        return readKit(*st);
    });
}

Result<std::vector<Kit>> listKits(Database &db, std::optional<std::int64_t> within, std::string_view asOf) {
    std::string day = asOf.empty() ? nowUtc().substr(0, 10) : trim(asOf);
    if (within && *within < 0)
        return makeError(Errc::InvalidInput, "plan-ending-within: " + std::to_string(*within) + " is not a number of days >= 0");
    return guard("listing kits", [&]() -> Result<std::vector<Kit>> {
        std::string sql = std::string("SELECT ") + kKitColumns;
        if (within) sql += " WHERE k.plan_ends_on <> '' AND k.status <> 'expired' AND k.status <> 'returned' ORDER BY k.plan_ends_on, k.id";
        else sql += " ORDER BY k.id";
        auto st = db.prepare(sql);
        std::vector<Kit> out;
        while (st->step()) {
            Kit k = readKit(*st);
            if (within && daysBetween(day, k.planEndsOn) > *within) continue;
            out.push_back(std::move(k));
        }
        return out;
    });
}

Result<Kit> setKitStatus(Database &db, std::string_view tag, KitStatus to, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "change a kit's status"));
    return inTransaction(db, "changing a kit's status", [&]() -> Result<Kit> {
        auto kit = getKit(db, tag);
        if (!kit) return kit.error();
        if (!kitArrow(kit->status, to))
            return makeError(Errc::Refused, kit->tag + " cannot become " + std::string(toString(to)) + " (it is " +
                                                std::string(toString(kit->status)) + ")" +
                                                (to == KitStatus::Allocated ? ": kits are allocated by 'reemploi allocate confirm'" : ""));
        auto &st = db.cached(to == KitStatus::InStock
                                 ? "UPDATE kits SET status = ?, need_id = NULL, updated_at = ? WHERE id = ?"
                                 : "UPDATE kits SET status = ?, updated_at = ? WHERE id = ?");
        st.bind(1, toString(to)).bind(2, nowUtc()).bind(3, kit->id);
        st.step();
        st.reset();
        appendEvent(db, actor, {"kit", kit->tag, "kit_status_changed",
                                json::Object().set("from", toString(kit->status)).set("to", toString(to)).str()});
        kit->status = to;
        if (to == KitStatus::InStock) kit->needRef.clear();
        return std::move(kit.value());
    });
}

}  // namespace reemploi::inventory
