// Labels over HTTP: a unit's label in each format, printing to a (fake, but real TCP) Zebra with
// the label_printed events recorded, and the printer's absence said as such.
#include <gtest/gtest.h>

#include "app/http/ApiServer.hpp"
#include "labels/FakeZebra.hpp"

using namespace reemploi;
using namespace reemploi::test;

namespace {

std::string addUnit(ApiServer &api, ApiClient &c, const std::string &serial) {
    auto r = c.post("/api/units", R"({"donation":)" + std::to_string(api.donation) + R"(,"kind":"tablet","make":"Apple","serial":")" +
                                      serial + R"("})");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()->getValue<std::string>("tag");
}

}  // namespace

TEST(LabelApi, AUnitsLabelComesInEachFormatWithItsContentType) {
    ApiServer api;
    auto c = api.as("tom");
    auto tag = addUnit(api, c, "LBL-0001");
    auto png = c.get("/api/units/" + tag + "/label?size=62x29&format=png");
    ASSERT_EQ(png.status, 200) << png.body;
    EXPECT_EQ(png.headers["Content-Type"], "image/png");
    EXPECT_EQ(png.body.substr(1, 3), "PNG");
    auto pdf = c.get("/api/units/" + tag + "/label?format=pdf");
    ASSERT_EQ(pdf.status, 200);
    EXPECT_EQ(pdf.headers["Content-Type"], "application/pdf");
    EXPECT_EQ(pdf.body.rfind("%PDF", 0), 0u);
    auto svg = c.get("/api/units/" + tag + "/label?format=svg");
    ASSERT_EQ(svg.status, 200);
    EXPECT_EQ(svg.headers["Content-Type"], "image/svg+xml");
    EXPECT_NE(svg.body.find("<svg"), std::string::npos);
    EXPECT_NE(svg.body.find(tag), std::string::npos);

    auto badSize = c.get("/api/units/" + tag + "/label?size=1x1");
    EXPECT_EQ(badSize.status, 422);
    EXPECT_EQ(badSize.json()->getObject("error")->getValue<std::string>("field"), "size");
    EXPECT_EQ(c.get("/api/units/" + tag + "/label?format=gif").status, 422);
    EXPECT_EQ(c.get("/api/units/RE-424242/label").status, 404);
}

TEST(LabelApi, PrintingSendsTheLabelsToTheZebraAndRecordsThem) {
    labels::test::FakeZebra zebra(labels::test::hostStatus(false, false, false));
    ApiServer api([&](app::http::ServerConfig &config) { config.printer = "tcp://127.0.0.1:" + std::to_string(zebra.port()); });
    auto c = api.as("tom");
    auto a = addUnit(api, c, "LBL-0002"), b = addUnit(api, c, "LBL-0003");
    auto r = c.post("/api/labels/print", R"({"tags":[")" + a + R"(",")" + b + R"("]})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getArray("tags")->size(), 2u);
    EXPECT_EQ(r.json()->getArray("events")->size(), 2u);
    auto received = zebra.received();
    EXPECT_NE(received.find("^XA"), std::string::npos);
    EXPECT_NE(received.find(a), std::string::npos);
    EXPECT_NE(received.find(b), std::string::npos);
    for (const auto &tag : {a, b}) {
        auto history = c.get("/api/units/" + tag + "/history");
        ASSERT_EQ(history.status, 200);
        EXPECT_NE(history.body.find("label_printed"), std::string::npos) << history.body;
    }
}

TEST(LabelApi, WithoutAPrinterNothingIsPrintedAndTheAnswerSaysWhy) {
    ApiServer api;
    auto c = api.as("tom");
    auto tag = addUnit(api, c, "LBL-0004");
    auto r = c.post("/api/labels/print", R"({"tags":[")" + tag + R"("]})");
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(r.json()->getObject("error")->getValue<std::string>("field"), "printer");
    EXPECT_NE(r.body.find("no printer configured"), std::string::npos);
    auto both = c.post("/api/labels/print", R"({"tags":[")" + tag + R"("],"donation":1,"printer":"tcp://127.0.0.1:9"})");
    EXPECT_EQ(both.status, 422);
    // A printer that is not there: the printer's fault, said as such, and nothing recorded.
    auto offline = c.post("/api/labels/print", R"({"tags":[")" + tag + R"("],"printer":"tcp://127.0.0.1:1"})");
    EXPECT_EQ(offline.status, 502) << offline.body;
    EXPECT_EQ(c.get("/api/units/" + tag + "/history").body.find("label_printed"), std::string::npos);
}
