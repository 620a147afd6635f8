// Scan in a row over the inventory's services: find the unit, then one call per action.
#include "services/ScanActions.hpp"

#include <reemploi/common/Json.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Identity.hpp>
#include <reemploi/inventory/Units.hpp>
#include <reemploi/inventory/allocation/AllocationService.hpp>

#include <algorithm>
#include <cctype>

namespace reemploi::app::scan {

using namespace reemploi::inventory;

Result<ScanAction> parseScanAction(std::string_view text) {
    if (text == "receive") return ScanAction::Receive;
    if (text == "shelf") return ScanAction::Shelf;
    if (text == "labelled") return ScanAction::Labelled;
    if (text == "handover") return ScanAction::Handover;
    return makeFieldError(Errc::InvalidInput, "action",
                          "action: '" + std::string(text) + "' is not one of receive, shelf, labelled, handover");
}

Result<Unit> findUnitByCode(Database &db, std::string_view code) {
    std::string cleaned = cleanSerial(code);
    if (cleaned.empty()) return makeFieldError(Errc::InvalidInput, "code", "code: is empty");
    std::string upper = cleaned;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
    if (parseTag(upper)) {
        auto unit = getUnit(db, upper);
        if (unit || unit.error().code != Errc::NotFound) return unit;
    }
    auto units = listUnits(db);
    if (!units) return units.error();
    std::vector<Unit> found;
    for (auto &u : *units)
        if (!u.serial.empty() && u.serial == cleaned) found.push_back(std::move(u));
    if (found.empty()) return makeFieldError(Errc::NotFound, "code", "code: no unit has the tag or serial '" + cleaned + "'");
    if (found.size() > 1) {
        std::string tags;
        for (const auto &u : found) tags += (tags.empty() ? "" : ", ") + u.tag;
        return makeFieldError(Errc::Conflict, "code",
                              "code: the serial '" + cleaned + "' belongs to several units (" + tags + "): scan the tag");
    }
    return std::move(found.front());
}

Result<Unit> applyScanAction(Database &db, const ScanRequest &request, const Actor &actor) {
    auto unit = findUnitByCode(db, request.code);
    if (!unit) return unit.error();
    switch (request.action) {
    case ScanAction::Receive: {
        if (unit->status != UnitStatus::Received)
            return makeError(Errc::Refused, unit->tag + " is " + std::string(toString(unit->status)) +
                                                ", not received: it arrived earlier");
        auto event = recordEvent(db, actor, {"unit", unit->tag, "arrival_checked", "{}"});
        if (!event) return event.error();
        return unit;
    }
    case ScanAction::Shelf: {
        if (request.shelf.empty()) return makeFieldError(Errc::InvalidInput, "shelf", "shelf: is required to move a unit");
        UnitPatch patch;
        patch.location = request.shelf;
        return updateUnit(db, unit->tag, patch, actor);
    }
    case ScanAction::Labelled: {
        auto event = recordEvent(db, actor, {"unit", unit->tag, "label_attached", "{}"});
        if (!event) return event.error();
        return unit;
    }
    case ScanAction::Handover:
        if (request.need.empty()) return makeFieldError(Errc::InvalidInput, "need", "need: is required to hand a unit over");
        return allocation::recordDelivery(db, unit->tag, request.need, actor);
    }
    return makeError(Errc::InvalidInput, "action: unknown");
}

}  // namespace reemploi::app::scan
