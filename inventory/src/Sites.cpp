// Distribution sites: saves with their events, a structure's usual site, pick-up lists and the
// hand-over scan (a delivery through the lifecycle's internal path, as the allocation records it).
#include <reemploi/inventory/Sites.hpp>

#include <algorithm>
#include <cctype>
#include <set>

#include <reemploi/common/Json.hpp>
#include <reemploi/common/Text.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Programmes.hpp>
#include <reemploi/inventory/Units.hpp>
#include <reemploi/inventory/Validation.hpp>

#include "LifecycleInternal.hpp"

namespace reemploi::inventory {

namespace {

using text::trim;

constexpr const char *kSiteColumns = "id, code, name, address, hours, contact FROM sites";

Site readSite(const Statement &st) {
    return {st.getInt(0), st.getText(1), st.getText(2), st.getText(3), st.getText(4), st.getText(5)};
}

std::optional<std::int64_t> siteIdOf(Database &db, const std::string &code) {
    auto &st = db.cached("SELECT id FROM sites WHERE code = ?");
    st.bind(1, code);
    std::optional<std::int64_t> id;
    if (st.step()) id = st.getInt(0);
    st.reset();
    return id;
}

// "Dell Latitude 5490": what the site's staff read on the box.
std::string makeAndModel(const std::string &make, const std::string &model) {
    std::string out = trim(make);
    if (!model.empty()) out += (out.empty() ? "" : " ") + model;
    return out;
}

}  // namespace

Status checkNewSite(const NewSite &site) {
    std::string code = trim(site.code);
    if (code.empty() || code.size() > 32 ||
        !std::all_of(code.begin(), code.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; }))
        return makeError(Errc::InvalidInput, "code: '" + code + "' must be 1 to 32 letters, digits, '-' or '_'");
    if (trim(site.name).empty()) return makeError(Errc::InvalidInput, "name: site " + code + " has no name");
    REEMPLOI_TRY(checkLine(site.name, "name", kMaxNameChars));
    REEMPLOI_TRY(checkLine(site.address, "address", 500));
    REEMPLOI_TRY(checkLine(site.hours, "hours", 500));
    REEMPLOI_TRY(checkLine(site.contact, "contact", kMaxNameChars));
    return {};
}

Result<SiteSaveReport> saveSites(Database &db, const std::vector<NewSite> &sites, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "save distribution sites"));
    std::set<std::string> seen;
    for (const auto &s : sites) {
        REEMPLOI_TRY(checkNewSite(s));
        if (!seen.insert(trim(s.code)).second)
            return makeError(Errc::InvalidInput, "code: site " + trim(s.code) + " is given twice");
    }
    return inTransaction(db, "saving distribution sites", [&]() -> Result<SiteSaveReport> {
        SiteSaveReport report;
        std::string now = nowUtc();
        for (const auto &input : sites) {
            std::string code = trim(input.code);
            auto payload = json::Object()
                               .set("code", code)
                               .set("name", trim(input.name))
                               .set("address", trim(input.address))
                               .set("hours", trim(input.hours))
                               .set("contact", trim(input.contact));
            auto existing = siteIdOf(db, code);
            if (existing) {
                auto &st = db.cached("UPDATE sites SET name = ?, address = ?, hours = ?, contact = ?, updated_at = ? WHERE id = ?");
                st.bind(1, trim(input.name)).bind(2, trim(input.address)).bind(3, trim(input.hours));
                st.bind(4, trim(input.contact)).bind(5, now).bind(6, *existing);
                st.step();
                st.reset();
                appendEvent(db, actor, {"site", code, "site_updated", payload.str()});
                ++report.updated;
            } else {
                auto &st = db.cached(
                    "INSERT INTO sites (code, name, address, hours, contact, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
                st.bind(1, code).bind(2, trim(input.name)).bind(3, trim(input.address)).bind(4, trim(input.hours));
                st.bind(5, trim(input.contact)).bind(6, now).bind(7, now);
                st.step();
                st.reset();
                appendEvent(db, actor, {"site", code, "site_created", payload.str()});
                ++report.created;
            }
        }
        return report;
    });
}

Result<std::vector<Site>> listSites(Database &db) {
    return guard("listing sites", [&]() -> Result<std::vector<Site>> {
        auto st = db.prepare(std::string("SELECT ") + kSiteColumns + " ORDER BY code");
        std::vector<Site> out;
        while (st->step()) out.push_back(readSite(*st));
        return out;
    });
}

Result<Site> getSite(Database &db, std::string_view code) {
    return guard("reading a site", [&]() -> Result<Site> {
        auto st = db.prepare(std::string("SELECT ") + kSiteColumns + " WHERE code = ?");
        st->bind(1, trim(code));
        if (!st->step()) return makeError(Errc::NotFound, "site: no distribution site '" + trim(code) + "' (reemploi site list)");
        return readSite(*st);
    });
}

Status setStructureSite(Database &db, std::string_view structure, std::string_view siteCode, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "set a structure's distribution site"));
    auto id = checkStructureId(structure);
    if (!id) return id.error();
    return inTransaction(db, "setting a structure's site", [&]() -> Status {
        auto school = getSchool(db, *id);
        if (!school) return school.error();
        std::optional<std::int64_t> siteId;
        if (!trim(siteCode).empty()) {
            auto site = getSite(db, siteCode);
            if (!site) return site.error();
            siteId = site->id;
        }
        auto &st = db.cached("UPDATE schools SET site_id = ?, updated_at = ? WHERE id = ?");
        if (siteId) st.bind(1, *siteId);
        else st.bindNull(1);
        st.bind(2, nowUtc()).bind(3, school->id);
        st.step();
        st.reset();
        appendEvent(db, actor, {"school", std::to_string(school->id), "school_site_set",
                                json::Object().set("site", trim(siteCode)).str()});
        return {};
    });
}

Result<PickupList> pickupList(Database &db, std::string_view siteCode, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "read a site's pick-up list"));
    return guard("reading a pick-up list", [&]() -> Result<PickupList> {
        auto site = getSite(db, siteCode);
        if (!site) return site.error();
        PickupList list{*site, {}};
        auto units = db.prepare(
            "SELECT u.tag, u.kind, u.make, u.model, s.uai, n.family_ref FROM needs n"
            " JOIN schools s ON s.id = n.school_id JOIN units u ON u.id = n.unit_id"
            " WHERE s.site_id = ? AND n.status = 'served' AND u.status = 'allocated'");
        units->bind(1, site->id);
        while (units->step())
            list.lines.push_back({units->getText(0), units->getText(1),
                                  makeAndModel(units->getText(2), units->getText(3)),
                                  units->getText(4) + "/" + units->getText(5), ""});
        // The accessories that go with those units (allocated with them).
        auto accessories = db.prepare(
            "SELECT a.tag, a.kind, a.make, a.model, s.uai, n.family_ref, u.tag FROM units a"
            " JOIN units u ON u.id = a.attached_to JOIN needs n ON n.unit_id = u.id JOIN schools s ON s.id = n.school_id"
            " WHERE s.site_id = ? AND n.status = 'served' AND u.status = 'allocated' AND a.status = 'allocated'");
        accessories->bind(1, site->id);
        while (accessories->step())
            list.lines.push_back({accessories->getText(0), accessories->getText(1),
                                  makeAndModel(accessories->getText(2), accessories->getText(3)),
                                  accessories->getText(4) + "/" + accessories->getText(5), accessories->getText(6)});
        auto kits = db.prepare(
            "SELECT k.tag, k.kind, k.operator, s.uai, n.family_ref FROM kits k JOIN needs n ON n.id = k.need_id"
            " JOIN schools s ON s.id = n.school_id WHERE s.site_id = ? AND k.status = 'allocated'");
        kits->bind(1, site->id);
        while (kits->step())
            list.lines.push_back({kits->getText(0), kits->getText(1), kits->getText(2),
                                  kits->getText(3) + "/" + kits->getText(4), ""});
        std::stable_sort(list.lines.begin(), list.lines.end(), [](const PickupLine &a, const PickupLine &b) {
            if (a.needRef != b.needRef) return a.needRef < b.needRef;
            bool ak = a.tag.rfind("K-", 0) == 0, bk = b.tag.rfind("K-", 0) == 0;
            if (ak != bk) return !ak;
            // A unit, then its accessories.
            const std::string &au = a.with.empty() ? a.tag : a.with, &bu = b.with.empty() ? b.tag : b.with;
            if (au != bu) return au < bu;
            if (a.with.empty() != b.with.empty()) return a.with.empty();
            return a.tag < b.tag;
        });
        return list;
    });
}

Result<Handover> recordHandover(Database &db, std::string_view siteCode, std::string_view tagText, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "record a hand-over at a site"));
    std::string tag = trim(tagText);
    return inTransaction(db, "recording a hand-over", [&]() -> Result<Handover> {
        auto list = pickupList(db, siteCode, actor);
        if (!list) return list.error();
        auto line = std::find_if(list->lines.begin(), list->lines.end(),
                                 [&](const PickupLine &l) { return l.tag == tag; });
        if (line == list->lines.end()) {
            // The unit's tag as typed (RE-12) is found by getUnit; kits by their exact tag.
            if (auto unit = getUnit(db, tag))
                line = std::find_if(list->lines.begin(), list->lines.end(),
                                    [&](const PickupLine &l) { return l.tag == unit->tag; });
        }
        if (line == list->lines.end())
            return makeError(Errc::Refused, tag + " is not on the pick-up list of site " + list->site.code +
                                                " (only allocated units and kits of the structures that name it)");
        if (!line->with.empty())
            return makeError(Errc::Refused, line->tag + " goes with " + line->with + ": scan " + line->with +
                                                ", its accessories are handed over with it");
        std::string now = nowUtc();
        if (line->tag.rfind("K-", 0) == 0) {
            auto &st = db.cached("UPDATE kits SET status = 'delivered', updated_at = ? WHERE tag = ? AND status = 'allocated'");
            st.bind(1, now).bind(2, line->tag);
            st.step();
            st.reset();
            appendEvent(db, actor, {"kit", line->tag, "kit_status_changed",
                                    json::Object().set("from", "allocated").set("to", "delivered").set("site", list->site.code).str()});
        } else {
            auto unit = internal::setStatusByAllocation(db, line->tag, UnitStatus::Delivered,
                                                        "handed over at site " + list->site.code, actor,
                                                        json::Object().set("need", line->needRef).set("site", list->site.code));
            if (!unit) return unit.error();
            auto &st = db.cached(
                "INSERT INTO handovers (unit_id, need_id, site_id, at, actor)"
                " SELECT u.id, n.id, ?, ?, ? FROM units u JOIN needs n ON n.unit_id = u.id WHERE u.tag = ? AND n.status = 'served'");
            st.bind(1, list->site.id).bind(2, now).bind(3, actor.name).bind(4, line->tag);
            st.step();
            st.reset();
        }
        return Handover{line->tag, line->needRef, list->site.code};
    });
}

}  // namespace reemploi::inventory
