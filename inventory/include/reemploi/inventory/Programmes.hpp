// Programmes (operations): who they serve (levels, a list kept in the database), whether their
// units are given or lent, and their own allocation rules; and the structures beyond schools
// (social centres, town halls…) that refer recipients, with an identifier of our own.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>
#include <reemploi/inventory/Schools.hpp>

namespace reemploi::inventory {

// The default programme (id 1, migration 12): today's behaviour, CP–CM2, units given.
inline constexpr std::int64_t kDefaultProgrammeId = 1;
inline constexpr std::string_view kDefaultProgramme = "default";
inline constexpr std::string_view kPrimaryLevel = "cp-cm2";

struct Level {
    std::string code;   // "post-bac"
    std::string label;  // "post-bac / BTS"
};
Result<std::vector<Level>> listLevels(Database &db);
// A new level (code: lower-case letters, digits and '-', at most 32). Admin.
Result<Level> addLevel(Database &db, const Level &level, const Actor &actor);
// The level's canonical code, or InvalidInput naming the field and the known codes.
Result<std::string> checkLevel(Database &db, std::string_view code, std::string_view field = "level");

enum class ProgrammeMode { Given, Lent };
std::string_view toString(ProgrammeMode);
Result<ProgrammeMode> parseProgrammeMode(std::string_view);

struct Programme {
    std::int64_t id = 0;
    std::string name;
    std::string startsOn;  // YYYY-MM-DD or empty
    std::string endsOn;
    std::vector<std::string> levels;  // level codes, first is the default for its needs
    ProgrammeMode mode = ProgrammeMode::Given;
    std::string rules;  // allocation configuration text (allocation::parseConfig)
};

// Creates or replaces (same name) a programme: the levels must be known, the period a valid
// one (from <= to), the rules a valid allocation configuration. Coordinator. One event.
Result<Programme> saveProgramme(Database &db, const Programme &programme, const Actor &actor);
Result<std::vector<Programme>> listProgrammes(Database &db);
// By name ("default" included); NotFound naming the known programmes.
Result<Programme> getProgramme(Database &db, std::string_view name);
Result<Programme> getProgrammeById(Database &db, std::int64_t id);

// Structure kinds: "school" (elementary, with a UAI, as before), "college", "lycee",
// "university" (with their UAI), "social-centre", "town-hall", "association", "other" (an
// identifier of our own, "S-000001").
Result<std::string> checkStructureKind(std::string_view kind);
bool kindHasUai(std::string_view kind);
// A structure's identifier: a UAI (checkUai) or our own "S-" and 6 digits. Canonical form.
Result<std::string> checkStructureId(std::string_view id);

struct NewStructure {
    std::string kind;  // see checkStructureKind
    std::string uai;   // required for kinds that have one, refused for the others
    std::string name;
    std::string town;
    std::string contact;
};
// Registers a structure; one without a UAI gets the next "S-NNNNNN". Coordinator. One event
// (school_created, as the replay knows it).
Result<School> addStructure(Database &db, const NewStructure &structure, const Actor &actor);

}  // namespace reemploi::inventory
