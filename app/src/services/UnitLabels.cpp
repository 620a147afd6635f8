// Units as labels: the inventory's view of a unit turned into a plain LabelData.
#include "services/UnitLabels.hpp"

#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/PrintedLabels.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Units.hpp>

namespace reemploi::app {

namespace {

// The kind as printed on the label, in French (the trainees' language).
std::string kindText(inventory::UnitKind kind) {
    switch (kind) {
    case inventory::UnitKind::Laptop: return "Portable";
    case inventory::UnitKind::Desktop: return "Ordinateur fixe";
    case inventory::UnitKind::Tablet: return "Tablette";
    case inventory::UnitKind::Phone: return "Téléphone";
    case inventory::UnitKind::Monitor: return "Écran";
    case inventory::UnitKind::Other: return "Autre";
    case inventory::UnitKind::Printer: return "Imprimante";
    case inventory::UnitKind::Charger: return "Chargeur";
    case inventory::UnitKind::Mouse: return "Souris";
    case inventory::UnitKind::Keyboard: return "Clavier";
    case inventory::UnitKind::Cable: return "Câble";
    }
    return "";
}

}  // namespace

Result<labels::LabelData> unitLabelData(inventory::Database &db, const inventory::Unit &unit) {
    labels::LabelData d;
    d.tag = unit.tag;
    d.kind = kindText(unit.kind);
    d.make = unit.make;
    d.model = unit.model;
    if (unit.grade) d.grade = std::string(inventory::toString(*unit.grade));
    auto media = inventory::mediaSanitization(db, unit);
    if (!media) return media.error();
    if (media->storageUnknown) {
        // A laptop or tablet with no medium recorded and none declared absent holds data we have
        // not dealt with: the label must not say it has no storage.
        d.wipeStatus = labels::WipeStatus::Pending;
    } else if (!media->hasMedia) {
        d.wipeStatus = labels::WipeStatus::NoStorage;
    } else if (media->allSanitized) {
        d.wipeStatus = labels::WipeStatus::Wiped;
        d.wipeDate = media->lastPassedAt.substr(0, 10);
    } else {
        d.wipeStatus = media->anyFailed ? labels::WipeStatus::Failed : labels::WipeStatus::Pending;
    }
    auto donation = inventory::getDonation(db, unit.donationId);
    if (!donation) return donation.error();
    d.site = donation->site;
    return d;
}

Result<std::vector<labels::LabelData>> unitLabelData(inventory::Database &db, const std::vector<inventory::Unit> &units) {
    std::vector<labels::LabelData> out;
    out.reserve(units.size());
    for (const auto &u : units) {
        auto d = unitLabelData(db, u);
        if (!d) return d.error().withContext(u.tag);
        out.push_back(std::move(*d));
    }
    return out;
}

Result<std::vector<inventory::Unit>> unitsToLabel(inventory::Database &db, const std::optional<std::string> &tag,
                                                  std::optional<std::int64_t> donation) {
    if (donation && tag) return makeError(Errc::InvalidInput, "give either a TAG or --donation ID, not both");
    if (donation) {
        auto d = inventory::getDonation(db, *donation);
        if (!d) return d.error();
        inventory::UnitFilter filter;
        filter.donationId = *donation;
        auto units = inventory::listUnits(db, filter);
        if (!units) return units.error();
        if (units->empty())
            return makeError(Errc::NotFound, "donation " + std::to_string(*donation) + " has no unit to label");
        return units;
    }
    if (!tag) return makeError(Errc::InvalidInput, "expected one unit TAG (or --donation ID)");
    auto unit = inventory::getUnit(db, *tag);
    if (!unit) return unit.error();
    return std::vector<inventory::Unit>{std::move(*unit)};
}

Result<std::vector<labels::LabelData>> labelsToPrint(inventory::Database &db, const std::optional<std::string> &tag,
                                                     std::optional<std::int64_t> donation) {
    auto units = unitsToLabel(db, tag, donation);
    if (!units) return units.error();
    return unitLabelData(db, *units);
}

Result<LabelPrintOutcome> printUnitLabels(inventory::Database &db, const std::vector<labels::LabelData> &data,
                                          const labels::Media &media, const labels::LayoutOptions &layout,
                                          const labels::PrinterAddress &printer, const labels::PrintOptions &options,
                                          const inventory::Actor &actor) {
    if (data.empty()) return makeError(Errc::InvalidInput, "no label to print");
    auto receipt = labels::printLabels(data, media, layout, printer, options);
    if (!receipt) return receipt.error();  // a printer failure marks nothing printed
    std::vector<std::string> tags;
    tags.reserve(data.size());
    for (const auto &d : data) tags.push_back(d.tag);
    const inventory::LabelPrintJob job{receipt->printer, receipt->format, media.name, layout.dpi, receipt->job};
    auto events = inventory::recordLabelsPrinted(db, tags, job, actor);
    if (!events) {
        // The printer has the job: say so, since nothing was recorded.
        auto e = events.error();
        e.message = "the printer accepted " + std::to_string(data.size()) +
                    (data.size() == 1 ? " label" : " labels") + " but none was recorded as printed: " + e.message;
        return e;
    }
    LabelPrintOutcome outcome{*receipt, std::move(tags), {}};
    for (const auto &e : *events) outcome.events.push_back(e.id);
    return outcome;
}

json::Object toJson(const LabelPrintOutcome &outcome) {
    json::Array tags, events;
    for (const auto &t : outcome.tags) tags.add(t);
    for (auto id : outcome.events) events.add(id);
    return json::Object()
        .set("printer", outcome.receipt.printer)
        .set("format", outcome.receipt.format)
        .set("bytes", static_cast<std::uint64_t>(outcome.receipt.bytes))
        .set("job", outcome.receipt.job)
        .raw("tags", tags.str())
        .raw("events", events.str());
}

Status checkMediaForPrinter(const labels::Media &media, const labels::PrinterAddress &printer) {
    if (media.sheet && printer.kind != labels::PrinterAddress::Kind::Cups)
        return makeFieldError(Errc::InvalidInput, "size",
                              media.name + " is a sheet for ordinary printers: use a cups:QUEUE printer");
    return {};
}

}  // namespace reemploi::app
