// The privacy purge: redaction in the tables and in the trail, recorded by one chained event.
#include <reemploi/inventory/Privacy.hpp>

#include <algorithm>
#include <charconv>
#include <set>
#include <vector>

#include <reemploi/common/Text.hpp>
#include <reemploi/common/Time.hpp>
#include <reemploi/inventory/AuditLog.hpp>

#include "JsonReader.hpp"

namespace reemploi::inventory {

namespace {

std::string cutoff(std::chrono::system_clock::time_point now, std::int64_t days) {
    return utcTimestamp(now - std::chrono::hours(24 * days));
}

// Removes `fields` from the payload of event `id`; the new payload starts with "_redacted" (the
// fields removed so far, sorted). Empty when the event holds none of them.
std::optional<std::string> redactedPayload(const std::string &payload, const std::vector<std::string> &fields) {
    auto parsed = jsonr::parse(payload);
    if (!parsed || !parsed->isObject()) return std::nullopt;
    std::set<std::string> removed;
    if (const jsonr::Value *earlier = parsed->get("_redacted"))
        for (const auto &f : earlier->items) removed.insert(f.text);
    bool changed = false;
    auto &members = parsed->members;
    for (auto it = members.begin(); it != members.end();) {
        if (std::find(fields.begin(), fields.end(), it->first) != fields.end()) {
            removed.insert(it->first);
            it = members.erase(it);
            changed = true;
        } else if (it->first == "_redacted") {
            it = members.erase(it);
        } else {
            ++it;
        }
    }
    if (!changed) return std::nullopt;
    jsonr::Value list;
    list.type = jsonr::Value::Type::Array;
    for (const auto &f : removed) {
        jsonr::Value v;
        v.type = jsonr::Value::Type::String;
        v.text = f;
        list.items.push_back(std::move(v));
    }
    members.emplace_back("_redacted", std::move(list));
    return parsed->canonical();
}

}  // namespace

Result<RetentionPolicy> parseRetentionPolicy(std::string_view text) {
    RetentionPolicy p;
    std::size_t lineNo = 0;
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string line(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
        ++lineNo;
        if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
        line = text::trim(line);
        if (line.empty()) continue;
        auto where = "retention, line " + std::to_string(lineNo);
        auto eq = line.find('=');
        if (eq == std::string::npos) return makeError(Errc::InvalidInput, where + ": expected key = days");
        std::string key = text::trim(line.substr(0, eq)), value = text::trim(line.substr(eq + 1));
        std::int64_t days = -1;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), days);
        if (ec != std::errc() || end != value.data() + value.size() || days < 0 || days > 100 * 365)
            return makeError(Errc::InvalidInput, where + ": " + key + ": '" + value + "' is not a number of days (0 to 36500)");
        if (key == "individual_donors") p.individualDonorsDays = days;
        else if (key == "contacts") p.contactsDays = days;
        else if (key == "donor_list_fields") p.donorListFieldsDays = days;
        else if (key == "site_contacts") p.siteContactsDays = days;
        else
            return makeError(Errc::InvalidInput, where + ": unknown key '" + key +
                                                     "' (individual_donors, contacts, donor_list_fields, site_contacts)");
    }
    return p;
}

json::Object toJson(const RetentionPolicy &p) {
    return json::Object()
        .set("individual_donors", p.individualDonorsDays)
        .set("contacts", p.contactsDays)
        .set("donor_list_fields", p.donorListFieldsDays)
        .set("site_contacts", p.siteContactsDays);
}

json::Object toJson(const PurgeReport &r) {
    json::Array donors, schools, sites;
    for (auto id : r.donorIds) donors.add(id);
    for (auto id : r.schoolIds) schools.add(id);
    for (const auto &code : r.siteCodes) sites.add(code);
    return json::Object()
        .set("dry_run", r.dryRun)
        .set("donors", r.donors)
        .set("contacts", r.contacts)
        .set("donor_field_rows", r.donorFieldRows)
        .set("events_redacted", r.eventsRedacted)
        .set("event", r.eventId)
        .raw("donor_ids", donors.str())
        .raw("school_ids", schools.str())
        .set("site_contacts", r.siteContacts)
        .raw("site_codes", sites.str());
}

Result<PurgeReport> purgePersonalData(Database &db, const RetentionPolicy &policy,
                                      std::chrono::system_clock::time_point now, bool dryRun, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Admin, "purge personal data"));
    const std::string donorsBefore = cutoff(now, policy.individualDonorsDays);
    const std::string contactsBefore = cutoff(now, policy.contactsDays);
    const std::string fieldsBefore = cutoff(now, policy.donorListFieldsDays);
    const std::string sitesBefore = cutoff(now, policy.siteContactsDays);
    auto work = [&]() -> Result<PurgeReport> {
        PurgeReport report;
        report.dryRun = dryRun;
        // Individual donors past their period, not purged yet: their last donation (received
        // date) or, without one, their registration.
        std::vector<std::int64_t> donors;
        {
            auto st = db.prepare(
                "SELECT d.id, d.created_at, MAX(n.received) FROM donors d LEFT JOIN donations n ON n.donor_id = d.id"
                " WHERE d.kind = 'individual' AND (d.name <> 'individual donor #' || CAST(d.id AS TEXT) OR d.email <> '')"
                " GROUP BY d.id, d.created_at ORDER BY d.id");
            while (st->step()) {
                std::string last = st->isNull(2) ? st->getText(1) : st->getText(2);
                if (last < donorsBefore) donors.push_back(st->getInt(0));
            }
        }
        std::vector<std::int64_t> schools;
        {
            auto st = db.prepare("SELECT id FROM schools WHERE contact <> '' AND updated_at < ? ORDER BY id");
            st->bind(1, contactsBefore);
            while (st->step()) schools.push_back(st->getInt(0));
        }
        // Distribution sites' contacts past their period (the site itself stays: its lists, its
        // hand-overs). Their events are keyed by the site's code.
        std::vector<std::int64_t> siteIds;
        std::vector<std::string> siteCodes;
        {
            auto st = db.prepare("SELECT id, code FROM sites WHERE contact <> '' AND updated_at < ? ORDER BY code");
            st->bind(1, sitesBefore);
            while (st->step()) {
                siteIds.push_back(st->getInt(0));
                siteCodes.push_back(st->getText(1));
            }
        }
        std::vector<std::int64_t> fieldUnits;
        {
            auto st = db.prepare("SELECT unit_id FROM unit_donor_fields WHERE created_at < ? ORDER BY unit_id");
            st->bind(1, fieldsBefore);
            while (st->step()) fieldUnits.push_back(st->getInt(0));
        }
        // The events holding them, and the fields to remove from each.
        struct Target {
            std::int64_t id;
            std::vector<std::string> fields;
        };
        std::vector<Target> targets;
        auto collect = [&](const char *entity, const std::vector<std::int64_t> &ids, std::vector<std::string> fields) {
            if (ids.empty()) return;
            auto st = db.prepare("SELECT id FROM events WHERE entity = ? AND entity_id = ? ORDER BY id");
            for (auto id : ids) {
                st->bind(1, entity).bind(2, std::to_string(id));
                while (st->step()) targets.push_back({st->getInt(0), fields});
                st->reset();
            }
        };
        collect("donor", donors, {"name", "email"});
        collect("school", schools, {"contact"});
        if (!siteCodes.empty()) {
            auto st = db.prepare("SELECT id FROM events WHERE entity = 'site' AND entity_id = ? ORDER BY id");
            for (const auto &code : siteCodes) {
                st->bind(1, code);
                while (st->step()) targets.push_back({st->getInt(0), {"contact"}});
                st->reset();
            }
        }
        std::sort(targets.begin(), targets.end(), [](const Target &a, const Target &b) { return a.id < b.id; });

        json::Array redacted;
        auto read = db.prepare("SELECT payload FROM events WHERE id = ?");
        auto write = db.prepare("UPDATE events SET payload = ? WHERE id = ?");
        for (const auto &t : targets) {
            read->bind(1, t.id);
            if (!read->step()) {
                read->reset();
                continue;
            }
            std::string payload = read->getText(0);
            read->reset();
            auto next = redactedPayload(payload, t.fields);
            if (!next) continue;
            ++report.eventsRedacted;
            if (dryRun) continue;
            write->bind(1, *next).bind(2, t.id);
            write->step();
            write->reset();
            redacted.add(json::Object().set("id", t.id).set("sha256", sha256Hex(*next)));
        }
        report.donors = static_cast<std::int64_t>(donors.size());
        report.contacts = static_cast<std::int64_t>(schools.size());
        report.donorIds = donors;
        report.schoolIds = schools;
        report.donorFieldRows = static_cast<std::int64_t>(fieldUnits.size());
        report.siteContacts = static_cast<std::int64_t>(siteCodes.size());
        report.siteCodes = siteCodes;
        if (dryRun || (donors.empty() && schools.empty() && fieldUnits.empty() && siteIds.empty() &&
                       report.eventsRedacted == 0))
            return report;

        json::Object schoolTables, siteTables;
        {
            auto donor = db.prepare("UPDATE donors SET name = 'individual donor #' || CAST(id AS TEXT), email = '' WHERE id = ?");
            for (auto id : donors) {
                donor->bind(1, id);
                donor->step();
                donor->reset();
            }
            auto school = db.prepare("UPDATE schools SET contact = '' WHERE id = ?");
            for (auto id : schools) {
                school->bind(1, id);
                school->step();
                school->reset();
                schoolTables.set(std::to_string(id), json::Object().set("contact", ""));
            }
            // The purge is not an update of the site: updated_at stays, the contact goes.
            auto site = db.prepare("UPDATE sites SET contact = '' WHERE id = ?");
            for (std::size_t i = 0; i < siteIds.size(); ++i) {
                site->bind(1, siteIds[i]);
                site->step();
                site->reset();
                siteTables.set(siteCodes[i], json::Object().set("contact", ""));
            }
            auto fields = db.prepare("DELETE FROM unit_donor_fields WHERE unit_id = ?");
            for (auto id : fieldUnits) {
                fields->bind(1, id);
                fields->step();
                fields->reset();
            }
        }
        json::Array donorIds;
        for (auto id : donors) donorIds.add(id);
        auto event = appendEvent(db, actor,
                                 {"privacy", "purge", "privacy_purged",
                                  json::Object()
                                      .set("policy_days", toJson(policy))
                                      .raw("donors", donorIds.str())
                                      .set("contacts", report.contacts)
                                      .set("donor_field_rows", report.donorFieldRows)
                                      .set("site_contacts", report.siteContacts)
                                      .raw("redacted", redacted.str())
                                      .set("tables", json::Object().set("schools", schoolTables).set("sites", siteTables))
                                      .str()});
        report.eventId = event.id;
        return report;
    };
    if (dryRun) return guard("counting personal data past retention", work);
    return inTransaction(db, "purging personal data", work);
}

}  // namespace reemploi::inventory
