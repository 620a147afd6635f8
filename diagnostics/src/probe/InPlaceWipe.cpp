// The stick's own wipes: checked and opened first, run at once, each kept as a record for the
// snapshot, signed on the machine only when the stick holds the workshop key.
#include <reemploi/diagnostics/probe/InPlaceWipe.hpp>

#include <cmath>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include <reemploi/common/Time.hpp>

namespace reemploi::diagnostics::probe {

namespace fs = std::filesystem;
using namespace storage;

namespace {

std::string hex(std::string_view bytes) {
    static const char *digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

// What the probe says the disk is, for a target that cannot tell (a disk image in the tests).
std::string probedMediaType(const Disk &d) {
    if (d.transport == "nvme" || d.transport == "emmc") return d.transport;
    return d.rotational ? "hdd" : "ssd";
}

}  // namespace

InPlaceWipe inPlaceWipeRecord(const Disk &disk, const WipeReport &report, const WipeMethod &method,
                              const std::string &operatorName) {
    InPlaceWipe w;
    const auto &t = report.target;
    w.disk = disk.name;
    w.vendor = t.vendor;
    w.model = !t.model.empty() ? t.model : disk.model;
    w.serial = !t.serial.empty() ? t.serial : disk.serial;
    w.firmware = !t.firmware.empty() ? t.firmware : disk.firmware;
    w.mediaType = t.kind == "file" ? probedMediaType(disk) : t.mediaType();
    w.sizeBytes = static_cast<std::int64_t>(t.sizeBytes ? t.sizeBytes : static_cast<std::uint64_t>(disk.sizeBytes));
    w.sectorSize = t.logicalSectorSize;
    w.hiddenArea = report.hiddenArea;
    w.method = report.method;
    w.level = std::string(toString(report.level));
    for (auto p : method.passes) w.passes.emplace_back(toString(p));
    w.verification = std::string(toString(report.verification));
    w.verificationResult = report.verificationResult;
    w.bytesVerified = static_cast<std::int64_t>(report.bytesVerified);
    w.sampleSubsections = static_cast<std::int64_t>(report.sampleSubsections);
    w.result = std::string(toString(report.outcome));
    w.startedAt = report.startedAt;
    w.endedAt = report.endedAt;
    w.durationSeconds = std::round(report.durationSeconds * 100) / 100;
    w.bytesWritten = static_cast<std::int64_t>(report.bytesWritten);
    w.throughputMBps = std::round(report.writeMBps() * 100) / 100;
    if (report.lastLba) w.lastLba = static_cast<std::int64_t>(*report.lastLba);
    for (const auto &e : report.errors) w.errors.push_back({e.lba, e.message});
    w.failure = report.failure;
    w.operatorName = operatorName;
    return w;
}

CertificateFields certificateFieldsFor(const InPlaceWipe &w, const WipeMethod &method) {
    CertificateFields f;
    f.manufacturer = w.vendor;
    f.model = w.model;
    f.serial = w.serial;
    f.firmware = w.firmware;
    f.mediaType = w.mediaType;
    f.capacityBytes = static_cast<std::uint64_t>(w.sizeBytes);
    f.sectorSize = static_cast<std::uint32_t>(w.sectorSize);
    f.hiddenArea = w.hiddenArea;
    f.identityEvidence = "serial";  // a wipe in place is credited by its disk's serial only
    for (NistLevel l : {NistLevel::Clear, NistLevel::Purge, NistLevel::Destroy})
        if (toString(l) == w.level) f.level = l;
    f.method = w.method;
    f.methodDescription = std::string(method.label);
    f.passes = w.passes;
    f.toolVersion = REEMPLOI_VERSION;
    f.result = w.result;
    f.startedAt = w.startedAt;
    f.endedAt = w.endedAt;
    f.durationSeconds = w.durationSeconds;
    f.bytesWritten = static_cast<std::uint64_t>(w.bytesWritten);
    f.throughputMBps = w.throughputMBps;
    if (w.lastLba) f.lastLba = static_cast<std::uint64_t>(*w.lastLba);
    for (const auto &e : w.errors) f.errors.push_back({e.lba, e.message});
    f.verificationMethod = w.verification;
    f.verificationResult = w.verificationResult;
    f.bytesVerified = static_cast<std::uint64_t>(w.bytesVerified);
    f.sampleSubsections = static_cast<std::uint64_t>(w.sampleSubsections);
    return f;
}

Status signOnMachine(InPlaceWipe &record, const WorkshopKey &key, const InPlaceWipeConfig &config) {
    if (record.result != "passed") return makeError(Errc::Refused, "only a passed wipe is certified");
    auto method = findWipeMethod(record.method);
    if (!method) return method.error();
    auto fields = certificateFieldsFor(record, **method);
    fields.unitTag = config.unitTag.value_or("");
    fields.workshop = config.workshop.workshop;
    fields.workshopContact = config.workshop.contact;
    fields.sanitizedBy = {config.operatorName, config.workshop.position, config.workshop.location, config.workshop.contact};
    fields.verifiedBy = fields.sanitizedBy;
    fields.destination = config.workshop.destination;
    fields.signedWhere = std::string(kSignedOnTheMachine);
    auto cert = issueCertificate(fields, key);
    if (!cert) return cert.error();
    record.certificate = cert->json;
    record.signature = hex(cert->signature);
    return {};
}

Result<std::vector<InPlaceWipeResult>> wipeInPlace(const InPlaceWipeConfig &config, WipeObserver *observer,
                                                   const CancelToken &cancel) {
    if (config.targets.empty()) return makeError(Errc::InvalidInput, "no disk to wipe");
    auto method = findWipeMethod(config.method);
    if (!method) return method.error();
    if ((*method)->forDevices())
        return makeFieldError(Errc::InvalidInput, "method", std::string((*method)->id) + " resets a tablet or phone, not a disk");
    const WipeMethod &m = **method;
    const Verification verification = config.verification.value_or(m.defaultVerification);
    if (verification == Verification::None)
        return makeError(Errc::InvalidInput, "--verify: a wipe in place is verified (full or sample)");

    // The key only when the stick holds it: a stick must never make up a key of its own, whose
    // signatures the workshop could not check.
    std::optional<WorkshopKey> key;
    std::error_code ec;
    if (!config.keyPath.empty() && fs::exists(config.keyPath, ec)) {
        auto loaded = WorkshopKey::load(config.keyPath);
        if (!loaded) return loaded.error().withContext("workshop key");
        if (!loaded->canSign())
            return makeError(Errc::Refused, "workshop key: " + config.keyPath + " holds a public key only; a stick signs "
                                                                               "with the private key, or not at all "
                                                                               "(unset REEMPLOI_KEY: the bench signs at import)");
        key = std::move(*loaded);
    }

    TargetSafety safety{protectedFilesFor("", config.keyPath), config.systemRoot};
    std::vector<std::unique_ptr<BlockTarget>> opened;
    for (const auto &t : config.targets) {
        REEMPLOI_TRY(checkTargetIsSafe(t.path, safety));
        auto target = openTarget(t.path, true);
        if (!target) return target.error().withContext(t.name);
        if (auto st = checkWipeSupported(**target, m); !st) return st.error().withContext(t.name);
        opened.push_back(std::move(*target));
    }

    std::vector<InPlaceWipeResult> results(config.targets.size());
    std::mutex observerMutex;
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < opened.size(); ++i)
        threads.emplace_back([&, i] {
            WipeOptions o;
            o.verification = verification;
            o.cancel = &cancel;
            o.progressInterval = config.progressInterval;
            o.sampleSeed = config.sampleSeed;
            o.onProgress = [&](const WipeProgress &p) {
                if (!observer) return;
                std::lock_guard lock(observerMutex);
                observer->progress(i, p);
            };
            auto report = runWipe(*opened[i], m, o);
            opened[i].reset();
            auto &r = results[i];
            r.target = config.targets[i].path;
            r.report = report;
            r.record = inPlaceWipeRecord(config.targets[i].disk, report, m, config.operatorName);
            if (report.outcome != WipeOutcome::Passed || !key) return;
            if (auto signedHere = signOnMachine(r.record, *key, config); !signedHere) {
                r.certificateProblem = "certificate not signed on the machine: " + signedHere.error().message +
                                       " (the bench signs it at import after checking the record)";
                return;
            }
            r.signedOnMachine = true;
        });
    for (auto &t : threads) t.join();
    return results;
}

}  // namespace reemploi::diagnostics::probe
