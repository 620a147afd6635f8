// The unit lifecycle: the arrows as a table, the rules that need the database, and the one
// function that writes a unit's status.
#include <reemploi/inventory/Lifecycle.hpp>

#include <algorithm>
#include <map>

#include <reemploi/common/Json.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Units.hpp>

namespace reemploi::inventory {

namespace {

using S = UnitStatus;

// Where each status may go. Out-of-service states (to_repair, for_parts, recycled) are reachable
// from every state a unit can be in at the workshop.
const std::map<UnitStatus, std::vector<UnitStatus>> kArrows = {
    {S::Received, {S::Diagnosed, S::ToRepair, S::ForParts, S::Recycled}},
    {S::Diagnosed, {S::Wiped, S::Ready, S::ToRepair, S::ForParts, S::Recycled}},
    {S::Wiped, {S::Ready, S::ToRepair, S::ForParts, S::Recycled}},
    {S::Ready, {S::Allocated, S::ToRepair, S::ForParts, S::Recycled}},
    {S::Allocated, {S::Delivered, S::Ready}},  // back to ready: the allocation was cancelled
    {S::Delivered, {S::Returned}},
    {S::Returned, {S::Diagnosed, S::ToRepair, S::ForParts, S::Recycled}},
    {S::ToRepair, {S::Diagnosed, S::ForParts, S::Recycled}},
    {S::ForParts, {S::Recycled}},
    {S::Recycled, {}},
};

std::string name(UnitStatus s) { return std::string(toString(s)); }

}  // namespace

bool isTransitionAllowed(UnitStatus from, UnitStatus to) {
    const auto &next = kArrows.at(from);
    return std::find(next.begin(), next.end(), to) != next.end();
}

std::vector<UnitStatus> nextStatuses(UnitStatus from) { return kArrows.at(from); }

Status checkTransition(Database &db, const Unit &unit, UnitStatus to) {
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
    return guard("checking transition", [&]() -> Status {
        if (to == S::Wiped) {
            auto media = mediaSanitization(db, unit);
            if (!media) return media.error();
            if (!media->allSanitized) {
                const auto &m = *media->firstPending;
                std::string what = "storage medium " + std::to_string(m.id) +
                                   (m.serial.empty() ? "" : " (serial " + m.serial + ")");
                return refuse("every storage medium needs a passed sanitization record or a recorded destruction; " +
                              what + " has none" + (media->sinceReturn ? " since the unit was returned" : ""));
            }
        }
        if (to == S::Ready) {
            if (unit.status == S::Diagnosed && !unit.storage.empty())
                return refuse("it holds storage media, so it must be wiped first");
            if (!unit.grade) return refuse("it needs a cosmetic grade (A, B, C or D) first");
        }
        return {};
    });
}

Result<Unit> setStatus(Database &db, std::string_view tag, UnitStatus to, std::string_view reason, const Actor &actor,
                       const json::Object &details) {
    return inTransaction(db, "changing status of " + std::string(tag), [&]() -> Result<Unit> {
        auto unit = getUnit(db, tag);
        if (!unit) return unit.error();
        REEMPLOI_TRY(checkTransition(db, *unit, to));
        UnitStatus from = unit->status;
        std::string now = nowUtc();
        auto &st = db.cached("UPDATE units SET status = ?, status_since = ?, updated_at = ? WHERE id = ? AND status = ?");
        st.bind(1, toString(to)).bind(2, now).bind(3, now).bind(4, unit->id).bind(5, toString(from));
        st.step();
        st.reset();
        if (to == S::Returned) {
            auto &r = db.cached(
                "UPDATE units SET returned_at = ?,"
                " sanitization_floor = (SELECT COALESCE(MAX(id), 0) FROM sanitization_records) WHERE id = ?");
            r.bind(1, now).bind(2, unit->id);
            r.step();
            r.reset();
        }
        auto payload = json::Object().set("from", toString(from)).set("to", toString(to)).set("reason", reason);
        payload.merge(details);
        appendEvent(db, actor, {"unit", unit->tag, "status_changed", payload.str()});
        unit->status = to;
        return std::move(unit.value());
    });
}

}  // namespace reemploi::inventory
