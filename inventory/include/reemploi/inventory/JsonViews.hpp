// JSON forms of the domain values: one definition shared by the command line (--json), the web
// API and the audit events, so that a field is spelled the same everywhere.
#pragma once

#include <reemploi/common/Json.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::inventory {

json::Object toJson(const Donor &);
json::Object toJson(const Donation &);
json::Object toJson(const StorageMedium &);
json::Object toJson(const Unit &);  // with its storage media
// toJson(unit).str(), written directly (the payload of the event of each registered unit).
std::string toJsonText(const Unit &);
json::Object toJson(const SanitizationRecord &, bool withCertificate = false);
json::Object toJson(const Event &);

}  // namespace reemploi::inventory
