// The unit lifecycle: the arrows as a table, the rules that need the database, and the one
// function that writes a unit's status, reached by hand (setStatus) or by the allocation service
// (LifecycleInternal.hpp), which alone takes the arrows into and out of allocated and delivered.
#include <reemploi/inventory/Lifecycle.hpp>

#include <algorithm>
#include <map>

#include <reemploi/common/Json.hpp>
#include <reemploi/common/Text.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/DeviceLocks.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Units.hpp>
#include <reemploi/inventory/Validation.hpp>

#include "LifecycleInternal.hpp"
#include "StorageInternal.hpp"

namespace reemploi::inventory {

namespace {

using S = UnitStatus;

// Where each status may go. Out-of-service states (to_repair, for_parts, recycled) are reachable
// from every state a unit can be in at the workshop.
const std::map<UnitStatus, std::vector<UnitStatus>> kArrows = {
    {S::Received, {S::Diagnosed, S::ToRepair, S::ForParts, S::Recycled}},
    {S::Diagnosed, {S::Wiped, S::Ready, S::ToRepair, S::ForParts, S::Recycled}},
    {S::Wiped, {S::Ready, S::ToRepair, S::ForParts, S::Recycled}},
    {S::Ready, {S::Allocated, S::ToRepair, S::ForParts, S::Recycled, S::Lent}},
    {S::Allocated, {S::Delivered, S::Ready, S::Lent}},  // back to ready: the allocation was cancelled
    {S::Delivered, {S::Returned}},
    {S::Returned, {S::Diagnosed, S::ToRepair, S::ForParts, S::Recycled}},
    {S::ToRepair, {S::Diagnosed, S::ForParts, S::Recycled}},
    {S::ForParts, {S::Recycled}},
    {S::Recycled, {}},
    {S::Lent, {S::Returned}},
};

std::string name(UnitStatus s) { return std::string(toString(s)); }

}  // namespace

bool isTransitionAllowed(UnitStatus from, UnitStatus to) {
    const auto &next = kArrows.at(from);
    return std::find(next.begin(), next.end(), to) != next.end();
}

std::vector<UnitStatus> nextStatuses(UnitStatus from) { return kArrows.at(from); }

bool isAllocationArrow(UnitStatus from, UnitStatus to) {
    return to == S::Allocated || to == S::Delivered || from == S::Allocated || from == S::Delivered;
}

bool isLoanArrow(UnitStatus from, UnitStatus to) { return to == S::Lent || from == S::Lent; }

std::vector<UnitStatus> nextStatusesByHand(UnitStatus from) {
    std::vector<UnitStatus> out;
    for (auto to : kArrows.at(from))
        if (!isAllocationArrow(from, to) && !isLoanArrow(from, to)) out.push_back(to);
    return out;
}

namespace {

// The rules of the arrows and of the database, whoever asks.
Status checkRules(Database &db, const Unit &unit, UnitStatus to) {
    auto refuse = [&](const std::string &rule) {
        return makeError(Errc::Refused, unit.tag + " cannot become " + name(to) + ": " + rule);
    };
    if (unit.status == to) return refuse("it is already " + name(to));
    if (!isTransitionAllowed(unit.status, to)) {
        std::string allowed;
        for (auto s : nextStatuses(unit.status)) allowed += (allowed.empty() ? "" : ", ") + name(s);
        if (to == S::Allocated) return refuse("only ready units can be allocated (it is " + name(unit.status) + ")");
        if (to == S::Delivered) return refuse("only allocated units can be delivered (it is " + name(unit.status) + ")");
        return refuse("a " + name(unit.status) + " unit can only become " + (allowed.empty() ? "nothing else" : allowed));
    }
    if (to != S::Wiped && to != S::Ready) return {};
    return guard("checking transition", [&]() -> Status {
        if (to == S::Ready && unit.status == S::Diagnosed && !unit.storage.empty())
            return refuse("it holds storage media, so it must be wiped first");
        auto media = mediaSanitization(db, unit);
        if (!media) return media.error();
        if (media->storageUnknown) {
            std::string kind(toString(unit.kind));
            std::string flash = unit.kind == UnitKind::Tablet || unit.kind == UnitKind::Phone
                                    ? "; a factory reset clears its internal flash (reemploi unit factory-reset " +
                                          unit.tag + " --checked-setup-screen)"
                                    : "";
            return refuse("a " + kind + " always holds data: record its storage (reemploi unit add-storage " + unit.tag +
                          " TYPE[:CAPACITY]) or declare it removed or absent (reemploi unit declare-storage " +
                          unit.tag + " --removed|--absent --reason R)" + flash);
        }
        if (!media->allSanitized) {
            const auto &m = *media->firstPending;
            std::string what = "storage medium " + std::to_string(m.id) +
                               (m.serial.empty() ? "" : " (serial " + m.serial + ")");
            return refuse("every storage medium needs a passed sanitization record or a recorded destruction; " +
                          what + " has none" + (media->sinceReturn ? " since the unit was returned" : ""));
        }
        // A charger or a cable has no cosmetic grade worth giving: its check says it works.
        if (to == S::Ready && !unit.grade && !isAccessory(unit.kind))
            return refuse("it needs a cosmetic grade (A, B, C or D) first");
        // An activation lock makes the device unusable by a family (DeviceLocks.hpp).
        if (to == S::Ready) REEMPLOI_TRY(checkDeviceLock(db, unit));
        return {};
    });
}

// The arrows only the allocation service takes (it moves the need with the unit): into
// `allocated` and `delivered`, and out of them. Empty when `to` may be reached by hand.
std::string allocationOnly(const Unit &unit, UnitStatus to) {
    const std::string &tag = unit.tag;
    if (isLoanArrow(unit.status, to)) {
        if (to == S::Lent) return "a unit is lent with 'reemploi loan out " + tag + " --need REF --due DATE'";
        return "a lent unit comes back with 'reemploi loan return " + tag + "'";
    }
    if (!isAllocationArrow(unit.status, to)) return {};
    std::string state = " (it is " + name(unit.status) + ")";
    if (to == S::Allocated)
        return "a unit is allocated only by confirming an allocation: run 'reemploi allocate', then 'reemploi allocate "
               "confirm'" +
               (unit.status == S::Ready ? "" : "; only ready units can be allocated" + state);
    if (to == S::Delivered)
        return "record the delivery with 'reemploi delivery record " + tag + " --need REF'" +
               (unit.status == S::Allocated ? "" : "; only allocated units can be delivered" + state);
    if (unit.status == S::Allocated)
        return "an allocated unit leaves that state only through its allocation: 'reemploi allocate cancel " + tag +
               "' (back to ready, the need open again) or 'reemploi delivery record " + tag + " --need REF'";
    if (unit.status == S::Delivered)
        return "a delivered unit comes back with 'reemploi unit return " + tag + "'";
    return {};
}

// Who takes the arrow: a person (setStatus), the allocation or loan service, or a printer's or
// accessory's own check (recordUnitCheck), the only way such a unit becomes `diagnosed`.
enum class Path { Hand, Allocation, Check };

// How to record a printer's or an accessory's check, for the refusal that names it.
std::string checkCommand(const Unit &unit) {
    return unit.kind == UnitKind::Printer ? "reemploi unit check " + unit.tag + " --test-page yes|no"
                                          : "reemploi unit check " + unit.tag + " --works yes|no";
}

Result<Unit> applyStatus(Database &db, std::string_view tag, UnitStatus to, std::string_view reason, const Actor &actor,
                         const json::Object &details, Path path,
                         const std::optional<std::string> &receipt = std::nullopt) {
    const bool byAllocation = path == Path::Allocation;
    return inTransaction(db, "changing status of " + std::string(tag), [&]() -> Result<Unit> {
        // The status the rules are checked against stays the unit's until the commit (on
        // PostgreSQL another transaction may change it meanwhile; SQLite's writer excludes them).
        if (auto lock = db.lockRows(); !lock.empty()) {
            auto st = db.prepare("SELECT id FROM units WHERE tag = ?" + std::string(lock));
            st->bind(1, tag);
            st->step();
        }
        auto unit = getUnit(db, tag);
        if (!unit) return unit.error();
        if (!byAllocation) {
            if (auto rule = allocationOnly(*unit, to); !rule.empty())
                return makeError(Errc::Refused, unit->tag + " cannot become " + name(to) + " by hand: " + rule);
        }
        if (path != Path::Check && to == S::Diagnosed && !checkOf(unit->kind).empty())
            return makeError(Errc::Refused, unit->tag + " cannot become diagnosed by hand: a " +
                                                std::string(toString(unit->kind)) + " is diagnosed by its check (" +
                                                checkCommand(*unit) + ")");
        REEMPLOI_TRY(checkRules(db, *unit, to));
        UnitStatus from = unit->status;
        std::string now = nowUtc();
        auto &st = db.cached("UPDATE units SET status = ?, status_since = ?, updated_at = ? WHERE id = ? AND status = ?");
        st.bind(1, toString(to)).bind(2, now).bind(3, now).bind(4, unit->id).bind(5, toString(from));
        st.step();
        st.reset();
        auto payload = json::Object().set("from", toString(from)).set("to", toString(to)).set("reason", reason);
        if (to == S::Returned) {
            auto &r = db.cached(
                "UPDATE units SET returned_at = ?,"
                " sanitization_floor = (SELECT COALESCE(MAX(id), 0) FROM sanitization_records) WHERE id = ?");
            r.bind(1, now).bind(2, unit->id);
            r.step();
            r.reset();
            // What was declared before the unit went to a family no longer vouches for it.
            if (auto cleared = clearStorageDeclaration(db, unit->id))
                payload.set("storage_declaration_cleared", toString(cleared->kind));
        }
        if (receipt) {
            auto &r = db.cached("UPDATE units SET recycler_receipt = ? WHERE id = ?");
            r.bind(1, *receipt).bind(2, unit->id);
            r.step();
            r.reset();
            payload.set("recycler_receipt", *receipt);
        }
        payload.merge(details);
        appendEvent(db, actor, {"unit", unit->tag, "status_changed", payload.str()});
        unit->status = to;
        // The accessories attached to the unit go with it to the family and come back with it,
        // in this transaction: each takes the same arrow (its own event says with which unit).
        // One left behind in another state would break the set: the whole move is refused.
        if (byAllocation && (isAllocationArrow(from, to) || isLoanArrow(from, to))) {
            auto accessories = internal::attachedAccessories(db, unit->id);
            for (const auto &a : accessories) {
                if (a.status != from)
                    return makeError(Errc::Refused,
                                     unit->tag + " cannot become " + name(to) + ": its " + std::string(toString(a.kind)) +
                                         " " + a.tag + " is " + name(a.status) + ", not " + name(from) +
                                         " (an attached accessory goes with its unit): make it " + name(from) +
                                         " or detach it (reemploi unit detach " + a.tag + ")");
                auto with = details;
                with.set("with", unit->tag);
                auto moved = applyStatus(db, a.tag, to, reason, actor, with, Path::Allocation);
                if (!moved) return moved.error();
            }
        }
        return std::move(unit.value());
    });
}

}  // namespace

Status checkTransition(Database &db, const Unit &unit, UnitStatus to) {
    if (auto rule = allocationOnly(unit, to); !rule.empty())
        return makeError(Errc::Refused, unit.tag + " cannot become " + name(to) + " by hand: " + rule);
    return checkRules(db, unit, to);
}

Result<Unit> setStatus(Database &db, std::string_view tag, UnitStatus to, std::string_view reason, const Actor &actor,
                       const json::Object &details) {
    REEMPLOI_TRY(requireRole(actor, Role::Trainee, "change a unit's status"));
    REEMPLOI_TRY(checkLine(reason, "reason", kMaxReasonChars));
    return applyStatus(db, tag, to, reason, actor, details, Path::Hand);
}

Result<Unit> recordUnitCheck(Database &db, std::string_view tag, bool passed, std::string_view notes, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Trainee, "record a unit's check"));
    REEMPLOI_TRY(checkLine(notes, "notes", kMaxReasonChars));
    return inTransaction(db, "recording the check of " + std::string(tag), [&]() -> Result<Unit> {
        auto unit = getUnit(db, tag);
        if (!unit) return unit.error();
        auto check = checkOf(unit->kind);
        if (check.empty())
            return makeFieldError(Errc::Refused, "kind",
                                  unit->tag + " is a " + std::string(toString(unit->kind)) +
                                      ": it is diagnosed at the bench; a check (test page, works) is for printers, "
                                      "chargers, mice, keyboards and cables");
        auto details = json::Object().set("check", check).set("result", passed ? "yes" : "no");
        if (!text::trimView(notes).empty()) details.set("notes", text::trim(notes));
        std::string what = unit->kind == UnitKind::Printer ? "test page printed: " : "works: ";
        std::string reason = what + (passed ? "yes" : "no");
        // A failed check sends the unit to repair; one already there keeps its state and the
        // check is recorded all the same.
        if (!passed && unit->status == S::ToRepair) {
            appendEvent(db, actor, {"unit", unit->tag, "unit_checked", details.str()});
            return std::move(unit.value());
        }
        return applyStatus(db, tag, passed ? S::Diagnosed : S::ToRepair, reason, actor, details, Path::Check);
    });
}

namespace {

Result<std::string> checkReceipt(std::string_view receipt) {
    std::string value = text::trim(receipt);
    if (value.empty()) return makeError(Errc::InvalidInput, "recycler receipt: empty (give the reference on the recycler's slip)");
    REEMPLOI_TRY(checkLine(value, "recycler receipt", kMaxRecyclerReceiptChars));
    return value;
}

}  // namespace

Result<Unit> recycleUnit(Database &db, std::string_view tag, std::string_view reason,
                         const std::optional<std::string> &receipt, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Trainee, "change a unit's status"));
    REEMPLOI_TRY(checkLine(reason, "reason", kMaxReasonChars));
    std::optional<std::string> value;
    if (receipt) {
        auto checked = checkReceipt(*receipt);
        if (!checked) return checked.error();
        value = std::move(*checked);
    }
    return applyStatus(db, tag, S::Recycled, reason, actor, {}, Path::Hand, value);
}

Result<Unit> setRecyclerReceipt(Database &db, std::string_view tag, std::string_view receipt, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Trainee, "record a recycler's receipt"));
    auto value = checkReceipt(receipt);
    if (!value) return value.error();
    return inTransaction(db, "recording the recycler's receipt of " + std::string(tag), [&]() -> Result<Unit> {
        auto unit = getUnit(db, tag);
        if (!unit) return unit.error();
        if (unit->status != S::Recycled)
            return makeError(Errc::Refused, unit->tag + " is " + name(unit->status) +
                                                ": a recycler's receipt is recorded for a recycled unit only");
        std::optional<std::string> previous;
        {
            auto &st = db.cached("SELECT recycler_receipt FROM units WHERE id = ?");
            st.bind(1, unit->id);
            if (st.step() && !st.isNull(0)) previous = st.getText(0);
            st.reset();
        }
        auto &st = db.cached("UPDATE units SET recycler_receipt = ?, updated_at = ? WHERE id = ?");
        st.bind(1, *value).bind(2, nowUtc()).bind(3, unit->id);
        st.step();
        st.reset();
        appendEvent(db, actor, {"unit", unit->tag, "recycler_receipt_recorded",
                                json::Object().set("recycler_receipt", *value).set("previous", previous).str()});
        return std::move(unit.value());
    });
}

Result<std::optional<std::string>> recyclerReceipt(Database &db, std::string_view tag) {
    return guard("reading the recycler's receipt", [&]() -> Result<std::optional<std::string>> {
        auto &st = db.cached("SELECT recycler_receipt FROM units WHERE tag = ?");
        st.bind(1, tag);
        if (!st.step()) {
            st.reset();
            return makeError(Errc::NotFound, "no unit " + std::string(tag));
        }
        std::optional<std::string> out;
        if (!st.isNull(0)) out = st.getText(0);
        st.reset();
        return out;
    });
}

namespace internal {

Result<Unit> setStatusByAllocation(Database &db, std::string_view tag, UnitStatus to, std::string_view reason,
                                   const Actor &actor, const json::Object &details) {
    return applyStatus(db, tag, to, reason, actor, details, Path::Allocation);
}

}  // namespace internal

}  // namespace reemploi::inventory
