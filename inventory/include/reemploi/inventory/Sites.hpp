// Partner distribution sites (schools, social centres, town halls) where recipients pick up what
// was allocated to them; each school or structure names its usual site. After a confirmed
// allocation, a site's pick-up list is the units (and kits) allocated to the needs of the
// structures that name it; handing over at the site is a scan of the tag, recorded as the
// delivery at that site.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::inventory {

struct Site {
    std::int64_t id = 0;
    std::string code;  // the site's short code: letters, digits, '-', '_' (at most 32)
    std::string name;
    std::string address;
    std::string hours;  // opening hours as people write them ("mar. et jeu. 16h-18h")
    std::string contact;
};

struct NewSite {
    std::string code;
    std::string name;
    std::string address;
    std::string hours;
    std::string contact;
};

// Checks one site as saveSites would, naming the field.
Status checkNewSite(const NewSite &site);
struct SiteSaveReport {
    std::int64_t created = 0;
    std::int64_t updated = 0;  // a known code: its fields replaced
};
// Creates or updates the sites (all or none), one event each. Coordinator.
Result<SiteSaveReport> saveSites(Database &db, const std::vector<NewSite> &sites, const Actor &actor);
Result<std::vector<Site>> listSites(Database &db);
Result<Site> getSite(Database &db, std::string_view code);

// The usual site of a school or structure (by UAI or identifier); an empty code clears it.
Status setStructureSite(Database &db, std::string_view structure, std::string_view siteCode, const Actor &actor);

// One line of a pick-up list: a unit (or a kit) and the need reference it goes to; never a name.
struct PickupLine {
    std::string tag;    // RE-000123 or K-000004
    std::string kind;   // "laptop", "tablet", "4g-key", …
    std::string model;  // make and model (for a kit: its operator)
    std::string needRef;
    std::string with;  // an accessory: the unit it goes with (it follows that unit's line)
};
struct PickupList {
    Site site;
    std::vector<PickupLine> lines;  // by need reference, then units (each followed by its accessories) before kits
};
// The confirmed, not yet delivered assignments (units `allocated`, kits `allocated`) of the needs
// whose structure names this site. Coordinator.
Result<PickupList> pickupList(Database &db, std::string_view siteCode, const Actor &actor);

// A scan at the site: the unit (or kit) on its pick-up list is handed over, recorded as delivered
// at that site. Refused when it is not on that site's list. Coordinator.
struct Handover {
    std::string tag;
    std::string needRef;
    std::string siteCode;
};
Result<Handover> recordHandover(Database &db, std::string_view siteCode, std::string_view tag, const Actor &actor);

}  // namespace reemploi::inventory
