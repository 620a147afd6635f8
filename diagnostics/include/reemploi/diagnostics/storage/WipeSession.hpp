// A wipe session as the workshop runs it, for the command line and the web API alike: several
// targets erased at once, each credited to a storage medium of its unit (MediumIdentity.hpp),
// each with a record stored as `interrupted` before the first write and kept current, then
// completed with the outcome and, when it passed, a signed certificate.
//
//   auto session = WipeSession::prepare(db, config, actor);  // checks everything, writes nothing
//   session.value()->start(&observer);                      // records, then one thread per target
//   session.value()->cancel();                              // from any thread (or cancelToken()
//                                                           //  from a signal handler)
//   auto results = session.value()->wait();                 // one WipeJobResult per target
//
// The session owns the database connection from start() until wait() returns: its threads use it
// one at a time (it is not thread-safe), so the caller must not use it in between. A server
// gives each session a connection of its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <reemploi/common/Json.hpp>
#include <reemploi/diagnostics/CancelToken.hpp>
#include <reemploi/diagnostics/storage/BlockTarget.hpp>
#include <reemploi/diagnostics/storage/Certificate.hpp>
#include <reemploi/diagnostics/storage/MediumIdentity.hpp>
#include <reemploi/diagnostics/storage/TargetSafety.hpp>
#include <reemploi/diagnostics/storage/WipeMethods.hpp>
#include <reemploi/diagnostics/storage/WipeRunner.hpp>
#include <reemploi/inventory/Database.hpp>
#include <reemploi/inventory/Domain.hpp>

namespace reemploi::diagnostics::storage {

// Who signs and where, for the certificate's NIST fields.
struct WorkshopInfo {
    std::string workshop;
    std::string contact;
    std::string location;
    std::string position = "wipe operator";
    std::string destination = "reuse: refurbished and given to a schoolchild's family";
};

struct WipeTargetSpec {
    std::string target;   // /dev/sdb, /dev/loop3, disk.img, usb:1-1.4
    std::string unitTag;  // RE-000042
    MediumChoice medium;  // which recorded medium the operator says it is (MediumIdentity.hpp)
    std::optional<std::string> certificatePath;  // FILE (+ FILE.sig, FILE's .pdf) when set
};

struct WipeSessionConfig {
    std::vector<WipeTargetSpec> targets;
    std::string method;                        // an id of wipeMethods()
    std::optional<Verification> verification;  // the method's default when unset
    WorkshopInfo workshop;
    std::string keyPath;  // the signing key, created on first use (defaultKeyPath(database))
    // Never wiped (TargetSafety.hpp): the database at this path with its companions, the key,
    // and what holds them; plus mounted file systems and the system's disk.
    std::string databasePath;
    std::string systemRoot = "/";
    UsbBusOptions usb;  // usb.ids and device table, for usb:PORT targets
    std::chrono::milliseconds checkpointInterval{60000};  // the record's last LBA kept current
    std::chrono::milliseconds progressInterval{250};
    std::optional<std::uint64_t> sampleSeed;  // fixed sample positions (tests)
    // The wipe threads' niceness (0 to 19): a server's wipes run behind its pages (a wipe waits on
    // the disk, a page on the CPU); the command line's run at the caller's own.
    int cpuNice = 0;
    // SCHED_IDLE besides: the wipe threads run only when no other thread wants the CPU, and give
    // it back at once when one does (a niced thread keeps its time slice, a few milliseconds that
    // a page waits for). A wipe of a drive sleeps on its disk and hardly notices.
    bool cpuIdle = false;
};

// With several targets and one FILE, each target's certificate is FILE with the target's name
// inserted before its extension (c.json → c-sdb.json), so that each disk has its own.
std::string certificatePathFor(const std::string &given, const std::string &target, std::size_t count);

// A target as prepare() found it: what it is, whose it is, which medium it will be credited to.
struct PreparedTarget {
    WipeTargetSpec spec;
    TargetInfo info;
    inventory::Unit unit;
    MediumMatch match;  // match.medium empty: added to the unit as a new medium at start()
};

// The outcome of one target.
struct WipeJobResult {
    std::string target;
    std::string unitTag;
    WipeReport report;
    inventory::StorageMedium medium;
    IdentityEvidence evidence = IdentityEvidence::NewMedium;
    inventory::SanitizationRecord record;  // as stored
    std::optional<IssuedCertificate> certificate;
    std::optional<CertificateFiles> files;
    // A passed erasure without its certificate (or its files): why. The record stays `passed`
    // and says so in its notes.
    std::string certificateProblem;
    std::optional<Error> error;  // the record could not be completed (it stays `interrupted`)

    // Passed, certified (files written when asked) and recorded.
    bool ok() const {
        return report.outcome == WipeOutcome::Passed && certificateProblem.empty() && !error;
    }
};

// What a front end shows while a session runs. Calls come from the session's threads, one at a
// time (never two at once), and must return quickly.
class WipeObserver {
public:
    virtual ~WipeObserver() = default;
    virtual void progress(std::size_t /*target*/, const WipeProgress &) {}
    // The stored record was brought up to date (still `interrupted`, with the last LBA reached).
    virtual void checkpoint(std::size_t /*target*/, const inventory::SanitizationRecord &) {}
    // The target is done: record completed, certificate issued (or why not).
    virtual void finished(std::size_t /*target*/, const WipeJobResult &) {}
};

class WipeSession {
public:
    // Checks the method, each target (never the database, the key, a mounted file system or the
    // system's disk: Refused), each unit, its donation and donor (the certificate's source), the
    // medium identity, the certificate's folder and the key (created on first use; one open to
    // other users is Refused), and opens every target exclusively. Writes nothing else.
    static Result<std::unique_ptr<WipeSession>> prepare(inventory::Database &db, WipeSessionConfig config,
                                                         inventory::Actor actor);
    ~WipeSession();  // cancels and waits if still running
    WipeSession(const WipeSession &) = delete;
    WipeSession &operator=(const WipeSession &) = delete;

    const std::vector<PreparedTarget> &targets() const { return _prepared; }
    const WipeMethod &method() const { return *_method; }

    // Stores every target's new medium and `interrupted` record in one transaction (all or none:
    // a target that cannot begin leaves no trace of the others), then starts one thread per target
    // and returns. Called once. `observer`, when given, must outlive wait().
    Status start(WipeObserver *observer = nullptr);

    // Stops every target (or one) between two writes; they are recorded `interrupted` with the
    // last LBA written. Any thread; cancelToken().cancel() also from a signal handler.
    void cancel() { _cancel.cancel(); }
    void cancel(std::size_t target);
    CancelToken &cancelToken() { return _cancel; }
    bool cancelled() const { return _cancel.cancelled(); }

    // Waits for every target; results in the targets' order. After a failed or missing start(),
    // an empty list.
    std::vector<WipeJobResult> wait();

    // start() then wait().
    Result<std::vector<WipeJobResult>> run(WipeObserver *observer = nullptr);

    struct Job;

private:
    WipeSession() = default;
    void runJob(std::size_t index);

    inventory::Database *_db = nullptr;
    WipeSessionConfig _config;
    inventory::Actor _actor;
    const WipeMethod *_method = nullptr;
    Verification _verification = Verification::Sample;
    WorkshopKey _key;
    std::vector<PreparedTarget> _prepared;
    std::vector<std::unique_ptr<Job>> _jobs;
    CancelToken _cancel;
    WipeObserver *_observer = nullptr;
    std::mutex _dbMutex;        // the connection is used by one thread at a time
    std::mutex _observerMutex;  // observer calls never overlap
    std::vector<std::thread> _threads;
    bool _started = false;
};

// JSON views for the command line and the web API.
// A progress step: {"phase","pass","passes","bytes_done","bytes_total","percent","mb_s","eta_s"}.
json::Object toJson(const WipeProgress &progress);
// A finished target: {"target","unit","result","method","level","verification","verification_result",
// "bytes_written","bytes_verified","duration_s","mb_s","last_lba","errors","recommend_destroy",
// "failure"?,"medium_id","identity_evidence","record","certificate_id"?,"certificate_files"?,
// "certificate_problem"?,"error"?}.
json::Object toJson(const WipeJobResult &result);
// The methods table: [{"id","label","level_magnetic","level_flash","verification","passes","note"}].
std::string wipeMethodsJson();

inventory::SanitizationLevel toInventoryLevel(NistLevel level);
inventory::SanitizationResult toInventoryResult(WipeOutcome outcome);
std::string errorsJson(const std::vector<WipeError> &errors);

}  // namespace reemploi::diagnostics::storage
