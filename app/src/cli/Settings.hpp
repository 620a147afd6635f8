// The configuration the environment gives, read once when the command line starts and handed to
// the services as plain values (the libraries read no environment variables).
#pragma once

#include <string>

#include <reemploi/diagnostics/UsbBus.hpp>
#include <reemploi/diagnostics/storage/WipeSession.hpp>

namespace reemploi::app {

struct Settings {
    // $REEMPLOI_KEY, else keys/workshop-ed25519.pem next to an SQLite database; empty for a
    // database server's URL without REEMPLOI_KEY (signing is then refused, naming the setting).
    std::string keyPath;
    // $REEMPLOI_WORKSHOP, $REEMPLOI_WORKSHOP_CONTACT, $REEMPLOI_WORKSHOP_LOCATION,
    // $REEMPLOI_OPERATOR_POSITION, $REEMPLOI_DESTINATION over the defaults.
    diagnostics::storage::WorkshopInfo workshop;
    std::string usbIdsPath;        // $REEMPLOI_USB_IDS, else /usr/share/misc/usb.ids
    std::string devicesTablePath;  // $REEMPLOI_DEVICES_TABLE, else the table shipped with reemploi

    diagnostics::UsbBusOptions usbBus() const { return {usbIdsPath, devicesTablePath}; }
};

// From the environment; `databasePath` places the default key next to the database.
Settings readSettings(const std::string &databasePath);

}  // namespace reemploi::app
