// A wipe as the workshop runs it: the target and the unit's storage medium are matched, an
// `interrupted` record is stored before the first write (so a killed process leaves an honest
// trace), the runner erases and verifies, and the record is completed with the outcome and, if
// it passed, a signed certificate. The CLI and the web API both drive this.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <reemploi/diagnostics/storage/BlockTarget.hpp>
#include <reemploi/diagnostics/storage/Certificate.hpp>
#include <reemploi/diagnostics/storage/WipeMethods.hpp>
#include <reemploi/diagnostics/storage/WipeRunner.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::diagnostics::storage {

struct WipeRequest {
    std::string target;   // a path: /dev/sdb, /dev/loop3, disk.img
    std::string unitTag;  // RE-000042
    std::string method;   // an id of wipeMethods()
    std::optional<Verification> verification;  // the method's default when unset
    std::optional<std::string> certificatePath;
};

// Who signs and where, for the certificate's NIST fields. Empty fields are taken from the
// environment: REEMPLOI_WORKSHOP, REEMPLOI_WORKSHOP_CONTACT, REEMPLOI_WORKSHOP_LOCATION,
// REEMPLOI_OPERATOR_POSITION, REEMPLOI_DESTINATION.
struct WorkshopInfo {
    std::string workshop;
    std::string contact;
    std::string location;
    std::string position;
    std::string destination;
    std::string keyPath;  // defaultKeyPath(database) when empty
};
WorkshopInfo workshopInfoFromEnvironment(WorkshopInfo given, const std::string &databasePath);

struct WipeJobResult {
    WipeReport report;
    inventory::SanitizationRecord record;
    std::optional<IssuedCertificate> certificate;
    std::optional<CertificateFiles> files;
};

class WipeJob {
public:
    // Opens the target exclusively and checks the method and the unit, without writing anything.
    static Result<std::unique_ptr<WipeJob>> prepare(inventory::Database &db, const WipeRequest &request);

    // Finds (or adds) the unit's medium matching the target's serial and stores the record as
    // `interrupted`, before the first write.
    Status begin(inventory::Database &db, const inventory::Actor &actor);

    // Erases and verifies (no database access: runs on its own thread).
    WipeReport run(WipeOptions options);

    // Keeps the stored record's last LBA current while the wipe runs (still `interrupted`).
    Status checkpoint(inventory::Database &db, std::uint64_t lastLba, std::uint64_t bytesWritten,
                      const inventory::Actor &actor);

    // Completes the record with the outcome; issues and writes the certificate if it passed.
    Result<WipeJobResult> finish(inventory::Database &db, const WipeReport &report, const WorkshopInfo &workshop,
                                 const inventory::Actor &actor);

    const TargetInfo &target() const { return _target->info(); }
    const WipeRequest &request() const { return _request; }
    const WipeMethod &method() const { return *_method; }
    const inventory::StorageMedium &medium() const { return _medium; }

private:
    WipeRequest _request;
    const WipeMethod *_method = nullptr;
    Verification _verification = Verification::Sample;
    std::unique_ptr<BlockTarget> _target;
    inventory::Unit _unit;
    inventory::StorageMedium _medium;
    inventory::SanitizationRecord _record;
};

inventory::SanitizationLevel toInventoryLevel(NistLevel level);
inventory::SanitizationResult toInventoryResult(WipeOutcome outcome);
std::string errorsJson(const std::vector<WipeError> &errors);

}  // namespace reemploi::diagnostics::storage
