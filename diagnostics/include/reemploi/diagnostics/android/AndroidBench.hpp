// The bench's services for tablets and phones over ADB: read a device's facts (and store them on
// its unit), and reset it, recording the sanitization with a signed certificate.
#pragma once

#include <optional>
#include <string>

#include <reemploi/diagnostics/android/AndroidDevice.hpp>
#include <reemploi/diagnostics/android/AndroidFacts.hpp>
#include <reemploi/diagnostics/android/AndroidReset.hpp>
#include <reemploi/diagnostics/storage/Certificate.hpp>
#include <reemploi/diagnostics/storage/WipeSession.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/DeviceFacts.hpp>

namespace reemploi::diagnostics::android {

// What of the facts goes on a unit: kind, make/model/serial where empty, RAM, battery health
// where exposed, screen size, OS, the internal flash (its user data partition's size).
inventory::DeviceFacts unitFactsFrom(const AndroidFacts &facts);

struct AndroidDiagnosis {
    AndroidFacts facts;
    std::string where;                  // "usb 1-1.4 (…)" or "tcp …"
    std::optional<inventory::Unit> unit;  // when stored
};
// Connects, reads the facts and, with `db` and `unitTag`, stores them on the unit.
Result<AndroidDiagnosis> diagnoseAndroid(const AndroidTarget &target, const AndroidOpenOptions &options,
                                         inventory::Database *db, const std::optional<std::string> &unitTag,
                                         const inventory::Actor &actor);

struct AndroidWipeRequest {
    AndroidTarget target;
    std::string unitTag;
    std::string method = std::string(kAndroidFactoryResetMethod);
    std::optional<std::int64_t> mediumId;
    AndroidOpenOptions open;
    ResetOptions reset;
    std::string workshopKeyPath;  // the certificate's signing key
    storage::WorkshopInfo workshop;
    std::optional<std::string> certificatePath;  // FILE (+ .sig, .pdf) when set
};

struct AndroidWipeResult {
    AndroidFacts facts;
    ResetOutcome outcome;
    ResetLevel level;
    std::optional<inventory::SanitizationRecord> record;  // only when the reset happened
    std::optional<storage::IssuedCertificate> certificate;
    std::optional<storage::CertificateFiles> files;
    std::string certificateProblem;
};
// Reads the facts, refuses while a Google account is present (nothing sent to the device,
// nothing recorded), resets, and records the sanitization (Purge only for reported encryption)
// with its certificate. A device that would not reset itself is restarted into recovery for a
// reset by hand: the result says so (outcome RecoveryByHand) and nothing is recorded.
Result<AndroidWipeResult> wipeAndroid(inventory::Database &db, const AndroidWipeRequest &request,
                                      const inventory::Actor &actor);

}  // namespace reemploi::diagnostics::android
