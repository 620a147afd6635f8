// Storage declared removed or absent, and factory resets recorded as the sanitization of a
// tablet's or phone's internal flash: what they allow, what they refuse, what the trail keeps.
#include <gtest/gtest.h>

#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Lifecycle.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Storage.hpp>
#include <reemploi/inventory/Units.hpp>

#include "inventory/InventoryFixture.hpp"

using namespace reemploi;
using namespace reemploi::inventory;

class Storage : public test::InventoryFixture {
protected:
    Unit add(UnitKind kind, const std::string &serial, std::vector<NewMedium> media = {}) {
        NewUnit n;
        n.donationId = donation ? donation : (donation = makeDonation());
        n.kind = kind;
        n.serial = serial;
        n.grade = Grade::B;
        n.storage = std::move(media);
        auto u = addUnit(*db, n, actor);
        EXPECT_TRUE(u) << u.error().message;
        return u.value();
    }

    std::size_t eventCount() { return listEvents(*db)->size(); }

    std::int64_t donation = 0;
};

TEST_F(Storage, ADeclarationIsStoredWithItsReasonAndAnEvent) {
    auto u = add(UnitKind::Laptop, "L1");
    auto d = declareStorage(*db, u.tag, StorageAbsence::Removed, "  drive kept in cabinet B ", actor);
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->reason, "drive kept in cabinet B");
    EXPECT_EQ(d->actor, "trainee-1");
    auto read = getStorageDeclaration(*db, u.tag);
    ASSERT_TRUE(read && read->has_value());
    EXPECT_EQ((*read)->kind, StorageAbsence::Removed);
    auto events = listEvents(*db, "unit", u.tag);
    EXPECT_EQ(events->back().action, "storage_declared");
    EXPECT_EQ(events->back().payload, "{\"reason\":\"drive kept in cabinet B\",\"storage\":\"removed\"}");
    // Declared again (it was never fitted after all): the later declaration holds.
    ASSERT_TRUE(declareStorage(*db, u.tag, StorageAbsence::Absent, "no slot inside", actor));
    EXPECT_EQ((*getStorageDeclaration(*db, u.tag))->kind, StorageAbsence::Absent);
}

TEST_F(Storage, ADeclarationIsRefusedWithMediaOrWithoutAReason) {
    auto withDisk = add(UnitKind::Laptop, "L1", {{MediumType::Ssd, "", "S1", 256'000'000'000}});
    auto before = eventCount();
    auto refused = declareStorage(*db, withDisk.tag, StorageAbsence::Removed, "taken out", actor);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::Refused);
    EXPECT_NE(refused.error().message.find("storage recorded (medium " + std::to_string(withDisk.storage[0].id) + ")"),
              std::string::npos)
        << refused.error().message;
    EXPECT_NE(refused.error().message.find("reemploi unit destroy-storage"), std::string::npos);

    auto bare = add(UnitKind::Laptop, "L2");
    auto noReason = declareStorage(*db, bare.tag, StorageAbsence::Absent, "  ", actor);
    ASSERT_FALSE(noReason);
    EXPECT_EQ(noReason.error().code, Errc::InvalidInput);
    EXPECT_EQ(noReason.error().message.rfind("reason:", 0), 0u);
    auto control = declareStorage(*db, bare.tag, StorageAbsence::Absent, std::string("none\x01", 5), actor);
    ASSERT_FALSE(control);
    EXPECT_NE(control.error().message.find("control character U+0001 at byte offset 4"), std::string::npos)
        << control.error().message;
    EXPECT_FALSE(declareStorage(*db, "RE-999999", StorageAbsence::Absent, "x", actor));
    EXPECT_FALSE(getStorageDeclaration(*db, bare.tag)->has_value());
    EXPECT_EQ(eventCount(), before + 1);  // only the second unit's registration
}

// A medium added later means the declaration was wrong: it is cleared, and the medium must be
// sanitized like any other before the unit may be wiped.
TEST_F(Storage, AddingAMediumClearsTheDeclaration) {
    auto u = add(UnitKind::Desktop, "D1");
    ASSERT_TRUE(declareStorage(*db, u.tag, StorageAbsence::Absent, "no disk", actor));
    ASSERT_TRUE(setStatus(*db, u.tag, UnitStatus::Diagnosed, "boots from USB", actor));
    auto m = addMedium(*db, u.tag, {MediumType::Hdd, "ST500", "W1", 500'000'000'000}, actor);
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_FALSE(getStorageDeclaration(*db, u.tag)->has_value());
    EXPECT_NE(listEvents(*db, "unit", u.tag)->back().payload.find("\"declaration_cleared\":\"absent\""), std::string::npos);
    auto wiped = setStatus(*db, u.tag, UnitStatus::Wiped, "x", actor);
    ASSERT_FALSE(wiped);
    EXPECT_NE(wiped.error().message.find("storage medium " + std::to_string(m->id)), std::string::npos);
}

TEST_F(Storage, AFactoryResetIsAPassedClearRecordOfTheInternalFlash) {
    auto tablet = add(UnitKind::Tablet, "T1");
    FactoryReset reset;
    reset.checkedSetupScreen = true;
    auto r = recordFactoryReset(*db, tablet.tag, reset, actor);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->method, "manual-factory-reset");
    EXPECT_EQ(r->level, SanitizationLevel::Clear);
    EXPECT_EQ(r->result, SanitizationResult::Passed);
    EXPECT_EQ(r->verification, "setup screen shown");
    EXPECT_FALSE(r->endedAt.empty());
    // The tablet had no medium recorded: its internal flash was added first, capacity unknown.
    auto unit = getUnit(*db, tablet.tag).value();
    ASSERT_EQ(unit.storage.size(), 1u);
    EXPECT_EQ(unit.storage[0].type, MediumType::Flash);
    EXPECT_FALSE(unit.storage[0].capacityBytes.has_value());
    EXPECT_EQ(r->mediumId, unit.storage[0].id);
    auto events = listEvents(*db, "unit", tablet.tag);
    ASSERT_GE(events->size(), 3u);
    EXPECT_EQ((*events)[events->size() - 2].action, "storage_added");
    EXPECT_EQ(events->back().action, "sanitization_recorded");
    EXPECT_EQ(events->back().actor, "trainee-1");
    EXPECT_NE(events->back().payload.find("\"method\":\"manual-factory-reset\""), std::string::npos);
    // A second reset finds that medium rather than adding another.
    ASSERT_TRUE(recordFactoryReset(*db, tablet.tag, reset, actor));
    EXPECT_EQ(getUnit(*db, tablet.tag)->storage.size(), 1u);
    ASSERT_TRUE(setStatus(*db, tablet.tag, UnitStatus::Diagnosed, "x", actor));
    EXPECT_TRUE(setStatus(*db, tablet.tag, UnitStatus::Wiped, "x", actor));
}

TEST_F(Storage, AFactoryResetIsRefusedOutsideATabletsOrPhonesFlash) {
    FactoryReset reset;
    reset.checkedSetupScreen = true;
    auto laptop = add(UnitKind::Laptop, "L1");
    auto before = eventCount();
    auto notTablet = recordFactoryReset(*db, laptop.tag, reset, actor);
    ASSERT_FALSE(notTablet);
    EXPECT_EQ(notTablet.error().code, Errc::Refused);
    EXPECT_NE(notTablet.error().message.find("is a laptop"), std::string::npos);

    auto phone = add(UnitKind::Phone, "P1", {{MediumType::Ssd, "", "", std::nullopt}});
    auto notFlash = recordFactoryReset(*db, phone.tag, reset, actor);
    ASSERT_FALSE(notFlash);
    EXPECT_EQ(notFlash.error().code, Errc::Refused);
    reset.mediumId = phone.storage[0].id;
    auto namedSsd = recordFactoryReset(*db, phone.tag, reset, actor);
    ASSERT_FALSE(namedSsd);
    EXPECT_NE(namedSsd.error().message.find("is ssd"), std::string::npos) << namedSsd.error().message;
    reset.mediumId = laptop.id + 1000;
    EXPECT_EQ(recordFactoryReset(*db, phone.tag, reset, actor).error().code, Errc::NotFound);

    auto tablet = add(UnitKind::Tablet, "T1", {{MediumType::Emmc, "", "", 64'000'000'000}, {MediumType::Flash, "", "", std::nullopt}});
    before = eventCount();
    reset.mediumId.reset();
    auto several = recordFactoryReset(*db, tablet.tag, reset, actor);
    ASSERT_FALSE(several);
    EXPECT_NE(several.error().message.find("several internal media"), std::string::npos);
    FactoryReset unchecked;
    unchecked.mediumId = tablet.storage[0].id;
    auto notChecked = recordFactoryReset(*db, tablet.tag, unchecked, actor);
    ASSERT_FALSE(notChecked);
    EXPECT_NE(notChecked.error().message.find("first-setup screen"), std::string::npos);
    EXPECT_EQ(eventCount(), before);
    EXPECT_TRUE(listSanitization(*db, tablet.tag)->empty());
    reset.mediumId = tablet.storage[0].id;
    EXPECT_TRUE(recordFactoryReset(*db, tablet.tag, reset, actor));
}

TEST_F(Storage, TheSanitizationStateReadsTheDeclaration) {
    auto u = add(UnitKind::Laptop, "L1");
    ASSERT_TRUE(declareStorage(*db, u.tag, StorageAbsence::Removed, "drive kept", actor));
    auto state = mediaSanitization(*db, getUnit(*db, u.tag).value());
    ASSERT_TRUE(state);
    EXPECT_TRUE(state->allSanitized);
    EXPECT_FALSE(state->storageUnknown);
    ASSERT_TRUE(state->declaration.has_value());
    // Undeclared, the same laptop is not sanitized: nothing says where its data went.
    auto other = add(UnitKind::Laptop, "L2");
    auto unknown = mediaSanitization(*db, other);
    EXPECT_TRUE(unknown->storageUnknown);
    EXPECT_FALSE(unknown->allSanitized);
}
