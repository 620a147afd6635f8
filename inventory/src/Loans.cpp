// Loans over the database: the loan record, the need served by it, and the unit moved through the
// lifecycle's internal path (LifecycleInternal.hpp), which alone takes the arrows into and out
// of `lent`.
#include <reemploi/inventory/Loans.hpp>

#include <chrono>

#include <reemploi/common/Json.hpp>
#include <reemploi/common/Text.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Programmes.hpp>
#include <reemploi/inventory/Schools.hpp>
#include <reemploi/inventory/Units.hpp>

#include "LifecycleInternal.hpp"

namespace reemploi::inventory {

namespace {

using text::trim;

std::chrono::sys_days dayOf(std::string_view date) {
    int y = std::stoi(std::string(date.substr(0, 4)));
    unsigned m = static_cast<unsigned>(std::stoi(std::string(date.substr(5, 2))));
    unsigned d = static_cast<unsigned>(std::stoi(std::string(date.substr(8, 2))));
    return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

std::string todayUtc() { return nowUtc().substr(0, 10); }

constexpr const char *kLoanColumns =
    "l.id, u.tag, s.uai, n.family_ref, COALESCE(t.code, ''), l.out_at, l.due_on, l.returned_at"
    " FROM loans l JOIN units u ON u.id = l.unit_id JOIN needs n ON n.id = l.need_id"
    " JOIN schools s ON s.id = n.school_id LEFT JOIN sites t ON t.id = l.site_id";

Loan readLoan(const Statement &st, const std::string &asOf) {
    Loan l;
    l.id = st.getInt(0);
    l.unitTag = st.getText(1);
    l.needRef = st.getText(2) + "/" + st.getText(3);
    l.siteCode = st.getText(4);
    l.outAt = st.getText(5);
    l.dueOn = st.getText(6);
    l.returnedAt = st.getOptText(7);
    if (!l.returnedAt) l.daysOverdue = std::max<std::int64_t>(0, daysBetween(l.dueOn, asOf));
    return l;
}

// The unit's open loan, read inside the caller's transaction.
Result<Loan> openLoanOf(Database &db, const Unit &unit) {
    auto st = db.prepare(std::string("SELECT ") + kLoanColumns + " WHERE l.unit_id = ? AND l.returned_at IS NULL");
    st->bind(1, unit.id);
    if (!st->step()) return makeError(Errc::Refused, unit.tag + " is " + std::string(toString(unit.status)) + ": it is not lent");
    return readLoan(*st, todayUtc());
}

Status checkDue(std::string_view dueOn, std::string_view today) {
    REEMPLOI_TRY(checkDate(dueOn, "due"));
    std::string day = today.empty() ? todayUtc() : std::string(today);
    if (std::string(dueOn) < day)
        return makeError(Errc::InvalidInput, "due: " + std::string(dueOn) + " is before today (" + day + ")");
    return {};
}

}  // namespace

std::int64_t daysBetween(std::string_view from, std::string_view to) {
    if (checkDate(from, "from").ok() && checkDate(to, "to").ok())
        return (dayOf(to) - dayOf(from)).count();
    return 0;
}

Result<Loan> lendUnit(Database &db, std::string_view tag, std::string_view needRef, std::string_view dueOn,
                      std::string_view siteCode, const Actor &actor, std::string_view today) {
    REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "lend a unit"));
    REEMPLOI_TRY(checkDue(trim(dueOn), today));
    std::string due = trim(dueOn), site = trim(siteCode);
    return inTransaction(db, "lending " + std::string(tag), [&]() -> Result<Loan> {
        auto unit = getUnit(db, tag);
        if (!unit) return unit.error();
        auto need = findNeed(db, needRef);
        if (!need) return need.error();
        auto programme = getProgrammeById(db, need->programmeId);
        if (!programme) return programme.error();
        if (programme->mode != ProgrammeMode::Lent)
            return makeError(Errc::Refused, "need " + need->ref() + " belongs to programme " + programme->name +
                                                ", which gives its units: allocate and deliver them instead");
        if (unit->status == UnitStatus::Allocated) {
            if (need->unitTag != unit->tag)
                return makeError(Errc::Refused, unit->tag + " is allocated to another need, not " + need->ref());
        } else if (unit->status != UnitStatus::Ready) {
            return makeError(Errc::Refused, unit->tag + " is " + std::string(toString(unit->status)) +
                                                ": only a ready unit (or one allocated to this need) can be lent");
        } else if (need->status != NeedStatus::Open) {
            return makeError(Errc::Refused, "need " + need->ref() + " is " + std::string(toString(need->status)) + ", not open");
        }
        std::optional<std::int64_t> siteId;
        if (!site.empty()) {
            auto &st = db.cached("SELECT id FROM sites WHERE code = ?");
            st.bind(1, site);
            if (st.step()) siteId = st.getInt(0);
            st.reset();
            if (!siteId) return makeError(Errc::NotFound, "site: no distribution site '" + site + "' (reemploi site list)");
        }
        std::string now = nowUtc();
        auto &ins = db.cached(
            "INSERT INTO loans (unit_id, need_id, site_id, out_at, due_on, actor) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
        ins.bind(1, unit->id).bind(2, need->id);
        if (siteId) ins.bind(3, *siteId);
        else ins.bindNull(3);
        ins.bind(4, now).bind(5, due).bind(6, actor.name);
        ins.step();
        std::int64_t loanId = ins.getInt(0);
        ins.reset();
        if (need->status == NeedStatus::Open) {
            auto &st = db.cached("UPDATE needs SET status = 'served', unit_id = ?, updated_at = ? WHERE id = ?");
            st.bind(1, unit->id).bind(2, now).bind(3, need->id);
            st.step();
            st.reset();
            appendEvent(db, actor, {"need", std::to_string(need->id), "need_served",
                                    json::Object().set("unit", unit->tag).set("loan", loanId).str()});
        }
        auto moved = internal::setStatusByAllocation(db, unit->tag, UnitStatus::Lent, "lent until " + due, actor,
                                                     json::Object().set("loan", loanId).set("due", due));
        if (!moved) return moved.error();
        auto payload = json::Object().set("unit", unit->tag).set("need_id", need->id).set("due", due);
        if (!site.empty()) payload.set("site", site);
        appendEvent(db, actor, {"loan", std::to_string(loanId), "loan_out", payload.str()});
        return Loan{loanId, unit->tag, need->ref(), site, now, due, std::nullopt, 0};
    });
}

Result<Loan> returnLoan(Database &db, std::string_view tag, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "record a loan's return"));
    return inTransaction(db, "returning " + std::string(tag), [&]() -> Result<Loan> {
        auto unit = getUnit(db, tag);
        if (!unit) return unit.error();
        auto loan = openLoanOf(db, *unit);
        if (!loan) return loan.error();
        std::string now = nowUtc();
        auto &st = db.cached("UPDATE loans SET returned_at = ? WHERE id = ?");
        st.bind(1, now).bind(2, loan->id);
        st.step();
        st.reset();
        auto moved = internal::setStatusByAllocation(db, unit->tag, UnitStatus::Returned, "loan returned", actor,
                                                     json::Object().set("loan", loan->id));
        if (!moved) return moved.error();
        appendEvent(db, actor, {"loan", std::to_string(loan->id), "loan_returned",
                                json::Object().set("unit", unit->tag).set("days_overdue", loan->daysOverdue).str()});
        loan->returnedAt = now;
        loan->daysOverdue = 0;
        return std::move(loan.value());
    });
}

Result<Loan> extendLoan(Database &db, std::string_view tag, std::string_view dueOn, const Actor &actor,
                        std::string_view today) {
    REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "extend a loan"));
    std::string due = trim(dueOn);
    REEMPLOI_TRY(checkDue(due, today));
    return inTransaction(db, "extending the loan of " + std::string(tag), [&]() -> Result<Loan> {
        auto unit = getUnit(db, tag);
        if (!unit) return unit.error();
        auto loan = openLoanOf(db, *unit);
        if (!loan) return loan.error();
        if (due <= loan->dueOn)
            return makeError(Errc::InvalidInput, "due: " + due + " is not after the loan's current due date " + loan->dueOn);
        auto &st = db.cached("UPDATE loans SET due_on = ? WHERE id = ?");
        st.bind(1, due).bind(2, loan->id);
        st.step();
        st.reset();
        appendEvent(db, actor, {"loan", std::to_string(loan->id), "loan_extended",
                                json::Object().set("unit", unit->tag).set("from", loan->dueOn).set("to", due).str()});
        loan->dueOn = due;
        loan->daysOverdue = 0;
        return std::move(loan.value());
    });
}

Result<std::vector<Loan>> listLoans(Database &db, bool overdueOnly, std::string_view asOf, bool openOnly) {
    std::string day = asOf.empty() ? todayUtc() : trim(asOf);
    REEMPLOI_TRY(checkDate(day, "on"));
    return guard("listing loans", [&]() -> Result<std::vector<Loan>> {
        std::string sql = std::string("SELECT ") + kLoanColumns;
        if (overdueOnly) sql += " WHERE l.returned_at IS NULL AND l.due_on < ?";
        else if (openOnly) sql += " WHERE l.returned_at IS NULL";
        sql += " ORDER BY l.due_on, l.id";
        auto st = db.prepare(sql);
        if (overdueOnly) st->bind(1, day);
        std::vector<Loan> out;
        while (st->step()) out.push_back(readLoan(*st, day));
        return out;
    });
}

}  // namespace reemploi::inventory
