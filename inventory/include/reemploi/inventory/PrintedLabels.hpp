// What the inventory keeps of printed labels: one `label_printed` event per unit of a print job.
// The printing itself is labels/' (which knows nothing of the database); app/services joins them.
#pragma once

#include <string>
#include <vector>

#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::inventory {

// A job the printer accepted: the event payload of each of its labels.
struct LabelPrintJob {
    std::string printer;  // "tcp://host:9100", "cups:QUEUE"
    std::string format;   // "zpl", "pdf"
    std::string size;     // the media: "62x29", "a4-3x8", …
    int dpi = 0;
    std::string job;      // the spooler's job id, empty when there is none (raw TCP)
};

// Records one `label_printed` event per tag, in order, in one transaction: all or none. Call it
// once the printer has accepted the job. NotFound naming the tag when a unit does not exist
// (nothing recorded); InvalidInput for an empty list.
Result<std::vector<Event>> recordLabelsPrinted(Database &db, const std::vector<std::string> &tags,
                                               const LabelPrintJob &job, const Actor &actor);

}  // namespace reemploi::inventory
