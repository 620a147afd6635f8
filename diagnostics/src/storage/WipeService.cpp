// The wipe service: target ↔ medium matching, the record written before the first byte and
// completed after the last, the certificate.
#include <reemploi/diagnostics/storage/WipeService.hpp>

#include <cstdlib>

#include <reemploi/common/Json.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Units.hpp>

namespace reemploi::diagnostics::storage {

namespace {

std::string env(const char *name) {
    const char *v = std::getenv(name);
    return v ? v : "";
}

}  // namespace

WorkshopInfo workshopInfoFromEnvironment(WorkshopInfo w, const std::string &databasePath) {
    auto fill = [](std::string &field, const char *var, const char *fallback) {
        if (field.empty()) field = env(var);
        if (field.empty()) field = fallback;
    };
    fill(w.workshop, "REEMPLOI_WORKSHOP", "");
    fill(w.contact, "REEMPLOI_WORKSHOP_CONTACT", "");
    fill(w.location, "REEMPLOI_WORKSHOP_LOCATION", "");
    fill(w.position, "REEMPLOI_OPERATOR_POSITION", "wipe operator");
    fill(w.destination, "REEMPLOI_DESTINATION", "reuse: refurbished and given to a schoolchild's family");
    if (w.keyPath.empty()) w.keyPath = defaultKeyPath(databasePath);
    return w;
}

inventory::SanitizationLevel toInventoryLevel(NistLevel level) {
    switch (level) {
    case NistLevel::Clear: return inventory::SanitizationLevel::Clear;
    case NistLevel::Purge: return inventory::SanitizationLevel::Purge;
    case NistLevel::Destroy: return inventory::SanitizationLevel::Destroy;
    }
    return inventory::SanitizationLevel::Clear;
}

inventory::SanitizationResult toInventoryResult(WipeOutcome outcome) {
    switch (outcome) {
    case WipeOutcome::Passed: return inventory::SanitizationResult::Passed;
    case WipeOutcome::Failed: return inventory::SanitizationResult::Failed;
    case WipeOutcome::Interrupted: return inventory::SanitizationResult::Interrupted;
    }
    return inventory::SanitizationResult::Failed;
}

std::string errorsJson(const std::vector<WipeError> &errors) {
    json::Array a;
    for (const auto &e : errors) {
        json::Object o;
        o.set("lba", e.lba).set("message", e.message);
        a.add(o);
    }
    return a.str();
}

Result<std::unique_ptr<WipeJob>> WipeJob::prepare(inventory::Database &db, const WipeRequest &request) {
    auto job = std::make_unique<WipeJob>();
    job->_request = request;
    auto method = findWipeMethod(request.method);
    if (!method) return method.error();
    job->_method = *method;
    job->_verification = request.verification.value_or(job->_method->defaultVerification);
    auto unit = inventory::getUnit(db, request.unitTag);
    if (!unit) return unit.error();
    job->_unit = std::move(*unit);
    auto target = openTarget(request.target, true);
    if (!target) return target.error();
    job->_target = std::move(*target);
    if (auto st = checkWipeSupported(*job->_target, *job->_method); !st) return st.error();
    return job;
}

Status WipeJob::begin(inventory::Database &db, const inventory::Actor &actor) {
    const auto &info = _target->info();
    // The medium is the unit's one with the target's serial (both may be empty: a disk whose
    // serial nobody could read); otherwise the target is registered as a new medium.
    const inventory::StorageMedium *found = nullptr;
    for (const auto &m : _unit.storage)
        if (m.serial == info.serial && !m.destroyed) found = &m;
    if (found) {
        _medium = *found;
    } else {
        inventory::NewMedium nm;
        auto type = inventory::parseMediumType(info.mediaType());
        nm.type = type ? *type : inventory::MediumType::Other;
        nm.model = info.model;
        nm.serial = info.serial;
        nm.capacityBytes = static_cast<std::int64_t>(info.sizeBytes);
        auto added = inventory::addMedium(db, _unit.tag, nm, actor);
        if (!added) return added.error();
        _medium = *added;
    }
    inventory::SanitizationRecord r;
    r.mediumId = _medium.id;
    r.method = std::string(_method->id);
    r.level = toInventoryLevel(_method->levelFor(info.isFlash()));
    r.result = inventory::SanitizationResult::Interrupted;
    r.verification = std::string(toString(_verification));
    r.startedAt = utcTimestamp(std::chrono::system_clock::now());
    r.errors = "[]";
    auto stored = inventory::recordSanitization(db, r, actor);
    if (!stored) return stored.error();
    _record = *stored;
    return {};
}

WipeReport WipeJob::run(WipeOptions options) {
    options.verification = _verification;
    return runWipe(*_target, *_method, options);
}

Status WipeJob::checkpoint(inventory::Database &db, std::uint64_t lastLba, std::uint64_t bytesWritten,
                           const inventory::Actor &actor) {
    auto r = _record;
    r.lastLba = static_cast<std::int64_t>(lastLba);
    r.bytesWritten = static_cast<std::int64_t>(bytesWritten);
    auto stored = inventory::completeSanitization(db, r, actor);
    if (!stored) return stored.error();
    _record = *stored;
    return {};
}

Result<WipeJobResult> WipeJob::finish(inventory::Database &db, const WipeReport &report,
                                      const WorkshopInfo &workshop, const inventory::Actor &actor) {
    WipeJobResult out;
    out.report = report;
    auto r = _record;
    r.startedAt = report.startedAt.empty() ? r.startedAt : report.startedAt;
    r.result = toInventoryResult(report.outcome);
    r.level = toInventoryLevel(report.level);
    r.endedAt = report.endedAt;
    r.bytesWritten = static_cast<std::int64_t>(report.bytesWritten);
    if (report.lastLba) r.lastLba = static_cast<std::int64_t>(*report.lastLba);
    r.errors = errorsJson(report.errors);

    if (report.outcome == WipeOutcome::Passed) {
        auto fields = certificateFieldsFrom(report, *_method);
        fields.unitTag = _unit.tag;
        fields.donorTag = _unit.donorTag;
        if (fields.model.empty()) fields.model = _medium.model;
        if (fields.serial.empty()) fields.serial = _medium.serial;
        if (auto donation = inventory::getDonation(db, _unit.donationId)) {
            fields.donation = "#" + std::to_string(donation->id) + " received " + donation->received;
            if (auto donor = inventory::getDonor(db, donation->donorId)) fields.donor = donor->name;
        }
        fields.workshop = workshop.workshop;
        fields.workshopContact = workshop.contact;
        fields.sanitizedBy = {actor.name, workshop.position, workshop.location, workshop.contact};
        fields.verifiedBy = fields.sanitizedBy;
        fields.destination = workshop.destination;
        auto key = WorkshopKey::loadOrCreate(workshop.keyPath);
        if (!key) {
            // The erasure did happen: store it as failed to certify rather than lose it.
            r.result = inventory::SanitizationResult::Failed;
            r.errors = errorsJson({{0, "certificate not issued: " + key.error().message}});
            auto stored = inventory::completeSanitization(db, r, actor);
            if (!stored) return stored.error();
            return key.error().withContext("signing the certificate");
        }
        auto cert = issueCertificate(fields, *key);
        if (!cert) return cert.error();
        r.certificateId = cert->fields.id;
        r.certificateJson = cert->json;
        out.certificate = std::move(*cert);
    }
    auto stored = inventory::completeSanitization(db, r, actor);
    if (!stored) return stored.error();
    _record = *stored;
    out.record = *stored;
    if (out.certificate && _request.certificatePath) {
        auto files = writeCertificateFiles(*out.certificate, *_request.certificatePath);
        if (!files) return files.error();
        out.files = *files;
    }
    return out;
}

}  // namespace reemploi::diagnostics::storage
