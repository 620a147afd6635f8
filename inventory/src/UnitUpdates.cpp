// Corrections from a donor's list: compare, then update the changed columns with one event each.
#include <reemploi/inventory/UnitUpdates.hpp>

#include <reemploi/common/Json.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Identity.hpp>
#include <reemploi/inventory/Units.hpp>
#include <reemploi/inventory/Validation.hpp>

namespace reemploi::inventory {

namespace {

std::string trimmed(std::string_view s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

std::string jsonText(std::string_view s) { return json::quote(s); }

void compareText(std::vector<FieldChange> &out, const char *column, const std::string &current,
                 const std::optional<std::string> &listed) {
    if (!listed) return;
    std::string value = trimmed(*listed);
    if (value.empty() || value == current) return;
    out.push_back({column, jsonText(current), jsonText(value)});
}

}  // namespace

std::vector<FieldChange> listedChanges(const Unit &unit, const ListedFields &listed) {
    std::vector<FieldChange> out;
    if (listed.make && unit.make.empty()) compareText(out, "make", unit.make, canonicalMake(*listed.make));
    compareText(out, "model", unit.model, listed.model);
    if (listed.kind && *listed.kind != unit.kind)
        out.push_back({"kind", jsonText(toString(unit.kind)), jsonText(toString(*listed.kind))});
    compareText(out, "donor_tag", unit.donorTag, listed.donorTag);
    if (listed.ramMib && unit.specs.ramMib != listed.ramMib)
        out.push_back({"ram_mib", unit.specs.ramMib ? std::to_string(*unit.specs.ramMib) : "null",
                       std::to_string(*listed.ramMib)});
    compareText(out, "cpu", unit.specs.cpu, listed.cpu);
    compareText(out, "os", unit.specs.os, listed.os);
    if (listed.screenInches && unit.specs.screenInches != listed.screenInches)
        out.push_back({"screen_inches", unit.specs.screenInches ? json::number(*unit.specs.screenInches) : "null",
                       json::number(*listed.screenInches)});
    return out;
}

std::string correctionPayload(const CorrectedUnit &unit) {
    json::Object changes;
    for (const auto &c : unit.changes) changes.raw(c.column, json::Object().raw("old", c.oldJson).raw("new", c.newJson).str());
    return json::Object().set("tag", unit.tag).set("changes", changes).str();
}

Result<std::vector<CorrectedUnit>> correctUnits(Database &db, const std::vector<UnitCorrection> &corrections,
                                                const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Trainee, "edit a unit"));
    for (const auto &c : corrections) {
        NewUnit probe;  // the registration's text rules, on the fields given
        probe.serial = "-";
        probe.make = c.fields.make.value_or("");
        probe.model = c.fields.model.value_or("");
        probe.donorTag = c.fields.donorTag.value_or("");
        probe.specs.cpu = c.fields.cpu.value_or("");
        probe.specs.os = c.fields.os.value_or("");
        if (auto problems = checkUnitText(probe); !problems.empty())
            return problems.front().error.withContext("unit " + c.tag);
    }
    return inTransaction(db, "correcting units", [&]() -> Result<std::vector<CorrectedUnit>> {
        std::vector<CorrectedUnit> done;
        std::vector<NewEvent> events;
        const std::string now = nowUtc();
        for (const auto &c : corrections) {
            auto unit = getUnit(db, c.tag);
            if (!unit) return unit.error();
            auto changes = listedChanges(*unit, c.fields);
            if (changes.empty()) continue;
            Unit u = *unit;
            for (const auto &ch : changes) {
                const std::string &col = ch.column;
                if (col == "make") u.make = canonicalMake(*c.fields.make);
                else if (col == "model") u.model = trimmed(*c.fields.model);
                else if (col == "kind") u.kind = *c.fields.kind;
                else if (col == "donor_tag") u.donorTag = trimmed(*c.fields.donorTag);
                else if (col == "ram_mib") u.specs.ramMib = c.fields.ramMib;
                else if (col == "cpu") u.specs.cpu = trimmed(*c.fields.cpu);
                else if (col == "os") u.specs.os = trimmed(*c.fields.os);
                else if (col == "screen_inches") u.specs.screenInches = c.fields.screenInches;
            }
            REEMPLOI_TRY(checkSpecs(u.specs));
            auto &st = db.cached(
                "UPDATE units SET make = ?, make_key = ?, model = ?, kind = ?, donor_tag = ?, ram_mib = ?, cpu = ?,"
                " os = ?, screen_inches = ?, updated_at = ? WHERE id = ?");
            st.bind(1, u.make).bind(2, makeKey(u.make)).bind(3, u.model).bind(4, toString(u.kind)).bind(5, u.donorTag);
            st.bind(6, u.specs.ramMib).bind(7, u.specs.cpu).bind(8, u.specs.os).bind(9, u.specs.screenInches);
            st.bind(10, now).bind(11, u.id);
            st.step();
            st.reset();
            CorrectedUnit corrected{u.tag, std::move(changes)};
            events.push_back({"unit", u.tag, "unit_updated", correctionPayload(corrected)});
            done.push_back(std::move(corrected));
        }
        if (!events.empty()) appendEvents(db, actor, std::move(events));
        return done;
    });
}

}  // namespace reemploi::inventory
