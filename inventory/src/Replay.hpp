// The audit replay: what the events say every unit, medium, sanitization record, school and need
// is now, compared with the tables (AuditLog.hpp's verifyAudit drives it).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Database.hpp>

#include "JsonReader.hpp"

namespace reemploi::inventory::replay {

class Replayer {
public:
    Replayer();
    ~Replayer();
    Replayer(const Replayer &) = delete;
    Replayer &operator=(const Replayer &) = delete;

    // Applies one event (in chain order); `payload` is its parsed payload, or null when the
    // payload is redacted (the fields it held become unknown and are not compared).
    void apply(const Event &event, const jsonr::Value &payload);
    // The first disagreement between the tables and the events, or nothing.
    std::optional<std::string> compare(Database &db) const;

private:
    struct State;
    std::unique_ptr<State> _s;
};

}  // namespace reemploi::inventory::replay
