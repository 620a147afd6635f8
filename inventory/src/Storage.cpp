// Storage declarations: a unit declared without storage (removed or absent), stored with an event.
#include <reemploi/inventory/Storage.hpp>

#include <reemploi/common/Json.hpp>
#include <reemploi/common/Text.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Units.hpp>
#include <reemploi/inventory/Validation.hpp>

#include "StorageInternal.hpp"

namespace reemploi::inventory {

std::string_view toString(StorageAbsence kind) { return kind == StorageAbsence::Removed ? "removed" : "absent"; }

Result<StorageAbsence> parseStorageAbsence(std::string_view text) {
    if (text == "removed") return StorageAbsence::Removed;
    if (text == "absent") return StorageAbsence::Absent;
    return makeError(Errc::InvalidInput, "unknown storage declaration '" + std::string(text) + "' (expected removed or absent)");
}

std::optional<StorageDeclaration> readStorageDeclaration(Database &db, std::int64_t unitId) {
    auto &st = db.cached("SELECT kind, reason, actor, declared_at FROM storage_declarations WHERE unit_id = ?");
    st.bind(1, unitId);
    std::optional<StorageDeclaration> out;
    if (st.step())
        out = StorageDeclaration{parseStorageAbsence(st.getText(0)).value(), st.getText(1), st.getText(2), st.getText(3)};
    st.reset();
    return out;
}

std::optional<StorageDeclaration> clearStorageDeclaration(Database &db, std::int64_t unitId) {
    auto existing = readStorageDeclaration(db, unitId);
    if (!existing) return existing;
    auto &st = db.cached("DELETE FROM storage_declarations WHERE unit_id = ?");
    st.bind(1, unitId);
    st.step();
    st.reset();
    return existing;
}

Result<StorageDeclaration> declareStorage(Database &db, std::string_view tag, StorageAbsence kind, std::string_view reason,
                                          const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Trainee, "declare a unit's storage"));
    if (text::trimView(reason).empty())
        return makeError(Errc::InvalidInput, "reason: say why the unit holds no storage (e.g. \"drive removed, kept in "
                                             "cabinet B\", \"no slot, checked inside\")");
    REEMPLOI_TRY(checkLine(reason, "reason", kMaxReasonChars));
    return inTransaction(db, "declaring the storage of " + std::string(tag), [&]() -> Result<StorageDeclaration> {
        auto unit = getUnit(db, tag);
        if (!unit) return unit.error();
        if (!unit->storage.empty()) {
            std::string ids;
            for (const auto &m : unit->storage) ids += (ids.empty() ? "" : ", ") + std::to_string(m.id);
            return makeError(Errc::Refused,
                             unit->tag + " has storage recorded (medium " + ids +
                                 "): wipe it, or record its destruction (reemploi unit destroy-storage MEDIUM_ID --how H)");
        }
        StorageDeclaration d{kind, text::trim(reason), actor.name, nowUtc()};
        auto &del = db.cached("DELETE FROM storage_declarations WHERE unit_id = ?");
        del.bind(1, unit->id);
        del.step();
        del.reset();
        auto &st = db.cached(
            "INSERT INTO storage_declarations (unit_id, kind, reason, actor, declared_at) VALUES (?, ?, ?, ?, ?)");
        st.bind(1, unit->id).bind(2, toString(d.kind)).bind(3, d.reason).bind(4, d.actor).bind(5, d.declaredAt);
        st.step();
        st.reset();
        appendEvent(db, actor, {"unit", unit->tag, "storage_declared",
                                json::Object().set("storage", toString(d.kind)).set("reason", d.reason).str()});
        return d;
    });
}

Result<std::optional<StorageDeclaration>> getStorageDeclaration(Database &db, std::string_view tag) {
    return guard("reading storage declaration", [&]() -> Result<std::optional<StorageDeclaration>> {
        auto unit = getUnit(db, tag);
        if (!unit) return unit.error();
        return readStorageDeclaration(db, unit->id);
    });
}

}  // namespace reemploi::inventory
