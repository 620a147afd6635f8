// The label services the `label render` and `label print` commands call (app/services/UnitLabels),
// with the inputs of the label CLI tests (tests/labels/CliTest.cpp): a unit becomes a label,
// and printing a sheet records one label_printed event per label in one transaction, only once
// the printer has accepted the job.
#include <gtest/gtest.h>

#include <Poco/Net/ServerSocket.h>

#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Lifecycle.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Storage.hpp>
#include <reemploi/labels/Render.hpp>

#include "inventory/InventoryFixture.hpp"
#include "labels/FakeZebra.hpp"
#include "services/UnitLabels.hpp"

using namespace reemploi;
using namespace reemploi::inventory;

namespace {

class LabelServices : public test::InventoryFixture {
protected:
    void SetUp() override {
        InventoryFixture::SetUp();
        if (IsSkipped()) return;  // no server for a pg: test
        auto donor = addDonor(*db, {"Mairie de Lyon", DonorKind::Administration, ""}, actor);
        ASSERT_TRUE(donor);
        auto donation = addDonation(*db, {donor->id, "2026-11-20", "Atelier de Vénissieux", ""}, actor);
        ASSERT_TRUE(donation);
        NewUnit laptop;
        laptop.donationId = donation->id;
        laptop.kind = UnitKind::Laptop;
        laptop.serial = "PF1ABCD";
        laptop.make = "Lenovo";
        laptop.model = "ThinkPad T480";
        laptop.grade = Grade::B;
        laptop.storage.push_back({MediumType::Ssd, "", "", 256'000'000'000});
        ASSERT_TRUE(addUnit(*db, laptop, actor));
        NewUnit tablet;
        tablet.donationId = donation->id;
        tablet.kind = UnitKind::Tablet;
        tablet.serial = "R52N";
        tablet.make = "Samsung";
        tablet.model = "Galaxy Tab A";
        ASSERT_TRUE(addUnit(*db, tablet, actor));
        donationId = donation->id;
    }

    std::vector<Event> printed(const std::string &tag) {
        std::vector<Event> out;
        auto events = listEvents(*db, "unit", tag);
        EXPECT_TRUE(events) << events.error().message;
        for (const auto &e : *events)
            if (e.action == "label_printed") out.push_back(e);
        return out;
    }

    labels::Media media(const std::string &name) { return *labels::parseMedia(name); }

    std::int64_t donationId = 0;
};

int closedPort() {
    Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
    return s.address().port();
}

}  // namespace

// `label render RE-000001` and `label render --donation 1`: what each label says.
TEST_F(LabelServices, UnitsBecomeLabels) {
    auto one = app::labelsToPrint(*db, std::string("RE-000001"), std::nullopt);
    ASSERT_TRUE(one) << one.error().message;
    ASSERT_EQ(one->size(), 1u);
    const auto &l = one->front();
    EXPECT_EQ(l.tag, "RE-000001");
    EXPECT_EQ(l.kind, "Portable");
    EXPECT_EQ(l.make, "Lenovo");
    EXPECT_EQ(l.model, "ThinkPad T480");
    EXPECT_EQ(l.grade, "B");
    EXPECT_EQ(l.wipeStatus, labels::WipeStatus::Pending);
    EXPECT_EQ(l.site, "Atelier de Vénissieux");

    auto all = app::labelsToPrint(*db, std::nullopt, donationId);
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 2u);
    EXPECT_EQ((*all)[1].kind, "Tablette");
    // A tablet with no medium recorded still holds data until its storage is dealt with.
    EXPECT_EQ((*all)[1].wipeStatus, labels::WipeStatus::Pending);
    EXPECT_EQ((*all)[1].grade, "");
    ASSERT_TRUE(declareStorage(*db, (*all)[1].tag, StorageAbsence::Removed, "flash module taken out", actor));
    auto declared = app::labelsToPrint(*db, (*all)[1].tag, std::nullopt);
    ASSERT_TRUE(declared);
    EXPECT_EQ(declared->front().wipeStatus, labels::WipeStatus::NoStorage);

    // Wiped: the label carries the date of the wipe.
    auto unit = getUnit(*db, "RE-000001");
    SanitizationRecord r;
    r.mediumId = unit->storage[0].id;
    r.method = "clear-zero";
    r.result = SanitizationResult::Passed;
    r.verification = "full";
    r.startedAt = "2026-11-23T12:00:00.000Z";
    r.endedAt = "2026-11-23T12:50:16.123Z";
    ASSERT_TRUE(recordSanitization(*db, r, actor));
    auto wiped = app::labelsToPrint(*db, std::string("RE-000001"), std::nullopt);
    ASSERT_TRUE(wiped);
    EXPECT_EQ(wiped->front().wipeStatus, labels::WipeStatus::Wiped);
    EXPECT_EQ(wiped->front().wipeDate, "2026-11-23");
}

TEST_F(LabelServices, BadRequestsNameWhatIsWrong) {
    auto both = app::labelsToPrint(*db, std::string("RE-000001"), donationId);
    ASSERT_FALSE(both);
    EXPECT_EQ(both.error().code, Errc::InvalidInput);
    EXPECT_EQ(app::labelsToPrint(*db, std::nullopt, std::nullopt).error().code, Errc::InvalidInput);
    auto missing = app::labelsToPrint(*db, std::string("RE-009999"), std::nullopt);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, Errc::NotFound);
    EXPECT_EQ(app::labelsToPrint(*db, std::nullopt, 7).error().code, Errc::NotFound);
    auto emptyDonation = addDonation(*db, {1, "2026-11-21", "", ""}, actor);
    ASSERT_TRUE(emptyDonation);
    auto none = app::labelsToPrint(*db, std::nullopt, emptyDonation->id);
    ASSERT_FALSE(none);
    EXPECT_NE(none.error().message.find("has no unit to label"), std::string::npos) << none.error().message;
}

// `label print --donation 1 --printer tcp://…`: both labels in one job, then both events at once.
TEST_F(LabelServices, PrintingASheetRecordsEveryLabelOnceThePrinterAcceptedIt) {
    labels::test::FakeZebra zebra(labels::test::hostStatus(false, false, false));
    auto printer = labels::parsePrinter("tcp://127.0.0.1:" + std::to_string(zebra.port()));
    ASSERT_TRUE(printer);
    auto data = app::labelsToPrint(*db, std::nullopt, donationId);
    ASSERT_TRUE(data);
    labels::LayoutOptions layout;
    auto outcome = app::printUnitLabels(*db, *data, media("50x25"), layout, *printer, {}, actor);
    ASSERT_TRUE(outcome) << outcome.error().message;
    const std::string got = zebra.received();
    EXPECT_NE(got.find("^FDRE-000001^FS"), std::string::npos);
    EXPECT_NE(got.find("^FDRE-000002^FS"), std::string::npos);
    EXPECT_EQ(outcome->receipt.format, "zpl");
    ASSERT_EQ(outcome->events.size(), 2u);
    EXPECT_EQ(outcome->events[1], outcome->events[0] + 1);  // consecutive: one transaction
    auto first = printed("RE-000001"), second = printed("RE-000002");
    ASSERT_EQ(first.size(), 1u);
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(first[0].id, outcome->events[0]);
    EXPECT_EQ(first[0].payload, "{\"dpi\":203,\"format\":\"zpl\",\"printer\":\"" + printer->str() + "\",\"size\":\"50x25\"}");
    EXPECT_EQ(second[0].payload, first[0].payload);
    EXPECT_FALSE(verifyChain(*db)->firstBrokenId);
    // What `label print --json` prints.
    const std::string json = app::toJson(*outcome).str();
    EXPECT_NE(json.find(R"("tags":["RE-000001","RE-000002"])"), std::string::npos) << json;
    EXPECT_NE(json.find("\"events\":[" + std::to_string(first[0].id) + "," + std::to_string(second[0].id) + "]"),
              std::string::npos)
        << json;
    EXPECT_NE(json.find(R"("format":"zpl")"), std::string::npos) << json;
}

TEST_F(LabelServices, APrinterFailureRecordsNothing) {
    auto data = app::labelsToPrint(*db, std::nullopt, donationId);
    ASSERT_TRUE(data);
    labels::LayoutOptions layout;
    labels::PrintOptions options;
    options.timeout = std::chrono::seconds(2);
    auto refused = app::printUnitLabels(*db, *data, media("62x29"), layout,
                                        *labels::parsePrinter("tcp://127.0.0.1:" + std::to_string(closedPort())), options,
                                        actor);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("refused the connection"), std::string::npos) << refused.error().message;

    labels::test::FakeZebra paperOut(labels::test::hostStatus(true, false, false));
    auto out = app::printUnitLabels(*db, *data, media("62x29"), layout,
                                    *labels::parsePrinter("tcp://127.0.0.1:" + std::to_string(paperOut.port())),
                                    options, actor);
    ASSERT_FALSE(out);
    EXPECT_NE(out.error().message.find("paper out"), std::string::npos) << out.error().message;
    EXPECT_EQ(paperOut.received(), "~HS");
    EXPECT_TRUE(printed("RE-000001").empty());
    EXPECT_TRUE(printed("RE-000002").empty());
}

// The printer took the job but the database fails on the second event: neither is recorded, and
// the error says that the printer has the job.
TEST_F(LabelServices, ADatabaseFailureAfterPrintingRecordsNoneAndSaysSo) {
    labels::test::FakeZebra zebra(labels::test::hostStatus(false, false, false));
    auto data = app::labelsToPrint(*db, std::nullopt, donationId);
    ASSERT_TRUE(data);
    db->exec("CREATE TEMP TRIGGER no_second BEFORE INSERT ON events WHEN NEW.entity_id = 'RE-000002'"
             " BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    labels::LayoutOptions layout;
    auto outcome = app::printUnitLabels(*db, *data, media("50x25"), layout,
                                        *labels::parsePrinter("tcp://127.0.0.1:" + std::to_string(zebra.port())), {},
                                        actor);
    ASSERT_FALSE(outcome);
    EXPECT_NE(outcome.error().message.find("the printer accepted 2 labels but none was recorded as printed"),
              std::string::npos)
        << outcome.error().message;
    EXPECT_NE(zebra.received().find("^FDRE-000002^FS"), std::string::npos);
    EXPECT_TRUE(printed("RE-000001").empty());
    EXPECT_TRUE(printed("RE-000002").empty());
}
