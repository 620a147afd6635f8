// The classification of personal-looking headers, on normalizeKey's form ("Assigned To" →
// "assignedto"): words that name people or reach them, unless the header names a device.
#include <reemploi/intake/PersonalColumns.hpp>

#include <array>
#include <string>

#include <reemploi/intake/Columns.hpp>

namespace reemploi::intake {

bool looksPersonal(std::string_view header) {
    std::string key = normalizeKey(header);
    if (key.empty()) return false;
    auto has = [&](std::string_view word) { return key.find(word) != std::string::npos; };
    // A device's own name is no person's.
    static constexpr std::array<std::string_view, 12> kDevice = {
        "model",    "modele",   "computer", "ordinateur", "hostname", "host",
        "asset",    "machine",  "device",   "appareil",   "poste",    "materiel"};
    for (auto w : kDevice)
        if (has(w)) return false;
    static constexpr std::array<std::string_view, 30> kPersonal = {
        "nom",        "prenom",     "name",      "firstname", "lastname",  "surname",   "email",    "mail",
        "courriel",   "phone",      "telephone", "tel",       "mobile",    "portable",  "assigned", "affecte",
        "attribue",   "assignee",   "user",      "utilisateur", "login",   "agent",     "employee", "employe",
        "salarie",    "owner",      "proprietaire", "contact", "personne", "collaborateur"};
    for (auto w : kPersonal)
        if (has(w)) return true;
    return false;
}

}  // namespace reemploi::intake
