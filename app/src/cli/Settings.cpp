// Reading the environment, once, into Settings.
#include "cli/Settings.hpp"

#include <cstdlib>
#include <filesystem>

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

std::string defaultReportConfigPath() {
    const char *installed = "/etc/reemploi/report.conf";
    if (std::filesystem::exists(installed)) return installed;
    return REEMPLOI_DEFAULT_REPORT_CONFIG;
}

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
    fromEnvironment(s.probePassword, "REEMPLOI_PASSWORD");
    fromEnvironment(s.usbIdsPath, "REEMPLOI_USB_IDS");
    s.devicesTablePath = diagnostics::DeviceTable::defaultPath();
    fromEnvironment(s.devicesTablePath, "REEMPLOI_DEVICES_TABLE");
    s.adbKeyPath = (std::filesystem::path(databasePath).parent_path() / "keys" / "adb-rsa2048.pem").string();
    fromEnvironment(s.adbKeyPath, "REEMPLOI_ADB_KEY");
    // Seconds; a value that is not a number leaves the default.
    auto seconds = [](int &field, const char *name) {
        if (const char *v = std::getenv(name); v && *v) {
            char *end = nullptr;
            long n = std::strtol(v, &end, 10);
            if (end && *end == '\0' && n >= 0 && n <= 3600) field = static_cast<int>(n);
        }
    };
    s.reportConfigPath = defaultReportConfigPath();
    fromEnvironment(s.reportConfigPath, "REEMPLOI_REPORT_CONFIG");
    fromEnvironment(s.smtpPassword, "REEMPLOI_SMTP_PASSWORD");
    seconds(s.adbPromptSeconds, "REEMPLOI_ADB_PROMPT_SECONDS");
    seconds(s.adbRebootSeconds, "REEMPLOI_ADB_REBOOT_SECONDS");
    return s;
}

}  // namespace reemploi::app
