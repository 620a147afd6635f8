// The routes of issue 25: a mediator's needs of its school or structure (the services limit it to
// its own), and the coordinators' programmes, loans, kits, distribution sites with their pick-up
// lists and the hand-over scan. Parse, call one service, answer.
#include <sstream>

#include <reemploi/inventory/JsonViews.hpp>
#include <reemploi/inventory/Kits.hpp>
#include <reemploi/inventory/Loans.hpp>
#include <reemploi/inventory/MediatorNeeds.hpp>
#include <reemploi/inventory/Programmes.hpp>
#include <reemploi/inventory/Sites.hpp>

#include "http/JsonBody.hpp"
#include "http/Router.hpp"
#include "services/PickupDocuments.hpp"

namespace reemploi::app::http {

using namespace reemploi::inventory;
namespace alloc = reemploi::inventory::allocation;

namespace {

Result<std::vector<alloc::SchoolGrade>> gradesOf(const std::string &text) {
    std::vector<alloc::SchoolGrade> out;
    std::istringstream words(text);
    for (std::string w; words >> w;) {
        auto g = alloc::parseSchoolGrade(w);
        if (!g) return makeFieldError(Errc::InvalidInput, "grades", "grades: " + g.error().message);
        out.push_back(*g);
    }
    return out;
}

std::vector<std::string> flagsOf(const std::string &text) {
    std::vector<std::string> out;
    std::istringstream items(text);
    for (std::string f; std::getline(items, f, ',');)
        if (f.find_first_not_of(' ') != std::string::npos) out.push_back(f.substr(f.find_first_not_of(' ')));
    return out;
}

// The field an error names ("due: …" → "due"), so that a page can show it beside its input.
Error withField(Error e) {
    if (e.field.empty()) {
        auto colon = e.message.find(':');
        if (colon != std::string::npos && colon < 24 && e.message.find(' ') > colon) e.field = e.message.substr(0, colon);
    }
    return e;
}

Response structureNeedsRoute(Call &call) {
    REEMPLOI_HTTP_TRY(needs, structureNeeds(call.db, call.request.param("uai"), call.actor));
    json::Array out;
    for (const auto &n : *needs) out.add(toJson(n, NeedAudience::Coordinator).set("level", n.level));
    return jsonResponse(out);
}

// {family, grades "CP CE2", devices_at_home, internet, preference, priority "qpv,referral", accessibility, level, programme}
Response addStructureNeedRoute(Call &call) {
    // The access rule first: a mediator of another school learns nothing from the body's errors.
    if (auto ok = requireStructureAccess(call.actor, call.request.param("uai"), "register needs"); !ok)
        return errorResponse(ok.error());
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    NewNeed n;
    n.uai = call.request.param("uai");
    REEMPLOI_HTTP_TRY(family, body->text("family"));
    n.family = *family;
    REEMPLOI_HTTP_TRY(grades, body->optionalText("grades"));
    REEMPLOI_HTTP_TRY(parsedGrades, gradesOf(grades->value_or("")));
    n.grades = *parsedGrades;
    REEMPLOI_HTTP_TRY(devices, body->integer("devices_at_home"));
    n.devicesAtHome = devices->value_or(0);
    REEMPLOI_HTTP_TRY(internet, body->optionalText("internet"));
    if (*internet) {
        auto parsed = alloc::parseInternet(**internet);
        if (!parsed) return errorResponse(makeFieldError(Errc::InvalidInput, "internet", "internet: " + parsed.error().message));
        n.internet = *parsed;
    }
    REEMPLOI_HTTP_TRY(preference, body->optionalText("preference"));
    if (*preference) {
        auto parsed = alloc::parseKindPreference(**preference);
        if (!parsed) return errorResponse(makeFieldError(Errc::InvalidInput, "preference", "preference: " + parsed.error().message));
        n.preference = *parsed;
    }
    REEMPLOI_HTTP_TRY(priority, body->optionalText("priority"));
    n.priorityFlags = flagsOf(priority->value_or(""));
    REEMPLOI_HTTP_TRY(accessibility, body->optionalText("accessibility"));
    n.accessibility = accessibility->value_or("");
    REEMPLOI_HTTP_TRY(level, body->optionalText("level"));
    n.level = level->value_or("");
    REEMPLOI_HTTP_TRY(programme, body->optionalText("programme"));
    n.programme = programme->value_or("");
    auto added = addNeeds(call.db, {n}, call.actor);
    if (!added) return errorResponse(withField(added.error()));
    auto need = added->front();
    if (call.actor.role == Role::Mediator) need.unitTag.reset();
    return jsonResponse(toJson(need, NeedAudience::Coordinator).set("level", need.level), 201);
}

Response updateStructureNeedRoute(Call &call) {
    if (auto ok = requireStructureAccess(call.actor, call.request.param("uai"), "change the needs"); !ok)
        return errorResponse(ok.error());
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    NeedPatch patch;
    REEMPLOI_HTTP_TRY(grades, body->optionalText("grades"));
    if (*grades) {
        REEMPLOI_HTTP_TRY(parsed, gradesOf(**grades));
        patch.grades = *parsed;
    }
    REEMPLOI_HTTP_TRY(devices, body->integer("devices_at_home"));
    if (*devices) patch.devicesAtHome = **devices;
    REEMPLOI_HTTP_TRY(internet, body->optionalText("internet"));
    if (*internet) {
        auto parsed = alloc::parseInternet(**internet);
        if (!parsed) return errorResponse(makeFieldError(Errc::InvalidInput, "internet", "internet: " + parsed.error().message));
        patch.internet = *parsed;
    }
    REEMPLOI_HTTP_TRY(preference, body->optionalText("preference"));
    if (*preference) {
        auto parsed = alloc::parseKindPreference(**preference);
        if (!parsed) return errorResponse(makeFieldError(Errc::InvalidInput, "preference", "preference: " + parsed.error().message));
        patch.preference = *parsed;
    }
    REEMPLOI_HTTP_TRY(priority, body->optionalText("priority"));
    if (*priority) patch.priorityFlags = flagsOf(**priority);
    REEMPLOI_HTTP_TRY(accessibility, body->optionalText("accessibility"));
    if (*accessibility) patch.accessibility = **accessibility;
    auto need = updateNeed(call.db, call.request.param("uai"), call.request.param("family"), patch, call.actor);
    if (!need) return errorResponse(withField(need.error()));
    return jsonResponse(toJson(*need, NeedAudience::Coordinator).set("level", need->level));
}

Response programmesRoute(Call &call) {
    REEMPLOI_HTTP_TRY(all, listProgrammes(call.db));
    json::Array out;
    for (const auto &p : *all) {
        json::Array levels;
        for (const auto &l : p.levels) levels.add(l);
        out.add(json::Object()
                    .set("name", p.name)
                    .set("from", p.startsOn)
                    .set("to", p.endsOn)
                    .raw("levels", levels.str())
                    .set("mode", toString(p.mode)));
    }
    return jsonResponse(out);
}

Response loansRoute(Call &call) {
    bool overdue = call.request.queryValue("overdue").value_or("") == "1";
    auto loans = listLoans(call.db, overdue, call.request.queryValue("on").value_or(""));
    if (!loans) return errorResponse(withField(loans.error()));
    json::Array out;
    for (const auto &l : *loans)
        out.add(json::Object()
                    .set("unit", l.unitTag)
                    .set("need", l.needRef)
                    .set("site", l.siteCode)
                    .set("out_at", l.outAt)
                    .set("due", l.dueOn)
                    .set("days_overdue", l.daysOverdue));
    return jsonResponse(out);
}

Response kitsRoute(Call &call) {
    std::optional<std::int64_t> within;
    if (auto w = call.request.queryValue("plan_ending_within")) {
        try {
            std::size_t used = 0;
            within = std::stoll(*w, &used);
            if (used != w->size()) throw std::invalid_argument(*w);
        } catch (const std::exception &) {
            return errorResponse(makeFieldError(Errc::InvalidInput, "plan_ending_within",
                                                "plan_ending_within: '" + *w + "' is not a number of days"));
        }
    }
    auto kits = listKits(call.db, within);
    if (!kits) return errorResponse(withField(kits.error()));
    json::Array out;
    for (const auto &k : *kits)
        out.add(json::Object()
                    .set("tag", k.tag)
                    .set("kind", toString(k.kind))
                    .set("imei", k.imei)
                    .set("iccid", k.iccid)
                    .set("operator", k.operatorName)
                    .set("plan_ends_on", k.planEndsOn)
                    .set("status", toString(k.status))
                    .set("need", k.needRef));
    return jsonResponse(out);
}

Response sitesRoute(Call &call) {
    REEMPLOI_HTTP_TRY(sites, listSites(call.db));
    json::Array out;
    for (const auto &s : *sites)
        out.add(json::Object()
                    .set("code", s.code)
                    .set("name", s.name)
                    .set("address", s.address)
                    .set("hours", s.hours)
                    .set("contact", s.contact));
    return jsonResponse(out);
}

// ?format=json (default), csv or pdf.
Response pickupListRoute(Call &call) {
    auto format = call.request.queryValue("format").value_or("json");
    if (format != "json" && format != "csv" && format != "pdf")
        return errorResponse(makeFieldError(Errc::InvalidInput, "format", "format: '" + format + "' is not json, csv or pdf"));
    REEMPLOI_HTTP_TRY(list, pickupList(call.db, call.request.param("code"), call.actor));
    if (format == "json") {
        json::Array lines;
        for (const auto &l : list->lines)
            lines.add(json::Object().set("tag", l.tag).set("kind", l.kind).set("model", l.model).set("need", l.needRef).set("with", l.with));
        return jsonResponse(json::Object().set("site", list->site.code).set("name", list->site.name).raw("lines", lines.str()));
    }
    Response r;
    std::string file = "retrait-" + list->site.code + "." + format;
    if (format == "csv") {
        r.contentType = "text/csv; charset=utf-8";
        r.body = app::pickupCsv(*list);
    } else {
        REEMPLOI_HTTP_TRY(pdf, app::pickupPdf(*list, nowUtc().substr(0, 16)));
        r.contentType = "application/pdf";
        r.body = std::move(*pdf);
    }
    return std::move(r.header("Content-Disposition", "attachment; filename=\"" + file + "\""));
}

// The scan-in-a-row mode at a site: {tag} → delivered there.
Response handoverRoute(Call &call) {
    auto body = JsonBody::parse(call.request);
    if (!body) return badRequest(body.error().message);
    REEMPLOI_HTTP_TRY(tag, body->text("tag"));
    REEMPLOI_HTTP_TRY(h, recordHandover(call.db, call.request.param("code"), *tag, call.actor));
    return jsonResponse(json::Object().set("tag", h->tag).set("need", h->needRef).set("site", h->siteCode), 201);
}

}  // namespace

void addProgrammeRoutes(Router &r) {
    r.add({"GET", "/api/structures/{uai}/needs", Access::Mediator, structureNeedsRoute,
           "a school's or structure's needs (a mediator: its own only, without units)"});
    r.add({"POST", "/api/structures/{uai}/needs", Access::Mediator, addStructureNeedRoute,
           "register a need: {family, grades, devices_at_home, internet, preference, priority, accessibility, level, programme}"});
    r.add({"PATCH", "/api/structures/{uai}/needs/{family}", Access::Mediator, updateStructureNeedRoute,
           "update an open need: {grades, devices_at_home, internet, preference, priority, accessibility}"});
    r.add({"GET", "/api/programmes", Access::Coordinator, programmesRoute, "the programmes"});
    r.add({"GET", "/api/loans", Access::Coordinator, loansRoute, "open loans (?overdue=1, ?on=DATE)"});
    r.add({"GET", "/api/kits", Access::Coordinator, kitsRoute, "connectivity kits (?plan_ending_within=DAYS)"});
    r.add({"GET", "/api/sites", Access::Coordinator, sitesRoute, "the distribution sites"});
    r.add({"GET", "/api/sites/{code}/pickup-list", Access::Coordinator, pickupListRoute,
           "a site's pick-up list (?format=json|csv|pdf)"});
    r.add({"POST", "/api/sites/{code}/handovers", Access::Coordinator, handoverRoute,
           "a scan at the site: {tag} → delivered there"});
}

}  // namespace reemploi::app::http
