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

    // Tablets and phones: $REEMPLOI_ADB_KEY, else keys/adb-rsa2048.pem next to the database; how
    // long a person has to accept the debugging prompt ($REEMPLOI_ADB_PROMPT_SECONDS, 30) and a
    // device to restart after a reset request ($REEMPLOI_ADB_REBOOT_SECONDS, 30).
    std::string adbKeyPath;
    int adbPromptSeconds = 30;
    int adbRebootSeconds = 30;

    // Donors' reports: $REEMPLOI_REPORT_CONFIG, else /etc/reemploi/report.conf when it exists,
    // else the deploy/report.conf of the source tree; $REEMPLOI_SMTP_PASSWORD over its smtp.password.
    std::string reportConfigPath;
    std::string smtpPassword;
    // `probe --server`: the trainee's password ($REEMPLOI_PASSWORD; else asked on standard input).
    std::string probePassword;

    diagnostics::UsbBusOptions usbBus() const { return {usbIdsPath, devicesTablePath}; }
};

// /etc/reemploi/report.conf when it exists, else the deploy/report.conf reemploi was built from.
std::string defaultReportConfigPath();

// From the environment; `databasePath` places the default key next to the database.
Settings readSettings(const std::string &databasePath);

}  // namespace reemploi::app
