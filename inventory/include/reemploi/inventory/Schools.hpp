// Schools (elementary, CP to CM2) and their families' needs. Families are pseudonymous: the
// school's family reference is the only identifier stored, never a name or an address.
#pragma once

#include <optional>
#include <vector>

#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>
#include <reemploi/inventory/allocation/Allocation.hpp>

namespace reemploi::inventory {

// The national school identifier (UAI): 7 digits and a check letter, the 7-digit number modulo
// 23 taken as an index into "ABCDEFGHJKLMNPRSTUVWXYZ" ("0750655E" valid, "0750655A" not).
// Returns the canonical form (trimmed, letter upper-cased) or InvalidInput naming the problem.
Result<std::string> checkUai(std::string_view uai);

struct School {
    std::int64_t id = 0;
    std::string uai;
    std::string name;
    std::string town;
    std::string district;
    bool priorityArea = false;  // quartier prioritaire de la ville (QPV)
    std::string contact;
    // Beyond elementary schools (Programmes.hpp): "college", "lycee", "social-centre", … A
    // structure without a UAI has an identifier of our own ("S-000001") in `uai`.
    std::string kind = "school";
    std::optional<std::int64_t> siteId;  // its usual distribution site (Sites.hpp)
};

struct NewSchool {
    std::string uai;
    std::string name;
    std::string town;
    std::string district;
    bool priorityArea = false;
    std::string contact;
};

enum class NeedStatus { Open, Served, Withdrawn };
std::string_view toString(NeedStatus);
Result<NeedStatus> parseNeedStatus(std::string_view);

struct Need {
    std::int64_t id = 0;
    std::int64_t schoolId = 0;
    std::string uai;     // of the school
    std::string family;  // unique within the school
    std::vector<allocation::SchoolGrade> grades;  // one per child
    std::int64_t devicesAtHome = 0;
    allocation::Internet internet = allocation::Internet::None;
    std::vector<std::string> priorityFlags;  // "qpv", "referral", or the school's own words
    std::string accessibility;
    allocation::KindPreference preference = allocation::KindPreference::Either;
    NeedStatus status = NeedStatus::Open;
    std::optional<std::string> unitTag;  // the unit that served it
    std::string createdAt;
    std::int64_t programmeId = 1;  // Programmes.hpp; 1 is the default programme
    std::string level = "cp-cm2";  // a level code of the programme

    // "0750655E/F-12": how messages and the CLI name a need.
    std::string ref() const { return uai + "/" + family; }
};

struct NewNeed {
    std::string uai;
    std::string family;
    std::vector<allocation::SchoolGrade> grades;
    std::int64_t devicesAtHome = 0;
    allocation::Internet internet = allocation::Internet::None;
    std::vector<std::string> priorityFlags;
    std::string accessibility;
    allocation::KindPreference preference = allocation::KindPreference::Either;
    // The programme (by name; empty: the default one) and the level (empty: the programme's
    // first). Grades (CP–CM2) are required only at the cp-cm2 level; a recipient at another level
    // counts as one person.
    std::string programme = {};
    std::string level = {};
};

// Checks one school as saveSchools would (UAI, name), without writing.
Status checkNewSchool(const NewSchool &school);

struct SchoolSaveReport {
    std::int64_t created = 0;
    std::int64_t updated = 0;  // a known UAI: its fields are replaced
};
// Creates or updates the schools in one transaction (all or none), one event each.
Result<SchoolSaveReport> saveSchools(Database &db, const std::vector<NewSchool> &schools, const Actor &actor);
Result<std::vector<School>> listSchools(Database &db);
Result<School> getSchool(Database &db, std::string_view uai);

// Checks one need as addNeeds would, without writing: the school exists, the family reference is
// not taken in it, grades and counts are valid. Refusals name the field.
Status checkNewNeed(Database &db, const NewNeed &need);
// Registers the needs (status open) in one transaction, all or none, one `need_created` event
// each; also refuses a family given twice in the list.
Result<std::vector<Need>> addNeeds(Database &db, const std::vector<NewNeed> &needs, const Actor &actor);
Result<std::vector<Need>> listNeeds(Database &db, std::optional<NeedStatus> status = {});
// The needs of one programme (by id), optionally of one status.
Result<std::vector<Need>> listProgrammeNeeds(Database &db, std::int64_t programmeId, std::optional<NeedStatus> status = {});
// A need by "UAI/FAMILY", or by FAMILY alone when only one school uses that reference.
Result<Need> findNeed(Database &db, std::string_view ref);
// Withdraws an open need (the family no longer needs a device).
Result<Need> withdrawNeed(Database &db, std::string_view ref, const Actor &actor);

}  // namespace reemploi::inventory
