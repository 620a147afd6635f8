// The unit lifecycle through the public services only: every arrow walked, every refusal named,
// the allocation's arrows closed to setStatus, kinds that always hold data kept from `wiped` and
// `ready` until every medium is sanitized or their storage is declared.
#include <gtest/gtest.h>

#include <algorithm>

#include <map>
#include <set>

#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Lifecycle.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Schools.hpp>
#include <reemploi/inventory/Storage.hpp>
#include <reemploi/inventory/Units.hpp>
#include <reemploi/inventory/allocation/AllocationService.hpp>

#include "inventory/InventoryFixture.hpp"

using namespace reemploi;
using namespace reemploi::inventory;
using S = UnitStatus;

namespace {

const std::vector<S> kAll = {S::Received, S::Diagnosed, S::Wiped,    S::Ready,    S::Allocated,
                             S::Delivered, S::Returned, S::ToRepair, S::ForParts, S::Recycled};

const std::vector<std::pair<S, S>> kArrows = {
    {S::Received, S::Diagnosed}, {S::Received, S::ToRepair},   {S::Received, S::ForParts},
    {S::Received, S::Recycled},  {S::Diagnosed, S::Wiped},      {S::Diagnosed, S::Ready},
    {S::Diagnosed, S::ToRepair}, {S::Diagnosed, S::ForParts},   {S::Diagnosed, S::Recycled},
    {S::Wiped, S::Ready},        {S::Wiped, S::ToRepair},       {S::Wiped, S::ForParts},
    {S::Wiped, S::Recycled},     {S::Ready, S::Allocated},      {S::Ready, S::ToRepair},
    {S::Ready, S::ForParts},     {S::Ready, S::Recycled},       {S::Allocated, S::Delivered},
    {S::Allocated, S::Ready},    {S::Delivered, S::Returned},   {S::Returned, S::Diagnosed},
    {S::Returned, S::ToRepair},  {S::Returned, S::ForParts},    {S::Returned, S::Recycled},
    {S::ToRepair, S::Diagnosed}, {S::ToRepair, S::ForParts},    {S::ToRepair, S::Recycled},
    {S::ForParts, S::Recycled},
};

// How a unit's data is dealt with on its way to `wiped`: each one of the ways the services allow.
enum class Scenario { LaptopWiped, DesktopDestroyed, TabletFactoryReset, LaptopDrivesRemoved, Monitor };
const std::vector<Scenario> kScenarios = {Scenario::LaptopWiped, Scenario::DesktopDestroyed,
                                          Scenario::TabletFactoryReset, Scenario::LaptopDrivesRemoved,
                                          Scenario::Monitor};

const char *name(Scenario s) {
    switch (s) {
    case Scenario::LaptopWiped: return "laptop wiped";
    case Scenario::DesktopDestroyed: return "desktop, disk destroyed";
    case Scenario::TabletFactoryReset: return "tablet factory reset";
    case Scenario::LaptopDrivesRemoved: return "laptop, drive removed";
    case Scenario::Monitor: return "monitor";
    }
    return "";
}

bool allocatable(Scenario s) {
    return s == Scenario::LaptopWiped || s == Scenario::TabletFactoryReset || s == Scenario::LaptopDrivesRemoved;
}
bool holdsNoData(Scenario s) { return s == Scenario::LaptopDrivesRemoved || s == Scenario::Monitor; }

}  // namespace

class Lifecycle : public test::InventoryFixture {
protected:
    Result<Unit> to(const Unit &u, UnitStatus s) { return setStatus(*db, u.tag, s, "test", actor); }
    Result<Unit> to(const std::string &tag, UnitStatus s) { return setStatus(*db, tag, s, "test", actor); }

    void grade(const std::string &tag) {
        UnitPatch p;
        p.grade = Grade::A;
        ASSERT_TRUE(updateUnit(*db, tag, p, actor));
    }

    SanitizationRecord passedWipe(std::int64_t mediumId) {
        SanitizationRecord r;
        r.mediumId = mediumId;
        r.method = "clear-zero";
        r.level = SanitizationLevel::Clear;
        r.result = SanitizationResult::Passed;
        r.verification = "full";
        r.startedAt = nowUtc();
        r.endedAt = nowUtc();
        r.bytesWritten = 256'000'000'000;
        auto stored = recordSanitization(*db, r, actor);
        EXPECT_TRUE(stored) << stored.error().message;
        return stored.value();
    }

    // A school, once, and an open need of a CP child with no device at home: any laptop or
    // tablet fits it.
    std::string openNeed() {
        if (!schoolSaved) {
            auto saved = saveSchools(*db, {{"0750655E", "École Jean Jaurès", "Paris", "", false, ""}}, actor);
            EXPECT_TRUE(saved) << saved.error().message;
            schoolSaved = true;
        }
        NewNeed n;
        n.uai = "0750655E";
        n.family = "F-" + std::to_string(++families);
        n.grades = {allocation::SchoolGrade::CP};
        auto added = addNeeds(*db, {n}, actor);
        EXPECT_TRUE(added) << added.error().message;
        return "0750655E/" + n.family;
    }

    // Allocates the ready unit `tag` to a new need through a stored proposal and its confirmation.
    std::string allocate(const std::string &tag) {
        std::string need = openNeed();
        auto proposal = allocation::propose(*db, allocation::Config{}, actor, false);
        EXPECT_TRUE(proposal) << proposal.error().message;
        auto confirmed = allocation::confirmProposal(*db, actor);
        EXPECT_TRUE(confirmed) << confirmed.error().message;
        EXPECT_EQ(findNeed(*db, need)->unitTag, tag);
        return need;
    }

    std::string servedNeedOf(const std::string &tag) {
        auto served = listNeeds(*db, NeedStatus::Served);
        for (const auto &n : served.value())
            if (n.unitTag == tag) return n.ref();
        ADD_FAILURE() << tag << " serves no need";
        return {};
    }

    Unit registerUnit(Scenario s) {
        NewUnit u;
        u.donationId = donation ? donation : (donation = makeDonation());
        u.serial = "S" + std::to_string(++serials);
        u.make = "Dell";
        switch (s) {
        case Scenario::LaptopWiped:
            u.kind = UnitKind::Laptop;
            u.storage.push_back({MediumType::Ssd, "MZ7LN256", "SSD" + u.serial, 256'000'000'000});
            break;
        case Scenario::DesktopDestroyed:
            u.kind = UnitKind::Desktop;
            u.storage.push_back({MediumType::Hdd, "ST500", "HDD" + u.serial, 500'000'000'000});
            break;
        case Scenario::TabletFactoryReset: u.kind = UnitKind::Tablet; break;
        case Scenario::LaptopDrivesRemoved: u.kind = UnitKind::Laptop; break;
        case Scenario::Monitor: u.kind = UnitKind::Monitor; break;
        }
        auto unit = addUnit(*db, u, actor);
        EXPECT_TRUE(unit) << unit.error().message;
        return unit.value();
    }

    // Deals with the unit's data the way its scenario says, through the public services.
    void sanitize(const std::string &tag, Scenario s) {
        auto unit = getUnit(*db, tag).value();
        switch (s) {
        case Scenario::LaptopWiped: passedWipe(unit.storage[0].id); break;
        case Scenario::DesktopDestroyed:
            if (!unit.storage[0].destroyed) {
                ASSERT_TRUE(markMediumDestroyed(*db, unit.storage[0].id, "shredded", actor));
            }
            break;
        case Scenario::TabletFactoryReset: {
            FactoryReset reset;
            reset.checkedSetupScreen = true;
            auto r = recordFactoryReset(*db, tag, reset, actor);
            ASSERT_TRUE(r) << r.error().message;
            break;
        }
        case Scenario::LaptopDrivesRemoved: {
            auto d = declareStorage(*db, tag, StorageAbsence::Removed, "drive kept in cabinet B", actor);
            ASSERT_TRUE(d) << d.error().message;
            break;
        }
        case Scenario::Monitor: break;
        }
    }

    // Takes one arrow with the service that owns it.
    void take(const std::string &tag, UnitStatus next, Scenario s) {
        UnitStatus from = getUnit(*db, tag)->status;
        Result<Unit> moved = makeError(Errc::Internal, "no service called");
        if (next == S::Allocated) {
            allocate(tag);
            moved = getUnit(*db, tag);
        } else if (next == S::Delivered) {
            moved = allocation::recordDelivery(*db, tag, servedNeedOf(tag), actor);
        } else if (from == S::Allocated && next == S::Ready) {
            moved = allocation::cancelAllocation(*db, tag, actor);
        } else if (next == S::Returned) {
            moved = allocation::returnUnit(*db, tag, actor);
        } else {
            if (next == S::Wiped || (next == S::Ready && from == S::Diagnosed)) sanitize(tag, s);
            if (next == S::Ready) grade(tag);
            moved = to(tag, next);
        }
        ASSERT_TRUE(moved) << name(s) << ": " << toString(from) << " -> " << toString(next) << ": "
                           << moved.error().message;
        ASSERT_EQ(getUnit(*db, tag)->status, next) << name(s);
    }

    // Walks a new unit from `received` to `target` along the main line.
    std::string reach(UnitStatus target, Scenario s) {
        static const std::map<S, std::vector<S>> paths = {
            {S::Received, {}},
            {S::Diagnosed, {S::Diagnosed}},
            {S::Wiped, {S::Diagnosed, S::Wiped}},
            {S::Ready, {S::Diagnosed, S::Wiped, S::Ready}},
            {S::Allocated, {S::Diagnosed, S::Wiped, S::Ready, S::Allocated}},
            {S::Delivered, {S::Diagnosed, S::Wiped, S::Ready, S::Allocated, S::Delivered}},
            {S::Returned, {S::Diagnosed, S::Wiped, S::Ready, S::Allocated, S::Delivered, S::Returned}},
            {S::ToRepair, {S::ToRepair}},
            {S::ForParts, {S::ForParts}},
            {S::Recycled, {S::Recycled}},
        };
        std::string tag = registerUnit(s).tag;
        for (auto next : paths.at(target)) {
            take(tag, next, s);
            if (HasFatalFailure()) return tag;
        }
        return tag;
    }

    // The arrows the trail records as taken (status_changed events).
    std::set<std::pair<S, S>> arrowsInTrail() {
        std::set<std::pair<S, S>> out;
        auto events = listEvents(*db);
        for (const auto &e : events.value()) {
            if (e.action != "status_changed") continue;
            auto field = [&](const std::string &key) {
                auto at = e.payload.find("\"" + key + "\":\"") + key.size() + 4;
                return e.payload.substr(at, e.payload.find('"', at) - at);
            };
            out.emplace(*parseUnitStatus(field("from")), *parseUnitStatus(field("to")));
        }
        return out;
    }

    // Throws the inventory away: each arrow below starts from an empty stock.
    void freshInventory() {
        SetUp();
        donation = 0;
        schoolSaved = false;
    }

    std::int64_t donation = 0;
    int serials = 0;
    int families = 0;
    bool schoolSaved = false;
};

// Every pair of statuses: the arrows allowed by the table are exactly the documented ones.
TEST_F(Lifecycle, ArrowTableMatchesTheDocumentedMachine) {
    int count = 0;
    for (auto from : kAll)
        for (auto to : kAll) {
            bool expected = std::find(kArrows.begin(), kArrows.end(), std::make_pair(from, to)) != kArrows.end();
            EXPECT_EQ(isTransitionAllowed(from, to), expected) << toString(from) << " -> " << toString(to);
            count += expected;
        }
    EXPECT_EQ(count, static_cast<int>(kArrows.size()));
}

// Every arrow, for every way of dealing with a unit's data that the arrow admits, taken through
// the public services only (registration, storage, sanitization records, destruction,
// declarations, factory resets, setStatus, allocation proposals and confirmations, deliveries,
// returns, cancellations); the trail then holds every arrow of the table and no other.
TEST_F(Lifecycle, EveryArrowIsWalkedThroughThePublicServices) {
    std::set<std::pair<S, S>> walked;
    int walks = 0;
    for (const auto &[from, next] : kArrows) {
        for (auto s : kScenarios) {
            bool needsAllocation = from == S::Allocated || from == S::Delivered || from == S::Returned || next == S::Allocated;
            if (needsAllocation && !allocatable(s)) continue;
            if (from == S::Diagnosed && next == S::Ready && !holdsNoData(s)) continue;  // refused: tested below
            freshInventory();
            std::string tag = reach(from, s);
            ASSERT_FALSE(HasFatalFailure()) << name(s) << " reaching " << toString(from);
            take(tag, next, s);
            ASSERT_FALSE(HasFatalFailure());
            auto trail = arrowsInTrail();
            ASSERT_TRUE(trail.count({from, next})) << name(s) << ": " << toString(from) << " -> " << toString(next);
            walked.insert(trail.begin(), trail.end());
            EXPECT_FALSE(verifyChain(*db)->firstBrokenId.has_value());
            ++walks;
        }
    }
    const std::set<std::pair<S, S>> all(kArrows.begin(), kArrows.end());
    EXPECT_EQ(walked, all);
    EXPECT_GT(walks, static_cast<int>(kArrows.size()));
}

TEST_F(Lifecycle, FullJourneyThroughAFamilyAndBackMustBeWipedAgain) {
    std::string tag = reach(S::Returned, Scenario::LaptopWiped);
    ASSERT_FALSE(HasFatalFailure());
    ASSERT_TRUE(to(tag, S::Diagnosed));
    auto old = to(tag, S::Wiped);
    ASSERT_FALSE(old);
    EXPECT_NE(old.error().message.find("since the unit was returned"), std::string::npos) << old.error().message;
    passedWipe(getUnit(*db, tag)->storage[0].id);
    EXPECT_TRUE(to(tag, S::Wiped));
}

// What was declared before a family had the unit no longer vouches for it: check it and declare again.
TEST_F(Lifecycle, AReturnClearsTheStorageDeclaration) {
    std::string tag = reach(S::Returned, Scenario::LaptopDrivesRemoved);
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_FALSE(getStorageDeclaration(*db, tag)->has_value());
    auto events = listEvents(*db, "unit", tag);
    EXPECT_NE(events->back().payload.find("\"storage_declaration_cleared\":\"removed\""), std::string::npos)
        << events->back().payload;
    ASSERT_TRUE(to(tag, S::Diagnosed));
    auto wiped = to(tag, S::Wiped);
    ASSERT_FALSE(wiped);
    EXPECT_NE(wiped.error().message.find("a laptop always holds data"), std::string::npos) << wiped.error().message;
    ASSERT_TRUE(declareStorage(*db, tag, StorageAbsence::Removed, "still no drive", actor));
    EXPECT_TRUE(to(tag, S::Wiped));
}

TEST_F(Lifecycle, WipedNeedsAPassedRecordForEveryMedium) {
    auto donation = makeDonation();
    auto base = laptop(donation, "SN1");
    base.storage.push_back({MediumType::Hdd, "ST500", "W2", 500'000'000'000});
    auto u = addUnit(*db, base, actor).value();
    ASSERT_TRUE(to(u, UnitStatus::Diagnosed));
    auto none = to(u, UnitStatus::Wiped);
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, Errc::Refused);
    EXPECT_NE(none.error().message.find("sanitization"), std::string::npos);

    // One medium wiped, the other with only a failed attempt: still refused, naming the second.
    passedWipe(u.storage[0].id);
    SanitizationRecord failed = passedWipe(u.storage[0].id);
    failed.mediumId = u.storage[1].id;
    failed.result = SanitizationResult::Failed;
    ASSERT_TRUE(recordSanitization(*db, failed, actor));
    auto half = to(u, UnitStatus::Wiped);
    ASSERT_FALSE(half);
    EXPECT_NE(half.error().message.find("W2"), std::string::npos) << half.error().message;
    EXPECT_EQ(getUnit(*db, u.tag)->status, S::Diagnosed);

    // A recorded destruction counts.
    ASSERT_TRUE(markMediumDestroyed(*db, u.storage[1].id, "drilled", actor));
    ASSERT_TRUE(to(u, UnitStatus::Wiped));
}

TEST_F(Lifecycle, InterruptedWipeDoesNotCount) {
    auto u = addLaptop(makeDonation(), "SN1");
    ASSERT_TRUE(to(u, UnitStatus::Diagnosed));
    SanitizationRecord r;
    r.mediumId = u.storage[0].id;
    r.method = "clear-random";
    r.result = SanitizationResult::Interrupted;
    r.startedAt = nowUtc();
    r.lastLba = 1234;
    ASSERT_TRUE(recordSanitization(*db, r, actor));
    EXPECT_FALSE(to(u, UnitStatus::Wiped));
}

TEST_F(Lifecycle, AMediumAddedAfterTheWipeKeepsTheUnitFromReady) {
    auto u = addLaptop(makeDonation(), "SN1");
    ASSERT_TRUE(to(u, S::Diagnosed));
    passedWipe(u.storage[0].id);
    ASSERT_TRUE(to(u, S::Wiped));
    grade(u.tag);
    auto second = addMedium(*db, u.tag, {MediumType::Hdd, "ST1000", "Z9", 1'000'000'000'000}, actor);
    ASSERT_TRUE(second);
    auto ready = to(u, S::Ready);
    ASSERT_FALSE(ready);
    EXPECT_NE(ready.error().message.find("storage medium " + std::to_string(second->id)), std::string::npos)
        << ready.error().message;
    passedWipe(second->id);
    EXPECT_TRUE(to(u, S::Ready));
}

// A unit reaches allocated, delivered, or leaves allocated only through the allocation service;
// setStatus refuses, naming the command, and changes and records nothing.
TEST_F(Lifecycle, TheAllocationsArrowsAreRefusedByHandNamingTheCommand) {
    std::string ready = reach(S::Ready, Scenario::LaptopWiped);
    ASSERT_FALSE(HasFatalFailure());
    std::string received = registerUnit(Scenario::LaptopWiped).tag;
    auto refusedBy = [&](const std::string &tag, S target, const std::string &command) {
        auto before = listEvents(*db)->size();
        S status = getUnit(*db, tag)->status;
        auto r = to(tag, target);
        ASSERT_FALSE(r) << tag << " -> " << toString(target);
        EXPECT_EQ(r.error().code, Errc::Refused);
        EXPECT_NE(r.error().message.find(command), std::string::npos) << r.error().message;
        EXPECT_NE(r.error().message.find(tag + " cannot become " + std::string(toString(target)) + " by hand"),
                  std::string::npos)
            << r.error().message;
        EXPECT_FALSE(checkTransition(*db, *getUnit(*db, tag), target));
        EXPECT_EQ(getUnit(*db, tag)->status, status);
        EXPECT_EQ(listEvents(*db)->size(), before);
    };
    refusedBy(ready, S::Allocated, "reemploi allocate confirm");
    refusedBy(received, S::Allocated, "reemploi allocate confirm");
    auto notReady = to(received, S::Allocated);
    EXPECT_NE(notReady.error().message.find("only ready units can be allocated (it is received)"), std::string::npos);
    refusedBy(received, S::Delivered, "reemploi delivery record " + received + " --need REF");
    EXPECT_NE(to(received, S::Delivered).error().message.find("only allocated units can be delivered"), std::string::npos);

    allocate(ready);
    refusedBy(ready, S::Delivered, "reemploi delivery record " + ready + " --need REF");
    refusedBy(ready, S::Ready, "reemploi allocate cancel " + ready);
    refusedBy(ready, S::ToRepair, "reemploi allocate cancel " + ready);

    ASSERT_TRUE(allocation::recordDelivery(*db, ready, servedNeedOf(ready), actor));
    refusedBy(ready, S::Returned, "reemploi unit return " + ready);
}

TEST_F(Lifecycle, KindsThatHoldDataNeedStorageOrADeclaration) {
    auto donation = makeDonation();
    for (auto kind : {UnitKind::Laptop, UnitKind::Desktop, UnitKind::Tablet, UnitKind::Phone}) {
        NewUnit n;
        n.donationId = donation;
        n.kind = kind;
        n.serial = "K" + std::string(toString(kind));
        n.grade = Grade::B;
        auto u = addUnit(*db, n, actor).value();
        ASSERT_TRUE(to(u, S::Diagnosed));
        for (auto target : {S::Wiped, S::Ready}) {
            auto r = to(u, target);
            ASSERT_FALSE(r) << toString(kind) << " -> " << toString(target);
            EXPECT_EQ(r.error().code, Errc::Refused);
            std::string expected = u.tag + " cannot become " + std::string(toString(target)) + ": a " +
                                   std::string(toString(kind)) + " always holds data: record its storage (reemploi unit add-storage " +
                                   u.tag;
            EXPECT_EQ(r.error().message.rfind(expected, 0), 0u) << r.error().message;
            EXPECT_NE(r.error().message.find("reemploi unit declare-storage " + u.tag + " --removed|--absent --reason R"),
                      std::string::npos);
            bool flash = kind == UnitKind::Tablet || kind == UnitKind::Phone;
            EXPECT_EQ(r.error().message.find("reemploi unit factory-reset") != std::string::npos, flash);
        }
        EXPECT_EQ(getUnit(*db, u.tag)->status, S::Diagnosed);
        ASSERT_TRUE(declareStorage(*db, u.tag, StorageAbsence::Absent, "no storage fitted", actor));
        EXPECT_TRUE(to(u, S::Ready)) << toString(kind);
    }
    // Monitors and `other` without storage keep skipping the wipe.
    for (auto kind : {UnitKind::Monitor, UnitKind::Other}) {
        NewUnit n;
        n.donationId = donation;
        n.kind = kind;
        n.serial = "M" + std::string(toString(kind));
        n.grade = Grade::C;
        auto u = addUnit(*db, n, actor).value();
        ASSERT_TRUE(to(u, S::Diagnosed));
        EXPECT_TRUE(to(u, S::Ready)) << toString(kind);
    }
}

TEST_F(Lifecycle, ReadyNeedsAGradeAndStorageNeedsAWipe) {
    auto donation = makeDonation();
    auto withDisk = addLaptop(donation, "SN1");
    ASSERT_TRUE(to(withDisk, UnitStatus::Diagnosed));
    grade(withDisk.tag);
    auto skip = to(withDisk, UnitStatus::Ready);
    ASSERT_FALSE(skip);
    EXPECT_NE(skip.error().message.find("wiped first"), std::string::npos);

    NewUnit n;
    n.donationId = donation;
    n.kind = UnitKind::Monitor;
    n.serial = "SN2";
    auto monitor = addUnit(*db, n, actor).value();
    ASSERT_TRUE(to(monitor, UnitStatus::Diagnosed));
    auto ungraded = to(monitor, UnitStatus::Ready);
    ASSERT_FALSE(ungraded);
    EXPECT_NE(ungraded.error().message.find("grade"), std::string::npos);
    grade(monitor.tag);
    EXPECT_TRUE(to(monitor, UnitStatus::Ready));
}

TEST_F(Lifecycle, RefusalChangesNothingAndRecordsNothing) {
    auto u = addLaptop(makeDonation(), "SN1");
    auto before = listEvents(*db)->size();
    EXPECT_FALSE(to(u, UnitStatus::Delivered));
    EXPECT_FALSE(to(u, UnitStatus::Received));
    EXPECT_EQ(listEvents(*db)->size(), before);
    EXPECT_EQ(getUnit(*db, u.tag)->status, S::Received);
}

TEST_F(Lifecycle, TransitionEventCarriesFromToReasonAndDetails) {
    auto u = addLaptop(makeDonation(), "SN1");
    ASSERT_TRUE(setStatus(*db, u.tag, UnitStatus::ToRepair, "screen cracked", actor,
                          json::Object().set("bench", "B2")));
    auto events = listEvents(*db, "unit", u.tag);
    EXPECT_EQ(events->back().payload,
              "{\"bench\":\"B2\",\"from\":\"received\",\"reason\":\"screen cracked\",\"to\":\"to_repair\"}");
    EXPECT_EQ(events->back().actor, "trainee-1");
}

TEST_F(Lifecycle, UnknownUnitIsNotFound) {
    auto r = setStatus(*db, "RE-999999", UnitStatus::Diagnosed, "x", actor);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::NotFound);
}

TEST_F(Lifecycle, CompletingAStartedRecordOnlyOnce) {
    auto u = addLaptop(makeDonation(), "SN1");
    SanitizationRecord r;
    r.mediumId = u.storage[0].id;
    r.method = "clear-zero";
    r.result = SanitizationResult::Interrupted;
    r.startedAt = nowUtc();
    auto started = recordSanitization(*db, r, actor);
    ASSERT_TRUE(started);
    auto done = *started;
    done.result = SanitizationResult::Passed;
    done.endedAt = nowUtc();
    ASSERT_TRUE(completeSanitization(*db, done, actor));
    auto again = completeSanitization(*db, done, actor);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::Refused);
}

// What a unit's page offers by hand is what setStatus accepts: never the allocation's arrows.
TEST(LifecycleArrows, TheArrowsOfferedByHandAreExactlyThoseSetStatusTakes) {
    using S = UnitStatus;
    for (auto from : {S::Received, S::Diagnosed, S::Wiped, S::Ready, S::Allocated, S::Delivered, S::Returned, S::ToRepair,
                      S::ForParts, S::Recycled, S::Lent}) {
        auto byHand = nextStatusesByHand(from);
        for (auto to : nextStatuses(from)) {
            bool offered = std::find(byHand.begin(), byHand.end(), to) != byHand.end();
            EXPECT_EQ(offered, !isAllocationArrow(from, to) && !isLoanArrow(from, to))
                << toString(from) << " -> " << toString(to);
        }
    }
    EXPECT_TRUE(nextStatusesByHand(S::Allocated).empty());
    EXPECT_TRUE(nextStatusesByHand(S::Delivered).empty());
    auto ready = nextStatusesByHand(S::Ready);
    EXPECT_EQ(std::find(ready.begin(), ready.end(), S::Allocated), ready.end());
}
