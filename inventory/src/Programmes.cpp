// Levels, programmes and structures beyond schools: checks, saves with their events, reads.
#include <reemploi/inventory/Programmes.hpp>

#include <algorithm>
#include <cctype>
#include <sstream>

#include <reemploi/common/Json.hpp>
#include <reemploi/common/Text.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Validation.hpp>
#include <reemploi/inventory/allocation/AllocationService.hpp>

namespace reemploi::inventory {

namespace {

using text::trim;

std::string lower(std::string_view text) {
    std::string out = trim(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::string joined(const std::vector<std::string> &items, const char *sep = ",") {
    std::string out;
    for (const auto &i : items) out += (out.empty() ? "" : sep) + i;
    return out;
}

std::vector<std::string> split(const std::string &text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');)
        if (!trim(item).empty()) out.push_back(trim(item));
    return out;
}

constexpr const char *kProgrammeColumns = "id, name, starts_on, ends_on, levels, mode, rules FROM programmes";

Programme readProgramme(const Statement &st) {
    Programme p;
    p.id = st.getInt(0);
    p.name = st.getText(1);
    p.startsOn = st.getText(2);
    p.endsOn = st.getText(3);
    p.levels = split(st.getText(4));
    p.mode = parseProgrammeMode(st.getText(5)).value();
    p.rules = st.getText(6);
    return p;
}

const std::vector<std::string> kStructureKinds = {"school", "college", "lycee", "university",
                                                  "social-centre", "town-hall", "association", "other"};

}  // namespace

Result<std::vector<Level>> listLevels(Database &db) {
    return guard("listing levels", [&]() -> Result<std::vector<Level>> {
        auto st = db.prepare("SELECT code, label FROM levels ORDER BY position, code");
        std::vector<Level> out;
        while (st->step()) out.push_back({st->getText(0), st->getText(1)});
        return out;
    });
}

Result<std::string> checkLevel(Database &db, std::string_view code, std::string_view field) {
    std::string key = lower(code);
    auto levels = listLevels(db);
    if (!levels) return levels.error();
    std::string known;
    for (const auto &l : *levels) {
        if (l.code == key) return key;
        known += (known.empty() ? "" : ", ") + l.code;
    }
    return makeError(Errc::InvalidInput,
                     std::string(field) + ": '" + trim(code) + "' is not a known level (" + known + "; reemploi level add)");
}

Result<Level> addLevel(Database &db, const Level &input, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Admin, "add a level"));
    Level level{lower(input.code), trim(input.label)};
    if (level.code.empty() || level.code.size() > 32 ||
        !std::all_of(level.code.begin(), level.code.end(),
                     [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '-'; }))
        return makeError(Errc::InvalidInput, "code: '" + level.code + "' must be 1 to 32 lower-case letters, digits or '-'");
    if (level.label.empty()) level.label = level.code;
    REEMPLOI_TRY(checkLine(level.label, "label", kMaxNameChars));
    return inTransaction(db, "adding a level", [&]() -> Result<Level> {
        auto &exists = db.cached("SELECT 1 FROM levels WHERE code = ?");
        exists.bind(1, level.code);
        bool taken = exists.step();
        exists.reset();
        if (taken) return makeError(Errc::Conflict, "code: level '" + level.code + "' already exists");
        auto &st = db.cached("INSERT INTO levels (code, label, position) VALUES (?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM levels))");
        st.bind(1, level.code).bind(2, level.label);
        st.step();
        st.reset();
        appendEvent(db, actor, {"level", level.code, "level_created", json::Object().set("label", level.label).str()});
        return level;
    });
}

std::string_view toString(ProgrammeMode m) { return m == ProgrammeMode::Lent ? "lent" : "given"; }

Result<ProgrammeMode> parseProgrammeMode(std::string_view text) {
    auto key = lower(text);
    if (key == "given" || key == "don" || key == "donne") return ProgrammeMode::Given;
    if (key == "lent" || key == "pret" || key == "prete" || key == "loan") return ProgrammeMode::Lent;
    return makeError(Errc::InvalidInput, "mode: '" + trim(text) + "' is not given or lent");
}

Result<Programme> saveProgramme(Database &db, const Programme &input, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "save a programme"));
    Programme p = input;
    p.name = trim(p.name);
    if (p.name.empty()) return makeError(Errc::InvalidInput, "name: a programme needs a name");
    REEMPLOI_TRY(checkLine(p.name, "name", kMaxNameChars));
    if (!p.startsOn.empty()) REEMPLOI_TRY(checkDate(p.startsOn, "from"));
    if (!p.endsOn.empty()) REEMPLOI_TRY(checkDate(p.endsOn, "to"));
    if (!p.startsOn.empty() && !p.endsOn.empty() && p.endsOn < p.startsOn)
        return makeError(Errc::InvalidInput, "to: the period ends (" + p.endsOn + ") before it starts (" + p.startsOn + ")");
    if (p.levels.empty()) return makeError(Errc::InvalidInput, "levels: a programme serves at least one level");
    for (auto &l : p.levels) {
        auto code = checkLevel(db, l, "levels");
        if (!code) return code.error();
        l = *code;
    }
    if (auto config = allocation::parseConfig(p.rules); !config) return config.error().withContext("rules");
    return inTransaction(db, "saving a programme", [&]() -> Result<Programme> {
        std::string now = nowUtc();
        auto payload = json::Object()
                           .set("name", p.name)
                           .set("from", p.startsOn)
                           .set("to", p.endsOn)
                           .set("levels", joined(p.levels))
                           .set("mode", toString(p.mode))
                           .set("rules_sha256", sha256Hex(p.rules));
        auto &find = db.cached("SELECT id FROM programmes WHERE name = ?");
        find.bind(1, p.name);
        std::optional<std::int64_t> existing;
        if (find.step()) existing = find.getInt(0);
        find.reset();
        if (existing) {
            auto &st = db.cached(
                "UPDATE programmes SET starts_on = ?, ends_on = ?, levels = ?, mode = ?, rules = ?, updated_at = ? WHERE id = ?");
            st.bind(1, p.startsOn).bind(2, p.endsOn).bind(3, joined(p.levels)).bind(4, toString(p.mode));
            st.bind(5, p.rules).bind(6, now).bind(7, *existing);
            st.step();
            st.reset();
            p.id = *existing;
            appendEvent(db, actor, {"programme", std::to_string(p.id), "programme_updated", payload.str()});
        } else {
            auto &st = db.cached(
                "INSERT INTO programmes (name, starts_on, ends_on, levels, mode, rules, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
            st.bind(1, p.name).bind(2, p.startsOn).bind(3, p.endsOn).bind(4, joined(p.levels)).bind(5, toString(p.mode));
            st.bind(6, p.rules).bind(7, now).bind(8, now);
            st.step();
            p.id = st.getInt(0);
            st.reset();
            appendEvent(db, actor, {"programme", std::to_string(p.id), "programme_created", payload.str()});
        }
        return p;
    });
}

Result<std::vector<Programme>> listProgrammes(Database &db) {
    return guard("listing programmes", [&]() -> Result<std::vector<Programme>> {
        auto st = db.prepare(std::string("SELECT ") + kProgrammeColumns + " ORDER BY id");
        std::vector<Programme> out;
        while (st->step()) out.push_back(readProgramme(*st));
        return out;
    });
}

Result<Programme> getProgramme(Database &db, std::string_view name) {
    return guard("reading a programme", [&]() -> Result<Programme> {
        auto st = db.prepare(std::string("SELECT ") + kProgrammeColumns + " WHERE name = ?");
        st->bind(1, trim(name));
        if (st->step()) return readProgramme(*st);
        std::string known;
        auto all = db.prepare("SELECT name FROM programmes ORDER BY id");
        while (all->step()) known += (known.empty() ? "" : ", ") + all->getText(0);
        return makeError(Errc::NotFound, "programme: no programme named '" + trim(name) + "' (known: " + known + ")");
    });
}

Result<Programme> getProgrammeById(Database &db, std::int64_t id) {
    return guard("reading a programme", [&]() -> Result<Programme> {
        auto st = db.prepare(std::string("SELECT ") + kProgrammeColumns + " WHERE id = ?");
        st->bind(1, id);
        if (!st->step()) return makeError(Errc::NotFound, "programme: no programme " + std::to_string(id));
        return readProgramme(*st);
    });
}

Result<std::string> checkStructureKind(std::string_view kind) {
    auto key = lower(kind);
    if (key.empty()) return std::string("school");
    if (std::find(kStructureKinds.begin(), kStructureKinds.end(), key) != kStructureKinds.end()) return key;
    return makeError(Errc::InvalidInput, "kind: '" + trim(kind) + "' is not a structure kind (" + joined(kStructureKinds, ", ") + ")");
}

bool kindHasUai(std::string_view kind) {
    return kind == "school" || kind == "college" || kind == "lycee" || kind == "university";
}

Result<std::string> checkStructureId(std::string_view text) {
    std::string id = trim(text);
    if (id.size() == 8 && (id[0] == 'S' || id[0] == 's') && id[1] == '-') {
        if (std::all_of(id.begin() + 2, id.end(), [](unsigned char c) { return std::isdigit(c); })) {
            id[0] = 'S';
            return id;
        }
        return makeError(Errc::InvalidInput, "structure '" + id + "': our identifiers are S- and 6 digits (S-000001)");
    }
    return checkUai(id);
}

Result<School> addStructure(Database &db, const NewStructure &input, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "register a structure"));
    auto kind = checkStructureKind(input.kind);
    if (!kind) return kind.error();
    std::optional<std::string> uai;
    if (kindHasUai(*kind)) {
        auto checked = checkUai(input.uai);
        if (!checked) return checked.error().withContext("uai");
        uai = *checked;
    } else if (!trim(input.uai).empty()) {
        return makeError(Errc::InvalidInput, "uai: a " + *kind + " has no UAI; it gets an identifier of its own");
    }
    NewSchool probe{uai.value_or("0750655E"), input.name, input.town, "", false, input.contact};
    if (trim(input.name).empty()) return makeError(Errc::InvalidInput, "name: a structure needs a name");
    if (auto problems = checkSchoolText(probe); !problems.empty()) return problems.front().error;
    return inTransaction(db, "registering a structure", [&]() -> Result<School> {
        School s;
        if (uai) {
            auto &exists = db.cached("SELECT 1 FROM schools WHERE uai = ?");
            exists.bind(1, *uai);
            bool taken = exists.step();
            exists.reset();
            if (taken) return makeError(Errc::Conflict, "uai: " + *uai + " is already registered");
            s.uai = *uai;
        } else {
            char buf[16];
            std::snprintf(buf, sizeof buf, "S-%06lld", static_cast<long long>(db.reserveSequence("structure_id", 1)));
            s.uai = buf;
        }
        s.name = trim(input.name);
        s.town = trim(input.town);
        s.contact = trim(input.contact);
        s.kind = *kind;
        std::string now = nowUtc();
        auto &st = db.cached(
            "INSERT INTO schools (uai, name, town, district, priority_area, contact, kind, created_at, updated_at)"
            " VALUES (?, ?, ?, '', 0, ?, ?, ?, ?) RETURNING id");
        st.bind(1, s.uai).bind(2, s.name).bind(3, s.town).bind(4, s.contact).bind(5, s.kind).bind(6, now).bind(7, now);
        st.step();
        s.id = st.getInt(0);
        st.reset();
        appendEvent(db, actor,
                    {"school", std::to_string(s.id), "school_created",
                     json::Object()
                         .set("uai", s.uai)
                         .set("name", s.name)
                         .set("town", s.town)
                         .set("district", "")
                         .set("priority_area", false)
                         .set("contact", s.contact)
                         .set("kind", s.kind)
                         .str()});
        return s;
    });
}

}  // namespace reemploi::inventory
