// JSON forms of the domain values.
#include <reemploi/inventory/JsonViews.hpp>

namespace reemploi::inventory {

json::Object toJson(const Donor &d) {
    return json::Object()
        .set("id", d.id)
        .set("name", d.name)
        .set("kind", toString(d.kind))
        .set("email", d.email)
        .set("created_at", d.createdAt);
}

json::Object toJson(const Donation &d) {
    return json::Object()
        .set("id", d.id)
        .set("donor", d.donorId)
        .set("received", d.received)
        .set("site", d.site)
        .set("notes", d.notes);
}

namespace {

// The members of a medium and of a unit, written once for both kinds of JSON object (Object, and
// OrderedObject for the event payload of every registered unit): in key order, which is the order
// Object::str() writes, so both give the same bytes.
template <class Sink>
Sink &writeMedium(Sink &o, const StorageMedium &m) {
    return o.set("capacity_bytes", m.capacityBytes)
        .set("destroyed", m.destroyed)
        .set("id", m.id)
        .set("model", m.model)
        .set("serial", m.serial)
        .set("type", toString(m.type));
}

std::string storageText(const Unit &u) {
    std::string storage = "[";
    for (const auto &m : u.storage) {
        if (storage.size() > 1) storage += ',';
        json::OrderedObject o(120);
        storage += writeMedium(o, m).take();
    }
    storage += ']';
    return storage;
}

template <class Sink>
Sink &writeUnit(Sink &o, const Unit &u) {
    o.set("battery_health", u.specs.batteryHealthPercent)
        .set("cpu", u.specs.cpu)
        .set("created_at", u.createdAt)
        .set("donation", u.donationId)
        .set("donor_tag", u.donorTag);
    if (u.grade) o.set("grade", toString(*u.grade));
    else o.raw("grade", "null");
    return o.set("id", u.id)
        .set("keyboard_layout", u.specs.keyboardLayout)
        .set("kind", toString(u.kind))
        .set("location", u.location)
        .set("make", u.make)
        .set("model", u.model)
        .set("notes", u.notes)
        .set("os", u.specs.os)
        .set("ram_mib", u.specs.ramMib)
        .set("screen_inches", u.specs.screenInches)
        .set("serial", u.serial)
        .set("site", u.site)
        .set("status", toString(u.status))
        .raw("storage", storageText(u))
        .set("tag", u.tag);
}

}  // namespace

json::Object toJson(const StorageMedium &m) {
    json::Object o;
    return writeMedium(o, m);
}

json::Object toJson(const Unit &u) {
    json::Object o;
    return writeUnit(o, u);
}

std::string toJsonText(const Unit &u) {
    std::size_t size = 400 + u.make.size() + u.model.size() + u.serial.size() + u.donorTag.size() + u.notes.size() +
                       u.location.size() + u.specs.cpu.size() + u.specs.os.size() + 120 * u.storage.size();
    json::OrderedObject o(size);
    return writeUnit(o, u).take();
}

json::Object toJson(const SanitizationRecord &r, bool withCertificate) {
    auto o = json::Object()
                 .set("id", r.id)
                 .set("medium", r.mediumId)
                 .set("method", r.method)
                 .set("level", toString(r.level))
                 .set("result", toString(r.result))
                 .set("verification", r.verification)
                 .set("started_at", r.startedAt)
                 .set("ended_at", r.endedAt)
                 .set("bytes_written", r.bytesWritten)
                 .set("last_lba", r.lastLba)
                 .raw("errors", r.errors.empty() ? "[]" : r.errors)
                 .set("certificate_id", r.certificateId)
                 .set("identity_evidence", r.identityEvidence)
                 .set("notes", r.notes);
    if (withCertificate && !r.certificateJson.empty()) o.raw("certificate", r.certificateJson);
    return o;
}

json::Object toJson(const Event &e) {
    return json::Object()
        .set("id", e.id)
        .set("at", e.at)
        .set("actor", e.actor)
        .set("entity", e.entity)
        .set("entity_id", e.entityId)
        .set("action", e.action)
        .raw("payload", e.payload.empty() ? "{}" : e.payload)
        .set("payload_sha256", e.payloadSha256)
        .set("prev_hash", e.prevHash)
        .set("hash", e.hash);
}

json::Object toJson(const ChainReport &r) {
    return json::Object()
        .set("ok", !r.firstBrokenId)
        .set("checked", r.checked)
        .set("redacted", r.redacted)
        .set("first_broken_id", r.firstBrokenId)
        .set("problem", r.problem);
}

json::Object toJson(const ChainHead &h) { return json::Object().set("id", h.id).set("hash", h.hash).set("at", h.at); }

json::Object toJson(const AuditReport &r) {
    return json::Object()
        .set("ok", r.ok())
        .set("checked", r.chain.checked)
        .set("redacted", r.chain.redacted)
        .set("first_broken_id", r.chain.firstBrokenId)
        .set("problem", r.chain.problem)
        .set("replayed", r.replayed)
        .set("disagreement", r.disagreement)
        .set("anchors_checked", r.anchorsChecked)
        .set("anchor_problem", r.anchorProblem)
        .set("head", toJson(r.head));
}

json::Object toJson(const MediaSanitization &m) {
    json::Object o;
    o.set("has_media", m.hasMedia)
        .set("all_sanitized", m.allSanitized)
        .set("any_failed", m.anyFailed)
        .set("since_return", m.sinceReturn)
        .set("last_passed_at", m.lastPassedAt);
    if (m.firstPending) o.set("first_pending", m.firstPending->id);
    else o.null("first_pending");
    return o;
}

json::Array accessoriesJson(const std::vector<Unit> &accessories) {
    json::Array out;
    for (const auto &a : accessories)
        out.add(json::Object()
                    .set("tag", a.tag)
                    .set("kind", toString(a.kind))
                    .set("make", a.make)
                    .set("model", a.model)
                    .set("status", toString(a.status)));
    return out;
}

json::Object toJson(const UnitDetail &d) {
    json::Array sanitization, history, next;
    for (const auto &r : d.sanitization) sanitization.add(toJson(r));
    for (const auto &e : d.history) history.add(toJson(e));
    for (auto s : d.nextStatuses) next.add(toString(s));
    return toJson(d.unit)
        .set("attached_to", d.unit.attachedTo)
        .raw("accessories", accessoriesJson(d.accessories).str())
        .raw("sanitization", sanitization.str())
        .raw("history", history.str())
        .raw("next_statuses", next.str())
        .set("sanitization_state", toJson(d.media));
}

json::Object toJson(const StockSummary &s) {
    json::Object byStatus, byKind, byStatusKind;
    for (const auto &[status, n] : s.byStatus) byStatus.set(std::string(toString(status)), n);
    for (const auto &[kind, n] : s.byKind) byKind.set(std::string(toString(kind)), n);
    for (const auto &[status, n] : s.byStatus) {
        json::Object kinds;
        for (const auto &[key, count] : s.byStatusAndKind)
            if (key.first == status) kinds.set(std::string(toString(key.second)), count);
        byStatusKind.set(std::string(toString(status)), kinds);
    }
    return json::Object()
        .set("donors", s.donors)
        .set("units", s.units)
        .set("by_status", byStatus)
        .set("by_kind", byKind)
        .set("by_status_kind", byStatusKind);
}

json::Object toJson(const School &s) {
    return json::Object()
        .set("uai", s.uai)
        .set("name", s.name)
        .set("town", s.town)
        .set("district", s.district)
        .set("priority_area", s.priorityArea)
        .set("contact", s.contact);
}

json::Object toJson(const Need &n, NeedAudience audience) {
    std::string grades;
    for (auto g : n.grades) grades += (grades.empty() ? "" : " ") + std::string(allocation::toString(g));
    auto o = json::Object()
                 .set("school", n.uai)
                 .set("grades", grades)
                 .set("rank", needRank(n))
                 .set("devices_at_home", n.devicesAtHome)
                 .set("internet", allocation::toString(n.internet))
                 .set("preference", allocation::toString(n.preference))
                 .set("status", toString(n.status))
                 .set("unit", n.unitTag);
    if (audience == NeedAudience::Coordinator) {
        json::Array flags;
        for (const auto &f : n.priorityFlags) flags.add(f);
        o.set("ref", n.ref()).set("family", n.family).raw("priority", flags.str()).set("accessibility", n.accessibility);
    }
    return o;
}

namespace allocation {

json::Object toJson(const PinEntry &p) {
    return json::Object().set("unit", p.tag).set("kind", p.kind).set("need", p.needRef);
}

json::Object toJson(const ConfirmReport &r) {
    auto out = json::Object().set("run", r.runId).set("allocated", r.allocated).set("audit_head", inventory::toJson(r.auditHead));
    if (r.kits) out.set("kits", r.kits);  // connectivity kits allocated with the units
    return out;
}

}  // namespace allocation

}  // namespace reemploi::inventory
