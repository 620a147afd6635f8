// Read-only views shared by the front ends: a unit's page, the stock figures, a need's rank.
#include <reemploi/inventory/Views.hpp>

#include <reemploi/inventory/Accessories.hpp>
#include <reemploi/inventory/Lifecycle.hpp>
#include <reemploi/inventory/Units.hpp>
#include <reemploi/inventory/allocation/Allocation.hpp>

namespace reemploi::inventory {

Result<UnitDetail> unitDetail(Database &db, std::string_view tag, UnitDetailParts parts) {
    UnitDetail d;
    ReadSnapshot snapshot(db);  // the unit, its records and history as of one moment
    auto unit = getUnit(db, tag);
    if (!unit) return unit.error();
    d.unit = std::move(*unit);
    auto records = listSanitization(db, d.unit.tag);
    if (!records) return records.error();
    d.sanitization = std::move(*records);
    d.nextStatuses = nextStatusesByHand(d.unit.status);
    // A printer or an accessory is diagnosed by its check, not by hand.
    if (!checkOf(d.unit.kind).empty())
        std::erase(d.nextStatuses, UnitStatus::Diagnosed);
    auto accessories = accessoriesOf(db, d.unit);
    if (!accessories) return accessories.error();
    d.accessories = std::move(*accessories);
    if (parts.history) {
        auto events = listEvents(db, "unit", d.unit.tag);
        if (!events) return events.error();
        d.history = std::move(*events);
    }
    if (parts.media) {
        auto media = mediaSanitization(db, d.unit);
        if (!media) return media.error();
        d.media = std::move(*media);
    }
    return d;
}

Result<StockSummary> stockSummary(Database &db, const std::optional<std::string> &site) {
    return guard("reading the stock figures", [&]() -> Result<StockSummary> {
        // One statement: a row per (status, kind) that has units, and a last row with a NULL status
        // carrying the number of donors (present even when there is no unit).
        auto st = db.prepare(std::string("SELECT status, kind, COUNT(*) FROM units") + (site ? " WHERE site = ?" : "") +
                             " GROUP BY status, kind UNION ALL SELECT NULL, NULL, COUNT(*) FROM donors");
        if (site) st->bind(1, *site);
        StockSummary s;
        while (st->step()) {
            const std::int64_t n = st->getInt(2);
            if (st->isNull(0)) {
                s.donors = n;
                continue;
            }
            auto status = parseUnitStatus(st->getText(0));
            if (!status) return status.error().withContext("units.status");
            auto kind = parseUnitKind(st->getText(1));
            if (!kind) return kind.error().withContext("units.kind");
            s.units += n;
            s.byStatus[*status] += n;
            s.byKind[*kind] += n;
            s.byStatusAndKind[{*status, *kind}] += n;
        }
        return s;
    });
}

int needRank(const Need &need) {
    allocation::AllocNeed a;
    for (auto g : need.grades) {
        auto &c = a.children[static_cast<int>(g)];
        if (c < 255) ++c;  // as loadProblem counts them
    }
    a.devicesAtHome = static_cast<std::int32_t>(need.devicesAtHome);
    return allocation::rankOf(a);
}

}  // namespace reemploi::inventory
