// Storing what a computer measured of itself on its unit (the probe's snapshot, imported).
#include <reemploi/inventory/MachineFacts.hpp>

#include <cmath>

#include <reemploi/common/Json.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Identity.hpp>
#include <reemploi/inventory/JsonViews.hpp>
#include <reemploi/inventory/Units.hpp>


namespace reemploi::inventory {

namespace {

bool flash(MediumType t) { return t != MediumType::Hdd; }

// The tag of another unit holding a medium with this serial, if any.
std::optional<std::string> mediumElsewhere(Database &db, const std::string &serial, std::int64_t unitId) {
    auto &st = db.cached(
        "SELECT u.tag FROM storage_media m JOIN units u ON u.id = m.unit_id WHERE m.serial = ? AND m.unit_id <> ?"
        " ORDER BY u.id LIMIT 1");
    st.bind(1, serial).bind(2, unitId);
    std::optional<std::string> tag;
    if (st.step()) tag = st.getText(0);
    st.reset();
    return tag;
}

}  // namespace

Result<MachineMeasurement> recordMachineFacts(Database &db, const std::optional<std::string> &tag,
                                              const MachineFacts &facts, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Trainee, "record a computer's measurements"));
    std::string serial = cleanSerial(facts.serial);
    std::string make = canonicalMake(facts.make);
    return inTransaction(db, "recording measurements", [&]() -> Result<MachineMeasurement> {
        MachineMeasurement out;
        std::optional<std::string> bySerial;
        if (!serial.empty()) {
            auto found = findTagBySerial(db, make, serial);
            if (!found) return found.error();
            bySerial = *found;
        }
        if (tag) {
            auto unit = getUnit(db, *tag);
            if (!unit) return unit.error();
            if (bySerial && *bySerial != unit->tag)
                return makeError(Errc::Conflict, "the snapshot's serial " + serial + " (" + make + ") is registered to " +
                                                     *bySerial + ", not " + unit->tag + ": check the tag or the machine");
            out.tag = unit->tag;
            out.matchedBy = "tag";
        } else if (bySerial) {
            out.tag = *bySerial;
            out.matchedBy = "serial";
        } else if (serial.empty()) {
            return makeError(Errc::InvalidInput, "the snapshot has no serial number to find the unit by: give the unit's tag (--unit)");
        } else {
            return makeError(Errc::NotFound, "no unit is registered with " + (make.empty() ? std::string() : make + " ") +
                                                 "serial " + serial + ": register it, or give its tag (--unit)");
        }
        auto unit = getUnit(db, out.tag);
        if (!unit) return unit.error();
        // A tag typed for the wrong computer: the unit's recorded serial says so.
        if (!serial.empty() && !unit->serial.empty() && cleanSerial(unit->serial) != serial)
            return makeError(Errc::Conflict, unit->tag + " is registered with serial " + unit->serial +
                                                 ", the snapshot's computer has " + serial + ": check the tag");
        if (unit->kind == UnitKind::Tablet || unit->kind == UnitKind::Phone || unit->kind == UnitKind::Monitor)
            return makeError(Errc::Refused, unit->tag + " is recorded as a " + std::string(toString(unit->kind)) +
                                                ": a computer's probe does not describe it (check the tag)");
        for (const auto &m : facts.media) {
            if (m.serial.empty()) continue;
            if (auto other = mediumElsewhere(db, m.serial, unit->id))
                return makeError(Errc::Conflict, "disk serial " + m.serial + " is recorded on " + *other + ", not " +
                                                     unit->tag + ": the same drive cannot be in two units");
        }

        // The kind: the chassis says laptop or desktop; a unit registered as "other" or the wrong
        // one of the two is corrected (the event in the form the replay applies).
        if (facts.kind && *facts.kind != unit->kind) {
            auto &st = db.cached("UPDATE units SET kind = ?, updated_at = ? WHERE id = ?");
            st.bind(1, toString(*facts.kind)).bind(2, nowUtc()).bind(3, unit->id);
            st.step();
            st.reset();
            json::Object change;
            change.set("old", toString(unit->kind)).set("new", toString(*facts.kind));
            appendEvent(db, actor, {"unit", unit->tag, "unit_updated",
                                    json::Object().set("tag", unit->tag).set("changes", json::Object().set("kind", change)).str()});
            out.changed.push_back("kind");
        }

        UnitPatch patch;
        if (!make.empty() && unit->make.empty()) patch.make = make;
        if (!facts.model.empty() && unit->model.empty()) patch.model = facts.model;
        if (!serial.empty() && unit->serial.empty()) patch.serial = serial;
        if (!facts.cpu.empty()) patch.cpu = facts.cpu;
        patch.ramMib = facts.ramMib;
        patch.batteryHealthPercent = facts.batteryHealthPercent;
        if (facts.screenInches) patch.screenInches = std::round(*facts.screenInches * 10) / 10;
        auto updated = updateUnit(db, unit->tag, patch, actor);
        if (!updated) return updated.error();
        auto note = [&](const char *what, bool differs) {
            if (differs) out.changed.push_back(what);
        };
        note("make", updated->make != unit->make);
        note("model", updated->model != unit->model);
        note("serial", updated->serial != unit->serial);
        note("cpu", updated->specs.cpu != unit->specs.cpu);
        note("ram_mib", updated->specs.ramMib != unit->specs.ramMib);
        note("battery_health", updated->specs.batteryHealthPercent != unit->specs.batteryHealthPercent);
        note("screen_inches", updated->specs.screenInches != unit->specs.screenInches);

        // The disks: by serial first; then a recorded medium without a serial, the only one left of
        // that kind, of about the same capacity; otherwise a new medium.
        std::vector<StorageMedium> media = updated->storage;
        std::vector<bool> taken(media.size(), false);
        std::vector<const MeasuredMedium *> unmatched;
        for (const auto &m : facts.media) {
            bool found = false;
            for (std::size_t i = 0; i < media.size() && !found; ++i)
                if (!taken[i] && !m.serial.empty() && cleanSerial(media[i].serial) == cleanSerial(m.serial)) {
                    taken[i] = found = true;
                    if ((!media[i].capacityBytes && m.capacityBytes) || (media[i].model.empty() && !m.model.empty())) {
                        media[i].capacityBytes = media[i].capacityBytes ? media[i].capacityBytes : m.capacityBytes;
                        if (media[i].model.empty()) media[i].model = m.model;
                        out.mediaCompleted.push_back(media[i].id);
                    }
                }
            if (!found) unmatched.push_back(&m);
        }
        for (const auto *m : unmatched) {
            std::vector<std::size_t> candidates;
            for (std::size_t i = 0; i < media.size(); ++i)
                if (!taken[i] && !media[i].destroyed && media[i].serial.empty() && flash(media[i].type) == flash(m->type))
                    candidates.push_back(i);
            bool completed = false;
            if (candidates.size() == 1) {
                auto &r = media[candidates.front()];
                bool sizeAgrees = !r.capacityBytes || !m->capacityBytes ||
                                  std::fabs(double(*r.capacityBytes) - double(*m->capacityBytes)) <= 0.05 * double(*m->capacityBytes);
                if (sizeAgrees) {
                    taken[candidates.front()] = completed = true;
                    StorageMedium next = r;
                    next.serial = m->serial;
                    if (next.model.empty()) next.model = m->model;
                    if (m->capacityBytes) next.capacityBytes = m->capacityBytes;
                    next.type = m->type;
                    if (next.serial != r.serial || next.model != r.model || next.capacityBytes != r.capacityBytes ||
                        next.type != r.type) {
                        r = next;
                        out.mediaCompleted.push_back(r.id);
                    }
                }
            }
            if (!completed) {
                auto added = addMedium(db, unit->tag, NewMedium{m->type, m->model, m->serial, m->capacityBytes}, actor);
                if (!added) return added.error();
                out.mediaAdded.push_back(added->id);
                out.changed.push_back("storage " + std::to_string(added->id) + " added" +
                                      (m->serial.empty() ? "" : " (serial " + m->serial + ")"));
            }
        }
        for (auto id : out.mediaCompleted) {
            for (const auto &r : media) {
                if (r.id != id) continue;
                auto &st = db.cached("UPDATE storage_media SET type = ?, model = ?, serial = ?, capacity_bytes = ? WHERE id = ?");
                st.bind(1, toString(r.type)).bind(2, r.model).bind(3, r.serial).bind(4, r.capacityBytes).bind(5, r.id);
                st.step();
                st.reset();
                appendEvent(db, actor, {"unit", unit->tag, "storage_updated", toJson(r).str()});
                out.changed.push_back("storage " + std::to_string(r.id) + " completed" +
                                      (r.serial.empty() ? "" : " (serial " + r.serial + ")"));
            }
        }
        if (out.changed.empty()) return out;  // the same facts again: nothing new, nothing recorded

        json::Array changed;
        for (const auto &c : out.changed) changed.add(c);
        json::Object payload;
        payload.set("tag", unit->tag).set("matched_by", out.matchedBy).raw("changed", changed.str());
        payload.set("snapshot_sha256", sha256Hex(facts.evidenceJson));
        payload.raw("snapshot", facts.evidenceJson.empty() ? "null" : facts.evidenceJson);
        appendEvent(db, actor, {"unit", unit->tag, "machine_measured", payload.str()});
        return out;
    });
}

}  // namespace reemploi::inventory
