// The identity rule between a wipe target and a unit's recorded media: serials when both are
// known, otherwise a capacity that agrees plus the operator's choice; anything else is a new
// medium. Capacities as donors' lists write them.
#include <gtest/gtest.h>

#include <reemploi/diagnostics/storage/MediumIdentity.hpp>

using namespace reemploi;
using namespace reemploi::diagnostics::storage;
namespace inv = reemploi::inventory;

namespace {

inv::StorageMedium medium(std::int64_t id, const std::string &serial, std::optional<std::int64_t> capacity,
                          bool destroyed = false) {
    inv::StorageMedium m;
    m.id = id;
    m.type = inv::MediumType::Ssd;
    m.serial = serial;
    m.capacityBytes = capacity;
    m.destroyed = destroyed;
    return m;
}

TargetInfo drive(const std::string &serial, std::uint64_t bytes) {
    TargetInfo t;
    t.path = "/dev/sdb";
    t.serial = serial;
    t.sizeBytes = bytes;
    return t;
}

inv::Unit unitWith(std::vector<inv::StorageMedium> media) {
    inv::Unit u;
    u.tag = "RE-000042";
    u.storage = std::move(media);
    return u;
}

MediumChoice named(std::int64_t id) { return {id, false}; }

constexpr std::int64_t GB = 1000000000;

}  // namespace

TEST(CapacityMatches, AcceptsTheRoundingOfDonorsListsAndNothingFurther) {
    EXPECT_TRUE(capacityMatches(256060514304ULL, 256 * GB));   // "SSD 256 Go"
    EXPECT_TRUE(capacityMatches(250059350016ULL, 256 * GB));   // a "256" that is a 250
    EXPECT_TRUE(capacityMatches(256060514304ULL, 238 * GB));   // what Windows shows: "238 Go"
    EXPECT_TRUE(capacityMatches(1000204886016ULL, 931 * GB));  // "931 Go" for 1 TB
    EXPECT_TRUE(capacityMatches(1000204886016ULL, 1000 * GB)); // "1 To"
    EXPECT_TRUE(capacityMatches(500107862016ULL, 476940LL * 1024 * 1024));  // GLPI: "476940 Mio"
    EXPECT_FALSE(capacityMatches(1 << 20, 256 * GB));          // a 1 MiB file is no 256 GB SSD
    EXPECT_FALSE(capacityMatches(120034123776ULL, 128 * GB));  // a 120 GB drive for a listed 128
    EXPECT_FALSE(capacityMatches(512110190592ULL, 256 * GB));
    EXPECT_FALSE(capacityMatches(256060514304ULL, 0));
    EXPECT_FALSE(capacityMatches(0, 256 * GB));
}

TEST(MatchMedium, TheSameSerialCreditsTheRecordedMedium) {
    auto unit = unitWith({medium(3, "S3YHNX0K123456", 250 * GB)});
    auto m = matchMedium(unit, drive("S3YHNX0K123456", 250059350016ULL), {});
    ASSERT_TRUE(m) << m.error().message;
    ASSERT_TRUE(m->medium);
    EXPECT_EQ(m->medium->id, 3);
    EXPECT_EQ(m->evidence, IdentityEvidence::Serial);
    EXPECT_EQ(toString(m->evidence), "serial");
    // Named as well: the serial is still the evidence.
    m = matchMedium(unit, drive("S3YHNX0K123456", 250059350016ULL), named(3));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->evidence, IdentityEvidence::Serial);
}

TEST(MatchMedium, ARecordWithoutSerialIsNeverCreditedUnnamedWhateverTheSize) {
    auto unit = unitWith({medium(3, "", 256 * GB)});
    for (std::uint64_t size : {std::uint64_t(1) << 20, std::uint64_t(256060514304ULL)}) {
        for (const std::string serial : {"", "S4EVNF0M123456"}) {
            auto m = matchMedium(unit, drive(serial, size), {});
            ASSERT_TRUE(m);
            EXPECT_FALSE(m->medium);
            EXPECT_EQ(m->evidence, IdentityEvidence::NewMedium);
            EXPECT_EQ(toString(m->evidence), "new medium");
            // The recorded medium is offered as a candidate when its capacity agrees.
            EXPECT_EQ(m->candidates.size(), size > (1u << 20) ? 1u : 0u);
        }
    }
}

TEST(MatchMedium, NamedWithoutSerialNeedsTheCapacityToAgree) {
    auto unit = unitWith({medium(3, "", 256 * GB), medium(4, "", std::nullopt)});
    auto ok = matchMedium(unit, drive("S4EVNF0M123456", 256060514304ULL), named(3));
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->medium->id, 3);
    EXPECT_EQ(ok->evidence, IdentityEvidence::CapacityAndOperatorChoice);
    EXPECT_EQ(toString(ok->evidence), "capacity+operator choice");

    auto tooSmall = matchMedium(unit, drive("", 1 << 20), named(3));
    ASSERT_FALSE(tooSmall);
    EXPECT_EQ(tooSmall.error().code, Errc::Refused);
    EXPECT_NE(tooSmall.error().message.find("256 GB"), std::string::npos) << tooSmall.error().message;
    EXPECT_NE(tooSmall.error().message.find("1048576 bytes"), std::string::npos) << tooSmall.error().message;

    auto unknown = matchMedium(unit, drive("", 256060514304ULL), named(4));
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, Errc::Refused);
    EXPECT_NE(unknown.error().message.find("neither a serial nor a capacity"), std::string::npos);
}

TEST(MatchMedium, DisagreeingSerialsOrAnotherMediumsSerialAreRefused) {
    auto unit = unitWith({medium(3, "S3YHNX0K123456", 256 * GB), medium(5, "", 256 * GB)});
    auto other = matchMedium(unit, drive("S4EVNF0M999999", 256060514304ULL), named(3));
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().code, Errc::Refused);
    EXPECT_NE(other.error().message.find("S3YHNX0K123456"), std::string::npos);
    EXPECT_NE(other.error().message.find("S4EVNF0M999999"), std::string::npos);
    // The target is #3 by its serial: naming #5 is a mistake.
    auto wrong = matchMedium(unit, drive("S3YHNX0K123456", 256060514304ULL), named(5));
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, Errc::Refused);
    EXPECT_NE(wrong.error().message.find("#3"), std::string::npos) << wrong.error().message;
    auto asNew = matchMedium(unit, drive("S3YHNX0K123456", 256060514304ULL), {std::nullopt, true});
    ASSERT_FALSE(asNew);
    EXPECT_EQ(asNew.error().code, Errc::Refused);
}

TEST(MatchMedium, ANamedMediumMustBeTheUnitsAndNotDestroyed) {
    auto unit = unitWith({medium(3, "", 256 * GB), medium(6, "", 256 * GB, true)});
    auto absent = matchMedium(unit, drive("", 256060514304ULL), named(99));
    ASSERT_FALSE(absent);
    EXPECT_EQ(absent.error().code, Errc::NotFound);
    EXPECT_NE(absent.error().message.find("#3"), std::string::npos) << absent.error().message;
    auto destroyed = matchMedium(unit, drive("", 256060514304ULL), named(6));
    ASSERT_FALSE(destroyed);
    EXPECT_EQ(destroyed.error().code, Errc::Refused);
    EXPECT_NE(destroyed.error().message.find("destroyed"), std::string::npos);
}
