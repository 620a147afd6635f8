// Units as labels: the bridge between the inventory and labels/ (which knows nothing of the
// database). The command line and the web API both call these.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <reemploi/common/Json.hpp>
#include <reemploi/common/Result.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>
#include <reemploi/labels/Label.hpp>
#include <reemploi/labels/Printer.hpp>

namespace reemploi::app {

// What goes on a unit's label: tag, kind in French, make/model, grade, wipe state and date (from
// the sanitization records), the donation's site.
Result<labels::LabelData> unitLabelData(inventory::Database &db, const inventory::Unit &unit);
Result<std::vector<labels::LabelData>> unitLabelData(inventory::Database &db, const std::vector<inventory::Unit> &units);

// The units to label: the one with `tag`, or every unit of `donation` (exactly one of the two).
Result<std::vector<inventory::Unit>> unitsToLabel(inventory::Database &db, const std::optional<std::string> &tag,
                                                  std::optional<std::int64_t> donation);

// The labels of the units to label (unitsToLabel, then unitLabelData): what `label render` and
// `label print` start from.
Result<std::vector<labels::LabelData>> labelsToPrint(inventory::Database &db, const std::optional<std::string> &tag,
                                                     std::optional<std::int64_t> donation);

// Sheets of labels (a4-3x8) go to an ordinary printer (cups:QUEUE) only: InvalidInput otherwise.
Status checkMediaForPrinter(const labels::Media &media, const labels::PrinterAddress &printer);

struct LabelPrintOutcome {
    labels::PrintReceipt receipt;
    std::vector<std::string> tags;     // the units whose labels were printed, in order
    std::vector<std::int64_t> events;  // the label_printed events, one per unit
};
// {"printer","format","bytes","job","tags":[…],"events":[…]}
json::Object toJson(const LabelPrintOutcome &outcome);

// Prints the units' labels and, once the printer has accepted the job, records one
// `label_printed` event per label in one transaction (inventory::recordLabelsPrinted): all or
// none. A printer failure records nothing; so does a database failure after printing, and the
// error then says the printer has the job.
Result<LabelPrintOutcome> printUnitLabels(inventory::Database &db, const std::vector<labels::LabelData> &labels,
                                          const labels::Media &media, const labels::LayoutOptions &layout,
                                          const labels::PrinterAddress &printer, const labels::PrintOptions &options,
                                          const inventory::Actor &actor);

}  // namespace reemploi::app
