// The wipe session: everything checked before the first write, all records begun in one
// transaction, one thread per target, database access serialised, each target completed and
// certified as soon as it ends.
#include <reemploi/diagnostics/storage/WipeSession.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/JsonViews.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Units.hpp>

#include <reemploi/diagnostics/storage/UsbMassStorage.hpp>

namespace reemploi::diagnostics::storage {

namespace fs = std::filesystem;

struct WipeSession::Job {
    explicit Job(const CancelToken *session) : cancel(session) {}
    std::unique_ptr<BlockTarget> target;
    CancelToken cancel;  // this target, or the whole session
    std::string donor, donation;  // the certificate's media source, read before anything starts
    inventory::StorageMedium medium;
    inventory::SanitizationRecord record;
    WipeJobResult result;
};

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

std::string certificatePathFor(const std::string &given, const std::string &target, std::size_t count) {
    if (count == 1) return given;
    fs::path p(given);
    std::string name = target.substr(target.rfind('/') + 1);
    if (name.rfind("usb:", 0) == 0) name = "usb-" + name.substr(4);
    auto stem = p.stem().string() + "-" + name;
    return (p.parent_path() / (stem + p.extension().string())).string();
}

namespace {

// The certificate's files can be written: the folder exists or can be made, and is writable.
Status checkCertificatePath(const std::string &path) {
    const std::string option = "--certificate " + path;
    std::error_code ec;
    if (fs::is_directory(path, ec)) return makeError(Errc::InvalidInput, option + ": is a folder, not a file name");
    fs::path dir = fs::path(path).parent_path();
    if (dir.empty()) dir = ".";
    while (!fs::exists(dir, ec)) {
        if (!dir.has_parent_path() || dir.parent_path() == dir) break;
        dir = dir.parent_path();
    }
    if (!fs::is_directory(dir, ec))
        return makeError(Errc::InvalidInput, option + ": " + dir.string() + " is not a folder");
    if (::access(dir.c_str(), W_OK) != 0)
        return makeError(Errc::Refused, option + ": the folder " + dir.string() + " is not writable");
    return {};
}

}  // namespace

Result<std::unique_ptr<WipeSession>> WipeSession::prepare(inventory::Database &db, WipeSessionConfig config,
                                                          inventory::Actor actor) {
    if (config.targets.empty()) return makeError(Errc::InvalidInput, "no target to wipe");
    std::unique_ptr<WipeSession> s(new WipeSession());
    s->_db = &db;
    s->_actor = std::move(actor);
    auto method = findWipeMethod(config.method);
    if (!method) return method.error();
    if ((*method)->forDevices())
        return makeFieldError(Errc::InvalidInput, "method",
                              std::string((*method)->id) + " resets a tablet or phone: give its adb:SERIAL (or adb:HOST:PORT) "
                                                           "as the only target, not a drive");
    s->_method = *method;
    s->_verification = config.verification.value_or(s->_method->defaultVerification);

    // The key first: it is protected like the database, and a wipe must never end uncertified.
    if (config.keyPath.empty()) return makeError(Errc::InvalidInput, "no path for the workshop signing key: a database on a server has no folder "
                                                                  "to keep it in; set REEMPLOI_KEY (or workshop.key in the server's configuration)");
    auto key = WorkshopKey::loadOrCreate(config.keyPath);
    if (!key) return key.error().withContext("workshop key");
    if (!key->canSign())
        return makeError(Errc::Refused, "workshop key: " + config.keyPath + " holds a public key only; certificates "
                                                                           "need the private key");
    s->_key = std::move(*key);

    TargetSafety safety{protectedFilesFor(config.databasePath, config.keyPath), config.systemRoot};
    std::map<std::pair<dev_t, ino_t>, std::string> seen;  // the same file or device under two names
    std::set<std::string> usbPorts;
    std::set<std::int64_t> credited;
    for (const auto &spec : config.targets) {
        const std::string &name = spec.target;
        if (isUsbTargetSpec(name)) {
            if (!usbPorts.insert(name).second) return makeError(Errc::InvalidInput, name + ": given twice");
        } else if (struct stat st {}; ::stat(name.c_str(), &st) == 0) {
            auto id = S_ISBLK(st.st_mode) ? std::make_pair(st.st_rdev, ino_t(0)) : std::make_pair(st.st_dev, st.st_ino);
            if (auto [it, fresh] = seen.emplace(id, name); !fresh)
                return makeError(Errc::InvalidInput, name + " and " + it->second + " are the same target");
        }
        if (spec.unitTag.empty()) return makeError(Errc::InvalidInput, name + ": no unit given");
        REEMPLOI_TRY(checkTargetIsSafe(name, safety));
        if (spec.certificatePath) REEMPLOI_TRY(checkCertificatePath(*spec.certificatePath));

        PreparedTarget p;
        p.spec = spec;
        auto unit = inventory::getUnit(db, spec.unitTag);
        if (!unit) return unit.error().withContext(name);
        p.unit = std::move(*unit);
        auto job = std::make_unique<Job>(&s->_cancel);
        // The certificate names the media's source: a donation or donor that cannot be read now
        // would give a certificate without it, so nothing is erased.
        auto donation = inventory::getDonation(db, p.unit.donationId);
        if (!donation)
            return donation.error().withContext(name + ": the donation of " + p.unit.tag + " (the certificate's source)");
        auto donor = inventory::getDonor(db, donation->donorId);
        if (!donor)
            return donor.error().withContext(name + ": the donor of " + p.unit.tag + " (the certificate's source)");
        job->donation = "#" + std::to_string(donation->id) + " received " + donation->received;
        // A signed certificate never holds what a privacy purge must remove: an individual donor
        // is named by reference only.
        job->donor = donor->kind == inventory::DonorKind::Individual ? "individual donor #" + std::to_string(donor->id)
                                                                      : donor->name;

        auto target = openTarget(name, true, config.usb);
        if (!target) return target.error().withContext(name);
        job->target = std::move(*target);
        if (auto st = checkWipeSupported(*job->target, *s->_method); !st) return st.error().withContext(name);
        p.info = job->target->info();
        auto match = matchMedium(p.unit, p.info, spec.medium);
        if (!match) return match.error().withContext(name);
        p.match = std::move(*match);
        if (p.match.medium && !credited.insert(p.match.medium->id).second)
            return makeError(Errc::InvalidInput, name + ": medium #" + std::to_string(p.match.medium->id) +
                                                     " is already the medium of another target");
        for (const auto &other : s->_prepared)
            if (!p.info.serial.empty() && other.info.serial == p.info.serial)
                return makeError(Errc::InvalidInput, name + " and " + other.spec.target + " are the same drive (serial " +
                                                         p.info.serial + ")");
        s->_prepared.push_back(std::move(p));
        s->_jobs.push_back(std::move(job));
    }
    s->_config = std::move(config);
    return s;
}

WipeSession::~WipeSession() {
    if (!_threads.empty()) {
        cancel();
        wait();
    }
}

void WipeSession::cancel(std::size_t target) {
    if (target < _jobs.size()) _jobs[target]->cancel.cancel();
}

Status WipeSession::start(WipeObserver *observer) {
    if (_started) return makeError(Errc::Conflict, "this wipe session was started already");
    _started = true;
    _observer = observer;
    {
        std::lock_guard lock(_dbMutex);
        auto &db = *_db;
        // All or none: a target that cannot begin must not leave the others `interrupted` for an
        // erasure that never happened.
        auto begun = inventory::inTransaction(db, "starting the wipe", [&]() -> Status {
            for (std::size_t i = 0; i < _jobs.size(); ++i) {
                auto &p = _prepared[i];
                auto &job = *_jobs[i];
                if (p.match.medium) {
                    job.medium = *p.match.medium;
                } else {
                    inventory::NewMedium nm;
                    auto type = inventory::parseMediumType(p.info.mediaType());
                    nm.type = type ? *type : inventory::MediumType::Other;
                    nm.model = p.info.model;
                    nm.serial = p.info.serial;
                    nm.capacityBytes = static_cast<std::int64_t>(p.info.sizeBytes);
                    auto added = inventory::addMedium(db, p.unit.tag, nm, _actor);
                    if (!added) return added.error().withContext(p.spec.target);
                    job.medium = *added;
                }
                inventory::SanitizationRecord r;
                r.mediumId = job.medium.id;
                r.method = std::string(_method->id);
                r.level = toInventoryLevel(_method->levelFor(p.info.isFlash()));
                r.result = inventory::SanitizationResult::Interrupted;
                r.verification = std::string(toString(_verification));
                r.startedAt = utcTimestamp(std::chrono::system_clock::now());
                r.errors = "[]";
                r.identityEvidence = std::string(toString(p.match.evidence));
                auto stored = inventory::recordSanitization(db, r, _actor);
                if (!stored) return stored.error().withContext(p.spec.target);
                job.record = *stored;
            }
            return {};
        });
        if (!begun) {
            for (auto &job : _jobs) {
                job->medium = {};
                job->record = {};
            }
            return begun.error();
        }
    }
    for (std::size_t i = 0; i < _jobs.size(); ++i) _threads.emplace_back([this, i] { runJob(i); });
    return {};
}

void WipeSession::runJob(std::size_t index) {
    auto &job = *_jobs[index];
    // Per thread on Linux, and inherited by the writer and generator threads the runner starts.
    if (_config.cpuNice > 0) ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), std::min(_config.cpuNice, 19));
    if (_config.cpuIdle) {
        sched_param idle{};
        ::pthread_setschedparam(::pthread_self(), SCHED_IDLE, &idle);  // allowed to any thread
    }
    auto notify = [this](auto &&call) {
        if (!_observer) return;
        std::lock_guard lock(_observerMutex);
        call(*_observer);
    };

    WipeOptions o;
    o.verification = _verification;
    o.cancel = &job.cancel;
    o.progressInterval = _config.progressInterval;
    o.checkpointInterval = _config.checkpointInterval;
    o.sampleSeed = _config.sampleSeed;
    o.onProgress = [&](const WipeProgress &p) { notify([&](WipeObserver &w) { w.progress(index, p); }); };
    o.onCheckpoint = [&](std::uint64_t lastLba, std::uint64_t bytesWritten) {
        auto r = job.record;
        r.lastLba = static_cast<std::int64_t>(lastLba);
        r.bytesWritten = static_cast<std::int64_t>(bytesWritten);
        Result<inventory::SanitizationRecord> stored = makeError(Errc::Internal, "");
        {
            std::lock_guard lock(_dbMutex);
            stored = inventory::completeSanitization(*_db, r, _actor);
            if (stored) job.record = *stored;
        }
        // A checkpoint that cannot be stored only leaves the record's last LBA older.
        if (stored) notify([&](WipeObserver &w) { w.checkpoint(index, *stored); });
    };
    WipeReport report = runWipe(*job.target, *_method, o);
    job.target.reset();  // the drive is free (a USB dock's kernel driver comes back)

    const auto &p = _prepared[index];
    WipeJobResult &out = job.result;
    out.target = p.spec.target;
    out.unitTag = p.unit.tag;
    out.report = report;
    out.medium = job.medium;
    out.evidence = p.match.evidence;

    auto r = job.record;
    if (!report.startedAt.empty()) r.startedAt = report.startedAt;
    r.result = toInventoryResult(report.outcome);
    r.level = toInventoryLevel(report.level);
    r.endedAt = report.endedAt;
    r.bytesWritten = static_cast<std::int64_t>(report.bytesWritten);
    if (report.lastLba) r.lastLba = static_cast<std::int64_t>(*report.lastLba);
    r.errors = errorsJson(report.errors);

    if (report.outcome == WipeOutcome::Passed) {
        auto fields = certificateFieldsFrom(report, *_method);
        fields.unitTag = p.unit.tag;
        fields.donorTag = p.unit.donorTag;
        if (fields.model.empty()) fields.model = job.medium.model;
        if (fields.serial.empty()) fields.serial = job.medium.serial;
        fields.donation = job.donation;
        fields.donor = job.donor;
        fields.identityEvidence = std::string(toString(p.match.evidence));
        const auto &w = _config.workshop;
        fields.workshop = w.workshop;
        fields.workshopContact = w.contact;
        fields.sanitizedBy = {_actor.name, w.position, w.location, w.contact};
        fields.verifiedBy = fields.sanitizedBy;
        fields.destination = w.destination;
        // The trail's head when the certificate is issued: a witness of the chain held outside it.
        {
            std::lock_guard lock(_dbMutex);
            if (auto head = inventory::chainHead(*_db)) fields.auditHead = AuditHeadRef{head->id, head->hash};
        }
        // The erasure happened whatever becomes of its certificate: the record stays `passed`
        // and says why the certificate is missing.
        auto cert = issueCertificate(fields, _key);
        if (!cert) {
            out.certificateProblem = "certificate not issued: " + cert.error().message;
        } else {
            r.certificateId = cert->fields.id;
            r.certificateJson = cert->json;
            out.certificate = std::move(*cert);
            if (p.spec.certificatePath) {
                auto files = writeCertificateFiles(*out.certificate, *p.spec.certificatePath);
                if (files) out.files = *files;
                else out.certificateProblem = "certificate files not written: " + files.error().message;
            }
        }
        r.notes = out.certificateProblem;
    }
    {
        std::lock_guard lock(_dbMutex);
        auto stored = inventory::completeSanitization(*_db, r, _actor);
        if (stored) {
            job.record = *stored;
        } else {
            out.error = stored.error();
            // No certificate file for a record that does not say passed.
            if (out.files) {
                std::error_code ec;
                for (const auto &f : {out.files->json, out.files->signature, out.files->pdf}) fs::remove(f, ec);
                out.files.reset();
            }
        }
    }
    out.record = job.record;
    notify([&](WipeObserver &w) { w.finished(index, out); });
}

std::vector<WipeJobResult> WipeSession::wait() {
    for (auto &t : _threads)
        if (t.joinable()) t.join();
    if (_threads.empty()) return {};
    std::vector<WipeJobResult> results;
    for (auto &job : _jobs) results.push_back(job->result);
    return results;
}

Result<std::vector<WipeJobResult>> WipeSession::run(WipeObserver *observer) {
    REEMPLOI_TRY(start(observer));
    return wait();
}

json::Object toJson(const WipeProgress &p) {
    json::Object o;
    o.set("phase", p.phase).set("pass", p.pass).set("passes", p.passes);
    o.set("bytes_done", p.bytesDone).set("bytes_total", p.bytesTotal);
    o.set("percent", std::round(p.percent * 10) / 10).set("mb_s", std::round(p.mbPerSecond * 10) / 10);
    if (p.etaSeconds) o.set("eta_s", std::round(*p.etaSeconds));
    else o.null("eta_s");
    return o;
}

json::Object toJson(const WipeJobResult &result) {
    const auto &report = result.report;
    json::Object o;
    o.set("target", result.target).set("unit", result.unitTag);
    o.set("result", toString(report.outcome)).set("method", report.method).set("level", toString(report.level));
    o.set("verification", toString(report.verification)).set("verification_result", report.verificationResult);
    o.set("bytes_written", report.bytesWritten).set("bytes_verified", report.bytesVerified);
    o.set("duration_s", report.durationSeconds).set("mb_s", std::round(report.writeMBps() * 10) / 10);
    if (report.lastLba) o.set("last_lba", *report.lastLba);
    else o.null("last_lba");
    o.raw("errors", errorsJson(report.errors)).set("recommend_destroy", report.recommendDestroy);
    if (!report.failure.empty()) o.set("failure", report.failure);
    o.set("medium_id", result.medium.id).set("identity_evidence", toString(result.evidence));
    o.set("record", inventory::toJson(result.record));
    if (result.certificate) o.set("certificate_id", result.certificate->fields.id);
    if (result.files) {
        json::Object f;
        f.set("json", result.files->json).set("signature", result.files->signature).set("pdf", result.files->pdf);
        o.set("certificate_files", f);
    }
    if (!result.certificateProblem.empty()) o.set("certificate_problem", result.certificateProblem);
    if (result.error) o.set("error", result.error->message);
    return o;
}

std::string wipeMethodsJson() {
    json::Array a;
    for (const auto &m : wipeMethods()) {
        json::Object o;
        o.set("id", m.id).set("label", m.label).set("level_magnetic", toString(m.levelMagnetic));
        o.set("level_flash", toString(m.levelFlash)).set("verification", toString(m.defaultVerification));
        json::Array passes;
        for (auto p : m.passes) passes.add(toString(p));
        o.raw("passes", passes.str()).set("note", m.note);
        o.set("targets", m.forDevices() ? "adb" : "drives");
        if (m.levelEncrypted) o.set("level_encrypted", toString(*m.levelEncrypted));
        a.add(o);
    }
    return a.str();
}

}  // namespace reemploi::diagnostics::storage
