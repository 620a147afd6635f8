// The allocation over the database: loading the problem, storing and confirming proposals, pins,
// deliveries and returns. Status changes go through the lifecycle's internal path for the
// allocation (LifecycleInternal.hpp): only this service takes units into and out of `allocated`
// and `delivered`. Every write needs a coordinator.
#include <reemploi/common/Text.hpp>
#include <reemploi/inventory/allocation/AllocationService.hpp>

#include <cctype>
#include <charconv>
#include <fstream>
#include <map>
#include <sstream>

#include <reemploi/common/Json.hpp>
#include <reemploi/common/File.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Lifecycle.hpp>
#include <reemploi/inventory/Programmes.hpp>
#include <reemploi/inventory/Units.hpp>

#include "LifecycleInternal.hpp"
#include "allocation/Text.hpp"

namespace reemploi::inventory::allocation {

namespace {

using text::trim;

std::optional<std::int64_t> toInt(const std::string &s) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

std::string optText(const std::optional<std::int64_t> &v) { return v ? std::to_string(*v) : "-"; }

std::string lowerAscii(std::string s) {
    for (auto &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

json::Object figuresJson(const Proposal &p) {
    const auto &s = p.solution;
    const auto &problem = p.input.problem;
    json::Array ranks;
    for (int r = 0; r < 3; ++r)
        ranks.add(json::Object().set("rank", r + 1).set("open", s.byRank[r].open).set("served", s.byRank[r].served));
    json::Array schools;
    for (std::size_t i = 0; i < s.bySchool.size(); ++i) {
        const auto &f = s.bySchool[i];
        if (f.open == 0) continue;
        json::Array servedByRank, openByRank;
        for (int r = 0; r < 3; ++r) {
            servedByRank.add(f.servedByRank[r]);
            openByRank.add(f.openByRank[r]);
        }
        schools.add(json::Object()
                        .set("school", problem.schools[i].uai)
                        .set("open", f.open)
                        .set("share", f.share)
                        .set("served", f.served)
                        .raw("open_by_rank", openByRank.str())
                        .raw("served_by_rank", servedByRank.str()));
    }
    return json::Object()
        .raw("by_rank", ranks.str())
        .raw("by_school", schools.str())
        .set("priority_weight", s.priorityWeight)
        .set("suitability_cost", s.suitabilityCost)
        .set("over_share", s.overShare);
}

}  // namespace

Result<Config> parseConfig(std::string_view text) {
    Config config;
    config.flags.clear();
    Config defaults;
    std::map<std::string, std::int64_t> weights;
    std::istringstream in{std::string(text)};
    std::size_t lineNo = 0;
    for (std::string line; std::getline(in, line);) {
        ++lineNo;
        if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        line = trim(line);
        if (line.empty()) continue;
        auto where = "line " + std::to_string(lineNo) + ": ";
        auto eq = line.find('=');
        if (eq == std::string::npos) return makeError(Errc::InvalidInput, where + "expected key = value");
        std::string key = trim(line.substr(0, eq)), valueText = trim(line.substr(eq + 1));
        if (key == "kinds" || (key.rfind("kinds.", 0) == 0 && key.size() > 6)) {
            std::vector<UnitKind> kinds;
            std::istringstream items(valueText);
            for (std::string item; std::getline(items, item, ',');) {
                item = trim(item);
                if (item.empty()) continue;
                auto kind = parseUnitKind(item);
                // Laptops and tablets; a printer or an accessory only when a programme names it
                // (a programme lending printers); desktops, phones, monitors are not handed out.
                if (!kind || !(*kind == UnitKind::Laptop || *kind == UnitKind::Tablet || *kind == UnitKind::Printer ||
                               isAccessory(*kind)))
                    return makeError(Errc::InvalidInput,
                                     where + key + ": '" + item +
                                         "' is not a kind the allocation hands out (laptop, tablet; printer, charger, "
                                         "mouse, keyboard, cable when a programme names them)");
                if (key != "kinds" && *kind != UnitKind::Laptop && *kind != UnitKind::Tablet)
                    return makeError(Errc::InvalidInput, where + key + ": '" + item +
                                                             "': a level names laptops and tablets only (name " + item +
                                                             " in kinds)");
                kinds.push_back(*kind);
            }
            if (kinds.empty()) return makeError(Errc::InvalidInput, where + key + ": name at least one kind (laptop, tablet)");
            if (key == "kinds") config.kinds = std::move(kinds);
            else config.kindsByLevel.emplace_back(lowerAscii(key.substr(6)), std::move(kinds));
            continue;
        }
        auto value = toInt(valueText);
        if (!value || *value < 0)
            return makeError(Errc::InvalidInput, where + key + ": '" + valueText + "' is not a whole number >= 0");
        if (key == "min_laptop_ram_mib") config.minLaptopRamMib = *value;
        else if (key == "min_tablet_ram_mib") config.minTabletRamMib = *value;
        else if (key == "min_laptop_storage_gb") config.minLaptopStorageGb = *value;
        else if (key == "min_tablet_storage_gb") config.minTabletStorageGb = *value;
        else if (key == "min_battery_percent") config.minBatteryPercent = *value;
        else if (key.rfind("priority.", 0) == 0 && key.size() > 9) weights[foldKey(key.substr(9))] = *value;
        else return makeError(Errc::InvalidInput, where + "unknown key '" + key + "'");
    }
    for (const auto &f : defaults.flags)
        if (!weights.count(f.name)) weights[f.name] = f.weight;
    // Defaults first (qpv, referral), then the others by name: a stable bit order.
    for (const auto &f : defaults.flags) config.flags.push_back({f.name, weights[f.name]});
    for (const auto &[name, w] : weights)
        if (!defaults.flagIndex(name)) config.flags.push_back({name, w});
    if (config.flags.size() > 32) return makeError(Errc::InvalidInput, "more than 32 priority flags configured");
    return config;
}

Result<Config> loadConfigFile(const std::string &path) {
    // A configuration is a few lines; 1 MB leaves room for comments and refuses a wrong file.
    auto text = file::readRegularFile(path, 1'000'000);
    if (!text) return text.error().withContext("allocation config");
    auto config = parseConfig(*text);
    if (!config) return config.error().withContext(path);
    return config;
}

Result<Config> programmeConfig(Database &db, std::int64_t programmeId) {
    return guard("reading the programme's rules", [&]() -> Result<Config> {
        auto st = db.prepare("SELECT name, rules FROM programmes WHERE id = ?");
        st->bind(1, programmeId);
        if (!st->step()) return makeError(Errc::NotFound, "programme: no programme " + std::to_string(programmeId));
        auto config = parseConfig(st->getText(1));
        if (!config) return config.error().withContext("rules of programme " + st->getText(0));
        return config;
    });
}

Result<ProgrammeRun> programmeRun(Database &db, const std::optional<std::string> &programmeName,
                                  const std::optional<Config> &given) {
    ProgrammeRun run;
    if (!programmeName) {
        run.config = given.value_or(Config{});
        return run;
    }
    auto programme = getProgramme(db, *programmeName);
    if (!programme) return programme.error();
    run.programmeId = programme->id;
    if (given) {
        run.config = *given;
        return run;
    }
    auto rules = programmeConfig(db, run.programmeId);
    if (!rules) return rules.error();
    run.config = *rules;
    return run;
}

Result<LoadedProblem> loadProblem(Database &db, const Config &config, std::int64_t programmeId) {
    return guard("loading the allocation problem", [&]() -> Result<LoadedProblem> {
        LoadedProblem out;
        Problem &p = out.problem;
        p.config = config;
        std::string unitsText, needsText;

        std::map<std::int64_t, std::uint32_t> schoolIndex;
        {
            auto st = db.prepare("SELECT id, uai, priority_area FROM schools ORDER BY id");
            while (st->step()) {
                schoolIndex[st->getInt(0)] = static_cast<std::uint32_t>(p.schools.size());
                p.schools.push_back({st->getText(1), st->getInt(2) != 0});
                needsText += 'S';
                needsText += std::to_string(st->getInt(0)) + "|" + st->getText(1) + "|" +
                             std::to_string(st->getInt(2)) + "\n";
            }
        }
        {
            auto st = db.prepare(
                "SELECT u.id, u.tag, u.kind, u.keyboard_layout, u.ram_mib, u.battery_health,"
                " (SELECT SUM(m.capacity_bytes) FROM storage_media m WHERE m.unit_id = u.id),"
                " (SELECT COUNT(*) FROM storage_media m WHERE m.unit_id = u.id AND m.capacity_bytes IS NULL)"
                " FROM units u WHERE u.status = 'ready' AND u.attached_to IS NULL ORDER BY u.id");
            while (st->step()) {
                AllocUnit u;
                u.id = st->getInt(0);
                u.tag = st->getText(1);
                auto kind = parseUnitKind(st->getText(2));
                u.kind = kind ? *kind : UnitKind::Other;
                // A laptop's keyboard layout is recorded when it was checked; empty means unknown.
                if (!st->getText(3).empty()) u.keyboard = true;
                u.ramMib = st->getOptInt(4);
                u.batteryPercent = st->getOptInt(5);
                auto bytes = st->getOptInt(6);
                if (bytes && st->getInt(7) == 0) u.storageGb = *bytes / 1'000'000'000;
                unitsText += std::to_string(u.id) + "|" + u.tag + "|" + st->getText(2) + "|" + st->getText(3) + "|" +
                             optText(u.ramMib) + "|" + optText(u.batteryPercent) + "|" + optText(u.storageGb) + "\n";
                p.units.push_back(std::move(u));
            }
        }
        {
            auto needs = listProgrammeNeeds(db, programmeId, NeedStatus::Open);
            if (!needs) return needs.error();
            out.needs = std::move(needs.value());
            for (const auto &n : out.needs) {
                AllocNeed a;
                a.id = n.id;
                a.school = schoolIndex.at(n.schoolId);
                a.family = n.family;
                for (auto g : n.grades) {
                    auto &c = a.children[static_cast<int>(g)];
                    if (c < 255) ++c;
                }
                a.devicesAtHome = static_cast<std::int32_t>(n.devicesAtHome);
                a.internet = n.internet;
                a.preference = n.preference;
                a.laptopOnly = p.config.laptopOnlyFor(n.level);
                a.wantsKit = n.internet == Internet::None;
                for (const auto &f : n.priorityFlags) {
                    auto index = p.config.flagIndex(f);
                    if (!index) {
                        if (p.config.flags.size() >= 32)
                            return makeError(Errc::InvalidInput, "more than 32 distinct priority flags in the needs");
                        p.config.flags.push_back({foldKey(f), 1});
                        index = static_cast<std::uint32_t>(p.config.flags.size() - 1);
                    }
                    a.flags |= 1u << *index;
                }
                std::string grades, flags;
                for (auto g : n.grades) grades += std::string(toString(g)) + " ";
                for (const auto &f : n.priorityFlags) flags += f + ",";
                needsText += std::to_string(n.id) + "|" + std::to_string(n.schoolId) + "|" + n.family + "|" + grades +
                             "|" + std::to_string(n.devicesAtHome) + "|" + std::string(toString(n.internet)) + "|" +
                             flags + "|" + std::string(toString(n.preference)) + "\n";
                p.needs.push_back(std::move(a));
            }
        }
        {
            auto st = db.prepare("SELECT unit_id, kind, need_id FROM allocation_pins ORDER BY unit_id");
            while (st->step()) {
                if (st->getText(1) == "exclude") p.excludedUnits.push_back(st->getInt(0));
                else p.pins.push_back({st->getInt(0), st->getOptInt(2).value_or(0)});
                needsText += 'P';
                needsText += std::to_string(st->getInt(0)) + "|" + st->getText(1) + "|" +
                             optText(st->getOptInt(2)) + "\n";
            }
        }
        {
            // Kits in stock whose plan has not ended (none: the fingerprint is as before kits).
            auto st = db.prepare(
                "SELECT id, tag, kind FROM kits WHERE status = 'in_stock' AND (plan_ends_on = '' OR plan_ends_on >= ?)"
                " ORDER BY id");
            st->bind(1, nowUtc().substr(0, 10));
            while (st->step()) {
                p.kits.push_back({st->getInt(0), st->getText(1), st->getText(2)});
                unitsText += 'K' + std::to_string(st->getInt(0)) + "|" + st->getText(1) + "\n";
            }
        }
        out.unitsFingerprint = sha256Hex(unitsText);
        out.needsFingerprint = sha256Hex(needsText);
        return out;
    });
}

Result<Proposal> propose(Database &db, const Config &config, const Actor &actor, bool dryRun, std::int64_t programmeId) {
    if (!dryRun) REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "store an allocation proposal"));
    auto loaded = loadProblem(db, config, programmeId);
    if (!loaded) return loaded.error();
    Proposal proposal;
    proposal.input = std::move(loaded.value());
    auto solved = solve(proposal.input.problem);
    if (!solved) return solved.error();
    proposal.solution = std::move(solved.value());
    if (dryRun) return proposal;

    auto stored = inTransaction(db, "storing the allocation proposal", [&]() -> Result<std::int64_t> {
        const auto &p = proposal.input.problem;
        const auto &s = proposal.solution;
        std::string now = nowUtc();
        // Proposals are stored one at a time (on PostgreSQL two coordinators may store at once):
        // at most one stays proposed.
        db.lockAuditChain();
        auto &replaced = db.cached("UPDATE allocation_runs SET status = 'replaced' WHERE status = 'proposed' AND programme_id = ?");
        replaced.bind(1, programmeId);
        replaced.step();
        replaced.reset();
        auto summary = figuresJson(proposal).str();
        auto &run = db.cached(
            "INSERT INTO allocation_runs (status, units_fingerprint, needs_fingerprint, summary, actor, created_at, programme_id)"
            " VALUES ('proposed', ?, ?, ?, ?, ?, ?) RETURNING id");
        run.bind(1, proposal.input.unitsFingerprint).bind(2, proposal.input.needsFingerprint).bind(3, summary);
        run.bind(4, actor.name).bind(5, now).bind(6, programmeId);
        run.step();
        std::int64_t runId = run.getInt(0);
        run.reset();
        auto &insert = db.cached(
            "INSERT INTO allocation_assignments (run_id, unit_id, need_id, pinned, reason) VALUES (?, ?, ?, ?, ?)");
        for (const auto &a : s.assignments) {
            insert.bind(1, runId).bind(2, p.units[a.unit].id).bind(3, p.needs[a.need].id);
            insert.bind(4, a.pinned ? 1 : 0).bind(5, a.reason);
            insert.step();
            insert.reset();
        }
        for (const auto &k : s.kitAssignments) {
            auto &kit = db.cached("INSERT INTO allocation_kit_assignments (run_id, kit_id, need_id, reason) VALUES (?, ?, ?, ?)");
            kit.bind(1, runId).bind(2, p.kits[k.kit].id).bind(3, p.needs[k.need].id).bind(4, k.reason);
            kit.step();
            kit.reset();
        }
        auto event = json::Object().set("assignments", static_cast<std::int64_t>(s.assignments.size()));
        if (!s.kitAssignments.empty()) event.set("kits", static_cast<std::int64_t>(s.kitAssignments.size()));
        if (programmeId != 1) event.set("programme", programmeId);
        appendEvent(db, actor,
                    {"allocation", std::to_string(runId), "allocation_proposed",
                     event
                         .set("unmet", static_cast<std::int64_t>(s.unmet.size()))
                         .raw("figures", summary)
                         .str()});
        return runId;
    });
    if (!stored) return stored.error();
    proposal.runId = *stored;
    return proposal;
}

namespace {

// [{"code": "rank.some", "values": ["1", "2"]}, …]: the reason for a page to word.
std::string partsJson(const std::vector<ReasonPart> &parts) {
    json::Array out;
    for (const auto &p : parts) {
        json::Array values;
        for (const auto &v : p.values) values.add(v);
        out.add(json::Object().set("code", p.code).raw("values", values.str()));
    }
    return out.str();
}

}  // namespace

std::string proposalJson(const Proposal &proposal) {
    const auto &p = proposal.input.problem;
    const auto &s = proposal.solution;
    auto needRef = [&](std::size_t j) { return p.schools[p.needs[j].school].uai + "/" + p.needs[j].family; };
    json::Array assignments, unmet, unused, notes, kits;
    for (const auto &k : s.kitAssignments)
        kits.add(json::Object()
                     .set("kit", p.kits[k.kit].tag)
                     .set("kind", p.kits[k.kit].kind)
                     .set("need", needRef(k.need))
                     .set("reason", k.reason)
                     .raw("reason_parts", partsJson(k.parts)));
    for (const auto &a : s.assignments)
        assignments.add(json::Object()
                            .set("unit", p.units[a.unit].tag)
                            .set("need", needRef(a.need))
                            .set("school", p.schools[p.needs[a.need].school].uai)
                            .set("family", p.needs[a.need].family)
                            .set("rank", rankOf(p.needs[a.need]))
                            .set("pinned", a.pinned)
                            .set("reason", a.reason)
                            .raw("reason_parts", partsJson(a.parts)));
    for (const auto &m : s.unmet)
        unmet.add(json::Object()
                      .set("need", needRef(m.need))
                      .set("school", p.schools[p.needs[m.need].school].uai)
                      .set("family", p.needs[m.need].family)
                      .set("rank", rankOf(p.needs[m.need]))
                      .set("why", m.why)
                      .raw("why_parts", partsJson(m.parts)));
    for (const auto &u : s.unused)
        unused.add(json::Object().set("unit", p.units[u.unit].tag).set("why", u.why).raw("why_parts", partsJson(u.parts)));
    for (const auto &n : s.notes) notes.add(n);
    json::Object out;
    if (proposal.runId) out.set("run", *proposal.runId);
    else out.null("run");
    return out.set("dry_run", !proposal.runId.has_value())
        .raw("assignments", assignments.str())
        .raw("kit_assignments", kits.str())
        .raw("unmet", unmet.str())
        .raw("unused", unused.str())
        .raw("notes", notes.str())
        .set("figures", figuresJson(proposal))
        .str();
}

Result<ConfirmReport> confirmProposal(Database &db, const Actor &actor, std::int64_t programmeId) {
    REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "confirm an allocation"));
    return inTransaction(db, "confirming the allocation", [&]() -> Result<ConfirmReport> {
        // Confirmations run one at a time, and each reads the stock after the previous one's
        // commit (on PostgreSQL coordinators confirm at once): the fingerprints below then see
        // any unit another confirmation took, and no unit is allocated twice.
        db.lockAuditChain();
        ConfirmReport report;
        std::string unitsFp, needsFp;
        {
            auto st = db.prepare(
                "SELECT id, units_fingerprint, needs_fingerprint FROM allocation_runs WHERE status = 'proposed'"
                " AND programme_id = ? ORDER BY id DESC");
            st->bind(1, programmeId);
            if (!st->step())
                return makeError(Errc::NotFound, "no allocation proposal to confirm: run 'reemploi allocate' first");
            report.runId = st->getInt(0);
            unitsFp = st->getText(1);
            needsFp = st->getText(2);
        }
        auto now = loadProblem(db, Config{}, programmeId);
        if (!now) return now.error();
        std::string run = "proposal " + std::to_string(report.runId);
        if (now->unitsFingerprint != unitsFp)
            return makeError(Errc::Conflict, "the ready units changed since " + run +
                                                 " was made: run 'reemploi allocate' again, then confirm");
        if (now->needsFingerprint != needsFp)
            return makeError(Errc::Conflict, "the open needs (or pins) changed since " + run +
                                                 " was made: run 'reemploi allocate' again, then confirm");
        struct Row {
            std::string tag, ref;
            std::int64_t unitId, needId;
        };
        std::vector<Row> rows;
        {
            auto st = db.prepare(
                "SELECT u.tag, s.uai, n.family_ref, a.unit_id, a.need_id FROM allocation_assignments a"
                " JOIN units u ON u.id = a.unit_id JOIN needs n ON n.id = a.need_id JOIN schools s ON s.id = n.school_id"
                " WHERE a.run_id = ? ORDER BY a.id");
            st->bind(1, report.runId);
            while (st->step()) rows.push_back({st->getText(0), st->getText(1) + "/" + st->getText(2), st->getInt(3), st->getInt(4)});
        }
        std::string at = nowUtc();
        for (const auto &r : rows) {
            auto moved = internal::setStatusByAllocation(db, r.tag, UnitStatus::Allocated, "allocation " + run, actor,
                                   json::Object().set("need", r.ref).set("run", report.runId));
            if (!moved) return moved.error().withContext("confirming " + run);
            auto &st = db.cached("UPDATE needs SET status = 'served', unit_id = ?, updated_at = ? WHERE id = ? AND status = 'open'");
            st.bind(1, r.unitId).bind(2, at).bind(3, r.needId);
            st.step();
            st.reset();
            appendEvent(db, actor, {"need", std::to_string(r.needId), "need_served",
                                    json::Object().set("unit", r.tag).set("run", report.runId).str()});
            ++report.allocated;
        }
        {
            // The kits go with their needs' devices.
            std::vector<std::pair<std::string, std::int64_t>> kits;
            auto st = db.prepare(
                "SELECT k.tag, a.need_id FROM allocation_kit_assignments a JOIN kits k ON k.id = a.kit_id"
                " WHERE a.run_id = ? ORDER BY a.id");
            st->bind(1, report.runId);
            while (st->step()) kits.emplace_back(st->getText(0), st->getInt(1));
            for (const auto &[kit, needId] : kits) {
                auto &up = db.cached(
                    "UPDATE kits SET status = 'allocated', need_id = ?, updated_at = ? WHERE tag = ? AND status = 'in_stock'");
                up.bind(1, needId).bind(2, at).bind(3, kit);
                up.step();
                up.reset();
                appendEvent(db, actor, {"kit", kit, "kit_status_changed",
                                        json::Object()
                                            .set("from", "in_stock")
                                            .set("to", "allocated")
                                            .set("need_id", needId)
                                            .set("run", report.runId)
                                            .str()});
                ++report.kits;
            }
        }
        auto &done = db.cached("UPDATE allocation_runs SET status = 'confirmed', confirmed_at = ? WHERE id = ?");
        done.bind(1, at).bind(2, report.runId);
        done.step();
        done.reset();
        auto &pins = db.cached(
            "DELETE FROM allocation_pins WHERE kind = 'pin' AND unit_id IN"
            " (SELECT unit_id FROM allocation_assignments WHERE run_id = ?)");
        pins.bind(1, report.runId);
        pins.step();
        pins.reset();
        appendEvent(db, actor, {"allocation", std::to_string(report.runId), "allocation_confirmed",
                                json::Object().set("allocated", report.allocated).str()});
        report.auditHead = currentHead(db);
        return report;
    });
}

Status pinUnit(Database &db, std::string_view tag, std::string_view needRef, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "pin a unit to a need"));
    return inTransaction(db, "pinning a unit", [&]() -> Status {
        auto unit = getUnit(db, tag);
        if (!unit) return unit.error();
        if (unit->status != UnitStatus::Ready)
            return makeError(Errc::Refused, "unit " + unit->tag + " is " + std::string(toString(unit->status)) +
                                                ": only ready units can be pinned");
        auto need = findNeed(db, needRef);
        if (!need) return need.error();
        if (need->status != NeedStatus::Open)
            return makeError(Errc::Refused, "need " + need->ref() + " is " + std::string(toString(need->status)) + ", not open");
        auto &other = db.cached("SELECT unit_id FROM allocation_pins WHERE kind = 'pin' AND need_id = ? AND unit_id <> ?");
        other.bind(1, need->id).bind(2, unit->id);
        std::optional<std::int64_t> taken;
        if (other.step()) taken = other.getInt(0);
        other.reset();
        if (taken) return makeError(Errc::Conflict, "need " + need->ref() + " already has a unit pinned to it (" + formatTag(*taken) + ")");
        auto &del = db.cached("DELETE FROM allocation_pins WHERE unit_id = ?");
        del.bind(1, unit->id);
        del.step();
        del.reset();
        auto &ins = db.cached("INSERT INTO allocation_pins (unit_id, kind, need_id, actor, created_at) VALUES (?, 'pin', ?, ?, ?)");
        ins.bind(1, unit->id).bind(2, need->id).bind(3, actor.name).bind(4, nowUtc());
        ins.step();
        ins.reset();
        appendEvent(db, actor, {"unit", unit->tag, "allocation_pinned", json::Object().set("need", need->ref()).str()});
        return {};
    });
}

Status excludeUnit(Database &db, std::string_view tag, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "exclude a unit from the allocation"));
    return inTransaction(db, "excluding a unit", [&]() -> Status {
        // The event names the unit by its tag (its id and its tag's number may differ).
        auto unit = getUnit(db, tag);
        if (!unit) return unit.error();
        auto id = std::optional<std::int64_t>(unit->id);
        auto &del = db.cached("DELETE FROM allocation_pins WHERE unit_id = ?");
        del.bind(1, *id);
        del.step();
        del.reset();
        auto &ins = db.cached("INSERT INTO allocation_pins (unit_id, kind, need_id, actor, created_at) VALUES (?, 'exclude', NULL, ?, ?)");
        ins.bind(1, *id).bind(2, actor.name).bind(3, nowUtc());
        ins.step();
        ins.reset();
        appendEvent(db, actor, {"unit", unit->tag, "allocation_excluded", "{}"});
        return {};
    });
}

Status clearPin(Database &db, std::string_view tag, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "clear a pin or an exclusion"));
    return inTransaction(db, "clearing a pin", [&]() -> Status {
        auto unit = getUnit(db, tag);
        if (!unit) return unit.error();
        auto id = std::optional<std::int64_t>(unit->id);
        auto &sel = db.cached("SELECT kind FROM allocation_pins WHERE unit_id = ?");
        sel.bind(1, *id);
        bool found = sel.step();
        sel.reset();
        if (!found) return makeError(Errc::NotFound, "unit " + std::string(tag) + " is neither pinned nor excluded");
        auto &del = db.cached("DELETE FROM allocation_pins WHERE unit_id = ?");
        del.bind(1, *id);
        del.step();
        del.reset();
        appendEvent(db, actor, {"unit", unit->tag, "allocation_pin_cleared", "{}"});
        return {};
    });
}

Result<std::vector<PinEntry>> listPins(Database &db) {
    return guard("listing pins", [&]() -> Result<std::vector<PinEntry>> {
        auto st = db.prepare(
            "SELECT u.tag, p.kind, s.uai, n.family_ref FROM allocation_pins p JOIN units u ON u.id = p.unit_id"
            " LEFT JOIN needs n ON n.id = p.need_id LEFT JOIN schools s ON s.id = n.school_id ORDER BY u.id");
        std::vector<PinEntry> out;
        while (st->step()) {
            PinEntry e{st->getText(0), st->getText(1), std::nullopt};
            if (!st->isNull(2)) e.needRef = st->getText(2) + "/" + st->getText(3);
            out.push_back(std::move(e));
        }
        return out;
    });
}

Result<Unit> recordDelivery(Database &db, std::string_view tag, std::string_view needRef, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "record a delivery"));
    return inTransaction(db, "recording a delivery", [&]() -> Result<Unit> {
        auto unit = getUnit(db, tag);
        if (!unit) return unit.error();
        auto need = findNeed(db, needRef);
        if (!need) return need.error();
        if (need->unitTag != unit->tag)
            return makeError(Errc::Refused, "unit " + unit->tag + " was not allocated to need " + need->ref() +
                                                (need->unitTag ? " (that need has " + *need->unitTag + ")" : ""));
        return internal::setStatusByAllocation(db, unit->tag, UnitStatus::Delivered, "delivered to the family", actor,
                         json::Object().set("need", need->ref()));
    });
}

Result<Unit> cancelAllocation(Database &db, std::string_view tag, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "cancel an allocation"));
    return inTransaction(db, "cancelling an allocation", [&]() -> Result<Unit> {
        auto unit = getUnit(db, tag);
        if (!unit) return unit.error();
        if (unit->status != UnitStatus::Allocated)
            return makeError(Errc::Refused, "unit " + unit->tag + " is " + std::string(toString(unit->status)) +
                                                ": only an allocated unit's allocation can be cancelled");
        std::optional<std::int64_t> needId;
        {
            auto &st = db.cached("SELECT id FROM needs WHERE unit_id = ? AND status = 'served'");
            st.bind(1, unit->id);
            if (st.step()) needId = st.getInt(0);
            st.reset();
        }
        json::Object details;
        if (needId) {
            auto &st = db.cached("UPDATE needs SET status = 'open', unit_id = NULL, updated_at = ? WHERE id = ?");
            st.bind(1, nowUtc()).bind(2, *needId);
            st.step();
            st.reset();
            appendEvent(db, actor, {"need", std::to_string(*needId), "need_reopened",
                                    json::Object().set("unit", unit->tag).str()});
            details.set("need_id", *needId);
        }
        return internal::setStatusByAllocation(db, unit->tag, UnitStatus::Ready, "allocation cancelled", actor, details);
    });
}

Result<Unit> returnUnit(Database &db, std::string_view tag, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "record a return"));
    return internal::setStatusByAllocation(db, tag, UnitStatus::Returned, "returned by the family", actor);
}

}  // namespace reemploi::inventory::allocation
