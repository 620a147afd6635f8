// A structure's needs for its mediator: the access rule, the list without unit history, updates.
#include <reemploi/inventory/MediatorNeeds.hpp>

#include <reemploi/common/Json.hpp>
#include <reemploi/common/Text.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Programmes.hpp>
#include <reemploi/inventory/Validation.hpp>

namespace reemploi::inventory {

namespace {

std::string gradesText(const std::vector<allocation::SchoolGrade> &grades) {
    std::string out;
    for (auto g : grades) out += (out.empty() ? "" : " ") + std::string(allocation::toString(g));
    return out;
}

std::string flagsText(const std::vector<std::string> &flags) {
    std::string out;
    for (const auto &f : flags) out += (out.empty() ? "" : ",") + f;
    return out;
}

}  // namespace

Status requireStructureAccess(const Actor &actor, std::string_view structure, std::string_view what) {
    if (actor.role == Role::Coordinator || actor.role == Role::Admin) return {};
    if (actor.role == Role::Mediator) {
        auto id = checkStructureId(structure);
        if (id && !actor.structure.empty() && *id == actor.structure) return {};
        return makeError(Errc::Forbidden, "the mediator of " + (actor.structure.empty() ? std::string("no structure") : actor.structure) +
                                              " cannot " + std::string(what) + " of " + text::trim(structure));
    }
    return makeError(Errc::Forbidden, "a " + std::string(toString(actor.role)) + " cannot " + std::string(what) +
                                          ": a coordinator or the structure's mediator must");
}

Result<std::vector<Need>> structureNeeds(Database &db, std::string_view structure, const Actor &actor) {
    REEMPLOI_TRY(requireStructureAccess(actor, structure, "read the needs"));
    auto id = checkStructureId(structure);
    if (!id) return id.error();
    auto school = getSchool(db, *id);
    if (!school) return school.error();
    auto all = listNeeds(db);
    if (!all) return all.error();
    std::vector<Need> out;
    for (auto &n : *all) {
        if (n.schoolId != school->id) continue;
        if (actor.role == Role::Mediator) n.unitTag.reset();  // no unit history for mediators
        out.push_back(std::move(n));
    }
    return out;
}

Result<Need> updateNeed(Database &db, std::string_view structure, std::string_view family, const NeedPatch &patch,
                        const Actor &actor) {
    REEMPLOI_TRY(requireStructureAccess(actor, structure, "change the needs"));
    auto id = checkStructureId(structure);
    if (!id) return id.error();
    if (patch.grades && patch.grades->size() > 12) return makeError(Errc::InvalidInput, "grades: more than 12 children");
    if (patch.devicesAtHome && (*patch.devicesAtHome < 0 || *patch.devicesAtHome > 99))
        return makeError(Errc::InvalidInput, "devices_at_home: must be 0 to 99");
    if (patch.accessibility) REEMPLOI_TRY(checkNotes(*patch.accessibility, "accessibility", 1'000));
    if (patch.priorityFlags)
        for (const auto &f : *patch.priorityFlags) REEMPLOI_TRY(checkLine(f, "priority", 64));
    return inTransaction(db, "updating a need", [&]() -> Result<Need> {
        auto need = findNeed(db, *id + "/" + text::trim(family));
        if (!need) return need.error();
        if (need->status != NeedStatus::Open)
            return makeError(Errc::Refused, "need " + need->ref() + " is " + std::string(toString(need->status)) +
                                                ": only an open need can be changed");
        if (patch.grades && patch.grades->empty() && need->level == kPrimaryLevel)
            return makeError(Errc::InvalidInput, "grades: no grade given (CP to CM2)");
        json::Object changes;
        if (patch.grades) need->grades = *patch.grades, changes.set("grades", gradesText(need->grades));
        if (patch.devicesAtHome) need->devicesAtHome = *patch.devicesAtHome, changes.set("devices_at_home", need->devicesAtHome);
        if (patch.internet) need->internet = *patch.internet, changes.set("internet", allocation::toString(need->internet));
        if (patch.preference)
            need->preference = *patch.preference, changes.set("preference", allocation::toString(need->preference));
        if (patch.priorityFlags) need->priorityFlags = *patch.priorityFlags, changes.set("priority", flagsText(need->priorityFlags));
        if (patch.accessibility) need->accessibility = text::trim(*patch.accessibility);
        auto &st = db.cached(
            "UPDATE needs SET grades = ?, devices_at_home = ?, internet = ?, preference = ?, priority_flags = ?,"
            " accessibility = ?, updated_at = ? WHERE id = ?");
        st.bind(1, gradesText(need->grades)).bind(2, need->devicesAtHome).bind(3, allocation::toString(need->internet));
        st.bind(4, allocation::toString(need->preference)).bind(5, flagsText(need->priorityFlags));
        st.bind(6, need->accessibility).bind(7, nowUtc()).bind(8, need->id);
        st.step();
        st.reset();
        appendEvent(db, actor, {"need", std::to_string(need->id), "need_updated", changes.str()});
        if (actor.role == Role::Mediator) need->unitTag.reset();
        return std::move(need.value());
    });
}

}  // namespace reemploi::inventory
