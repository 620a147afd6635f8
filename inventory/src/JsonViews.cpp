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
        .set("prev_hash", e.prevHash)
        .set("hash", e.hash);
}

}  // namespace reemploi::inventory
