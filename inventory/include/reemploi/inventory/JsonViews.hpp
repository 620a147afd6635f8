// JSON forms of the domain values: one definition shared by the command line (--json), the web
// API and the audit events, so that a field is spelled the same everywhere.
#pragma once

#include <reemploi/common/Json.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Domain.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Schools.hpp>
#include <reemploi/inventory/Views.hpp>
#include <reemploi/inventory/allocation/AllocationService.hpp>

namespace reemploi::inventory {

json::Object toJson(const Donor &);
json::Object toJson(const Donation &);
json::Object toJson(const StorageMedium &);
json::Object toJson(const Unit &);  // with its storage media
// toJson(unit).str(), written directly (the payload of the event of each registered unit).
std::string toJsonText(const Unit &);
json::Object toJson(const SanitizationRecord &, bool withCertificate = false);
json::Object toJson(const Event &);
// {"ok","checked","first_broken_id","problem"}
json::Object toJson(const ChainReport &);
// {"id","hash","at"}
json::Object toJson(const ChainHead &);
// toJson(chain) plus "replayed", "disagreement", "anchors_checked", "anchor_problem", "head"
json::Object toJson(const AuditReport &);
// {"has_media","all_sanitized","first_pending" (a medium id or null),"any_failed","since_return","last_passed_at"}
json::Object toJson(const MediaSanitization &);

// The unit with its storage, plus "sanitization" (its records), "history" (its events),
// "next_statuses" and "sanitization_state" (MediaSanitization).
json::Object toJson(const UnitDetail &);
// An accessory as its unit's page lists it: {tag, kind, make, model, status}.
json::Array accessoriesJson(const std::vector<Unit> &accessories);
// {"donors","units","by_status":{status:n},"by_kind":{kind:n},"by_status_kind":{status:{kind:n}}},
// only the statuses and kinds that have units.
json::Object toJson(const StockSummary &);

json::Object toJson(const School &);

// Who reads a need. Families are pseudonymous, but even their reference is for coordinators
// only: donors (and any page they can reach) see schools, never families.
enum class NeedAudience {
    Coordinator,  // every field
    Donor,        // without "ref", "family", and the school's free text about the family
                  // ("accessibility", "priority")
};
// {"ref","school","family","grades" ("CP CM2"),"rank","devices_at_home","internet","priority":[…],
//  "preference","accessibility","status","unit"}
json::Object toJson(const Need &, NeedAudience audience = NeedAudience::Coordinator);

namespace allocation {
// {"unit","kind" ("pin", "exclude", or "cleared" once a pin is lifted),"need" (pins only, else null)}
json::Object toJson(const PinEntry &);
// {"run","allocated"}
json::Object toJson(const ConfirmReport &);
}  // namespace allocation

}  // namespace reemploi::inventory
