// iPads and iPhones: real `ideviceinfo` outputs (tests/fixtures/ios, SOURCES.md there) fed through
// the IosLockdown interface; what reaches the unit, and the lifecycle's rule for a lock.
#include <filesystem>
#include <map>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include <reemploi/diagnostics/ios/IosDevice.hpp>
#include <reemploi/inventory/DeviceLocks.hpp>
#include <reemploi/inventory/Lifecycle.hpp>
#include <reemploi/inventory/Sanitization.hpp>

#include "inventory/InventoryFixture.hpp"

namespace fs = std::filesystem;
using namespace reemploi;
using namespace reemploi::diagnostics::ios;

namespace {

// A device answering each lockdown domain with the fixture's `ideviceinfo -q DOMAIN` output.
class FixtureLockdown : public IosLockdown {
public:
    explicit FixtureLockdown(std::string name) : _dir(fs::path(REEMPLOI_TEST_FIXTURES) / "ios" / name) {}
    Result<std::map<std::string, std::string>> domain(const std::string &name) override {
        auto file = _dir / ((name.empty() ? std::string("lockdown") : name) + ".txt");
        std::ifstream in(file);
        if (!in) return makeError(Errc::Device, "lockdown domain " + name + " not readable");
        std::stringstream ss;
        ss << in.rdbuf();
        return parseIdeviceinfo(ss.str());
    }
    std::string describe() const override { return "fixture " + _dir.filename().string(); }

private:
    fs::path _dir;
};

TEST(IosFacts, AnActivatedPhoneWithoutFindMy) {
    FixtureLockdown device("activated");
    auto f = readIosFacts(device);
    ASSERT_TRUE(f) << f.error().message;
    EXPECT_EQ(f->deviceClass, "iPhone");
    EXPECT_EQ(f->kind(), "phone");
    EXPECT_EQ(f->productType, "iPhone7,1");
    EXPECT_EQ(f->modelNumber, "MGA82");
    EXPECT_EQ(f->serial, "FK3NMRC3G5QQ");
    EXPECT_EQ(f->iosVersion, "12.4.8");
    EXPECT_EQ(f->activationState, "Activated");
    EXPECT_EQ(f->activationLock(), ActivationLock::Off);
    EXPECT_EQ(f->lockAdvice(), "");
    EXPECT_EQ(f->dataTotalBytes, 11913187328);
    EXPECT_EQ(f->batteryPercent, 85);
    // The device's name is often its owner's: never in what the bench prints or keeps.
    EXPECT_EQ(f->toJson().str().find("测试手机"), std::string::npos);
}

TEST(IosFacts, FindMyTiedToAnAppleIdIsAnActivationLock) {
    FixtureLockdown device("activation-locked");
    auto f = readIosFacts(device);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->activationLock(), ActivationLock::On);
    EXPECT_NE(f->lockAdvice().find("ask the donor to sign out of iCloud"), std::string::npos);
    EXPECT_NE(f->lockAdvice().find("FK3NMRC3G5QQ"), std::string::npos);
}

TEST(IosFacts, ANeverActivatedDeviceCannotBeToldFree) {
    FixtureLockdown device("never-activated");
    auto f = readIosFacts(device);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->activationState, "Unactivated");
    EXPECT_EQ(f->activationLock(), ActivationLock::Unknown);
    EXPECT_NE(f->lockAdvice().find("not activated (Unactivated)"), std::string::npos) << f->lockAdvice();
}

TEST(IosFacts, IdeviceinfoTextKeepsTopLevelScalarsOnly) {
    auto m = parseIdeviceinfo("A: 1\nNested:\n B: 2\nList[1]:\n 0: x\nEmpty:\nC: with: colon\r\n");
    EXPECT_EQ(m.size(), 2u);
    EXPECT_EQ(m["A"], "1");
    EXPECT_EQ(m["C"], "with: colon");
    EXPECT_EQ(m.count("B"), 0u);
}

class IosUnit : public test::InventoryFixture {
protected:
    inventory::Unit addPhone(const std::string &serial) {
        inventory::NewUnit u;
        u.donationId = makeDonation();
        u.kind = inventory::UnitKind::Phone;
        u.make = "Apple";
        u.serial = serial;
        auto unit = inventory::addUnit(*db, u, actor);
        EXPECT_TRUE(unit) << unit.error().message;
        return unit.value();
    }
    // Everything a phone needs for `ready` but the lock: diagnosed, reset recorded, graded.
    void prepare(const std::string &tag) {
        ASSERT_TRUE(inventory::setStatus(*db, tag, inventory::UnitStatus::Diagnosed, "bench", actor));
        ASSERT_TRUE(inventory::recordFactoryReset(*db, tag, {std::nullopt, true}, actor));
        ASSERT_TRUE(inventory::setStatus(*db, tag, inventory::UnitStatus::Wiped, "reset", actor));
        inventory::UnitPatch grade;
        grade.grade = inventory::Grade::B;
        ASSERT_TRUE(inventory::updateUnit(*db, tag, grade, actor));
    }
};

TEST_F(IosUnit, FactsReachTheUnitAndAFreeDeviceMayBecomeReady) {
    auto unit = addPhone("FK3NMRC3G5QQ");
    FixtureLockdown device("activated");
    auto d = diagnoseIos(device, db.get(), unit.tag, actor);
    ASSERT_TRUE(d) << d.error().message;
    ASSERT_TRUE(d->unit);
    EXPECT_EQ(d->unit->model, "iPhone7,1 (MGA82)");
    EXPECT_EQ(d->unit->specs.os, "iOS 12.4.8");
    ASSERT_EQ(d->unit->storage.size(), 1u);
    EXPECT_EQ(d->unit->storage[0].capacityBytes, 16000000000);
    auto lock = inventory::getDeviceLock(*db, unit.tag);
    ASSERT_TRUE(lock && *lock);
    EXPECT_EQ((*lock)->state, "off");
    prepare(unit.tag);
    auto ready = inventory::setStatus(*db, unit.tag, inventory::UnitStatus::Ready, "checked", actor);
    EXPECT_TRUE(ready) << ready.error().message;
}

TEST_F(IosUnit, AnActivationLockKeepsTheUnitFromReadyAndSaysWhatToAskTheDonor) {
    auto unit = addPhone("FK3NMRC3G5QQ");
    FixtureLockdown device("activation-locked");
    ASSERT_TRUE(diagnoseIos(device, db.get(), unit.tag, actor));
    prepare(unit.tag);
    auto ready = inventory::setStatus(*db, unit.tag, inventory::UnitStatus::Ready, "checked", actor);
    ASSERT_FALSE(ready);
    EXPECT_EQ(ready.error().code, Errc::Refused);
    EXPECT_NE(ready.error().message.find("its activation lock is on"), std::string::npos) << ready.error().message;
    EXPECT_NE(ready.error().message.find("sign out of iCloud"), std::string::npos);
    // Once the donor released it, the next reading frees it.
    FixtureLockdown released("activated");
    ASSERT_TRUE(diagnoseIos(released, db.get(), unit.tag, actor));
    EXPECT_TRUE(inventory::setStatus(*db, unit.tag, inventory::UnitStatus::Ready, "released", actor));
}

TEST_F(IosUnit, ANeverActivatedDeviceWaitsForItsActivation) {
    auto unit = addPhone("FK3NMRC3G5QQ");
    FixtureLockdown device("never-activated");
    ASSERT_TRUE(diagnoseIos(device, db.get(), unit.tag, actor));
    prepare(unit.tag);
    auto ready = inventory::setStatus(*db, unit.tag, inventory::UnitStatus::Ready, "checked", actor);
    ASSERT_FALSE(ready);
    EXPECT_NE(ready.error().message.find("activation lock is unknown"), std::string::npos) << ready.error().message;
}

TEST_F(IosUnit, AnUnknownTagChangesNothing) {
    FixtureLockdown device("activated");
    auto d = diagnoseIos(device, db.get(), std::string("RE-000404"), actor);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().code, Errc::NotFound);
}

}  // namespace

namespace {

// A device answering each domain from text given here (ideviceinfo's output).
class TextLockdown : public IosLockdown {
public:
    explicit TextLockdown(std::map<std::string, std::string> texts) : _texts(std::move(texts)) {}
    Result<std::map<std::string, std::string>> domain(const std::string &name) override {
        return parseIdeviceinfo(_texts[name]);
    }
    std::string describe() const override { return "text"; }

private:
    std::map<std::string, std::string> _texts;
};

}  // namespace

// Fuzz finding (ios_info, first minute): lockdown values that are not UTF-8 went into the facts'
// JSON and the unit as they were. Each such byte is now U+FFFD.
TEST(IosFacts, FuzzFindingValuesThatAreNotUtf8BecomeValidText) {
    std::map<std::string, std::string> texts;
    texts[""] = "DeviceClass: iPad\nProductType: iPad7,5\nSerialNumber: DMP\xff" "1\nActivationState: Unactiva\xe9" "ed\n";
    TextLockdown device(texts);
    auto f = readIosFacts(device);
    ASSERT_TRUE(f) << f.error().message;
    EXPECT_EQ(f->serial, "DMP\xEF\xBF\xBD" "1");
    EXPECT_EQ(f->activationState, "Unactiva\xEF\xBF\xBD" "ed");
    EXPECT_EQ(f->activationLock(), ActivationLock::Unknown);
    auto json = f->toJson().str();
    EXPECT_EQ(json.find('\xff'), std::string::npos);
    EXPECT_NE(json.find("DMP\xEF\xBF\xBD" "1"), std::string::npos);
}
