// Activation locks as the bench read them, and the rule that keeps a locked device from `ready`.
#include <reemploi/inventory/DeviceLocks.hpp>

#include <reemploi/common/Json.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Units.hpp>

namespace reemploi::inventory {

Result<DeviceLock> recordDeviceLock(Database &db, std::string_view tag, const DeviceLock &input, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Trainee, "record a device lock"));
    if (input.lock != "activation_lock")
        return makeFieldError(Errc::InvalidInput, "lock", "unknown lock '" + input.lock + "' (expected activation_lock)");
    if (input.state != "off" && input.state != "on" && input.state != "unknown")
        return makeFieldError(Errc::InvalidInput, "state", "lock state '" + input.state + "' is not off, on or unknown");
    return inTransaction(db, "recording the lock of " + std::string(tag), [&]() -> Result<DeviceLock> {
        auto unit = getUnit(db, tag);
        if (!unit) return unit.error();
        DeviceLock lock = input;
        if (lock.checkedAt.empty()) lock.checkedAt = nowUtc();
        auto &del = db.cached("DELETE FROM device_locks WHERE unit_id = ?");
        del.bind(1, unit->id);
        del.step();
        del.reset();
        auto &st = db.cached(
            "INSERT INTO device_locks (unit_id, lock_kind, state, detail, checked_at) VALUES (?, ?, ?, ?, ?)");
        st.bind(1, unit->id).bind(2, lock.lock).bind(3, lock.state).bind(4, lock.detail).bind(5, lock.checkedAt);
        st.step();
        st.reset();
        appendEvent(db, actor, {"unit", unit->tag, "device_lock_checked",
                                json::Object().set("tag", unit->tag).set("lock", lock.lock).set("state", lock.state).str()});
        return lock;
    });
}

Result<std::optional<DeviceLock>> getDeviceLock(Database &db, std::string_view tag) {
    auto unit = getUnit(db, tag);
    if (!unit) return unit.error();
    return guard("reading the lock of " + std::string(tag), [&]() -> Result<std::optional<DeviceLock>> {
        auto &st = db.cached("SELECT lock_kind, state, detail, checked_at FROM device_locks WHERE unit_id = ?");
        st.bind(1, unit->id);
        std::optional<DeviceLock> out;
        if (st.step()) out = DeviceLock{st.getText(0), st.getText(1), st.getText(2), st.getText(3)};
        st.reset();
        return out;
    });
}

Status checkDeviceLock(Database &db, const Unit &unit) {
    auto &st = db.cached("SELECT state, detail FROM device_locks WHERE unit_id = ?");
    st.bind(1, unit.id);
    std::optional<std::pair<std::string, std::string>> found;
    if (st.step()) found = std::pair{st.getText(0), st.getText(1)};
    st.reset();
    if (!found || found->first == "off") return {};
    return makeError(Errc::Refused, unit.tag + " cannot become ready: its activation lock is " +
                                        (found->first == "on" ? std::string("on") : std::string("unknown")) + ": " +
                                        found->second);
}

}  // namespace reemploi::inventory
