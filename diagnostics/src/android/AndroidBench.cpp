// Tablets and phones at the bench: facts onto units, resets into sanitization records.
#include <reemploi/diagnostics/android/AndroidBench.hpp>

#include <cmath>

#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Units.hpp>

namespace reemploi::diagnostics::android {

inventory::DeviceFacts unitFactsFrom(const AndroidFacts &f) {
    inventory::DeviceFacts d;
    d.kind = f.kind == "tablet" ? inventory::UnitKind::Tablet : inventory::UnitKind::Phone;
    d.make = f.manufacturer;
    d.model = f.model;
    d.serial = f.serial;
    if (f.ramBytes) d.ramMib = *f.ramBytes / (1024 * 1024);
    d.batteryHealthPercent = f.battery.healthPercent;
    d.screenInches = f.screenInches;
    if (!f.androidVersion.empty())
        d.os = "Android " + f.androidVersion + (f.sdk ? " (SDK " + std::to_string(*f.sdk) + ")" : "");
    d.internalCapacityBytes = f.dataTotalBytes;
    return d;
}

Result<AndroidDiagnosis> diagnoseAndroid(const AndroidTarget &target, const AndroidOpenOptions &options,
                                         inventory::Database *db, const std::optional<std::string> &unitTag,
                                         const inventory::Actor &actor) {
    std::string recordedSerial;
    if (unitTag) {
        // Before touching the device: a wrong tag is the trainee's to fix first.
        if (!db) return makeError(Errc::Internal, "no database to store the facts in");
        auto unit = inventory::getUnit(*db, *unitTag);
        if (!unit) return unit.error();
        // Only a tablet's or phone's (a laptop's tag is refused as such when the facts are recorded).
        if (unit->kind == inventory::UnitKind::Tablet || unit->kind == inventory::UnitKind::Phone)
            recordedSerial = unit->serial;
    }
    auto device = AndroidDevice::open(target, options);
    if (!device) return device.error();
    AndroidDiagnosis out;
    out.where = (*device)->where();
    auto facts = readFacts((*device)->adb());
    if (!facts) return facts.error().withContext(out.where);
    out.facts = std::move(*facts);
    // Another device's facts must not land on this unit (the reset refuses the same).
    if (unitTag && !recordedSerial.empty() && !out.facts.serial.empty() && recordedSerial != out.facts.serial)
        return makeError(Errc::Refused, *unitTag + " is recorded with serial " + recordedSerial + ", this device says " +
                                            out.facts.serial + ": check the tag (nothing was stored)");
    if (unitTag) {
        auto unit = inventory::recordDeviceFacts(*db, *unitTag, unitFactsFrom(out.facts), actor);
        if (!unit) return unit.error();
        out.unit = std::move(*unit);
    }
    return out;
}

Result<AndroidWipeResult> wipeAndroid(inventory::Database &db, const AndroidWipeRequest &request,
                                      const inventory::Actor &actor) {
    REEMPLOI_TRY(inventory::requireRole(actor, inventory::Role::Trainee, "reset a device"));
    if (request.method != kAndroidFactoryResetMethod)
        return makeError(Errc::InvalidInput, "--method " + request.method + ": an Android device is wiped with " +
                                                 std::string(kAndroidFactoryResetMethod));
    auto unit = inventory::getUnit(db, request.unitTag);
    if (!unit) return unit.error();
    if (unit->kind != inventory::UnitKind::Tablet && unit->kind != inventory::UnitKind::Phone)
        return makeError(Errc::Refused, unit->tag + " is a " + std::string(inventory::toString(unit->kind)) +
                                            ", not a tablet or phone: check the tag (or record its facts with "
                                            "reemploi diag android --unit " + unit->tag + ")");
    // The certificate names the source of the media: known before anything happens to the device.
    auto donation = inventory::getDonation(db, unit->donationId);
    if (!donation) return donation.error().withContext("the donation of " + unit->tag);
    auto donor = inventory::getDonor(db, donation->donorId);
    if (!donor) return donor.error().withContext("the donor of " + unit->tag);
    auto key = storage::WorkshopKey::loadOrCreate(request.workshopKeyPath);
    if (!key) return key.error().withContext("the workshop's signing key");

    auto device = AndroidDevice::open(request.target, request.open);
    if (!device) return device.error();
    AndroidWipeResult out;
    auto facts = readFacts((*device)->adb());
    if (!facts) return facts.error().withContext((*device)->where());
    out.facts = std::move(*facts);
    if (!unit->serial.empty() && !out.facts.serial.empty() && unit->serial != out.facts.serial)
        return makeError(Errc::Refused, unit->tag + " is recorded with serial " + unit->serial + ", this device says " +
                                            out.facts.serial + ": check the tag");
    REEMPLOI_TRY(checkResetAllowed(out.facts));
    out.level = resetLevel(out.facts);
    const std::string startedAt = inventory::nowUtc();
    auto outcome = factoryReset((*device)->adb(), out.facts, request.reset);
    if (!outcome) return outcome.error().withContext((*device)->where());
    out.outcome = *outcome;
    if (out.outcome.kind != ResetOutcome::Kind::Reset) return out;

    // The reset happened: certificate, then the record that holds it.
    storage::CertificateFields c;
    c.id = storage::newCertificateId();
    c.issuedAt = inventory::nowUtc();
    c.workshop = request.workshop.workshop;
    c.workshopContact = request.workshop.contact;
    c.manufacturer = out.facts.manufacturer;
    c.model = out.facts.model;
    c.serial = out.facts.serial;
    c.firmware = out.facts.fingerprint;
    c.mediaType = "flash (internal, user data partition)";
    c.capacityBytes = static_cast<std::uint64_t>(out.facts.dataTotalBytes.value_or(0));
    c.hiddenArea = "not applicable (the device erases itself)";
    c.identityEvidence = "the device's own reset";
    c.unitTag = unit->tag;
    c.donorTag = unit->donorTag;
    c.donor = donor->name;
    c.donation = "#" + std::to_string(donation->id) + " received " + donation->received;
    c.level = out.level.level;
    c.method = std::string(kAndroidFactoryResetMethod);
    c.methodDescription = "factory reset started over ADB; " + out.level.why;
    c.tool = "reemploi";
    c.toolVersion = REEMPLOI_VERSION;
    c.result = "passed";
    c.startedAt = startedAt;
    c.endedAt = inventory::nowUtc();
    c.verificationMethod = "device restart after the request";
    c.verificationResult = out.outcome.evidence;
    c.sanitizedBy = {actor.name, request.workshop.position, request.workshop.location, request.workshop.contact};
    c.verifiedBy = c.sanitizedBy;
    c.destination = request.workshop.destination;
    auto cert = storage::issueCertificate(c, *key);
    inventory::DeviceReset reset;
    reset.method = std::string(kAndroidFactoryResetMethod);
    reset.level = out.level.level == storage::NistLevel::Purge ? inventory::SanitizationLevel::Purge
                                                               : inventory::SanitizationLevel::Clear;
    reset.verification = out.outcome.evidence;
    reset.notes = out.level.why;
    reset.startedAt = startedAt;
    reset.mediumId = request.mediumId;
    if (cert) {
        reset.certificateId = cert->fields.id;
        reset.certificateJson = cert->json;
        if (request.certificatePath) {
            auto files = storage::writeCertificateFiles(*cert, *request.certificatePath);
            if (files) out.files = *files;
            else out.certificateProblem = "certificate files not written: " + files.error().message;
        }
        out.certificate = std::move(*cert);
    } else {
        out.certificateProblem = "certificate not issued: " + cert.error().message;
        reset.notes += "; " + out.certificateProblem;
    }
    auto record = inventory::recordDeviceReset(db, unit->tag, reset, actor);
    if (!record) return record.error().withContext("the device was reset, but recording it failed");
    out.record = std::move(*record);
    return out;
}

}  // namespace reemploi::diagnostics::android
