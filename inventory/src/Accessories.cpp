// Accessories attached to units: the attach and detach service, and the reading the lifecycle
// uses to move them with their unit.
#include <reemploi/inventory/Accessories.hpp>

#include <reemploi/common/Json.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Units.hpp>

#include "LifecycleInternal.hpp"

namespace reemploi::inventory {

namespace {

using S = UnitStatus;

std::string name(UnitStatus s) { return std::string(toString(s)); }
std::string kindOf(const Unit &u) { return std::string(toString(u.kind)); }

// A unit with a family, or out of service: nothing is attached to or from it.
bool settled(UnitStatus s) {
    return s == S::Allocated || s == S::Delivered || s == S::Lent || s == S::ForParts || s == S::Recycled;
}

// On PostgreSQL the rows read to decide are locked until the commit (SQLite's writer excludes
// every other one already).
void lockUnit(Database &db, std::string_view tag) {
    if (auto lock = db.lockRows(); !lock.empty()) {
        auto st = db.prepare("SELECT id FROM units WHERE tag = ?" + std::string(lock));
        st->bind(1, tag);
        st->step();
    }
}

}  // namespace

namespace internal {

std::vector<Unit> attachedAccessories(Database &db, std::int64_t unitId) {
    std::vector<std::string> tags;
    {
        auto &st = db.cached("SELECT tag FROM units WHERE attached_to = ? ORDER BY tag");
        st.bind(1, unitId);
        while (st.step()) tags.push_back(st.getText(0));
        st.reset();
    }
    std::vector<Unit> out;
    for (const auto &t : tags)
        if (auto u = getUnit(db, t)) out.push_back(std::move(*u));
    return out;
}

}  // namespace internal

Result<Unit> attachAccessory(Database &db, std::string_view accessoryTag, std::string_view unitTag, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Trainee, "attach an accessory to a unit"));
    if (accessoryTag == unitTag)
        return makeFieldError(Errc::InvalidInput, "to", std::string(accessoryTag) + " cannot be attached to itself");
    return inTransaction(db, "attaching " + std::string(accessoryTag), [&]() -> Result<Unit> {
        lockUnit(db, accessoryTag);
        lockUnit(db, unitTag);
        auto accessory = getUnit(db, accessoryTag);
        if (!accessory) return accessory.error();
        auto unit = getUnit(db, unitTag);
        if (!unit) return makeFieldError(Errc::NotFound, "to", unit.error().message);
        if (!isAccessory(accessory->kind))
            return makeFieldError(Errc::Refused, "accessory",
                                  accessory->tag + " is a " + kindOf(*accessory) +
                                      ": only chargers, mice, keyboards and cables are attached to a unit");
        if (isAccessory(unit->kind))
            return makeFieldError(Errc::Refused, "to",
                                  unit->tag + " is a " + kindOf(*unit) + ": an accessory is attached to a device, not to another accessory");
        if (settled(accessory->status))
            return makeFieldError(Errc::Refused, "accessory",
                                  accessory->tag + " is " + name(accessory->status) +
                                      (accessory->attachedTo ? " with " + *accessory->attachedTo : std::string()) +
                                      ": only an accessory at the workshop can be attached");
        if (accessory->attachedTo)
            return makeFieldError(Errc::Conflict, "accessory",
                                  accessory->tag + " is already attached to " + *accessory->attachedTo +
                                      " (reemploi unit detach " + accessory->tag + " first)");
        if (settled(unit->status))
            return makeFieldError(Errc::Refused, "to",
                                  unit->tag + " is " + name(unit->status) +
                                      ": attach its accessories while it is at the workshop, before its allocation");
        auto &st = db.cached("UPDATE units SET attached_to = ?, updated_at = ? WHERE id = ?");
        st.bind(1, unit->id).bind(2, nowUtc()).bind(3, accessory->id);
        st.step();
        st.reset();
        appendEvent(db, actor, {"unit", accessory->tag, "accessory_attached",
                                json::Object().set("to", unit->tag).set("kind", toString(accessory->kind)).str()});
        accessory->attachedTo = unit->tag;
        return std::move(accessory.value());
    });
}

Result<Unit> detachAccessory(Database &db, std::string_view accessoryTag, const Actor &actor, std::string_view fromUnit) {
    REEMPLOI_TRY(requireRole(actor, Role::Trainee, "detach an accessory"));
    return inTransaction(db, "detaching " + std::string(accessoryTag), [&]() -> Result<Unit> {
        lockUnit(db, accessoryTag);
        auto accessory = getUnit(db, accessoryTag);
        if (!accessory) return accessory.error();
        if (!accessory->attachedTo)
            return makeFieldError(Errc::Refused, "accessory", accessory->tag + " is attached to no unit");
        if (!fromUnit.empty() && *accessory->attachedTo != fromUnit)
            return makeFieldError(Errc::Refused, "accessory",
                                  accessory->tag + " is attached to " + *accessory->attachedTo + ", not to " +
                                      std::string(fromUnit));
        if (accessory->status == S::Allocated || accessory->status == S::Delivered || accessory->status == S::Lent)
            return makeFieldError(Errc::Refused, "accessory",
                                  accessory->tag + " is " + name(accessory->status) + " with " + *accessory->attachedTo +
                                      ": it stays with its unit until the unit comes back");
        auto &st = db.cached("UPDATE units SET attached_to = NULL, updated_at = ? WHERE id = ?");
        st.bind(1, nowUtc()).bind(2, accessory->id);
        st.step();
        st.reset();
        appendEvent(db, actor, {"unit", accessory->tag, "accessory_detached",
                                json::Object().set("from", *accessory->attachedTo).str()});
        return std::move(accessory.value());
    });
}

Result<std::vector<Unit>> accessoriesOf(Database &db, std::string_view unitTag) {
    return guard("reading a unit's accessories", [&]() -> Result<std::vector<Unit>> {
        auto unit = getUnit(db, unitTag);
        if (!unit) return unit.error();
        return internal::attachedAccessories(db, unit->id);
    });
}

Result<std::vector<Unit>> accessoriesOf(Database &db, const Unit &unit) {
    if (isAccessory(unit.kind)) return std::vector<Unit>{};  // nothing is attached to an accessory
    return guard("reading a unit's accessories", [&]() -> Result<std::vector<Unit>> {
        return internal::attachedAccessories(db, unit.id);
    });
}

}  // namespace reemploi::inventory
