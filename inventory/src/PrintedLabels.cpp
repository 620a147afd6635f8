// label_printed events: a sheet of labels is one job, recorded as a whole or not at all.
#include <reemploi/inventory/PrintedLabels.hpp>

#include <reemploi/common/Json.hpp>

namespace reemploi::inventory {

Result<std::vector<Event>> recordLabelsPrinted(Database &db, const std::vector<std::string> &tags,
                                               const LabelPrintJob &job, const Actor &actor) {
    if (tags.empty()) return makeError(Errc::InvalidInput, "no label to record as printed");
    return inTransaction(db, "recording printed labels", [&]() -> Result<std::vector<Event>> {
        auto &exists = db.cached("SELECT 1 FROM units WHERE tag = ?");
        for (const auto &tag : tags) {
            exists.bind(1, tag);
            const bool found = exists.step();
            exists.reset();
            if (!found) return makeError(Errc::NotFound, "no unit " + tag + ": no label recorded as printed");
        }
        json::Object payload;
        payload.set("printer", job.printer).set("format", job.format).set("size", job.size).set("dpi", job.dpi);
        if (!job.job.empty()) payload.set("job", job.job);
        const std::string text = payload.str();
        std::vector<NewEvent> events;
        events.reserve(tags.size());
        for (const auto &tag : tags) events.push_back({"unit", tag, "label_printed", text});
        return appendEvents(db, actor, std::move(events));
    });
}

}  // namespace reemploi::inventory
