// Schools and needs: UAI validation, bulk saves (all or none) with audit events, reads.
#include <reemploi/common/Text.hpp>
#include <reemploi/inventory/Schools.hpp>

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include <reemploi/common/Json.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Programmes.hpp>
#include <reemploi/inventory/Validation.hpp>

namespace reemploi::inventory {

using allocation::SchoolGrade;

namespace {

using text::trim;

std::string gradesText(const std::vector<SchoolGrade> &grades) {
    std::string out;
    for (auto g : grades) {
        if (!out.empty()) out += ' ';
        out += allocation::toString(g);
    }
    return out;
}

std::string flagsText(const std::vector<std::string> &flags) {
    std::string out;
    for (const auto &f : flags) {
        if (!out.empty()) out += ',';
        out += f;
    }
    return out;
}

std::vector<std::string> splitFlags(const std::string &text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string f; std::getline(in, f, ',');)
        if (!f.empty()) out.push_back(f);
    return out;
}

constexpr const char *kNeedColumns =
    "n.id, n.school_id, s.uai, n.family_ref, n.grades, n.devices_at_home, n.internet, n.priority_flags,"
    " n.accessibility, n.preference, n.status, u.tag, n.created_at, n.programme_id, n.level"
    " FROM needs n JOIN schools s ON s.id = n.school_id LEFT JOIN units u ON u.id = n.unit_id";

Need readNeed(const Statement &st) {
    Need n;
    n.id = st.getInt(0);
    n.schoolId = st.getInt(1);
    n.uai = st.getText(2);
    n.family = st.getText(3);
    std::stringstream grades(st.getText(4));
    for (std::string g; grades >> g;) n.grades.push_back(allocation::parseSchoolGrade(g).value());
    n.devicesAtHome = st.getInt(5);
    n.internet = allocation::parseInternet(st.getText(6)).value();
    n.priorityFlags = splitFlags(st.getText(7));
    n.accessibility = st.getText(8);
    n.preference = allocation::parseKindPreference(st.getText(9)).value();
    n.status = parseNeedStatus(st.getText(10)).value();
    n.unitTag = st.getOptText(11);
    n.createdAt = st.getText(12);
    n.programmeId = st.getInt(13);
    n.level = st.getText(14);
    return n;
}

School readSchool(const Statement &st) {
    School s;
    s.id = st.getInt(0);
    s.uai = st.getText(1);
    s.name = st.getText(2);
    s.town = st.getText(3);
    s.district = st.getText(4);
    s.priorityArea = st.getInt(5) != 0;
    s.contact = st.getText(6);
    s.kind = st.getText(7);
    s.siteId = st.getOptInt(8);
    return s;
}

std::optional<std::int64_t> schoolIdOf(Database &db, const std::string &uai) {
    auto &st = db.cached("SELECT id FROM schools WHERE uai = ?");
    st.bind(1, uai);
    std::optional<std::int64_t> id;
    if (st.step()) id = st.getInt(0);
    st.reset();
    return id;
}

}  // namespace

std::string_view toString(NeedStatus s) {
    switch (s) {
    case NeedStatus::Open: return "open";
    case NeedStatus::Served: return "served";
    case NeedStatus::Withdrawn: return "withdrawn";
    }
    return "open";
}

Result<NeedStatus> parseNeedStatus(std::string_view text) {
    std::string t(text);
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
    if (t == "open") return NeedStatus::Open;
    if (t == "served") return NeedStatus::Served;
    if (t == "withdrawn") return NeedStatus::Withdrawn;
    std::string message = "'";
    message += t;
    message += "' is not a need status (open, served, withdrawn)";
    return makeError(Errc::InvalidInput, std::move(message));
}

Result<std::string> checkUai(std::string_view text) {
    std::string uai = trim(text);
    std::string quoted = "UAI '" + uai + "'";
    if (uai.size() != 8 || !std::all_of(uai.begin(), uai.begin() + 7, [](unsigned char c) { return std::isdigit(c); }) ||
        !std::isalpha(static_cast<unsigned char>(uai[7])))
        return makeError(Errc::InvalidInput, quoted + ": must be 7 digits and a check letter (e.g. 0750655E)");
    uai[7] = static_cast<char>(std::toupper(static_cast<unsigned char>(uai[7])));
    static constexpr std::string_view kLetters = "ABCDEFGHJKLMNPRSTUVWXYZ";
    char expected = kLetters[std::stol(uai.substr(0, 7)) % 23];
    if (uai[7] != expected)
        return makeError(Errc::InvalidInput, quoted + ": wrong check letter, expected '" + std::string(1, expected) + "'");
    return uai;
}

Status checkNewSchool(const NewSchool &school) {
    auto uai = checkUai(school.uai);
    if (!uai) return uai.error();
    if (trim(school.name).empty()) return makeError(Errc::InvalidInput, "school " + *uai + ": name is empty");
    if (auto problems = checkSchoolText(school); !problems.empty())
        return problems.front().error.withContext("school " + *uai);
    return {};
}

Result<SchoolSaveReport> saveSchools(Database &db, const std::vector<NewSchool> &schools, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "save schools"));
    std::set<std::string> seen;
    for (std::size_t i = 0; i < schools.size(); ++i) {
        REEMPLOI_TRY(checkNewSchool(schools[i]));
        if (!seen.insert(*checkUai(schools[i].uai)).second)
            return makeError(Errc::InvalidInput, "school " + *checkUai(schools[i].uai) + " is given twice");
    }
    return inTransaction(db, "saving schools", [&]() -> Result<SchoolSaveReport> {
        SchoolSaveReport report;
        std::string now = nowUtc();
        for (const auto &input : schools) {
            std::string uai = *checkUai(input.uai);
            auto payload = json::Object()
                               .set("uai", uai)
                               .set("name", trim(input.name))
                               .set("town", trim(input.town))
                               .set("district", trim(input.district))
                               .set("priority_area", input.priorityArea)
                               .set("contact", trim(input.contact));
            auto existing = schoolIdOf(db, uai);
            if (existing) {
                auto &st = db.cached(
                    "UPDATE schools SET name = ?, town = ?, district = ?, priority_area = ?, contact = ?, updated_at = ?"
                    " WHERE id = ?");
                st.bind(1, trim(input.name)).bind(2, trim(input.town)).bind(3, trim(input.district));
                st.bind(4, input.priorityArea ? 1 : 0).bind(5, trim(input.contact)).bind(6, now).bind(7, *existing);
                st.step();
                st.reset();
                appendEvent(db, actor, {"school", std::to_string(*existing), "school_updated", payload.str()});
                ++report.updated;
            } else {
                auto &st = db.cached(
                    "INSERT INTO schools (uai, name, town, district, priority_area, contact, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
                st.bind(1, uai).bind(2, trim(input.name)).bind(3, trim(input.town)).bind(4, trim(input.district));
                st.bind(5, input.priorityArea ? 1 : 0).bind(6, trim(input.contact)).bind(7, now).bind(8, now);
                st.step();
                std::int64_t id = st.getInt(0);
                st.reset();
                appendEvent(db, actor, {"school", std::to_string(id), "school_created", payload.str()});
                ++report.created;
            }
        }
        return report;
    });
}

Result<std::vector<School>> listSchools(Database &db) {
    return guard("listing schools", [&]() -> Result<std::vector<School>> {
        auto st = db.prepare("SELECT id, uai, name, town, district, priority_area, contact, kind, site_id FROM schools ORDER BY uai");
        std::vector<School> out;
        while (st->step()) out.push_back(readSchool(*st));
        return out;
    });
}

Result<School> getSchool(Database &db, std::string_view uai) {
    return guard("reading school", [&]() -> Result<School> {
        auto st = db.prepare("SELECT id, uai, name, town, district, priority_area, contact, kind, site_id FROM schools WHERE uai = ?");
        st->bind(1, trim(uai));
        if (!st->step()) return makeError(Errc::NotFound, "no school with UAI " + trim(uai));
        return readSchool(*st);
    });
}

namespace {

// The need's programme and level, checked: the programme exists, the level is one it serves.
struct ProgrammeLevel {
    std::int64_t programmeId = kDefaultProgrammeId;
    std::string level = std::string(kPrimaryLevel);
};

Result<ProgrammeLevel> programmeLevel(Database &db, const NewNeed &need) {
    auto programme = getProgramme(db, need.programme.empty() ? kDefaultProgramme : std::string_view(need.programme));
    if (!programme) return programme.error();
    ProgrammeLevel out{programme->id, programme->levels.empty() ? std::string(kPrimaryLevel) : programme->levels.front()};
    if (!trim(need.level).empty()) {
        auto level = checkLevel(db, need.level);
        if (!level) return level.error();
        if (std::find(programme->levels.begin(), programme->levels.end(), *level) == programme->levels.end())
            return makeError(Errc::InvalidInput, "level: programme " + programme->name + " does not serve level " + *level);
        out.level = *level;
    }
    return out;
}

}  // namespace

Status checkNewNeed(Database &db, const NewNeed &need) {
    auto uai = checkStructureId(need.uai);
    if (!uai) return uai.error();
    std::string family = trim(need.family);
    if (auto problems = checkNeedText(need); !problems.empty()) return problems.front().error;
    auto pl = programmeLevel(db, need);
    if (!pl) return pl.error();
    if (need.grades.empty() && pl->level == kPrimaryLevel)
        return makeError(Errc::InvalidInput, "family " + family + ": no grade given (CP to CM2)");
    if (need.grades.size() > 12) return makeError(Errc::InvalidInput, "family " + family + ": more than 12 children");
    if (need.devicesAtHome < 0 || need.devicesAtHome > 99)
        return makeError(Errc::InvalidInput, "family " + family + ": devices at home must be 0 to 99");
    return guard("checking need", [&]() -> Status {
        auto school = schoolIdOf(db, *uai);
        if (!school) return makeError(Errc::NotFound, "school " + *uai + " is not registered (import the schools first)");
        auto &st = db.cached("SELECT status FROM needs WHERE school_id = ? AND family_ref = ?");
        st.bind(1, *school).bind(2, family);
        std::optional<std::string> status;
        if (st.step()) status = st.getText(0);
        st.reset();
        if (status)
            return makeError(Errc::Conflict, "family " + family + " of school " + *uai + " already has a need (" + *status + ")");
        return {};
    });
}

Result<std::vector<Need>> addNeeds(Database &db, const std::vector<NewNeed> &needs, const Actor &actor) {
    // A mediator registers the needs of its own structure only (MediatorNeeds.hpp).
    if (actor.role == Role::Mediator) {
        for (const auto &n : needs) {
            auto id = checkStructureId(n.uai);
            if (!id || *id != actor.structure)
                return makeError(Errc::Forbidden, "the mediator of " + actor.structure + " cannot register needs of " +
                                                      trim(n.uai));
        }
    } else {
        REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "register needs"));
    }
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto &n : needs) {
        REEMPLOI_TRY(checkNewNeed(db, n));
        if (!seen.emplace(*checkStructureId(n.uai), trim(n.family)).second)
            return makeError(Errc::InvalidInput, "family " + trim(n.family) + " of school " + *checkStructureId(n.uai) + " is given twice");
    }
    return inTransaction(db, "adding needs", [&]() -> Result<std::vector<Need>> {
        std::vector<Need> out;
        out.reserve(needs.size());
        std::string now = nowUtc();
        for (const auto &input : needs) {
            Need n;
            n.uai = *checkStructureId(input.uai);
            n.schoolId = *schoolIdOf(db, n.uai);
            auto pl = programmeLevel(db, input);
            if (!pl) return pl.error();
            n.programmeId = pl->programmeId;
            n.level = pl->level;
            n.family = trim(input.family);
            n.grades = input.grades;
            n.devicesAtHome = input.devicesAtHome;
            n.internet = input.internet;
            n.priorityFlags = input.priorityFlags;
            n.accessibility = trim(input.accessibility);
            n.preference = input.preference;
            n.createdAt = now;
            auto &st = db.cached(
                "INSERT INTO needs (school_id, family_ref, grades, devices_at_home, internet, priority_flags,"
                " accessibility, preference, status, created_at, updated_at, programme_id, level)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?) RETURNING id");
            st.bind(1, n.schoolId).bind(2, n.family).bind(3, gradesText(n.grades)).bind(4, n.devicesAtHome);
            st.bind(5, allocation::toString(n.internet)).bind(6, flagsText(n.priorityFlags)).bind(7, n.accessibility);
            st.bind(8, allocation::toString(n.preference)).bind(9, now).bind(10, now);
            st.bind(11, n.programmeId).bind(12, n.level);
            st.step();
            n.id = st.getInt(0);
            st.reset();
            auto payload = json::Object()
                             .set("school", n.uai)
                             .set("family", n.family)
                             .set("grades", gradesText(n.grades))
                             .set("devices_at_home", n.devicesAtHome)
                             .set("internet", allocation::toString(n.internet))
                             .set("priority", flagsText(n.priorityFlags))
                             .set("preference", allocation::toString(n.preference));
            // Beyond the default programme, the event says which programme and level.
            if (n.programmeId != kDefaultProgrammeId || n.level != kPrimaryLevel)
                payload.set("programme", n.programmeId).set("level", n.level);
            appendEvent(db, actor, {"need", std::to_string(n.id), "need_created", payload.str()});
            out.push_back(std::move(n));
        }
        return out;
    });
}

Result<std::vector<Need>> listNeeds(Database &db, std::optional<NeedStatus> status) {
    return guard("listing needs", [&]() -> Result<std::vector<Need>> {
        std::string sql = std::string("SELECT ") + kNeedColumns;
        if (status) sql += " WHERE n.status = ?";
        sql += " ORDER BY n.id";
        auto st = db.prepare(sql);
        if (status) st->bind(1, toString(*status));
        std::vector<Need> out;
        while (st->step()) out.push_back(readNeed(*st));
        return out;
    });
}

Result<std::vector<Need>> listProgrammeNeeds(Database &db, std::int64_t programmeId, std::optional<NeedStatus> status) {
    return guard("listing needs", [&]() -> Result<std::vector<Need>> {
        std::string sql = std::string("SELECT ") + kNeedColumns + " WHERE n.programme_id = ?";
        if (status) sql += " AND n.status = ?";
        sql += " ORDER BY n.id";
        auto st = db.prepare(sql);
        st->bind(1, programmeId);
        if (status) st->bind(2, toString(*status));
        std::vector<Need> out;
        while (st->step()) out.push_back(readNeed(*st));
        return out;
    });
}

Result<Need> findNeed(Database &db, std::string_view refText) {
    std::string ref = trim(refText);
    return guard("finding need", [&]() -> Result<Need> {
        auto slash = ref.find('/');
        std::unique_ptr<Statement> st;
        if (slash != std::string::npos) {
            auto uai = checkStructureId(ref.substr(0, slash));
            if (!uai) return uai.error();
            st = db.prepare(std::string("SELECT ") + kNeedColumns + " WHERE s.uai = ? AND n.family_ref = ?");
            st->bind(1, *uai).bind(2, trim(ref.substr(slash + 1)));
        } else {
            st = db.prepare(std::string("SELECT ") + kNeedColumns + " WHERE n.family_ref = ? ORDER BY n.id");
            st->bind(1, ref);
        }
        if (!st->step()) return makeError(Errc::NotFound, "no need with reference " + ref);
        Need n = readNeed(*st);
        if (st->step())
            return makeError(Errc::InvalidInput, "reference " + ref + " is used by several schools: write it UAI/" + ref);
        return n;
    });
}

Result<Need> withdrawNeed(Database &db, std::string_view ref, const Actor &actor) {
    REEMPLOI_TRY(requireRole(actor, Role::Coordinator, "withdraw a need"));
    return inTransaction(db, "withdrawing need", [&]() -> Result<Need> {
        auto need = findNeed(db, ref);
        if (!need) return need.error();
        if (need->status != NeedStatus::Open)
            return makeError(Errc::Refused, "need " + need->ref() + " is " + std::string(toString(need->status)) + ", not open");
        auto &st = db.cached("UPDATE needs SET status = 'withdrawn', updated_at = ? WHERE id = ?");
        st.bind(1, nowUtc()).bind(2, need->id);
        st.step();
        st.reset();
        appendEvent(db, actor, {"need", std::to_string(need->id), "need_withdrawn", "{}"});
        need->status = NeedStatus::Withdrawn;
        return std::move(need.value());
    });
}

}  // namespace reemploi::inventory
