// The views every front end shows (Views.hpp, JsonViews.hpp): a unit's page, the stock figures,
// the audit trail and its check, and the record of printed labels, with the inputs of the CLI
// tests (tests/app/CliTest.cpp) so that the coming HTTP layer can mirror them.
#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/JsonViews.hpp>
#include <reemploi/inventory/Lifecycle.hpp>
#include <reemploi/inventory/PrintedLabels.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Units.hpp>
#include <reemploi/inventory/Views.hpp>

#include "inventory/InventoryFixture.hpp"

using namespace reemploi;
using namespace reemploi::inventory;

namespace {

Poco::JSON::Object::Ptr parse(const json::Object &o) {
    return Poco::JSON::Parser().parse(o.str()).extract<Poco::JSON::Object::Ptr>();
}

class Views : public test::InventoryFixture {
protected:
    SanitizationRecord wipe(std::int64_t mediumId, SanitizationResult result) {
        SanitizationRecord r;
        r.mediumId = mediumId;
        r.method = "clear-zero";
        r.level = SanitizationLevel::Clear;
        r.result = result;
        r.verification = "full";
        r.startedAt = "2026-11-23T12:00:00.000Z";
        r.endedAt = "2026-11-23T12:50:16.123Z";
        r.bytesWritten = result == SanitizationResult::Passed ? 256'000'000'000 : 1'000'000;
        auto stored = recordSanitization(*db, r, actor);
        EXPECT_TRUE(stored) << stored.error().message;
        return stored.value();
    }

    NewUnit tablet(std::int64_t donation, const std::string &serial) {
        NewUnit u;
        u.donationId = donation;
        u.kind = UnitKind::Tablet;
        u.make = "Samsung";
        u.serial = serial;
        return u;
    }

    std::int64_t eventCount() {
        auto st = db->prepare("SELECT COUNT(*) FROM events");
        st->step();
        return st->getInt(0);
    }
};

}  // namespace

// `reemploi unit show RE-000001`: the unit, its storage, its sanitization records, its history,
// where it may go next and where its media stand.
TEST_F(Views, UnitDetailGathersEverythingAboutTheUnit) {
    auto donation = makeDonation();
    auto unit = addLaptop(donation, "ABC123");
    ASSERT_TRUE(setStatus(*db, unit.tag, UnitStatus::Diagnosed, "checked", actor));
    auto failed = wipe(unit.storage[0].id, SanitizationResult::Failed);

    auto pending = unitDetail(*db, unit.tag);
    ASSERT_TRUE(pending) << pending.error().message;
    EXPECT_EQ(pending->unit.tag, "RE-000001");
    EXPECT_EQ(pending->unit.status, UnitStatus::Diagnosed);
    ASSERT_EQ(pending->unit.storage.size(), 1u);
    ASSERT_EQ(pending->sanitization.size(), 1u);
    EXPECT_EQ(pending->sanitization[0].id, failed.id);
    EXPECT_TRUE(pending->media.hasMedia);
    EXPECT_FALSE(pending->media.allSanitized);
    EXPECT_TRUE(pending->media.anyFailed);
    ASSERT_TRUE(pending->media.firstPending);
    EXPECT_EQ(pending->media.firstPending->id, unit.storage[0].id);
    EXPECT_EQ(pending->nextStatuses, nextStatuses(UnitStatus::Diagnosed));
    std::vector<std::string> actions;
    for (const auto &e : pending->history) actions.push_back(e.action);
    EXPECT_EQ(actions, (std::vector<std::string>{"unit_created", "status_changed", "sanitization_recorded"}));

    auto passed = wipe(unit.storage[0].id, SanitizationResult::Passed);
    auto wiped = unitDetail(*db, unit.tag);
    ASSERT_TRUE(wiped);
    EXPECT_TRUE(wiped->media.allSanitized);
    EXPECT_FALSE(wiped->media.firstPending);
    EXPECT_EQ(wiped->media.lastPassedAt, passed.endedAt);
    EXPECT_EQ(wiped->sanitization.size(), 2u);

    // The JSON of the page: the unit's own JSON plus the rest.
    auto o = parse(toJson(*wiped));
    EXPECT_EQ(o->getValue<std::string>("tag"), "RE-000001");
    EXPECT_EQ(o->getValue<std::string>("status"), "diagnosed");
    EXPECT_EQ(o->getArray("storage")->size(), 1u);
    EXPECT_EQ(o->getArray("sanitization")->getObject(1)->getValue<std::string>("result"), "passed");
    EXPECT_EQ(o->getArray("history")->size(), 4u);
    EXPECT_EQ(o->getArray("history")->getObject(0)->getValue<std::string>("action"), "unit_created");
    EXPECT_EQ(o->getArray("next_statuses")->size(), nextStatusesByHand(UnitStatus::Diagnosed).size());
    EXPECT_EQ(o->getArray("next_statuses")->getElement<std::string>(0), "wiped");
    auto state = o->getObject("sanitization_state");
    EXPECT_TRUE(state->getValue<bool>("has_media"));
    EXPECT_TRUE(state->getValue<bool>("all_sanitized"));
    EXPECT_TRUE(state->isNull("first_pending"));
    EXPECT_EQ(state->getValue<std::string>("last_passed_at"), "2026-11-23T12:50:16.123Z");
    // Nothing about the unit was written by reading it.
    EXPECT_EQ(listEvents(*db, "unit", unit.tag)->size(), 4u);
}

TEST_F(Views, UnitDetailOfAUnitWithoutStorageAndOfAMissingOne) {
    auto donation = makeDonation();
    auto added = addUnit(*db, tablet(donation, "R52N"), actor);
    ASSERT_TRUE(added);
    auto d = unitDetail(*db, added->tag);
    ASSERT_TRUE(d);
    EXPECT_FALSE(d->media.hasMedia);
    EXPECT_TRUE(d->sanitization.empty());
    EXPECT_FALSE(parse(toJson(*d))->getObject("sanitization_state")->getValue<bool>("has_media"));

    auto missing = unitDetail(*db, "RE-000404");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, Errc::NotFound);
    EXPECT_NE(missing.error().message.find("RE-000404"), std::string::npos) << missing.error().message;
}

// `reemploi status`: donors, units, by status, by kind and by both.
TEST_F(Views, StockSummaryCountsByStatusAndKind) {
    auto empty = stockSummary(*db);
    ASSERT_TRUE(empty);
    EXPECT_EQ(empty->donors, 0);
    EXPECT_EQ(empty->units, 0);
    EXPECT_TRUE(empty->byStatus.empty());
    EXPECT_EQ(toJson(*empty).str(), R"({"by_kind":{},"by_status":{},"by_status_kind":{},"donors":0,"units":0})");

    auto donation = makeDonation();
    makeDonation("Mairie de Lyon");
    auto a = addLaptop(donation, "ABC123");
    addLaptop(donation, "ABC124");
    ASSERT_TRUE(addUnit(*db, tablet(donation, "R52N"), actor));
    ASSERT_TRUE(addUnit(*db, tablet(donation, "R52P"), actor));
    ASSERT_TRUE(setStatus(*db, a.tag, UnitStatus::Diagnosed, "checked", actor));
    ASSERT_TRUE(setStatus(*db, "RE-000003", UnitStatus::Diagnosed, "checked", actor));
    ASSERT_TRUE(setStatus(*db, "RE-000004", UnitStatus::ForParts, "cracked screen", actor));

    auto s = stockSummary(*db);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->donors, 2);
    EXPECT_EQ(s->units, 4);
    EXPECT_EQ(s->byStatus, (std::map<UnitStatus, std::int64_t>{
                               {UnitStatus::Received, 1}, {UnitStatus::Diagnosed, 2}, {UnitStatus::ForParts, 1}}));
    EXPECT_EQ(s->byKind, (std::map<UnitKind, std::int64_t>{{UnitKind::Laptop, 2}, {UnitKind::Tablet, 2}}));
    EXPECT_EQ(s->byStatusAndKind.at({UnitStatus::Diagnosed, UnitKind::Laptop}), 1);
    EXPECT_EQ(s->byStatusAndKind.at({UnitStatus::Diagnosed, UnitKind::Tablet}), 1);
    EXPECT_EQ(s->byStatusAndKind.size(), 4u);
    EXPECT_EQ(toJson(*s).str(),
              R"({"by_kind":{"laptop":2,"tablet":2},"by_status":{"diagnosed":2,"for_parts":1,"received":1},)"
              R"("by_status_kind":{"diagnosed":{"laptop":1,"tablet":1},"for_parts":{"tablet":1},"received":{"laptop":1}},)"
              R"("donors":2,"units":4})");

    // The same figures as counting the listed units one by one.
    auto units = listUnits(*db);
    ASSERT_TRUE(units);
    std::map<UnitStatus, std::int64_t> counted;
    for (const auto &u : *units) ++counted[u.status];
    EXPECT_EQ(counted, s->byStatus);
}

// `reemploi audit log TAG` and `reemploi audit verify --json`.
TEST_F(Views, AuditTrailOfAUnitAndTheChainReport) {
    auto donation = makeDonation();
    auto unit = addLaptop(donation, "ABC123");
    addLaptop(donation, "ABC124");
    auto events = listEvents(*db, "unit", unit.tag);
    ASSERT_TRUE(events);
    ASSERT_EQ(events->size(), 1u);
    auto e = parse(toJson(events->front()));
    EXPECT_EQ(e->getValue<std::string>("entity_id"), "RE-000001");
    EXPECT_EQ(e->getValue<std::string>("actor"), "trainee-1");
    EXPECT_EQ(e->getObject("payload")->getValue<std::string>("serial"), "ABC123");
    EXPECT_EQ(listEvents(*db)->size(), 4u);  // donor, donation, two units

    auto report = verifyChain(*db);
    ASSERT_TRUE(report);
    EXPECT_EQ(toJson(*report).str(), R"({"checked":4,"first_broken_id":null,"ok":true,"problem":"","redacted":0})");
    db->exec("UPDATE events SET payload = replace(payload, 'Acme', 'Evil') WHERE id = 1");
    auto broken = verifyChain(*db);
    ASSERT_TRUE(broken);
    auto b = parse(toJson(*broken));
    EXPECT_FALSE(b->getValue<bool>("ok"));
    EXPECT_EQ(b->getValue<int>("first_broken_id"), 1);
    EXPECT_FALSE(b->getValue<std::string>("problem").empty());
}

// A sheet of labels is one job: one label_printed event per label, in one transaction.
TEST_F(Views, PrintedLabelsAreRecordedAllTogether) {
    auto donation = makeDonation();
    for (const char *serial : {"S1", "S2", "S3"}) addLaptop(donation, serial);
    const LabelPrintJob job{"cups:Bureau", "pdf", "a4-3x8", 300, "Bureau-42"};
    const auto before = eventCount();

    auto recorded = recordLabelsPrinted(*db, {"RE-000001", "RE-000002", "RE-000003"}, job, actor);
    ASSERT_TRUE(recorded) << recorded.error().message;
    ASSERT_EQ(recorded->size(), 3u);
    EXPECT_EQ(eventCount(), before + 3);
    for (std::size_t i = 0; i < 3; ++i) {
        const auto &e = (*recorded)[i];
        EXPECT_EQ(e.id, before + 1 + static_cast<std::int64_t>(i));
        EXPECT_EQ(e.action, "label_printed");
        EXPECT_EQ(e.entityId, "RE-00000" + std::to_string(i + 1));
        EXPECT_EQ(e.payload, R"({"dpi":300,"format":"pdf","job":"Bureau-42","printer":"cups:Bureau","size":"a4-3x8"})");
    }
    EXPECT_EQ(verifyChain(*db)->checked, before + 3);

    // An unknown unit anywhere in the job: nothing is recorded.
    auto unknown = recordLabelsPrinted(*db, {"RE-000001", "RE-000404"}, job, actor);
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, Errc::NotFound);
    EXPECT_NE(unknown.error().message.find("RE-000404"), std::string::npos);
    EXPECT_EQ(eventCount(), before + 3);
    EXPECT_FALSE(recordLabelsPrinted(*db, {}, job, actor));

    // The database failing on the second event takes the first one back with it.
    if (db->dialect() == Dialect::Postgres) {
        db->exec("CREATE FUNCTION no_second() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                 " IF NEW.entity_id = 'RE-000002' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$;"
                 " CREATE TRIGGER no_second BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION no_second()");
    } else {
        db->exec("CREATE TEMP TRIGGER no_second BEFORE INSERT ON events WHEN NEW.entity_id = 'RE-000002'"
                 " BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    }
    auto halfway = recordLabelsPrinted(*db, {"RE-000001", "RE-000002", "RE-000003"}, job, actor);
    ASSERT_FALSE(halfway);
    EXPECT_NE(halfway.error().message.find("disk full"), std::string::npos) << halfway.error().message;
    EXPECT_EQ(eventCount(), before + 3);
    db->exec(db->dialect() == Dialect::Postgres ? "DROP TRIGGER no_second ON events" : "DROP TRIGGER no_second");
    EXPECT_FALSE(verifyChain(*db)->firstBrokenId);
}
