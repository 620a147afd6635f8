#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Lifecycle.hpp>

#include "inventory/InventoryFixture.hpp"

using namespace reemploi;
using namespace reemploi::inventory;

class AuditLog : public test::InventoryFixture {
protected:
    void SetUp() override {
        InventoryFixture::SetUp();
        if (IsSkipped()) return;  // no server for a pg: test
        auto d = makeDonation();
        for (int i = 0; i < 5; ++i) addLaptop(d, "SN" + std::to_string(i));
        ASSERT_TRUE(setStatus(*db, "RE-000003", UnitStatus::Diagnosed, "ok", actor));
    }
};

TEST_F(AuditLog, IntactChainVerifies) {
    auto report = verifyChain(*db);
    ASSERT_TRUE(report);
    EXPECT_FALSE(report->firstBrokenId);
    EXPECT_EQ(report->checked, 8);  // donor, donation, 5 units, 1 transition
}

TEST_F(AuditLog, HashIsSha256OfTheDocumentedCanonicalText) {
    auto events = listEvents(*db);
    ASSERT_TRUE(events);
    const auto &first = events->front();
    EXPECT_EQ(first.prevHash, std::string(64, '0'));
    // The payload's SHA-256 stands in the text where its bytes stood before schema 8.
    EXPECT_EQ(first.payloadSha256, sha256Hex(first.payload));
    std::string text = "1:1\n" + std::to_string(first.at.size()) + ":" + first.at + "\n9:trainee-1\n5:donor\n1:1\n13:donor_created\n" +
                       "64:" + sha256Hex(first.payload) + "\n64:" + std::string(64, '0') + "\n";
    EXPECT_EQ(canonicalEventText(first), text);
    EXPECT_EQ(first.hash, sha256Hex(text));
    EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(events->at(1).prevHash, first.hash);
}

TEST_F(AuditLog, EditedPayloadIsNamed) {
    db->exec("UPDATE events SET payload = replace(payload, 'SN2', 'SN9') WHERE id = 5");
    auto report = verifyChain(*db);
    ASSERT_TRUE(report);
    ASSERT_TRUE(report->firstBrokenId);
    EXPECT_EQ(*report->firstBrokenId, 5);
    EXPECT_EQ(report->checked, 4);
    EXPECT_NE(report->problem.find("payload does not match its payload hash"), std::string::npos);
}

TEST_F(AuditLog, RecomputedHashIsCaughtByTheNextEvent) {
    // A forger who rewrites event 4 and its hash still breaks event 5's link.
    auto events = listEvents(*db).value();
    Event forged = events[3];
    forged.actor = "someone-else";
    forged.hash = sha256Hex(canonicalEventText(forged));
    auto st = db->prepare("UPDATE events SET actor = ?, hash = ? WHERE id = 4");
    st->bind(1, forged.actor).bind(2, forged.hash);
    st->step();
    auto report = verifyChain(*db);
    ASSERT_TRUE(report->firstBrokenId);
    EXPECT_EQ(*report->firstBrokenId, 5);
    EXPECT_NE(report->problem.find("previous hash"), std::string::npos);
}

TEST_F(AuditLog, DeletedEventIsNamed) {
    db->exec("DELETE FROM events WHERE id = 3");
    auto report = verifyChain(*db);
    ASSERT_TRUE(report->firstBrokenId);
    EXPECT_EQ(*report->firstBrokenId, 4);
    EXPECT_NE(report->problem.find("missing"), std::string::npos);
}

TEST_F(AuditLog, RecordEventAppendsToTheChain) {
    auto e = recordEvent(*db, actor, {"unit", "RE-000001", "label_printed", "{\"printer\":\"tcp://zebra:9100\"}"});
    ASSERT_TRUE(e);
    EXPECT_EQ(e->id, 9);
    auto report = verifyChain(*db);
    EXPECT_FALSE(report->firstBrokenId);
    EXPECT_EQ(report->checked, 9);
}

// The head is read and extended under the writer's lock: outside a transaction there is none.
TEST_F(AuditLog, AppendingOutsideATransactionIsRefusedAndWritesNothing) {
    EXPECT_THROW(appendEvent(*db, actor, {"unit", "RE-000001", "label_printed", "{}"}), std::logic_error);
    EXPECT_THROW(appendEvents(*db, actor, std::vector<NewEvent>{{"unit", "RE-000001", "label_printed", "{}"}}),
                 std::logic_error);
    auto report = verifyChain(*db);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->checked, 8);
    EXPECT_FALSE(report->firstBrokenId);

    // Inside one (the caller's, or recordEvent's own), it appends.
    {
        Transaction tx(*db);
        EXPECT_EQ(appendEvent(*db, actor, {"unit", "RE-000001", "label_printed", "{}"}).id, 9);
        tx.commit();
    }
    auto e = recordEvent(*db, actor, {"unit", "RE-000002", "label_printed", "{}"});
    ASSERT_TRUE(e) << e.error().message;
    EXPECT_EQ(e->id, 10);
    report = verifyChain(*db);
    EXPECT_FALSE(report->firstBrokenId);
    EXPECT_EQ(report->checked, 10);
}

// The audit page's progress: the chain's walk from 0 to its last id, then the comparison; a
// callback that says stop stops the verification (an error, not a report that looks finished).
TEST_F(AuditLog, VerifyReportsItsProgressAndStopsWhenAsked) {
    std::vector<AuditProgress> seen;
    std::vector<std::string> phases;
    auto report = verifyAudit(*db, {}, [&](const AuditProgress &p) {
        seen.push_back(p);
        phases.emplace_back(p.phase);
        return true;
    });
    ASSERT_TRUE(report);
    ASSERT_EQ(phases, (std::vector<std::string>{"chain", "compare"}));
    EXPECT_EQ(seen.front().done, 0);
    EXPECT_EQ(seen.front().total, 8);
    EXPECT_EQ(seen.back().done, 8);
    auto stopped = verifyAudit(*db, {}, [](const AuditProgress &) { return false; });
    ASSERT_FALSE(stopped);
    EXPECT_EQ(stopped.error().code, Errc::Refused);
    EXPECT_NE(stopped.error().message.find("stopped"), std::string::npos);
}
