// Donors' reports over a real (in-memory) inventory: a donation taken through the whole chain
// (intake, wipe record, allocation, delivery, one unit recycled with its receipt) gives every unit
// once with its outcome; no family reference and no trainee's name reaches any format; the CSV
// reads back; the JSON validates against docs/donor-report.schema.json; the configuration file.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include <Poco/JSON/Parser.h>

#include <reemploi/intake/Csv.hpp>
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Lifecycle.hpp>
#include <reemploi/inventory/Sanitization.hpp>
#include <reemploi/inventory/Schools.hpp>
#include <reemploi/inventory/Storage.hpp>
#include <reemploi/inventory/allocation/AllocationService.hpp>
#include <reemploi/inventory/reports/DonorReport.hpp>
#include <reemploi/inventory/reports/ReportFormats.hpp>

#include "inventory/InventoryFixture.hpp"

namespace reemploi::inventory::reports {
namespace {

const std::string kFamily = "FAM-SECRET-77";
const std::string kTrainee = "Alice Martin";

std::string readText(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// A small JSON Schema checker for what docs/donor-report.schema.json uses: type (one or a list),
// const, enum, pattern, minimum, required, properties, additionalProperties (false or a schema),
// items. Returns the first path that does not match, or nothing.
class SchemaCheck {
public:
    std::optional<std::string> check(const Poco::Dynamic::Var &value, const Poco::JSON::Object::Ptr &schema,
                                     const std::string &path) {
        using Poco::JSON::Object;
        if (schema->has("type")) {
            auto t = schema->get("type");
            std::vector<std::string> types;
            if (t.type() == typeid(Poco::JSON::Array::Ptr))
                for (const auto &x : *t.extract<Poco::JSON::Array::Ptr>()) types.push_back(x.toString());
            else types.push_back(t.toString());
            bool ok = false;
            for (const auto &type : types) ok |= is(value, type);
            if (!ok) return path + ": not of type " + t.toString();
        }
        if (schema->has("const") && schema->get("const").toString() != value.toString())
            return path + ": is " + value.toString() + ", not " + schema->get("const").toString();
        if (schema->has("enum")) {
            bool found = false;
            for (const auto &x : *schema->getArray("enum")) found |= x.toString() == value.toString();
            if (!found) return path + ": '" + value.toString() + "' is not one of the enum";
        }
        if (schema->has("pattern") && value.isString() &&
            !std::regex_search(value.toString(), std::regex(schema->getValue<std::string>("pattern"))))
            return path + ": '" + value.toString() + "' does not match " + schema->getValue<std::string>("pattern");
        if (schema->has("minimum") && value.isNumeric() && value.convert<double>() < schema->getValue<double>("minimum"))
            return path + ": below the minimum";
        if (value.type() == typeid(Object::Ptr)) {
            auto object = value.extract<Object::Ptr>();
            if (schema->has("required"))
                for (const auto &k : *schema->getArray("required"))
                    if (!object->has(k.toString())) return path + ": lacks " + k.toString();
            auto properties = schema->has("properties") ? schema->getObject("properties") : Object::Ptr();
            for (const auto &[key, v] : *object) {
                if (properties && properties->has(key)) {
                    if (auto bad = check(v, properties->getObject(key), path + "." + key)) return bad;
                } else if (schema->has("additionalProperties")) {
                    auto extra = schema->get("additionalProperties");
                    if (extra.type() == typeid(Object::Ptr)) {
                        if (auto bad = check(v, extra.extract<Object::Ptr>(), path + "." + key)) return bad;
                    } else if (!extra.convert<bool>()) {
                        return path + ": unexpected key " + key;
                    }
                }
            }
        }
        if (value.type() == typeid(Poco::JSON::Array::Ptr) && schema->has("items")) {
            auto array = value.extract<Poco::JSON::Array::Ptr>();
            for (std::size_t i = 0; i < array->size(); ++i)
                if (auto bad = check(array->get(i), schema->getObject("items"), path + "[" + std::to_string(i) + "]")) return bad;
        }
        return std::nullopt;
    }

private:
    static bool is(const Poco::Dynamic::Var &v, const std::string &type) {
        if (type == "null") return v.isEmpty();
        if (type == "object") return v.type() == typeid(Poco::JSON::Object::Ptr);
        if (type == "array") return v.type() == typeid(Poco::JSON::Array::Ptr);
        if (type == "string") return v.isString();
        if (type == "integer") return v.isInteger();
        if (type == "number") return v.isNumeric();
        if (type == "boolean") return v.isBoolean();
        return false;
    }
};

class DonorReports : public test::InventoryFixture {
protected:
    void SetUp() override {
        InventoryFixture::SetUp();
        auto loaded = loadReportSettings(std::string(REEMPLOI_SOURCE_DIR) + "/deploy/report.conf");
        ASSERT_TRUE(loaded) << loaded.error().message;
        settings = *loaded;
    }

    // A passed wipe of the medium, with a certificate naming the trainee who did it.
    void wipe(const Unit &unit, const std::string &certificateId) {
        SanitizationRecord r;
        r.mediumId = unit.storage.at(0).id;
        r.method = "clear-zero";
        r.level = SanitizationLevel::Clear;
        r.result = SanitizationResult::Passed;
        r.verification = "full";
        r.startedAt = r.endedAt = nowUtc();
        r.bytesWritten = 256'000'000'000;
        r.certificateId = certificateId;
        r.certificateJson = R"({"certificate_id":")" + certificateId +
                            R"(","sanitization":{"performed_by":{"name":")" + kTrainee +
                            R"(","position":"stagiaire, opératrice d'effacement"}}})";
        auto stored = recordSanitization(*db, r, actor);
        ASSERT_TRUE(stored) << stored.error().message;
    }

    void to(const std::string &tag, UnitStatus s) {
        auto moved = setStatus(*db, tag, s, "test", actor);
        ASSERT_TRUE(moved) << moved.error().message;
    }

    // The chain: a reused laptop (wiped, allocated, delivered to École Jean Jaurès), a recycled one
    // with the recycler's receipt, a tablet in stock, a monitor just received.
    void wholeChain() {
        donation = makeDonation();
        auto saved = saveSchools(*db, {{"0750655E", "École Jean Jaurès", "Paris", "", true, ""}}, actor);
        ASSERT_TRUE(saved) << saved.error().message;
        auto reused = addUnit(*db, withTag(laptop(donation, "SNREUSE1"), "ACME-001"), actor).value();
        wipe(reused, "RC-20261201-aaaa0001");
        to(reused.tag, UnitStatus::Diagnosed);
        to(reused.tag, UnitStatus::Wiped);
        ASSERT_TRUE(updateUnit(*db, reused.tag, gradeB(), actor));
        to(reused.tag, UnitStatus::Ready);
        NewNeed need;
        need.uai = "0750655E";
        need.family = kFamily;
        need.grades = {allocation::SchoolGrade::CM2};
        need.devicesAtHome = 0;
        ASSERT_TRUE(addNeeds(*db, {need}, actor));
        Actor coordinator{"cora", Role::Coordinator};
        ASSERT_TRUE(allocation::propose(*db, allocation::Config{}, coordinator, false));
        ASSERT_TRUE(allocation::confirmProposal(*db, coordinator));
        auto delivered = allocation::recordDelivery(*db, reused.tag, "0750655E/" + kFamily, coordinator);
        ASSERT_TRUE(delivered) << delivered.error().message;
        reusedTag = reused.tag;

        auto recycled = addUnit(*db, withTag(laptop(donation, "SNRECYC2"), "ACME-002"), actor).value();
        auto done = recycleUnit(*db, recycled.tag, "screen and board broken", std::string("BSD-2026-4411"), actor);
        ASSERT_TRUE(done) << done.error().message;
        recycledTag = recycled.tag;

        NewUnit t;
        t.donationId = donation;
        t.kind = UnitKind::Tablet;
        t.make = "Samsung";
        t.serial = "SNTAB3";
        t.grade = Grade::A;
        auto tablet = addUnit(*db, t, actor).value();
        ASSERT_TRUE(recordFactoryReset(*db, tablet.tag, {std::nullopt, true}, actor));
        to(tablet.tag, UnitStatus::Diagnosed);
        to(tablet.tag, UnitStatus::Wiped);
        to(tablet.tag, UnitStatus::Ready);
        tabletTag = tablet.tag;

        NewUnit m;
        m.donationId = donation;
        m.kind = UnitKind::Monitor;
        m.make = "Dell";
        m.serial = "SNMON4";
        monitorTag = addUnit(*db, m, actor).value().tag;
    }

    static NewUnit withTag(NewUnit u, const std::string &donorTag) {
        u.donorTag = donorTag;
        u.specs.keyboardLayout = "fr-azerty";
        u.specs.batteryHealthPercent = 90;
        return u;
    }
    static UnitPatch gradeB() {
        UnitPatch p;
        p.grade = Grade::B;
        return p;
    }

    const ReportUnit &unit(const DonorReport &r, const std::string &tag) {
        for (const auto &u : r.units)
            if (u.tag == tag) return u;
        ADD_FAILURE() << tag << " not in the report";
        static ReportUnit none;
        return none;
    }

    ReportSettings settings;
    std::int64_t donation = 0;
    std::string reusedTag, recycledTag, tabletTag, monitorTag;
};

TEST_F(DonorReports, EveryUnitOfTheWholeChainAppearsOnceWithItsOutcome) {
    wholeChain();
    auto report = donationReport(*db, donation, settings);
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_EQ(report->units.size(), 4u);
    std::map<std::string, int> seen;
    for (const auto &u : report->units) ++seen[u.tag];
    for (const auto &tag : {reusedTag, recycledTag, tabletTag, monitorTag}) EXPECT_EQ(seen[tag], 1) << tag;

    const auto &reused = unit(*report, reusedTag);
    EXPECT_EQ(reused.outcome, Outcome::Reused);
    ASSERT_TRUE(reused.placement);
    EXPECT_EQ(reused.placement->school, "École Jean Jaurès");
    EXPECT_EQ(reused.placement->town, "Paris");
    EXPECT_EQ(reused.donorTag, "ACME-001");
    ASSERT_EQ(reused.media.size(), 1u);
    EXPECT_EQ(reused.media[0].state, MediumState::Sanitized);
    EXPECT_EQ(reused.media[0].method, "clear-zero");
    EXPECT_EQ(reused.media[0].level, "clear");
    EXPECT_EQ(reused.media[0].certificateId, "RC-20261201-aaaa0001");
    EXPECT_EQ(reused.media[0].certificateSha256.size(), 64u);
    EXPECT_EQ(reused.media[0].performedBy, "stagiaire, opératrice d'effacement");

    const auto &recycled = unit(*report, recycledTag);
    EXPECT_EQ(recycled.outcome, Outcome::Recycled);
    EXPECT_EQ(recycled.recyclerReceipt.value_or(""), "BSD-2026-4411");
    EXPECT_FALSE(recycled.placement);
    EXPECT_EQ(recycled.media.at(0).state, MediumState::Pending);

    const auto &tablet = unit(*report, tabletTag);
    EXPECT_EQ(tablet.outcome, Outcome::InStock);
    EXPECT_EQ(tablet.media.at(0).method, kManualFactoryResetMethod);

    const auto &monitor = unit(*report, monitorTag);
    EXPECT_EQ(monitor.outcome, Outcome::InProcess);
    EXPECT_EQ(monitor.noMedia, NoMedia::HoldsNoData);

    EXPECT_EQ(report->totals.received, 4);
    EXPECT_EQ(report->totals.count(Outcome::Reused), 1);
    EXPECT_EQ(report->totals.count(Outcome::Recycled), 1);
    EXPECT_EQ(report->totals.pending, 2);
    EXPECT_EQ(report->totals.media, 3);
    EXPECT_EQ(report->totals.mediaSanitized, 2);
    EXPECT_EQ(report->totals.mediaPending, 1);
    ASSERT_EQ(report->certificates.size(), 1u);
    EXPECT_EQ(report->certificates[0].unitTag, reusedTag);
    // One laptop delivered: the laptop's factors from the configuration.
    EXPECT_EQ(report->impact.devicesReused, 1);
    EXPECT_DOUBLE_EQ(report->impact.kgCo2eAvoided, settings.impact.perKind.at(UnitKind::Laptop).kgCo2e);
    EXPECT_DOUBLE_EQ(report->impact.kgEwasteAvoided, settings.impact.perKind.at(UnitKind::Laptop).kgEwaste);
    // The head it carries is the chain's head: nothing was written after it.
    auto head = chainHead(*db);
    ASSERT_TRUE(head);
    EXPECT_EQ(report->auditHead.id, head->id);
    EXPECT_EQ(report->auditHead.hash, head->hash);
    EXPECT_EQ(report->asOf, head->at);
}

TEST_F(DonorReports, NoFormatCarriesAFamilyReferenceOrATraineesName) {
    wholeChain();
    auto report = donationReport(*db, donation, settings).value();
    for (Lang lang : {Lang::Fr, Lang::En})
        for (const std::string &text : {reportJson(report), reportCsv(report, lang), reportHtml(report, lang)}) {
            EXPECT_EQ(text.find(kFamily), std::string::npos);
            EXPECT_EQ(text.find("0750655E/"), std::string::npos);
            EXPECT_EQ(text.find(kTrainee), std::string::npos);
            EXPECT_NE(text.find("École Jean Jaurès"), std::string::npos);
            EXPECT_NE(text.find("BSD-2026-4411"), std::string::npos);
        }
    // Unless the workshop says names may appear.
    settings.operatorNames = true;
    auto named = donationReport(*db, donation, settings).value();
    EXPECT_NE(reportJson(named).find(kTrainee + ", stagiaire"), std::string::npos);
}

TEST_F(DonorReports, TheCsvOpensInFrenchExcelAndReadsBack) {
    wholeChain();
    auto report = donationReport(*db, donation, settings).value();
    std::string csv = reportCsv(report, Lang::Fr);
    ASSERT_EQ(csv.rfind("\xEF\xBB\xBF", 0), 0u) << "a UTF-8 byte order mark first";
    EXPECT_NE(csv.find("\r\n"), std::string::npos);
    auto table = intake::parseCsv(csv);
    ASSERT_TRUE(table) << table.error().message;
    EXPECT_EQ(table->delimiter, ';');
    EXPECT_EQ(table->header.field(0), "Notre étiquette");
    ASSERT_EQ(table->records.size(), report.units.size());
    for (std::size_t i = 0; i < report.units.size(); ++i) {
        const auto &u = report.units[i];
        const auto &row = table->records[i];
        EXPECT_EQ(row.field(0), u.tag);
        EXPECT_EQ(row.field(1), std::to_string(u.donationId));
        EXPECT_EQ(row.field(2), u.donorTag);
        EXPECT_EQ(row.field(3), u.serial);
        EXPECT_EQ(row.field(4), u.make);
        EXPECT_EQ(row.field(5), u.model);
        EXPECT_EQ(row.field(7), outcomeText(Lang::Fr, u.outcome));
        EXPECT_EQ(row.field(8), toString(u.outcome));
        EXPECT_EQ(row.field(10), u.placement ? u.placement->school : "");
        EXPECT_EQ(row.field(12), u.recyclerReceipt.value_or(""));
    }
    // A cell a spreadsheet would take for a formula is written as text.
    report.units[0].serial = "=HYPERLINK(\"x\")";
    auto again = intake::parseCsv(reportCsv(report, Lang::Fr)).value();
    EXPECT_EQ(again.records[0].field(3), "'=HYPERLINK(\"x\")");
}

TEST_F(DonorReports, TheJsonIsCanonicalAndValidatesAgainstItsSchema) {
    wholeChain();
    auto report = donationReport(*db, donation, settings).value();
    report.publicKeyPem = "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----\n";
    std::string text = reportJson(report);
    EXPECT_EQ(text, reportJson(report)) << "the same value, the same bytes";
    Poco::JSON::Parser parser;
    auto doc = parser.parse(text);
    Poco::JSON::Parser schemaParser;
    auto schema = schemaParser.parse(readText(std::string(REEMPLOI_SOURCE_DIR) + "/docs/donor-report.schema.json"))
                      .extract<Poco::JSON::Object::Ptr>();
    SchemaCheck checker;
    auto problem = checker.check(doc, schema, "$");
    EXPECT_FALSE(problem) << *problem;
    auto o = doc.extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(o->getValue<int>("version"), kReportVersion);
    EXPECT_EQ(o->getArray("units")->size(), 4u);
    // The checker does catch a report that breaks the schema.
    auto broken = parser.parse(std::regex_replace(text, std::regex("\"outcome\":\"reused\""), "\"outcome\":\"given away\""));
    EXPECT_TRUE(checker.check(broken, schema, "$"));
    auto extra = parser.parse(std::regex_replace(text, std::regex("\"school\":\\{"), "\"school\":{\"family\":\"x\","));
    EXPECT_TRUE(checker.check(extra, schema, "$"));
}

TEST_F(DonorReports, ADonorsReportCoversTheDonationsOfThePeriod) {
    wholeChain();
    auto donorId = getDonation(*db, donation)->donorId;
    auto later = addDonation(*db, {donorId, "2027-02-03", "Lyon", ""}, actor).value();
    ASSERT_TRUE(addUnit(*db, laptop(later.id, "SNLATER5"), actor));
    auto both = donorReport(*db, donorId, "2026-01-01", "2027-12-31", settings);
    ASSERT_TRUE(both) << both.error().message;
    EXPECT_EQ(both->scope, "donor");
    EXPECT_EQ(both->donations.size(), 2u);
    EXPECT_EQ(both->units.size(), 5u);
    auto first = donorReport(*db, donorId, "2026-11-01", "2026-12-31", settings).value();
    EXPECT_EQ(first.donations.size(), 1u);
    EXPECT_EQ(first.units.size(), 4u);
    auto reversed = donorReport(*db, donorId, "2027-01-01", "2026-01-01", settings);
    ASSERT_FALSE(reversed);
    EXPECT_EQ(reversed.error().code, Errc::InvalidInput);
    auto badDate = donorReport(*db, donorId, "2026-13-01", "2027-01-01", settings);
    ASSERT_FALSE(badDate);
    EXPECT_NE(badDate.error().message.find("from"), std::string::npos);
    EXPECT_EQ(donorReport(*db, 999, "2026-01-01", "2027-01-01", settings).error().code, Errc::NotFound);
    EXPECT_EQ(donationReport(*db, 999, settings).error().code, Errc::NotFound);
}

TEST_F(DonorReports, AnIndividualDonorIsNamedByNumberOnly) {
    auto donor = addDonor(*db, {"Jeanne Dupont", DonorKind::Individual, "jeanne@example.org"}, actor).value();
    auto d = addDonation(*db, {donor.id, "2026-11-20", "", ""}, actor).value();
    auto report = donationReport(*db, d.id, settings).value();
    EXPECT_EQ(report.donorName, "individual donor #" + std::to_string(donor.id));
    EXPECT_EQ(reportJson(report).find("Jeanne"), std::string::npos);
    std::string html = reportHtml(report, Lang::Fr);
    EXPECT_EQ(html.find("Jeanne"), std::string::npos);
    EXPECT_NE(html.find("donateur particulier n° " + std::to_string(donor.id)), std::string::npos);
}

TEST_F(DonorReports, TheRecyclersReceiptIsKeptAndReplayed) {
    auto d = makeDonation();
    auto u = addLaptop(d, "SNR1");
    auto bad = recycleUnit(*db, u.tag, "broken", std::string("  "), actor);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("recycler receipt"), std::string::npos);
    EXPECT_EQ(getUnit(*db, u.tag)->status, UnitStatus::Received) << "a refusal changes nothing";
    auto early = setRecyclerReceipt(*db, u.tag, "BSD-1", actor);
    ASSERT_FALSE(early);
    EXPECT_EQ(early.error().code, Errc::Refused);
    ASSERT_TRUE(recycleUnit(*db, u.tag, "broken", std::nullopt, actor));
    EXPECT_FALSE(recyclerReceipt(*db, u.tag).value());
    ASSERT_TRUE(setRecyclerReceipt(*db, u.tag, " BSD-2026-0001 ", actor));
    EXPECT_EQ(recyclerReceipt(*db, u.tag).value().value_or(""), "BSD-2026-0001");
    auto audit = verifyAudit(*db);
    ASSERT_TRUE(audit);
    EXPECT_TRUE(audit->ok()) << audit->disagreement.value_or(audit->chain.problem);
    db->exec("UPDATE units SET recycler_receipt = 'BSD-FORGED'");
    auto forged = verifyAudit(*db).value();
    ASSERT_TRUE(forged.disagreement);
    EXPECT_NE(forged.disagreement->find("recycler_receipt is BSD-FORGED, events say BSD-2026-0001"), std::string::npos)
        << *forged.disagreement;
}

TEST_F(DonorReports, ASentReportIsRecordedWithTheDomainOnly) {
    auto d = makeDonation();
    Actor trainee{"tom", Role::Trainee};
    EXPECT_EQ(recordReportSent(*db, d, std::string(64, 'a'), "acme.example", {"r.pdf"}, trainee).error().code, Errc::Forbidden);
    auto event = recordReportSent(*db, d, std::string(64, 'a'), "acme.example", {"r.pdf", "r.json"}, Actor{"cora", Role::Coordinator});
    ASSERT_TRUE(event) << event.error().message;
    EXPECT_EQ(event->action, "report_sent");
    EXPECT_EQ(event->entityId, std::to_string(d));
    EXPECT_NE(event->payload.find("\"recipient_domain\":\"acme.example\""), std::string::npos);
    EXPECT_EQ(event->payload.find("@"), std::string::npos);
}

TEST(ReportSettings, TheShippedConfigurationStatesItsSources) {
    auto s = loadReportSettings(std::string(REEMPLOI_SOURCE_DIR) + "/deploy/report.conf");
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_NE(s->impact.co2eSource.find("ADEME"), std::string::npos);
    EXPECT_NE(s->impact.co2eSourceUrl.find("librairie.ademe.fr"), std::string::npos);
    EXPECT_FALSE(s->impact.massSource.empty());
    EXPECT_FALSE(s->operatorNames);
    for (UnitKind k : {UnitKind::Laptop, UnitKind::Desktop, UnitKind::Tablet, UnitKind::Phone, UnitKind::Monitor})
        EXPECT_GT(s->impact.perKind.at(k).kgCo2e, 0) << toString(k);
}

TEST(ReportSettings, MistakesNameTheirLine) {
    std::string base = readText(std::string(REEMPLOI_SOURCE_DIR) + "/deploy/report.conf");
    auto unknown = parseReportSettings(base + "impact.laptop.kg_co2 = 3\n", "r.conf");
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("unknown key 'impact.laptop.kg_co2'"), std::string::npos) << unknown.error().message;
    EXPECT_NE(unknown.error().message.find("r.conf line "), std::string::npos);
    auto notANumber = parseReportSettings(base + "impact.tablet.kg_co2e = beaucoup\n", "r.conf");
    ASSERT_FALSE(notANumber);
    EXPECT_NE(notANumber.error().message.find("'beaucoup' is not a valid impact.tablet.kg_co2e"), std::string::npos);
    auto missing = parseReportSettings("impact.co2e_source = x\nimpact.mass_source = y\n", "r.conf");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("impact.laptop.kg_ewaste is missing"), std::string::npos);
    auto unsourced = parseReportSettings(std::regex_replace(base, std::regex("impact.co2e_source = [^\n]*"), "impact.co2e_source ="), "r.conf");
    ASSERT_FALSE(unsourced);
    EXPECT_NE(unsourced.error().message.find("must state where"), std::string::npos);
}

}  // namespace
}  // namespace reemploi::inventory::reports
