// Connectivity kits (4G keys, SIM cards with a data plan, hotspots): stock items with their
// identifier (IMEI, ICCID), operator and plan end date. No storage to wipe; a lifecycle of their
// own:  in_stock → allocated → delivered → returned / expired  (and back to in_stock once
// returned). The allocation gives one with a device to a need with no internet at home
// (AllocationService.hpp); this service writes every other change.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::inventory {

enum class KitKind { Key4g, Sim, Hotspot };
enum class KitStatus { InStock, Allocated, Delivered, Returned, Expired };
std::string_view toString(KitKind);   // "4g-key", "sim", "hotspot"
std::string_view toString(KitStatus);  // "in_stock", "allocated", "delivered", "returned", "expired"
Result<KitKind> parseKitKind(std::string_view);
Result<KitStatus> parseKitStatus(std::string_view);

// The Luhn check digit holds over every digit of `digits` (the last one is the check digit).
bool luhnValid(std::string_view digits);
// An IMEI: 15 digits, Luhn. An ICCID: 19 or 20 digits starting with 89, Luhn. Spaces and dashes
// are dropped; the canonical digits or InvalidInput naming the field.
Result<std::string> checkImei(std::string_view text);
Result<std::string> checkIccid(std::string_view text);

struct Kit {
    std::int64_t id = 0;
    std::string tag;  // K-000001
    KitKind kind = KitKind::Key4g;
    std::string imei;
    std::string iccid;
    std::string operatorName;
    std::string planEndsOn;  // YYYY-MM-DD or empty
    KitStatus status = KitStatus::InStock;
    std::string needRef;  // when allocated or delivered
};

struct NewKit {
    KitKind kind = KitKind::Key4g;
    std::string imei;   // a 4G key or a hotspot needs one
    std::string iccid;  // a SIM card needs one
    std::string operatorName;
    std::string planEndsOn;
};

// Registers a kit (in_stock), one event. Coordinator. Refusals name the field.
Result<Kit> addKit(Database &db, const NewKit &kit, const Actor &actor);
Result<Kit> getKit(Database &db, std::string_view tag);
// Every kit by tag; with `planEndingWithin`, only those not expired or returned whose plan ends
// within that many days of `asOf` (default today), soonest first.
Result<std::vector<Kit>> listKits(Database &db, std::optional<std::int64_t> planEndingWithin = {},
                                  std::string_view asOf = {});
// allocated → delivered; allocated/delivered → returned; returned → in_stock (restocked);
// any but expired → expired. Coordinator. One kit_status_changed event.
Result<Kit> setKitStatus(Database &db, std::string_view tag, KitStatus to, const Actor &actor);

}  // namespace reemploi::inventory
