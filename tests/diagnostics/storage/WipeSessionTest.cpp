// The wipe session on real files: several targets at once, cancelling from another thread (the
// whole session or one target), a target that cannot begin leaving no trace of the others, a
// certificate that cannot be written leaving an honest `passed` record, the observer's events,
// checkpoints readable from another connection while the wipe runs, and the identity rule.
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>

#include <reemploi/diagnostics/storage/WipeSession.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Donors.hpp>
#include <reemploi/inventory/Migrations.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Units.hpp>

#include "diagnostics/storage/StorageTestSupport.hpp"

using namespace reemploi;
using namespace reemploi::diagnostics::storage;
namespace inv = reemploi::inventory;

namespace {

// Records what the session reports, and lets the test wait for a condition on it.
class Recorder : public WipeObserver {
public:
    explicit Recorder(std::size_t targets) : maxPercent(targets, 0.0), bytesDone(targets, 0), done(targets, 0) {}

    void progress(std::size_t i, const WipeProgress &p) override {
        Call call(*this);
        std::lock_guard lock(m);
        if (p.phase == "write") maxPercent[i] = std::max(maxPercent[i], p.percent);
        bytesDone[i] = std::max(bytesDone[i], p.bytesDone);
        cv.notify_all();
    }
    void checkpoint(std::size_t i, const inv::SanitizationRecord &r) override {
        Call call(*this);
        std::lock_guard lock(m);
        checkpoints.emplace_back(i, r);
        if (onCheckpoint) onCheckpoint(i, r);
        cv.notify_all();
    }
    void finished(std::size_t i, const WipeJobResult &r) override {
        Call call(*this);
        std::lock_guard lock(m);
        niceness.push_back(::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid())));  // the job's thread
        policies.push_back(::sched_getscheduler(0));
        ++done[i];
        results.push_back(r);
        cv.notify_all();
    }

    // Waits (up to a minute) until `ready()` holds; false on timeout.
    template <class F>
    bool waitUntil(F ready) {
        std::unique_lock lock(m);
        return cv.wait_for(lock, std::chrono::minutes(1), [&] { return ready(); });
    }

    std::mutex m;
    std::condition_variable cv;
    std::vector<double> maxPercent;
    std::vector<std::uint64_t> bytesDone;
    std::vector<int> done;
    std::vector<std::pair<std::size_t, inv::SanitizationRecord>> checkpoints;
    std::vector<WipeJobResult> results;
    std::vector<int> niceness;  // of the thread that reported each target finished
    std::vector<int> policies;  // its scheduling policy
    std::function<void(std::size_t, const inv::SanitizationRecord &)> onCheckpoint;
    std::atomic<bool> overlapping{false};  // two calls at once: the session promises never

private:
    // Counted before the recorder's own lock is taken, so that overlapping calls show.
    struct Call {
        explicit Call(Recorder &r) : r(r) {
            if (r.active.fetch_add(1) != 0) r.overlapping = true;
        }
        ~Call() { r.active.fetch_sub(1); }
        Recorder &r;
    };
    std::atomic<int> active{0};
};

// A sparse file: a wipe of it takes long enough to be cancelled midway.
std::string sparseFile(const std::string &path, std::uint64_t size) {
    { std::ofstream(path).flush(); }
    EXPECT_EQ(::truncate(path.c_str(), static_cast<off_t>(size)), 0);
    return path;
}

class WipeSessionTest : public ::testing::Test {
protected:
    void SetUp() override {
        dbPath = dir.file("reemploi.db");
        auto opened = inv::Database::open(dbPath);
        ASSERT_TRUE(opened);
        db = std::move(*opened);
        ASSERT_TRUE(inv::migrate(*db));
        inv::Actor actor{"setup"};
        auto donor = inv::addDonor(*db, {"Mairie de Lyon", inv::DonorKind::Administration, ""}, actor);
        ASSERT_TRUE(donor);
        auto donation = inv::addDonation(*db, {donor->id, "2026-11-20", "Lyon 7e", ""}, actor);
        ASSERT_TRUE(donation);
        inv::NewUnit u;
        u.donationId = donation->id;
        u.kind = inv::UnitKind::Laptop;
        u.make = "Dell";
        u.serial = "7XK2J42";
        u.donorTag = "ML-0042";
        auto unit = inv::addUnit(*db, u, actor);
        ASSERT_TRUE(unit);
        tag = unit->tag;
    }

    WipeSessionConfig config(const std::vector<std::string> &targets, const std::string &method = "clear-zero") {
        WipeSessionConfig c;
        for (const auto &t : targets) c.targets.push_back({t, tag, {}, std::nullopt});
        c.method = method;
        c.verification = Verification::Full;
        c.keyPath = dir.file("keys/workshop.pem");
        c.databasePath = dbPath;
        c.workshop.workshop = "Atelier Réemploi";
        c.progressInterval = std::chrono::milliseconds(5);
        return c;
    }

    std::vector<inv::SanitizationRecord> records() {
        auto r = inv::listSanitization(*db, tag);
        EXPECT_TRUE(r);
        return r ? *r : std::vector<inv::SanitizationRecord>{};
    }
    inv::Unit unit() { return inv::getUnit(*db, tag).value(); }

    test::TempDir dir;
    std::string dbPath, tag;
    std::unique_ptr<inv::Database> db;
    inv::Actor actor{"Awa"};
};

}  // namespace

TEST_F(WipeSessionTest, SeveralTargetsAtOnceEachPassWithTheirRecordAndCertificate) {
    std::vector<std::string> files;
    for (int i = 0; i < 3; ++i) {
        files.push_back(dir.file("disk" + std::to_string(i) + ".img"));
        test::writeRandomFile(files.back(), 4 << 20, static_cast<unsigned>(i));
    }
    auto c = config(files);
    for (std::size_t i = 0; i < files.size(); ++i) c.targets[i].certificatePath = dir.file("c" + std::to_string(i) + ".json");
    auto session = WipeSession::prepare(*db, c, actor);
    ASSERT_TRUE(session) << session.error().message;
    Recorder seen(files.size());
    auto results = (*session)->run(&seen);
    ASSERT_TRUE(results) << results.error().message;
    ASSERT_EQ(results->size(), 3u);
    for (std::size_t i = 0; i < files.size(); ++i) {
        const auto &r = (*results)[i];
        EXPECT_TRUE(r.ok()) << r.report.failure << r.certificateProblem;
        EXPECT_EQ(r.target, files[i]);
        EXPECT_EQ(r.record.result, inv::SanitizationResult::Passed);
        EXPECT_EQ(r.record.identityEvidence, "new medium");
        EXPECT_TRUE(r.record.notes.empty());
        ASSERT_TRUE(r.files);
        EXPECT_TRUE(std::filesystem::exists(r.files->signature));
        auto after = test::readFile(files[i]);
        EXPECT_TRUE(std::all_of(after.begin(), after.end(), [](unsigned char b) { return b == 0; }));
        EXPECT_EQ(seen.maxPercent[i], 100.0) << "target " << i;
        EXPECT_EQ(seen.done[i], 1) << "target " << i;
    }
    EXPECT_FALSE(seen.overlapping);
    auto recs = records();
    ASSERT_EQ(recs.size(), 3u);
    for (const auto &r : recs) EXPECT_EQ(r.result, inv::SanitizationResult::Passed);
    EXPECT_EQ(unit().storage.size(), 3u);
    auto chain = inv::verifyChain(*db);
    ASSERT_TRUE(chain);
    EXPECT_FALSE(chain->firstBrokenId) << chain->problem;
}

// A server's wipes give the CPU to its pages: the wipe's threads run at the niceness asked for,
// and only when the CPU has nothing else to do (SCHED_IDLE) when asked; the wipe still passes and
// the caller's own thread is left as it was.
TEST_F(WipeSessionTest, TheWipeThreadsRunAtThePriorityAskedFor) {
    struct Case {
        int nice;
        bool idle;
        int policy;
    };
    for (auto [nice, idle, policy] : {Case{10, false, SCHED_OTHER}, Case{19, true, SCHED_IDLE}}) {
        SCOPED_TRACE("niceness " + std::to_string(nice) + (idle ? ", SCHED_IDLE" : ""));
        const int callerNice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
        const int callerPolicy = ::sched_getscheduler(0);
        auto file = dir.file("priority-" + std::to_string(nice) + ".img");
        test::writeRandomFile(file, 1 << 20, 7);
        auto c = config({file});
        c.cpuNice = nice;
        c.cpuIdle = idle;
        auto session = WipeSession::prepare(*db, c, actor);
        ASSERT_TRUE(session) << session.error().message;
        Recorder seen(1);
        auto results = (*session)->run(&seen);
        ASSERT_TRUE(results) << results.error().message;
        ASSERT_EQ(seen.niceness.size(), 1u);
        EXPECT_GE(seen.niceness[0], nice);  // never lower than the caller's own (only raised)
        EXPECT_EQ(seen.policies[0], policy);
        EXPECT_EQ(results->at(0).record.result, inv::SanitizationResult::Passed);
        EXPECT_EQ(::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid())), callerNice);
        EXPECT_EQ(::sched_getscheduler(0), callerPolicy);
    }
}

TEST_F(WipeSessionTest, CancelFromAnotherThreadRecordsEveryTargetInterruptedWithItsLastLba) {
    auto a = sparseFile(dir.file("a.img"), 2ULL << 30), b = sparseFile(dir.file("b.img"), 2ULL << 30);
    auto session = WipeSession::prepare(*db, config({a, b}, "clear-random"), actor);
    ASSERT_TRUE(session) << session.error().message;
    Recorder seen(2);
    ASSERT_TRUE((*session)->start(&seen));
    // Both are writing: then the "cancel button" is pressed on this thread.
    ASSERT_TRUE(seen.waitUntil([&] { return seen.bytesDone[0] > 0 && seen.bytesDone[1] > 0; }));
    (*session)->cancel();
    auto results = (*session)->wait();
    ASSERT_EQ(results.size(), 2u);
    for (const auto &r : results) {
        EXPECT_EQ(r.report.outcome, WipeOutcome::Interrupted) << r.report.failure;
        EXPECT_EQ(r.record.result, inv::SanitizationResult::Interrupted);
        ASSERT_TRUE(r.record.lastLba.has_value());
        EXPECT_LT(*r.record.lastLba, (2LL << 30) / 512 - 1);
        EXPECT_FALSE(r.record.endedAt.empty());
        EXPECT_TRUE(r.record.certificateId.empty());
        EXPECT_FALSE(r.certificate);
    }
    EXPECT_TRUE((*session)->cancelled());
    auto recs = records();
    ASSERT_EQ(recs.size(), 2u);
    for (const auto &r : recs) EXPECT_EQ(r.result, inv::SanitizationResult::Interrupted);
}

TEST_F(WipeSessionTest, CancellingOneTargetLeavesTheOthersRunning) {
    auto big = sparseFile(dir.file("big.img"), 2ULL << 30);
    auto small = dir.file("small.img");
    test::writeRandomFile(small, 8 << 20);
    auto session = WipeSession::prepare(*db, config({big, small}, "clear-random"), actor);
    ASSERT_TRUE(session) << session.error().message;
    Recorder seen(2);
    ASSERT_TRUE((*session)->start(&seen));
    ASSERT_TRUE(seen.waitUntil([&] { return seen.bytesDone[0] > 0; }));
    (*session)->cancel(0);
    auto results = (*session)->wait();
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0].record.result, inv::SanitizationResult::Interrupted);
    EXPECT_EQ(results[1].record.result, inv::SanitizationResult::Passed) << results[1].report.failure;
    EXPECT_TRUE(results[1].certificate);
    EXPECT_FALSE((*session)->cancelled());
}

TEST_F(WipeSessionTest, ATargetThatCannotBeginLeavesNoRecordOfTheOthers) {
    std::vector<std::string> files;
    for (int i = 0; i < 3; ++i) {
        files.push_back(dir.file("disk" + std::to_string(i) + ".img"));
        test::writeRandomFile(files.back(), 1 << 20, static_cast<unsigned>(i));
    }
    auto before = test::readFile(files[0]);
    auto session = WipeSession::prepare(*db, config(files), actor);
    ASSERT_TRUE(session) << session.error().message;
    // The third target's record cannot be stored (as a full disk or a lost connection would).
    db->exec("CREATE TRIGGER third_fails BEFORE INSERT ON sanitization_records"
             " WHEN (SELECT COUNT(*) FROM sanitization_records) >= 2"
             " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
    auto started = (*session)->start();
    ASSERT_FALSE(started);
    EXPECT_NE(started.error().message.find(files[2]), std::string::npos) << started.error().message;
    EXPECT_NE(started.error().message.find("injected failure"), std::string::npos) << started.error().message;
    EXPECT_TRUE((*session)->wait().empty());
    EXPECT_TRUE(records().empty());
    EXPECT_TRUE(unit().storage.empty());  // no medium added for targets that never began
    EXPECT_EQ(test::readFile(files[0]), before);
    auto chain = inv::verifyChain(*db);
    ASSERT_TRUE(chain);
    EXPECT_FALSE(chain->firstBrokenId) << chain->problem;
}

TEST_F(WipeSessionTest, ATargetThatCannotBePreparedStopsEverythingBeforeAnyWrite) {
    auto a = dir.file("a.img");
    auto before = test::writeRandomFile(a, 1 << 20);
    auto session = WipeSession::prepare(*db, config({a, dir.file("absent.img")}), actor);
    ASSERT_FALSE(session);
    EXPECT_EQ(session.error().code, Errc::NotFound);
    EXPECT_EQ(test::readFile(a), before);
    EXPECT_TRUE(records().empty());
}

TEST_F(WipeSessionTest, APassedWipeWhoseCertificateCannotBeWrittenIsRecordedPassedWithTheReason) {
    auto a = dir.file("a.img");
    test::writeRandomFile(a, 2 << 20);
    auto c = config({a});
    c.targets[0].certificatePath = dir.file("certs/a.json");
    auto session = WipeSession::prepare(*db, c, actor);
    ASSERT_TRUE(session) << session.error().message;
    // The folder that was to receive the certificate becomes a file while the disk is wiped.
    { std::ofstream(dir.file("certs")) << "not a folder"; }
    auto results = (*session)->run();
    ASSERT_TRUE(results);
    const auto &r = results->at(0);
    EXPECT_EQ(r.report.outcome, WipeOutcome::Passed);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.certificateProblem.rfind("certificate files not written: ", 0), 0u) << r.certificateProblem;
    EXPECT_FALSE(r.files);
    auto recs = records();
    ASSERT_EQ(recs.size(), 1u);
    EXPECT_EQ(recs[0].result, inv::SanitizationResult::Passed);
    EXPECT_EQ(recs[0].notes, r.certificateProblem);
    EXPECT_FALSE(recs[0].certificateJson.empty());  // the signed certificate is kept in the record
}

TEST_F(WipeSessionTest, CheckpointsReachTheDatabaseWhileTheWipeRuns) {
    auto a = sparseFile(dir.file("a.img"), 1ULL << 30);
    auto c = config({a}, "clear-random");
    c.checkpointInterval = std::chrono::milliseconds(1);
    auto session = WipeSession::prepare(*db, c, actor);
    ASSERT_TRUE(session) << session.error().message;
    Recorder seen(1);
    std::optional<inv::SanitizationRecord> readBack;
    std::int64_t checkpointLba = -1;
    seen.onCheckpoint = [&](std::size_t, const inv::SanitizationRecord &r) {
        if (readBack) return;
        // Another connection (the web page's, an auditor's) sees the record's progress.
        auto other = inv::Database::open(dbPath);
        ASSERT_TRUE(other);
        auto recs = inv::listSanitization(**other, tag);
        ASSERT_TRUE(recs);
        ASSERT_EQ(recs->size(), 1u);
        readBack = recs->front();
        checkpointLba = r.lastLba.value_or(-1);
    };
    ASSERT_TRUE((*session)->start(&seen));
    ASSERT_TRUE(seen.waitUntil([&] { return readBack.has_value(); }));
    (*session)->cancel();
    auto results = (*session)->wait();
    ASSERT_TRUE(readBack);
    EXPECT_EQ(readBack->result, inv::SanitizationResult::Interrupted);
    ASSERT_TRUE(readBack->lastLba);
    EXPECT_EQ(*readBack->lastLba, checkpointLba);
    EXPECT_GT(*readBack->lastLba, 0);
    EXPECT_GT(readBack->bytesWritten, 0);
    auto events = inv::listEvents(*db, "unit", tag);
    ASSERT_TRUE(events);
    EXPECT_TRUE(std::any_of(events->begin(), events->end(),
                            [](const inv::Event &e) { return e.action == "sanitization_checkpoint"; }));
}

TEST_F(WipeSessionTest, ADonorThatCannotBeReadStopsTheWipeBeforeItStarts) {
    auto a = dir.file("a.img");
    auto before = test::writeRandomFile(a, 1 << 20);
    db->exec("PRAGMA foreign_keys=OFF");
    db->exec("DELETE FROM donors");
    auto session = WipeSession::prepare(*db, config({a}), actor);
    ASSERT_FALSE(session);
    EXPECT_EQ(session.error().code, Errc::NotFound);
    EXPECT_NE(session.error().message.find("donor"), std::string::npos) << session.error().message;
    EXPECT_EQ(test::readFile(a), before);
    EXPECT_TRUE(records().empty());
}

TEST_F(WipeSessionTest, AMediumWithoutSerialIsCreditedOnlyWhenNamedAndItsCapacityAgrees) {
    // The donor's list said "SSD 4 Mo" without a serial.
    auto recorded = inv::addMedium(*db, tag, {inv::MediumType::Ssd, "", "", 4 << 20}, actor);
    ASSERT_TRUE(recorded);
    auto same = dir.file("same.img"), tiny = dir.file("tiny.img");
    test::writeRandomFile(same, 4 << 20, 1);
    auto tinyBefore = test::writeRandomFile(tiny, 1 << 20, 2);

    // Named, but 1 MiB is not the recorded 4 MB: refused before anything is written.
    auto c = config({tiny});
    c.targets[0].medium.mediumId = recorded->id;
    auto refused = WipeSession::prepare(*db, c, actor);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::Refused);
    EXPECT_NE(refused.error().message.find("not the same drive"), std::string::npos) << refused.error().message;
    EXPECT_EQ(test::readFile(tiny), tinyBefore);

    // Not named: a new medium, the recorded one stays to be wiped (named as a candidate).
    {
        auto session = WipeSession::prepare(*db, config({same}), actor);
        ASSERT_TRUE(session) << session.error().message;
        ASSERT_EQ((*session)->targets()[0].match.candidates.size(), 1u);
        EXPECT_EQ((*session)->targets()[0].match.candidates[0].id, recorded->id);
        auto results = (*session)->run();
        ASSERT_TRUE(results);
        EXPECT_NE(results->at(0).medium.id, recorded->id);
        EXPECT_EQ(results->at(0).record.identityEvidence, "new medium");
    }
    auto state = inv::mediaSanitization(*db, unit());
    ASSERT_TRUE(state);
    EXPECT_FALSE(state->allSanitized);
    EXPECT_EQ(state->firstPending->id, recorded->id);

    // Named and the capacity agrees: credited, and the certificate says on what evidence.
    c = config({same});
    c.targets[0].medium.mediumId = recorded->id;
    auto session = WipeSession::prepare(*db, c, actor);
    ASSERT_TRUE(session) << session.error().message;
    auto results = (*session)->run();
    ASSERT_TRUE(results);
    const auto &r = results->at(0);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.medium.id, recorded->id);
    EXPECT_EQ(r.record.mediumId, recorded->id);
    EXPECT_EQ(r.record.identityEvidence, "capacity+operator choice");
    ASSERT_TRUE(r.certificate);
    EXPECT_NE(r.certificate->json.find("\"identity_evidence\":\"capacity+operator choice\""), std::string::npos);
    state = inv::mediaSanitization(*db, unit());
    ASSERT_TRUE(state);
    EXPECT_TRUE(state->allSanitized);
}

TEST_F(WipeSessionTest, TheDatabaseAndTheKeyAreNeverTargets) {
    auto session = WipeSession::prepare(*db, config({dbPath}), actor);
    ASSERT_FALSE(session);
    EXPECT_EQ(session.error().code, Errc::Refused);
    EXPECT_NE(session.error().message.find("inventory database"), std::string::npos) << session.error().message;
    auto key = dir.file("keys/workshop.pem");
    session = WipeSession::prepare(*db, config({key}), actor);
    ASSERT_FALSE(session);
    EXPECT_NE(session.error().message.find("signing key"), std::string::npos) << session.error().message;
    EXPECT_TRUE(records().empty());
}
