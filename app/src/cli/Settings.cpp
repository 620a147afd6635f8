// Reading the environment, once, into Settings.
#include "cli/Settings.hpp"

#include <cstdlib>

#include <reemploi/diagnostics/DeviceTable.hpp>
#include <reemploi/diagnostics/UsbIds.hpp>
#include <reemploi/diagnostics/storage/Certificate.hpp>
#include <reemploi/inventory/Database.hpp>

namespace reemploi::app {

namespace {

// Sets `field` from the variable when it is set and not empty.
void fromEnvironment(std::string &field, const char *name) {
    if (const char *v = std::getenv(name); v && *v) field = v;
}

}  // namespace

Settings readSettings(const std::string &databasePath) {
    Settings s;
    // A database server's URL has no folder to hold the key: it must be configured (REEMPLOI_KEY).
    if (!inventory::isServerLocation(databasePath)) s.keyPath = diagnostics::storage::defaultKeyPath(databasePath);
    fromEnvironment(s.keyPath, "REEMPLOI_KEY");
    fromEnvironment(s.workshop.workshop, "REEMPLOI_WORKSHOP");
    fromEnvironment(s.workshop.contact, "REEMPLOI_WORKSHOP_CONTACT");
    fromEnvironment(s.workshop.location, "REEMPLOI_WORKSHOP_LOCATION");
    fromEnvironment(s.workshop.position, "REEMPLOI_OPERATOR_POSITION");
    fromEnvironment(s.workshop.destination, "REEMPLOI_DESTINATION");
    s.usbIdsPath = diagnostics::UsbIds::DefaultPath;
    fromEnvironment(s.usbIdsPath, "REEMPLOI_USB_IDS");
    s.devicesTablePath = diagnostics::DeviceTable::defaultPath();
    fromEnvironment(s.devicesTablePath, "REEMPLOI_DEVICES_TABLE");
    return s;
}

}  // namespace reemploi::app
