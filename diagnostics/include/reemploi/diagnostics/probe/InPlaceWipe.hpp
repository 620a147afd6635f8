// `probe wipe --out FILE` on a bench stick without the workshop's database: the computer's
// internal disks erased with the wipe runner, and each erasure kept as a record for the snapshot
// (Snapshot.hpp's InPlaceWipe), which the bench stores at import (SnapshotImport.hpp).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <reemploi/diagnostics/CancelToken.hpp>
#include <reemploi/diagnostics/probe/Snapshot.hpp>
#include <reemploi/diagnostics/probe/WipeTargets.hpp>
#include <reemploi/diagnostics/storage/WipeSession.hpp>

namespace reemploi::diagnostics::probe {

struct InPlaceWipeConfig {
    std::vector<WipeTarget> targets;  // planInternalWipe's
    std::string method;               // an id of the wipe methods table
    std::optional<storage::Verification> verification;  // the method's default when unset
    storage::WorkshopInfo workshop;   // for a certificate signed on the machine
    std::string operatorName;         // who runs it (the actor's name)
    std::optional<std::string> unitTag;  // printed on a certificate signed on the machine
    // The workshop key, when the stick holds it (a file that exists): each passed wipe's
    // certificate is signed on the machine. Never created: without it the bench signs at import.
    std::string keyPath;
    std::string systemRoot = "/";  // never wiped: the disk of this path's file system
    std::chrono::milliseconds progressInterval{250};
    std::optional<std::uint64_t> sampleSeed;  // fixed sample positions (tests)
};

struct InPlaceWipeResult {
    std::string target;  // the device path
    storage::WipeReport report;
    InPlaceWipe record;  // what goes into the snapshot
    bool signedOnMachine = false;
    std::string certificateProblem;  // a passed wipe whose certificate could not be signed: why
};

// Checks everything first (method, verification, the key when present, each target's safety
// and support for the method; every target opened exclusively), then erases all targets at once,
// one thread each, reporting progress to `observer` (target index; may be null). Refused (nothing
// written) as `reemploi wipe` refuses; a key file that exists but cannot sign is Refused.
Result<std::vector<InPlaceWipeResult>> wipeInPlace(const InPlaceWipeConfig &config, storage::WipeObserver *observer,
                                                   const CancelToken &cancel);

// The record of a finished erasure (the probe's disk gives what a file target cannot tell).
InPlaceWipe inPlaceWipeRecord(const Disk &disk, const storage::WipeReport &report, const storage::WipeMethod &method,
                              const std::string &operatorName);

// Signs a passed record's certificate on the machine (its "signed" is kSignedOnTheMachine): the
// record's `certificate` and `signature` (hex) are set.
Status signOnMachine(InPlaceWipe &record, const storage::WorkshopKey &key, const InPlaceWipeConfig &config);

// The certificate fields a record gives (media, sanitization, verification); the caller adds the
// source, the issuer and where it was signed.
storage::CertificateFields certificateFieldsFor(const InPlaceWipe &record, const storage::WipeMethod &method);

}  // namespace reemploi::diagnostics::probe
