// Sanitization records: stored with an event on the unit; read back per unit or by certificate.
#include <reemploi/inventory/Sanitization.hpp>

#include <algorithm>

#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/JsonViews.hpp>
#include <reemploi/inventory/Units.hpp>
#include <reemploi/inventory/Validation.hpp>

#include "StorageInternal.hpp"

namespace reemploi::inventory {

namespace {

constexpr const char *kColumns =
    "r.id, r.medium_id, r.method, r.level, r.result, r.verification, r.started_at, r.ended_at, r.bytes_written,"
    " r.last_lba, r.errors, r.certificate_id, r.certificate_json, r.identity_evidence, r.notes";

SanitizationRecord readRecord(const Statement &st) {
    SanitizationRecord r;
    r.id = st.getInt(0);
    r.mediumId = st.getInt(1);
    r.method = st.getText(2);
    r.level = parseSanitizationLevel(st.getText(3)).value();
    r.result = parseSanitizationResult(st.getText(4)).value();
    r.verification = st.getText(5);
    r.startedAt = st.getText(6);
    r.endedAt = st.getText(7);
    r.bytesWritten = st.getInt(8);
    r.lastLba = st.getOptInt(9);
    r.errors = st.getText(10);
    r.certificateId = st.getText(11);
    r.certificateJson = st.getText(12);
    r.identityEvidence = st.getText(13);
    r.notes = st.getText(14);
    return r;
}

// The record as its event carries it: with the SHA-256 of the certificate issued, so that the
// audit replay notices a certificate swapped in the table.
std::string eventPayload(const SanitizationRecord &r) {
    return toJson(r).set("certificate_sha256", r.certificateJson.empty() ? std::string() : sha256Hex(r.certificateJson)).str();
}

}  // namespace

Result<SanitizationRecord> recordSanitization(Database &db, const SanitizationRecord &input, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Trainee, "record a sanitization"));
    if (input.method.empty()) return makeError(Errc::InvalidInput, "sanitization record: no method");
    if (input.startedAt.empty()) return makeError(Errc::InvalidInput, "sanitization record: no start time");
    if (input.result == SanitizationResult::Passed && input.endedAt.empty())
        return makeError(Errc::InvalidInput, "sanitization record: a passed erasure needs its end time");
    return inTransaction(db, "recording sanitization", [&]() -> Result<SanitizationRecord> {
        auto &unit = db.cached("SELECT u.tag FROM storage_media m JOIN units u ON u.id = m.unit_id WHERE m.id = ?");
        unit.bind(1, input.mediumId);
        if (!unit.step()) {
            unit.reset();
            return makeError(Errc::NotFound, "no storage medium " + std::to_string(input.mediumId));
        }
        std::string tag = unit.getText(0);
        unit.reset();

        SanitizationRecord r = input;
        if (r.errors.empty()) r.errors = "[]";
        auto &st = db.cached(
            "INSERT INTO sanitization_records (medium_id, method, level, result, verification, started_at, ended_at,"
            " bytes_written, last_lba, errors, certificate_id, certificate_json, identity_evidence, notes, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
        st.bind(1, r.mediumId).bind(2, r.method).bind(3, toString(r.level)).bind(4, toString(r.result));
        st.bind(5, r.verification).bind(6, r.startedAt).bind(7, r.endedAt).bind(8, r.bytesWritten).bind(9, r.lastLba);
        st.bind(10, r.errors).bind(11, r.certificateId).bind(12, r.certificateJson).bind(13, r.identityEvidence);
        st.bind(14, r.notes).bind(15, nowUtc());
        st.step();
        r.id = st.getInt(0);
        st.reset();
        appendEvent(db, actor, {"unit", tag, "sanitization_recorded", eventPayload(r)});
        return r;
    });
}

Result<SanitizationRecord> completeSanitization(Database &db, const SanitizationRecord &input, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Trainee, "record a sanitization"));
    if (input.result == SanitizationResult::Passed && input.endedAt.empty())
        return makeError(Errc::InvalidInput, "sanitization record: a passed erasure needs its end time");
    return inTransaction(db, "completing sanitization record", [&]() -> Result<SanitizationRecord> {
        auto &cur = db.cached(
            "SELECT r.result, u.tag FROM sanitization_records r JOIN storage_media m ON m.id = r.medium_id"
            " JOIN units u ON u.id = m.unit_id WHERE r.id = ?");
        cur.bind(1, input.id);
        if (!cur.step()) {
            cur.reset();
            return makeError(Errc::NotFound, "no sanitization record " + std::to_string(input.id));
        }
        std::string result = cur.getText(0), tag = cur.getText(1);
        cur.reset();
        if (result != "interrupted")
            return makeError(Errc::Refused, "sanitization record " + std::to_string(input.id) + " is " + result +
                                                " and can no longer change");
        SanitizationRecord r = input;
        if (r.errors.empty()) r.errors = "[]";
        auto &st = db.cached(
            "UPDATE sanitization_records SET result = ?, verification = ?, ended_at = ?, bytes_written = ?,"
            " last_lba = ?, errors = ?, certificate_id = ?, certificate_json = ?, notes = ? WHERE id = ?");
        st.bind(1, toString(r.result)).bind(2, r.verification).bind(3, r.endedAt).bind(4, r.bytesWritten);
        st.bind(5, r.lastLba).bind(6, r.errors).bind(7, r.certificateId).bind(8, r.certificateJson);
        st.bind(9, r.notes).bind(10, r.id);
        st.step();
        st.reset();
        // A long wipe keeps its record current (last LBA reached) while it runs: those updates
        // are checkpoints; the final one completes the record.
        const char *action = r.result == SanitizationResult::Interrupted ? "sanitization_checkpoint" : "sanitization_completed";
        appendEvent(db, actor, {"unit", tag, action, eventPayload(r)});
        return r;
    });
}

Result<std::vector<SanitizationRecord>> listSanitization(Database &db, std::string_view unitTag) {
    return guard("listing sanitization records", [&]() -> Result<std::vector<SanitizationRecord>> {
        // Cached: a unit's page reads it on every request (bench/http: a third of a request's time
        // was SQLite parsing this statement again).
        static const std::string sql = std::string("SELECT ") + kColumns +
                                       " FROM sanitization_records r JOIN storage_media m ON m.id = r.medium_id"
                                       " JOIN units u ON u.id = m.unit_id WHERE u.tag = ? ORDER BY r.id";
        auto &st = db.cached(sql);
        st.bind(1, unitTag);
        std::vector<SanitizationRecord> out;
        while (st.step()) out.push_back(readRecord(st));
        st.reset();
        return out;
    });
}

Result<MediaSanitization> mediaSanitization(Database &db, const Unit &unit) {
    return guard("reading sanitization state", [&]() -> Result<MediaSanitization> {
        MediaSanitization state;
        state.hasMedia = !unit.storage.empty();
        if (!state.hasMedia) {
            state.declaration = readStorageDeclaration(db, unit.id);
            state.storageUnknown = alwaysHoldsData(unit.kind) && !state.declaration;
            state.allSanitized = !state.storageUnknown;
            return state;
        }
        // Records up to this id predate the unit's last return: the family's data came after.
        auto &f = db.cached("SELECT sanitization_floor FROM units WHERE id = ?");
        f.bind(1, unit.id);
        std::int64_t floor = f.step() ? f.getInt(0) : 0;
        f.reset();
        state.sinceReturn = floor > 0;
        auto &st = db.cached(
            "SELECT result, ended_at FROM sanitization_records WHERE medium_id = ? AND id > ? ORDER BY id");
        for (const auto &m : unit.storage) {
            if (m.destroyed) continue;
            st.bind(1, m.id).bind(2, floor);
            bool passed = false;
            std::string latest;
            while (st.step()) {
                latest = st.getText(0);
                if (latest == "passed") {
                    passed = true;
                    state.lastPassedAt = std::max(state.lastPassedAt, st.getText(1));
                }
            }
            st.reset();
            if (passed) continue;
            if (state.allSanitized) state.firstPending = m;
            state.allSanitized = false;
            if (latest == "failed") state.anyFailed = true;
        }
        return state;
    });
}

Result<SanitizationRecord> getSanitizationByCertificate(Database &db, std::string_view certificateId) {
    return guard("reading sanitization record", [&]() -> Result<SanitizationRecord> {
        auto st = db.prepare(std::string("SELECT ") + kColumns + " FROM sanitization_records r WHERE r.certificate_id = ?");
        st->bind(1, certificateId);
        if (!st->step()) return makeError(Errc::NotFound, "no certificate " + std::string(certificateId));
        return readRecord(*st);
    });
}

Result<SanitizationRecord> recordFactoryReset(Database &db, std::string_view tag, const FactoryReset &reset,
                                              const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Trainee, "record a factory reset"));
    return inTransaction(db, "recording a factory reset of " + std::string(tag), [&]() -> Result<SanitizationRecord> {
        auto unit = getUnit(db, tag);
        if (!unit) return unit.error();
        if (unit->kind != UnitKind::Tablet && unit->kind != UnitKind::Phone)
            return makeError(Errc::Refused, unit->tag + " is a " + std::string(toString(unit->kind)) +
                                                ": a factory reset counts as sanitization only for a tablet's or a "
                                                "phone's internal flash; wipe its storage instead");
        if (!reset.checkedSetupScreen)
            return makeError(Errc::InvalidInput,
                             "a factory reset counts only once the device restarted on its first-setup screen: check "
                             "it, then confirm (--checked-setup-screen)");
        auto internal = [](const StorageMedium &m) { return m.type == MediumType::Emmc || m.type == MediumType::Flash; };
        std::optional<StorageMedium> medium;
        if (reset.mediumId) {
            for (const auto &m : unit->storage)
                if (m.id == *reset.mediumId) medium = m;
            if (!medium)
                return makeError(Errc::NotFound, unit->tag + " has no storage medium " + std::to_string(*reset.mediumId));
        } else if (unit->storage.empty()) {
            auto added = addMedium(db, unit->tag, NewMedium{MediumType::Flash, "internal flash", "", std::nullopt}, actor);
            if (!added) return added.error();
            medium = *added;
        } else {
            std::vector<StorageMedium> candidates;
            for (const auto &m : unit->storage)
                if (internal(m) && !m.destroyed) candidates.push_back(m);
            if (candidates.empty())
                return makeError(Errc::Refused, unit->tag + " has no internal flash (emmc, flash) recorded: a factory "
                                                            "reset does not clear its other media");
            if (candidates.size() > 1) {
                std::string ids;
                for (const auto &m : candidates) ids += (ids.empty() ? "" : ", ") + std::to_string(m.id);
                return makeError(Errc::InvalidInput,
                                 unit->tag + " has several internal media (" + ids + "): name one (--medium ID)");
            }
            medium = candidates.front();
        }
        if (!internal(*medium))
            return makeError(Errc::Refused, "storage medium " + std::to_string(medium->id) + " is " +
                                                std::string(toString(medium->type)) +
                                                ": a factory reset only clears a tablet's or phone's internal flash "
                                                "(emmc, flash)");
        if (medium->destroyed)
            return makeError(Errc::Refused, "storage medium " + std::to_string(medium->id) + " is destroyed already");
        SanitizationRecord r;
        r.mediumId = medium->id;
        r.method = std::string(kManualFactoryResetMethod);
        r.level = SanitizationLevel::Clear;
        r.result = SanitizationResult::Passed;
        r.verification = "setup screen shown";
        r.startedAt = r.endedAt = nowUtc();
        return recordSanitization(db, r, actor);
    });
}

}  // namespace reemploi::inventory
