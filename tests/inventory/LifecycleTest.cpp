#include <gtest/gtest.h>

#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Lifecycle.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Units.hpp>

#include "inventory/InventoryFixture.hpp"

using namespace reemploi;
using namespace reemploi::inventory;

class Lifecycle : public test::InventoryFixture {
protected:
    Result<Unit> to(const Unit &u, UnitStatus s) { return setStatus(*db, u.tag, s, "test", actor); }

    void grade(const Unit &u) {
        UnitPatch p;
        p.grade = Grade::A;
        ASSERT_TRUE(updateUnit(*db, u.tag, p, actor));
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

    // Wiped, graded, ready, allocated, delivered, returned, and diagnosed again.
    void throughAFamilyAndBack(const Unit &u) {
    ASSERT_TRUE(to(u, UnitStatus::Diagnosed));
    passedWipe(u.storage[0].id);
    ASSERT_TRUE(to(u, UnitStatus::Wiped));
    grade(u);
    ASSERT_TRUE(to(u, UnitStatus::Ready));
    ASSERT_TRUE(to(u, UnitStatus::Allocated));
    ASSERT_TRUE(to(u, UnitStatus::Delivered));
    ASSERT_TRUE(to(u, UnitStatus::Returned));
    ASSERT_TRUE(to(u, UnitStatus::Diagnosed));
    }

    std::string statusInDb(const std::string &tag) { return std::string(toString(getUnit(*db, tag)->status)); }
};

// Every pair of statuses: the arrows allowed by the table are exactly the documented ones.
TEST_F(Lifecycle, ArrowTableMatchesTheDocumentedMachine) {
    using S = UnitStatus;
    const std::vector<std::pair<S, S>> allowed = {
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
    const std::vector<S> all = {S::Received, S::Diagnosed, S::Wiped,    S::Ready,    S::Allocated,
                                S::Delivered, S::Returned, S::ToRepair, S::ForParts, S::Recycled};
    int count = 0;
    for (auto from : all)
        for (auto to : all) {
            bool expected = std::find(allowed.begin(), allowed.end(), std::make_pair(from, to)) != allowed.end();
            EXPECT_EQ(isTransitionAllowed(from, to), expected) << toString(from) << " -> " << toString(to);
            count += expected;
        }
    EXPECT_EQ(count, static_cast<int>(allowed.size()));
}

TEST_F(Lifecycle, FullJourneyWithAWipe) {
    auto u = addLaptop(makeDonation(), "SN1");
    ASSERT_NO_FATAL_FAILURE(throughAFamilyAndBack(u));
    EXPECT_EQ(statusInDb(u.tag), "diagnosed");
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
    EXPECT_EQ(statusInDb(u.tag), "diagnosed");

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

TEST_F(Lifecycle, AReturnedUnitMustBeWipedAgain) {
    auto u = addLaptop(makeDonation(), "SN1");
    ASSERT_NO_FATAL_FAILURE(throughAFamilyAndBack(u));
    auto old = to(u, UnitStatus::Wiped);
    ASSERT_FALSE(old);
    EXPECT_NE(old.error().message.find("since the unit was returned"), std::string::npos);
    passedWipe(u.storage[0].id);
    EXPECT_TRUE(to(u, UnitStatus::Wiped));
}

TEST_F(Lifecycle, OnlyReadyUnitsCanBeAllocatedAndOnlyAllocatedDelivered) {
    auto u = addLaptop(makeDonation(), "SN1");
    auto alloc = to(u, UnitStatus::Allocated);
    ASSERT_FALSE(alloc);
    EXPECT_NE(alloc.error().message.find("only ready units can be allocated"), std::string::npos);
    auto deliver = to(u, UnitStatus::Delivered);
    ASSERT_FALSE(deliver);
    EXPECT_NE(deliver.error().message.find("only allocated units can be delivered"), std::string::npos);
}

TEST_F(Lifecycle, ReadyNeedsAGradeAndStorageNeedsAWipe) {
    auto donation = makeDonation();
    auto withDisk = addLaptop(donation, "SN1");
    ASSERT_TRUE(to(withDisk, UnitStatus::Diagnosed));
    grade(withDisk);
    auto skip = to(withDisk, UnitStatus::Ready);
    ASSERT_FALSE(skip);
    EXPECT_NE(skip.error().message.find("wiped first"), std::string::npos);

    auto monitor = addLaptop(donation, "SN2", /*withDisk=*/false);
    ASSERT_TRUE(to(monitor, UnitStatus::Diagnosed));
    auto ungraded = to(monitor, UnitStatus::Ready);
    ASSERT_FALSE(ungraded);
    EXPECT_NE(ungraded.error().message.find("grade"), std::string::npos);
    grade(monitor);
    EXPECT_TRUE(to(monitor, UnitStatus::Ready));
}

TEST_F(Lifecycle, RefusalChangesNothingAndRecordsNothing) {
    auto u = addLaptop(makeDonation(), "SN1");
    auto before = listEvents(*db)->size();
    EXPECT_FALSE(to(u, UnitStatus::Delivered));
    EXPECT_FALSE(to(u, UnitStatus::Received));
    EXPECT_EQ(listEvents(*db)->size(), before);
    EXPECT_EQ(statusInDb(u.tag), "received");
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
