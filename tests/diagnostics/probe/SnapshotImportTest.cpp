// `probe import` and POST /api/snapshots's service over a real database (SQLite, and PostgreSQL as
// `pg:`): a snapshot of a recorded machine fills its unit, twice changes nothing, a serial of
// another unit is refused naming it, media are completed rather than doubled, the audit replay
// agrees, and the allocation no longer counts the measured values as "not measured".
#include <filesystem>

#include <gtest/gtest.h>

#include <reemploi/diagnostics/probe/Probe.hpp>
#include <reemploi/diagnostics/probe/SnapshotImport.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Lifecycle.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Schools.hpp>
#include <reemploi/inventory/allocation/AllocationService.hpp>

#include "inventory/InventoryFixture.hpp"

using namespace reemploi;
using namespace reemploi::inventory;
using diagnostics::probe::importSnapshot;
using diagnostics::probe::Snapshot;

namespace {

Snapshot recorded(const std::string &machine, const std::string &serial) {
    diagnostics::probe::ProbeOptions options;
    options.root = std::filesystem::path(REEMPLOI_TEST_FIXTURES) / "probe" / machine;
    options.now = "2026-12-01T10:00:00.000Z";
    auto s = diagnostics::probe::probeMachine(options);
    if (!s) throw std::runtime_error(s.error().message);
    // The collections mask machines' serials: each test gives the one its unit is registered with.
    s->machine.serial = serial;
    return *s;
}

class SnapshotImport : public test::InventoryFixture {
protected:
    void SetUp() override {
        InventoryFixture::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        donation = makeDonation();
    }

    Unit registered(const std::string &make, const std::string &serial, UnitKind kind = UnitKind::Other,
                    std::vector<NewMedium> media = {}) {
        NewUnit u;
        u.donationId = donation;
        u.kind = kind;
        u.make = make;
        u.serial = serial;
        u.specs.keyboardLayout = "fr-azerty";
        u.storage = std::move(media);
        auto unit = addUnit(*db, u, actor);
        EXPECT_TRUE(unit) << unit.error().message;
        return unit.value();
    }

    std::int64_t events() {
        auto st = db->prepare("SELECT COUNT(*) FROM events");
        st->step();
        return st->getInt(0);
    }

    void replayAgrees() {
        auto report = verifyAudit(*db);
        ASSERT_TRUE(report) << report.error().message;
        EXPECT_TRUE(report->ok()) << report->disagreement.value_or("chain or anchor");
    }

    std::int64_t donation = 0;
    Actor trainee{"tom", Role::Trainee};
};

TEST_F(SnapshotImport, FillsTheUnitFoundBySerialAndTwiceChangesNothing) {
    auto unit = registered("Lenovo", "PF0T450A");
    auto json = diagnostics::probe::snapshotJson(recorded("lenovo-thinkpad-t450", "PF0T450A"));
    auto first = importSnapshot(*db, json, std::nullopt, trainee);
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_EQ(first->tag, unit.tag);
    EXPECT_EQ(first->matchedBy, "serial");
    EXPECT_EQ(first->mediaAdded.size(), 1u);
    auto u = getUnit(*db, unit.tag).value();
    EXPECT_EQ(u.kind, UnitKind::Laptop);
    EXPECT_EQ(u.model, "ThinkPad T450");
    EXPECT_EQ(u.specs.cpu, "Intel(R) Core(TM) i5-5300U CPU @ 2.30GHz");
    EXPECT_EQ(u.specs.ramMib, 16384);
    EXPECT_EQ(u.specs.batteryHealthPercent, 89);
    EXPECT_EQ(u.specs.screenInches, 14.0);
    ASSERT_EQ(u.storage.size(), 1u);
    EXPECT_EQ(u.storage[0].type, MediumType::Ssd);
    EXPECT_EQ(u.storage[0].capacityBytes, 250'059'350'016);
    auto measured = listEvents(*db, "unit", unit.tag);
    ASSERT_TRUE(measured);
    int withSnapshot = 0;
    for (const auto &e : *measured)
        if (e.action == "machine_measured") {
            ++withSnapshot;
            EXPECT_NE(e.payload.find("\"snapshot_sha256\""), std::string::npos);
            EXPECT_NE(e.payload.find("ThinkPad T450"), std::string::npos);
            EXPECT_EQ(e.payload.find("00:00:5e:00:53"), std::string::npos) << "MAC addresses stay out of the trail";
        }
    EXPECT_EQ(withSnapshot, 1);
    replayAgrees();

    auto before = events();
    auto second = importSnapshot(*db, json, std::nullopt, trainee);
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_TRUE(second->changed.empty());
    EXPECT_EQ(events(), before);
    EXPECT_EQ(getUnit(*db, unit.tag)->storage.size(), 1u);
}

TEST_F(SnapshotImport, SerialOfAnotherUnitIsRefusedNamingIt) {
    auto target = registered("Lenovo", "PF0TARGET");
    auto other = registered("Lenovo", "PF0OTHER");
    auto before = events();
    auto json = diagnostics::probe::snapshotJson(recorded("lenovo-thinkpad-x1-extreme", "PF0OTHER"));
    auto refused = importSnapshot(*db, json, target.tag, trainee);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::Conflict);
    EXPECT_NE(refused.error().message.find(other.tag), std::string::npos) << refused.error().message;
    EXPECT_EQ(events(), before);
    EXPECT_FALSE(getUnit(*db, target.tag)->specs.ramMib);
}

TEST_F(SnapshotImport, ATagWhoseUnitHasAnotherSerialIsRefused) {
    auto unit = registered("Lenovo", "PF0RIGHT");
    auto refused = importSnapshot(*db, diagnostics::probe::snapshotJson(recorded("lenovo-thinkpad-t450", "PF0WRONG")),
                                  unit.tag, trainee);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::Conflict);
    EXPECT_NE(refused.error().message.find("PF0RIGHT"), std::string::npos) << refused.error().message;
    EXPECT_FALSE(getUnit(*db, unit.tag)->specs.ramMib);
}

TEST_F(SnapshotImport, DiskSerialOfAnotherUnitIsRefusedNamingIt) {
    auto holder = registered("Dell", "HOLDER1", UnitKind::Desktop,
                             {{MediumType::Ssd, "Samsung SSD 870 QVO 4TB", "S5STNF0W706332M", std::nullopt}});
    auto desktop = registered("Dell", "OPTI7010");
    auto refused = importSnapshot(*db, diagnostics::probe::snapshotJson(recorded("dell-optiplex-7010", "OPTI7010")),
                                  std::nullopt, trainee);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::Conflict);
    EXPECT_NE(refused.error().message.find(holder.tag), std::string::npos) << refused.error().message;
    EXPECT_TRUE(getUnit(*db, desktop.tag)->storage.empty());
}

TEST_F(SnapshotImport, UnknownSerialOrNoneNeedsTheTag) {
    auto missing = importSnapshot(*db, diagnostics::probe::snapshotJson(recorded("dell-latitude-e7450", "NOSUCH1")),
                                  std::nullopt, trainee);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, Errc::NotFound);
    EXPECT_NE(missing.error().message.find("NOSUCH1"), std::string::npos);
    auto none = importSnapshot(*db, diagnostics::probe::snapshotJson(recorded("dell-latitude-e7450", "")),
                               std::nullopt, trainee);
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, Errc::InvalidInput);
    EXPECT_NE(none.error().message.find("--unit"), std::string::npos);
    auto bad = importSnapshot(*db, R"({"schema_version": 1, "machine": {"serial": 12}})", std::nullopt, trainee);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("machine.serial"), std::string::npos) << bad.error().message;
}

TEST_F(SnapshotImport, ByTagCompletesTheTypedMediumAndKeepsAnUnmeasuredBattery) {
    // Registered from the donor's list: a 4 TB SSD without serial, a battery someone estimated.
    auto unit = registered("Dell", "DONOR-LINE-12", UnitKind::Desktop, {{MediumType::Ssd, "", "", 4'000'000'000'000}});
    auto withBattery = registered("Dell", "LAT7450");
    UnitPatch typed;
    typed.batteryHealthPercent = 75;
    ASSERT_TRUE(updateUnit(*db, withBattery.tag, typed, actor));

    auto opti = importSnapshot(*db, diagnostics::probe::snapshotJson(recorded("dell-optiplex-7010", "")), unit.tag, trainee);
    ASSERT_TRUE(opti) << opti.error().message;
    EXPECT_EQ(opti->matchedBy, "tag");
    EXPECT_TRUE(opti->mediaAdded.empty());
    ASSERT_EQ(opti->mediaCompleted.size(), 1u);
    auto u = getUnit(*db, unit.tag).value();
    ASSERT_EQ(u.storage.size(), 1u);
    EXPECT_EQ(u.storage[0].serial, "S5STNF0W706332M");
    EXPECT_EQ(u.storage[0].capacityBytes, 4'000'787'030'016);
    EXPECT_EQ(u.specs.ramMib, 4096);
    EXPECT_FALSE(u.specs.screenInches);  // a monitor on DisplayPort is not the desktop's screen

    auto latitude = importSnapshot(*db, diagnostics::probe::snapshotJson(recorded("dell-latitude-e7450", "LAT7450")),
                                   std::nullopt, trainee);
    ASSERT_TRUE(latitude) << latitude.error().message;
    EXPECT_EQ(getUnit(*db, withBattery.tag)->specs.batteryHealthPercent, 75);  // not measured: not replaced, not 0
    replayAgrees();
}

TEST_F(SnapshotImport, TabletIsRefused) {
    auto tablet = registered("Lenovo", "TAB1", UnitKind::Tablet);
    auto refused = importSnapshot(*db, diagnostics::probe::snapshotJson(recorded("lenovo-thinkpad-t450", "TAB1")),
                                  std::nullopt, trainee);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::Refused);
}

TEST_F(SnapshotImport, AllocationNoLongerReportsTheMeasuredValuesAsNotMeasured) {
    ASSERT_TRUE(saveSchools(*db, {{"0750655E", "École Jean Jaurès", "Paris", "", false, ""}}, actor));
    NewNeed need;
    need.uai = "0750655E";
    need.family = "F-1";
    need.grades = {allocation::SchoolGrade::CM2};
    ASSERT_TRUE(addNeeds(*db, {need}, actor));
    auto unit = registered("Lenovo", "PF0T450B", UnitKind::Laptop);
    auto imported = importSnapshot(*db, diagnostics::probe::snapshotJson(recorded("lenovo-thinkpad-t450", "PF0T450B")),
                                   std::nullopt, trainee);
    ASSERT_TRUE(imported) << imported.error().message;
    auto u = getUnit(*db, unit.tag).value();
    ASSERT_EQ(u.storage.size(), 1u);
    SanitizationRecord r;
    r.mediumId = u.storage[0].id;
    r.method = "clear-zero";
    r.level = SanitizationLevel::Clear;
    r.result = SanitizationResult::Passed;
    r.verification = "full";
    r.startedAt = r.endedAt = nowUtc();
    r.bytesWritten = *u.storage[0].capacityBytes;
    ASSERT_TRUE(recordSanitization(*db, r, actor));
    UnitPatch graded;
    graded.grade = Grade::B;
    ASSERT_TRUE(updateUnit(*db, unit.tag, graded, actor));
    ASSERT_TRUE(setStatus(*db, unit.tag, UnitStatus::Diagnosed, "probed", actor));
    ASSERT_TRUE(setStatus(*db, unit.tag, UnitStatus::Wiped, "wiped in place", actor));
    auto ready = setStatus(*db, unit.tag, UnitStatus::Ready, "probed and wiped", actor);
    ASSERT_TRUE(ready) << ready.error().message;

    auto proposal = allocation::propose(*db, allocation::Config{}, actor, true);
    ASSERT_TRUE(proposal) << proposal.error().message;
    ASSERT_EQ(proposal->solution.assignments.size(), 1u);
    auto json = allocation::proposalJson(*proposal);
    EXPECT_NE(json.find("laptop fits"), std::string::npos) << json;
    for (const char *unmeasured : {"RAM not measured", "battery not measured", "storage not measured"})
        EXPECT_EQ(json.find(unmeasured), std::string::npos) << unmeasured << " in " << json;
}

}  // namespace
