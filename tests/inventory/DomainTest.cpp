#include <gtest/gtest.h>

#include <reemploi/inventory/Domain.hpp>
#include <reemploi/inventory/Units.hpp>

using namespace reemploi;
using namespace reemploi::inventory;

TEST(Domain, StatusesRoundTripThroughText) {
    for (auto s : {UnitStatus::Received, UnitStatus::Diagnosed, UnitStatus::Wiped, UnitStatus::Ready,
                   UnitStatus::Allocated, UnitStatus::Delivered, UnitStatus::Returned, UnitStatus::ToRepair,
                   UnitStatus::ForParts, UnitStatus::Recycled}) {
        auto parsed = parseUnitStatus(toString(s));
        ASSERT_TRUE(parsed);
        EXPECT_EQ(*parsed, s);
    }
    auto bad = parseUnitStatus("shipped");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, Errc::InvalidInput);
    EXPECT_NE(bad.error().message.find("shipped"), std::string::npos);
    EXPECT_NE(bad.error().message.find("to_repair"), std::string::npos);
}

TEST(Domain, DatesAreCheckedForRealCalendarDays) {
    EXPECT_TRUE(checkDate("2024-02-29", "received"));
    EXPECT_FALSE(checkDate("2023-02-29", "received"));
    EXPECT_FALSE(checkDate("2026-13-01", "received"));
    EXPECT_FALSE(checkDate("20/11/2026", "received"));
    EXPECT_FALSE(checkDate("2026-1-01", "received"));
    auto e = checkDate("2026-02-30", "received");
    ASSERT_FALSE(e);
    EXPECT_NE(e.error().message.find("received"), std::string::npos);
}

TEST(Domain, CapacitiesAsPeopleWriteThem) {
    EXPECT_EQ(*parseCapacity("256G"), 256'000'000'000);
    EXPECT_EQ(*parseCapacity("500 Go"), 500'000'000'000);
    EXPECT_EQ(*parseCapacity("1,5 To"), 1'500'000'000'000);
    EXPECT_EQ(*parseCapacity("512MiB"), 512LL * 1024 * 1024);
    EXPECT_EQ(*parseCapacity("120000000000"), 120'000'000'000);
    EXPECT_FALSE(parseCapacity("big"));
    EXPECT_FALSE(parseCapacity("12 parsecs"));
    EXPECT_EQ(formatCapacity(256'060'514'304), "256 GB");
    EXPECT_EQ(formatCapacity(1'500'000'000'000), "1.5 TB");
}

TEST(Domain, TagsFormatAndParse) {
    EXPECT_EQ(formatTag(1), "RE-000001");
    EXPECT_EQ(formatTag(1234567), "RE-1234567");
    EXPECT_EQ(parseTag("RE-000042"), 42);
    EXPECT_FALSE(parseTag("RE-"));
    EXPECT_FALSE(parseTag("XX-000001"));
    EXPECT_FALSE(parseTag("RE-00a1"));
}
