// From a probe snapshot to the unit's measured values, and the stick's wipes to its media's
// sanitization records and certificates.
#include <reemploi/diagnostics/probe/SnapshotImport.hpp>

#include <reemploi/common/Time.hpp>
#include <reemploi/diagnostics/probe/InPlaceWipe.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Units.hpp>

namespace reemploi::diagnostics::probe {

using namespace storage;

inventory::MachineFacts machineFacts(const Snapshot &s) {
    using inventory::MediumType;
    using inventory::UnitKind;
    inventory::MachineFacts f;
    if (s.machine.kind == "laptop") f.kind = UnitKind::Laptop;
    else if (s.machine.kind == "desktop") f.kind = UnitKind::Desktop;
    f.make = s.machine.vendor;
    f.model = s.machine.model;
    f.serial = s.machine.serial;
    f.cpu = s.cpu.model;
    f.ramMib = s.memory.totalMib;
    if (auto health = s.batteryHealthPercent()) f.batteryHealthPercent = *health;
    f.screenInches = s.internalScreenInches();
    for (const auto &d : s.disks) {
        if (d.removable || d.transport == "usb" || d.transport == "sd") continue;
        inventory::MeasuredMedium m;
        if (d.transport == "nvme") m.type = MediumType::Nvme;
        else if (d.transport == "emmc") m.type = MediumType::Emmc;
        else m.type = d.rotational ? MediumType::Hdd : MediumType::Ssd;
        m.model = d.model;
        m.serial = d.serial;
        if (d.sizeBytes > 0) m.capacityBytes = d.sizeBytes;
        f.media.push_back(std::move(m));
    }
    Snapshot evidence = s;
    for (auto &n : evidence.network) n.mac.clear();  // a family's device must not be traceable on a network from the trail
    // The wipes are stored as records with their own events; their certificates are long.
    evidence.wipes.clear();
    f.evidenceJson = snapshotJson(evidence);
    return f;
}

json::Object toJson(const ImportedWipe &w) {
    json::Object o;
    o.set("disk", w.disk).set("serial", w.serial).set("medium_id", w.mediumId).set("record", w.record.id);
    o.set("result", inventory::toString(w.record.result)).set("already_recorded", w.alreadyRecorded);
    if (w.record.certificateId.empty()) o.null("certificate_id");
    else o.set("certificate_id", w.record.certificateId);
    if (w.signedWhere.empty()) o.null("signed");
    else o.set("signed", w.signedWhere);
    return o;
}

namespace {

// "2026-12-01T10:00:00.000Z" as utcTimestamp writes it: comparable as text.
bool isTimestamp(const std::string &t) {
    static const std::string shape = "dddd-dd-ddTdd:dd:dd.dddZ";
    if (t.size() != shape.size()) return false;
    for (std::size_t i = 0; i < t.size(); ++i)
        if (shape[i] == 'd' ? !(t[i] >= '0' && t[i] <= '9') : t[i] != shape[i]) return false;
    return true;
}

std::optional<std::string> unhex(const std::string &h) {
    if (h.size() % 2) return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < h.size(); i += 2) {
        auto digit = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            return -1;
        };
        int hi = digit(h[i]), lo = digit(h[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
    }
    return out;
}

int rank(NistLevel l) { return l == NistLevel::Clear ? 0 : l == NistLevel::Purge ? 1 : 2; }

bool isFlash(const Disk &d) { return d.transport == "nvme" || d.transport == "emmc" || !d.rotational; }

Status checkOne(const Snapshot &s, std::size_t i, const WorkshopKey *key, std::string_view now) {
    const InPlaceWipe &w = s.wipes[i];
    const std::string at = "snapshot: wipes[" + std::to_string(i) + "]";
    auto bad = [&](const std::string &field, const std::string &why) {
        return makeError(Errc::InvalidInput, at + (field.empty() ? "" : "." + field) + ": " + why);
    };
    const Disk *disk = nullptr;
    for (const auto &d : s.disks)
        if (!w.serial.empty() && d.serial == w.serial) disk = &d;
    if (w.serial.empty())
        return bad("serial", "none: a wipe in place is credited to a disk by its serial only (wipe a disk without one at the bench)");
    if (!disk) return bad("serial", "\"" + w.serial + "\" is not the serial of a disk of this snapshot");
    if (disk->removable || disk->transport == "usb" || disk->transport == "sd")
        return bad("serial", "\"" + w.serial + "\" is a removable or USB disk, not one of the computer's own");
    if (w.sizeBytes != disk->sizeBytes)
        return bad("size_bytes", std::to_string(w.sizeBytes) + " is not the capacity of disk " + disk->name + " (" +
                                     std::to_string(disk->sizeBytes) + ")");
    auto method = findWipeMethod(w.method);
    if (!method || (*method)->forDevices()) return bad("method", "\"" + w.method + "\" is not a disk method of the wipe methods table");
    std::optional<NistLevel> level;
    for (NistLevel l : {NistLevel::Clear, NistLevel::Purge, NistLevel::Destroy})
        if (toString(l) == w.level) level = l;
    if (!level) return bad("level", "\"" + w.level + "\" is not clear or purge");
    NistLevel honest = (*method)->levelFor(isFlash(*disk));
    if (rank(*level) > rank(honest))
        return bad("level", w.level + " is above what " + w.method + " reaches on " + disk->name + " (" +
                                std::string(toString(honest)) + ")");
    if (w.result != "passed" && w.result != "failed" && w.result != "interrupted")
        return bad("result", "\"" + w.result + "\" is not passed, failed or interrupted");
    if (w.verification != "full" && w.verification != "sample")
        return bad("verification", "\"" + w.verification + "\" is not full or sample");
    if (w.result == "passed" && w.verificationResult != "passed")
        return bad("verification_result", "\"" + w.verificationResult + "\": a passed wipe is one whose verification passed");
    if (!isTimestamp(w.startedAt)) return bad("started_at", "\"" + w.startedAt + "\" is not a UTC timestamp (YYYY-MM-DDTHH:MM:SS.mmmZ)");
    if (w.result == "passed" || !w.endedAt.empty()) {
        if (!isTimestamp(w.endedAt)) return bad("ended_at", "\"" + w.endedAt + "\" is not a UTC timestamp (YYYY-MM-DDTHH:MM:SS.mmmZ)");
        if (w.endedAt < w.startedAt) return bad("ended_at", w.endedAt + " is before started_at " + w.startedAt);
        if (w.endedAt > now) return bad("ended_at", w.endedAt + " is after now (" + std::string(now) + ")");
    }
    const bool hasCertificate = !w.certificate.empty() || !w.signature.empty();
    if (hasCertificate && w.result != "passed") return bad("certificate", "only a passed wipe has a certificate");
    if (hasCertificate) {
        if (w.certificate.empty() || w.signature.empty())
            return bad(w.certificate.empty() ? "certificate" : "signature", "missing: a certificate comes with its signature");
        if (!key)
            return makeError(Errc::Refused, at + ".signature: cannot be checked without the workshop key (set REEMPLOI_KEY, "
                                                 "or workshop.key in the server's configuration)");
        auto sig = unhex(w.signature);
        if (!sig || sig->size() != 64) return bad("signature", "not 64 bytes in hexadecimal");
        if (!key->verify(w.certificate, *sig))
            return bad("signature", "does not verify with the workshop's key (" + key->fingerprint().substr(0, 16) +
                                        "…): the certificate was changed, or signed with another key");
        auto fields = certificateFieldsOf(w.certificate);
        if (!fields) return bad("certificate", fields.error().message);
        auto agree = [&](const char *field, const std::string &record, const std::string &certificate) -> Status {
            if (record == certificate) return {};
            return bad(field, "the record says \"" + record + "\", its signed certificate \"" + certificate + "\"");
        };
        REEMPLOI_TRY(agree("serial", w.serial, fields->serial));
        REEMPLOI_TRY(agree("method", w.method, fields->method));
        REEMPLOI_TRY(agree("level", w.level, std::string(toString(fields->level))));
        REEMPLOI_TRY(agree("result", w.result, fields->result));
        REEMPLOI_TRY(agree("verification", w.verification, fields->verificationMethod));
        REEMPLOI_TRY(agree("verification_result", w.verificationResult, fields->verificationResult));
        REEMPLOI_TRY(agree("started_at", w.startedAt, fields->startedAt));
        REEMPLOI_TRY(agree("ended_at", w.endedAt, fields->endedAt));
        REEMPLOI_TRY(agree("size_bytes", std::to_string(w.sizeBytes), std::to_string(fields->capacityBytes)));
        if (fields->signedWhere != std::string(kSignedOnTheMachine))
            return bad("certificate", "not a certificate signed on the machine (\"signed\": \"on the machine\")");
    } else if (w.result == "passed" && (!key || !key->canSign())) {
        return makeError(Errc::Refused, at + ": the bench signs this wipe's certificate at import, and has no workshop "
                                             "key to sign with (set REEMPLOI_KEY, or workshop.key in the server's configuration)");
    }
    return {};
}

}  // namespace

Status checkInPlaceWipes(const Snapshot &s, const WorkshopKey *key, std::string_view now) {
    for (std::size_t i = 0; i < s.wipes.size(); ++i) REEMPLOI_TRY(checkOne(s, i, key, now));
    return {};
}

Result<SnapshotImportResult> importSnapshot(inventory::Database &db, std::string_view snapshotJsonText,
                                            const std::optional<std::string> &tag, const inventory::Actor &actor,
                                            const ImportSigning &signing) {
    auto snapshot = parseSnapshotJson(snapshotJsonText);
    if (!snapshot) return snapshot.error();
    std::optional<WorkshopKey> key;
    if (!snapshot->wipes.empty() && !signing.keyPath.empty()) {
        auto loaded = WorkshopKey::loadOrCreate(signing.keyPath);
        if (!loaded) return loaded.error().withContext("workshop key");
        key = std::move(*loaded);
    }
    REEMPLOI_TRY(checkInPlaceWipes(*snapshot, key ? &*key : nullptr, utcTimestampNow()));
    return inventory::inTransaction(db, "importing the snapshot", [&]() -> Result<SnapshotImportResult> {
        SnapshotImportResult out;
        auto measured = inventory::recordMachineFacts(db, tag, machineFacts(*snapshot), actor);
        if (!measured) return measured.error();
        out.measurement = *measured;
        if (snapshot->wipes.empty()) return out;
        auto unit = inventory::getUnit(db, measured->tag);
        if (!unit) return unit.error();
        auto existing = inventory::listSanitization(db, unit->tag);
        if (!existing) return existing.error();
        std::string donor, donation;  // the certificate's source, for those signed here
        for (std::size_t i = 0; i < snapshot->wipes.size(); ++i) {
            const InPlaceWipe &w = snapshot->wipes[i];
            const std::string at = "snapshot: wipes[" + std::to_string(i) + "]";
            const inventory::StorageMedium *medium = nullptr;
            for (const auto &m : unit->storage)
                if (m.serial == w.serial) medium = &m;
            if (!medium) return makeError(Errc::InvalidInput, at + ".serial: \"" + w.serial + "\" is not a medium of " + unit->tag);
            if (medium->destroyed)
                return makeError(Errc::Refused, at + ": medium #" + std::to_string(medium->id) + " of " + unit->tag +
                                                    " is recorded destroyed");
            ImportedWipe imported;
            imported.disk = w.disk;
            imported.serial = w.serial;
            imported.mediumId = medium->id;
            bool seen = false;
            for (const auto &r : *existing)
                if (r.mediumId == medium->id && r.method == w.method && r.startedAt == w.startedAt) {
                    seen = true;
                    imported.record = r;
                }
            if (seen) {
                imported.alreadyRecorded = true;
                if (!imported.record.certificateJson.empty())
                    if (auto f = certificateFieldsOf(imported.record.certificateJson); f && f->signedWhere)
                        imported.signedWhere = *f->signedWhere;
                out.wipes.push_back(std::move(imported));
                continue;
            }
            const WipeMethod &method = *findWipeMethod(w.method).value();
            inventory::SanitizationRecord r;
            r.mediumId = medium->id;
            r.method = w.method;
            r.level = *inventory::parseSanitizationLevel(w.level);
            r.result = w.result == "passed"   ? inventory::SanitizationResult::Passed
                       : w.result == "failed" ? inventory::SanitizationResult::Failed
                                              : inventory::SanitizationResult::Interrupted;
            r.verification = w.verification;
            r.startedAt = w.startedAt;
            r.endedAt = w.endedAt;
            r.bytesWritten = w.bytesWritten;
            r.lastLba = w.lastLba;
            std::vector<WipeError> errors;
            for (const auto &e : w.errors) errors.push_back({e.lba, e.message});
            r.errors = errorsJson(errors);
            r.identityEvidence = "serial";
            r.notes = "wiped in place from the bench stick (disk " + w.disk + ")";
            if (!w.failure.empty()) r.notes += ": " + w.failure;
            if (w.result == "passed" && !w.certificate.empty()) {
                auto fields = certificateFieldsOf(w.certificate);
                // A stick given --unit names the unit in what it signs: it must be this one.
                if (!fields->unitTag.empty() && fields->unitTag != unit->tag)
                    return makeError(Errc::InvalidInput, at + ".certificate: signed for " + fields->unitTag +
                                                             ", but the snapshot is " + unit->tag + "'s");
                r.certificateId = fields->id;
                r.certificateJson = w.certificate;  // as signed on the machine
                imported.signedWhere = kSignedOnTheMachine;
                r.notes += "; certificate signed on the machine";
            } else if (w.result == "passed") {
                if (donor.empty()) {
                    auto dn = inventory::getDonation(db, unit->donationId);
                    if (!dn) return dn.error().withContext("the donation of " + unit->tag + " (the certificate's source)");
                    auto dr = inventory::getDonor(db, dn->donorId);
                    if (!dr) return dr.error().withContext("the donor of " + unit->tag + " (the certificate's source)");
                    donation = "#" + std::to_string(dn->id) + " received " + dn->received;
                    donor = dr->kind == inventory::DonorKind::Individual ? "individual donor #" + std::to_string(dr->id) : dr->name;
                }
                auto fields = certificateFieldsFor(w, method);
                fields.unitTag = unit->tag;
                fields.donorTag = unit->donorTag;
                fields.donor = donor;
                fields.donation = donation;
                const auto &ws = signing.workshop;
                fields.workshop = ws.workshop;
                fields.workshopContact = ws.contact;
                fields.sanitizedBy = {w.operatorName, ws.position, ws.location, ws.contact};
                fields.verifiedBy = fields.sanitizedBy;
                fields.destination = ws.destination;
                fields.signedWhere = std::string(kSignedAtImport);
                if (auto head = inventory::chainHead(db)) fields.auditHead = AuditHeadRef{head->id, head->hash};
                auto cert = issueCertificate(fields, *key);
                if (!cert) return cert.error().withContext(at + ": signing its certificate");
                r.certificateId = cert->fields.id;
                r.certificateJson = cert->json;
                imported.signedWhere = kSignedAtImport;
                r.notes += "; certificate signed at import by the bench after checking the record (no workshop key on the stick)";
            }
            auto stored = inventory::recordSanitization(db, r, actor);
            if (!stored) return stored.error().withContext(at);
            imported.record = *stored;
            out.wipes.push_back(std::move(imported));
        }
        return out;
    });
}

Result<inventory::MachineMeasurement> importSnapshot(inventory::Database &db, std::string_view snapshotJsonText,
                                                     const std::optional<std::string> &tag,
                                                     const inventory::Actor &actor) {
    auto imported = importSnapshot(db, snapshotJsonText, tag, actor, ImportSigning{});
    if (!imported) return imported.error();
    return imported->measurement;
}

}  // namespace reemploi::diagnostics::probe
