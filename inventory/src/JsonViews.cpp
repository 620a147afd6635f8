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

json::Object toJson(const StorageMedium &m) {
    return json::Object()
        .set("id", m.id)
        .set("type", toString(m.type))
        .set("model", m.model)
        .set("serial", m.serial)
        .set("capacity_bytes", m.capacityBytes)
        .set("destroyed", m.destroyed);
}

json::Object toJson(const Unit &u) {
    json::Array storage;
    for (const auto &m : u.storage) storage.add(toJson(m));
    std::optional<std::string> grade;
    if (u.grade) grade = std::string(toString(*u.grade));
    return json::Object()
        .set("id", u.id)
        .set("tag", u.tag)
        .set("donation", u.donationId)
        .set("kind", toString(u.kind))
        .set("make", u.make)
        .set("model", u.model)
        .set("serial", u.serial)
        .set("donor_tag", u.donorTag)
        .set("cpu", u.specs.cpu)
        .set("ram_mib", u.specs.ramMib)
        .set("screen_inches", u.specs.screenInches)
        .set("keyboard_layout", u.specs.keyboardLayout)
        .set("battery_health", u.specs.batteryHealthPercent)
        .set("os", u.specs.os)
        .set("grade", grade)
        .set("status", toString(u.status))
        .set("location", u.location)
        .set("notes", u.notes)
        .set("created_at", u.createdAt)
        .raw("storage", storage.str());
}

// The members of toJson(Unit) and toJson(StorageMedium) above, in key order.
std::string toJsonText(const Unit &u) {
    std::size_t size = 400 + u.make.size() + u.model.size() + u.serial.size() + u.donorTag.size() + u.notes.size() +
                       u.location.size() + u.specs.cpu.size() + u.specs.os.size() + 120 * u.storage.size();
    json::OrderedObject o(size);
    o.set("battery_health", u.specs.batteryHealthPercent)
        .set("cpu", u.specs.cpu)
        .set("created_at", u.createdAt)
        .set("donation", u.donationId)
        .set("donor_tag", u.donorTag);
    if (u.grade) o.set("grade", toString(*u.grade));
    else o.raw("grade", "null");
    o.set("id", u.id)
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
        .set("status", toString(u.status));
    std::string storage = "[";
    for (const auto &m : u.storage) {
        if (storage.size() > 1) storage += ',';
        storage += json::OrderedObject(120)
                       .set("capacity_bytes", m.capacityBytes)
                       .set("destroyed", m.destroyed)
                       .set("id", m.id)
                       .set("model", m.model)
                       .set("serial", m.serial)
                       .set("type", toString(m.type))
                       .take();
    }
    storage += ']';
    o.raw("storage", storage).set("tag", u.tag);
    return o.take();
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
                 .set("certificate_id", r.certificateId);
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
