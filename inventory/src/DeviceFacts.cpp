// Storing what the bench read from a tablet or phone, and the resets it drove.
#include <reemploi/inventory/DeviceFacts.hpp>

#include <reemploi/common/Json.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Units.hpp>

namespace reemploi::inventory {

namespace {

bool internal(const StorageMedium &m) { return m.type == MediumType::Emmc || m.type == MediumType::Flash; }

}  // namespace

Result<Unit> recordDeviceFacts(Database &db, std::string_view tag, const DeviceFacts &facts, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Trainee, "record a device's facts"));
    return inTransaction(db, "recording the facts of " + std::string(tag), [&]() -> Result<Unit> {
        auto unit = getUnit(db, tag);
        if (!unit) return unit.error();
        if (unit->kind != UnitKind::Tablet && unit->kind != UnitKind::Phone && unit->kind != UnitKind::Other)
            return makeError(Errc::Refused, unit->tag + " is recorded as a " + std::string(toString(unit->kind)) +
                                                ", not a tablet or phone: check the tag");
        if (facts.kind && *facts.kind != unit->kind) {
            auto &st = db.cached("UPDATE units SET kind = ?, updated_at = ? WHERE id = ?");
            st.bind(1, toString(*facts.kind)).bind(2, nowUtc()).bind(3, unit->id);
            st.step();
            st.reset();
            json::Object change;
            change.set("old", toString(unit->kind)).set("new", toString(*facts.kind));
            appendEvent(db, actor, {"unit", unit->tag, "unit_updated",
                                    json::Object().set("tag", unit->tag).set("changes", json::Object().set("kind", change)).str()});
        }
        UnitPatch patch;
        auto fill = [](const std::string &value, const std::string &current, std::optional<std::string> &field) {
            if (!value.empty() && current.empty()) field = value;
        };
        fill(facts.make, unit->make, patch.make);
        fill(facts.model, unit->model, patch.model);
        fill(facts.serial, unit->serial, patch.serial);
        if (!facts.os.empty()) patch.os = facts.os;
        patch.ramMib = facts.ramMib;
        patch.batteryHealthPercent = facts.batteryHealthPercent;
        patch.screenInches = facts.screenInches;
        auto updated = updateUnit(db, unit->tag, patch, actor);
        if (!updated) return updated.error();
        bool hasInternal = false;
        for (const auto &m : updated->storage) hasInternal = hasInternal || internal(m);
        if (!hasInternal && updated->storage.empty()) {
            auto added = addMedium(db, unit->tag, NewMedium{MediumType::Flash, "internal flash", "", facts.internalCapacityBytes},
                                   actor);
            if (!added) return added.error();
        }
        return getUnit(db, unit->tag);
    });
}

Result<SanitizationRecord> recordDeviceReset(Database &db, std::string_view tag, const DeviceReset &reset,
                                             const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Trainee, "record a device reset"));
    if (reset.method.empty()) return makeError(Errc::InvalidInput, "device reset: no method");
    return inTransaction(db, "recording the reset of " + std::string(tag), [&]() -> Result<SanitizationRecord> {
        auto unit = getUnit(db, tag);
        if (!unit) return unit.error();
        if (unit->kind != UnitKind::Tablet && unit->kind != UnitKind::Phone)
            return makeError(Errc::Refused, unit->tag + " is a " + std::string(toString(unit->kind)) +
                                                ": a factory reset counts as sanitization only for a tablet's or a "
                                                "phone's internal flash");
        std::optional<StorageMedium> medium;
        if (reset.mediumId) {
            for (const auto &m : unit->storage)
                if (m.id == *reset.mediumId) medium = m;
            if (!medium)
                return makeError(Errc::NotFound, unit->tag + " has no storage medium " + std::to_string(*reset.mediumId));
            if (!internal(*medium))
                return makeError(Errc::Refused, "storage medium " + std::to_string(medium->id) +
                                                    " is not internal flash: a factory reset does not clear it");
        } else {
            std::vector<StorageMedium> candidates;
            for (const auto &m : unit->storage)
                if (internal(m) && !m.destroyed) candidates.push_back(m);
            if (candidates.size() > 1)
                return makeError(Errc::InvalidInput, unit->tag + " has several internal media: name one (--medium ID)");
            if (candidates.empty()) {
                auto added = addMedium(db, unit->tag, NewMedium{MediumType::Flash, "internal flash", "", std::nullopt}, actor);
                if (!added) return added.error();
                medium = *added;
            } else {
                medium = candidates.front();
            }
        }
        if (medium->destroyed)
            return makeError(Errc::Refused, "storage medium " + std::to_string(medium->id) + " is destroyed already");
        SanitizationRecord r;
        r.mediumId = medium->id;
        r.method = reset.method;
        r.level = reset.level;
        r.result = SanitizationResult::Passed;
        r.verification = reset.verification;
        r.startedAt = reset.startedAt.empty() ? nowUtc() : reset.startedAt;
        r.endedAt = nowUtc();
        r.notes = reset.notes;
        r.identityEvidence = "the device's own reset";
        r.certificateId = reset.certificateId;
        r.certificateJson = reset.certificateJson;
        return recordSanitization(db, r, actor);
    });
}

}  // namespace reemploi::inventory
