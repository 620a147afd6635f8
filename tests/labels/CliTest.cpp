// `reemploi label …` end to end: the built binary against a temporary database, a loopback ZPL
// printer and our decoder (REEMPLOI_BINARY).
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <cstdlib>

#include "labels/FakeZebra.hpp"
#include "labels/TestImages.hpp"
#include "labels/Tools.hpp"
#include <reemploi/inventory/AuditLog.hpp>
#include <reemploi/inventory/Migrations.hpp>
#include <reemploi/labels/Decode.hpp>

using namespace reemploi;
using namespace reemploi::labels;
using labels::test::FakeZebra;
using labels::test::TempDir;

namespace {

class LabelCli : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(cli("init").exitCode, 0);
        ASSERT_EQ(cli("donor add --name 'Mairie de Lyon' --kind administration").exitCode, 0);
        ASSERT_EQ(cli("donation add --donor 1 --received 2026-11-20 --site 'Atelier de Vénissieux'").exitCode, 0);
        ASSERT_EQ(cli("unit add --donation 1 --kind laptop --serial PF1ABCD --make Lenovo --model 'ThinkPad T480' "
                      "--grade B --storage ssd:256G")
                      .exitCode,
                  0);
        ASSERT_EQ(cli("unit add --donation 1 --kind tablet --serial R52N --make Samsung --model 'Galaxy Tab A'").exitCode, 0);
    }

    // Runs `reemploi ARGS` on this test's database; stderr is kept apart.
    test::Run cli(const std::string &args, const std::string &env = "") {
        const std::string errFile = _dir.file("stderr");
        test::Run r = test::run("REEMPLOI_QR_BASE= " + env + " REEMPLOI_DB=" + test::shellQuote(_dir.file("t.db")) + " " +
                                test::shellQuote(REEMPLOI_BINARY) + " " + args + " 2>" + test::shellQuote(errFile));
        _stderr = test::readFile(errFile);
        return r;
    }

    std::vector<inventory::Event> printedEvents(const std::string &tag) {
        auto db = inventory::openMigrated(_dir.file("t.db"));
        EXPECT_TRUE(db.ok());
        auto events = inventory::listEvents(**db, "unit", tag);
        EXPECT_TRUE(events.ok());
        std::vector<inventory::Event> printed;
        for (const auto &e : *events)
            if (e.action == "label_printed") printed.push_back(e);
        return printed;
    }

    TempDir _dir;
    std::string _stderr;
};

}  // namespace

TEST_F(LabelCli, RendersAUnitsLabelThatReadsBack) {
    const std::string png = _dir.file("label.png");
    auto r = cli("label render RE-000001 --size 62x29 --format png --dpi 300 -o " + test::shellQuote(png) +
                 " --qr-base https://reemploi.example.org/u");
    ASSERT_EQ(r.exitCode, 0) << _stderr;
    EXPECT_EQ(r.out, "1 label (62x29, 300 dpi) written to " + png + "\n");
    auto found = decodeFile(png);
    ASSERT_TRUE(found.ok()) << found.error().message;
    std::set<std::string> texts;
    for (const auto &f : *found) texts.insert(f.format + " " + f.text);
    EXPECT_EQ(texts, (std::set<std::string>{"Code128 RE-000001", "QRCode https://reemploi.example.org/u/RE-000001"}));
    auto img = loadGreyImage(png);
    EXPECT_EQ(img->width, 732);  // 62 mm at 300 dpi

    // The environment gives the base URL when the option does not; ZPL to standard output.
    r = cli("label render RE-000002 --size 50x25 --format zpl -o -", "REEMPLOI_QR_BASE=https://env.example/u/");
    ASSERT_EQ(r.exitCode, 0) << _stderr;
    EXPECT_NE(r.out.find("^FDMA,https://env.example/u/RE-000002^FS"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Tablette · Samsung Galaxy Tab A"), std::string::npos) << r.out;
    // A tablet with no medium recorded and none declared: its flash is still to clear.
    EXPECT_NE(r.out.find("Effacement à faire"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("Sans stockage"), std::string::npos) << r.out;
    // Default: the bare tag.
    r = cli("label render RE-000001 --size 57x32 --format zpl -o -");
    EXPECT_NE(r.out.find("^FDMA,RE-000001^FS"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Effacement à faire"), std::string::npos) << r.out;
}

TEST_F(LabelCli, RendersEveryUnitOfADonationOnSheets) {
    const std::string pdf = _dir.file("sheet.pdf");
    auto r = cli("--json label render --donation 1 --size a4-3x8 --format pdf -o " + test::shellQuote(pdf));
    ASSERT_EQ(r.exitCode, 0) << _stderr;
    Poco::JSON::Object::Ptr o = Poco::JSON::Parser().parse(r.out).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(o->getValue<std::string>("size"), "a4-3x8");
    EXPECT_EQ(o->getValue<int>("dpi"), 300);
    EXPECT_EQ(o->getArray("tags")->size(), 2u);
    EXPECT_EQ(test::readFile(pdf).substr(0, 5), "%PDF-");
    // Rasterised by poppler, the sheet reads back.
    REQUIRE_TOOL("pdftoppm", "poppler-utils");
    ASSERT_EQ(test::run("pdftoppm -r 300 -gray -png -singlefile " + test::shellQuote(pdf) + " " +
                        test::shellQuote(_dir.file("sheet")))
                  .exitCode,
              0);
    auto found = decodeFile(_dir.file("sheet.png"));
    ASSERT_TRUE(found.ok());
    std::set<std::string> code128;
    for (const auto &f : *found)
        if (f.format == "Code128") code128.insert(f.text);
    EXPECT_EQ(code128, (std::set<std::string>{"RE-000001", "RE-000002"}));
}

TEST_F(LabelCli, BadRequestsExitWithTwo) {
    EXPECT_EQ(cli("label render RE-000001 --size 100x50 --format png -o x.png").exitCode, 2);
    EXPECT_NE(_stderr.find("unknown label size '100x50'"), std::string::npos) << _stderr;
    EXPECT_EQ(cli("label render RE-000001 --size 62x29 --format bmp -o x.png").exitCode, 2);
    EXPECT_EQ(cli("label render RE-000001 --size 62x29 --format png").exitCode, 2);
    EXPECT_NE(_stderr.find("-o FILE"), std::string::npos) << _stderr;
    EXPECT_EQ(cli("label render RE-000001 --size 62x29 --format png --dpi 600 -o x.png").exitCode, 2);
    EXPECT_EQ(cli("label render RE-009999 --size 62x29 --format png -o x.png").exitCode, 2);
    EXPECT_EQ(cli("label render --donation 7 --size a4-3x8 --format pdf -o x.pdf").exitCode, 2);
    EXPECT_EQ(cli("label render --donation 1 --size 62x29 --format png -o x.png").exitCode, 2);
    EXPECT_NE(_stderr.find("2 labels make 2 pages"), std::string::npos) << _stderr;
    EXPECT_EQ(cli("label print RE-000001 --printer lpt1").exitCode, 2);
    EXPECT_EQ(cli("label print RE-000001 --size a4-3x8 --printer tcp://127.0.0.1:9").exitCode, 2);
}

TEST_F(LabelCli, PrintSendsZplAndRecordsTheEvent) {
    FakeZebra zebra(test::hostStatus(false, false, false));
    const std::string printer = "tcp://127.0.0.1:" + std::to_string(zebra.port());
    auto r = cli("label print RE-000001 --size 50x25 --printer " + printer);
    ASSERT_EQ(r.exitCode, 0) << _stderr;
    EXPECT_EQ(r.out, "1 label sent to " + printer + "\n");
    const std::string got = zebra.received();
    EXPECT_EQ(got.substr(0, 3), "~HS");
    EXPECT_NE(got.find("^PW400"), std::string::npos);
    EXPECT_NE(got.find("^FDRE-000001^FS"), std::string::npos);
    auto events = printedEvents("RE-000001");
    ASSERT_EQ(events.size(), 1u);
    Poco::JSON::Object::Ptr payload = Poco::JSON::Parser().parse(events[0].payload).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(payload->getValue<std::string>("printer"), printer);
    EXPECT_EQ(payload->getValue<std::string>("format"), "zpl");
    EXPECT_EQ(payload->getValue<std::string>("size"), "50x25");
    EXPECT_EQ(payload->getValue<int>("dpi"), 203);
    EXPECT_TRUE(printedEvents("RE-000002").empty());
    EXPECT_EQ(cli("audit verify").exitCode, 0) << _stderr;
}

TEST_F(LabelCli, PrinterFailureMarksNothingPrinted) {
    // Nothing listens on this port any more.
    int port = 0;
    {
        Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
        port = s.address().port();
    }
    auto r = cli("label print RE-000001 --printer tcp://127.0.0.1:" + std::to_string(port));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(_stderr.find("refused the connection"), std::string::npos) << _stderr;

    FakeZebra paperOut(test::hostStatus(true, false, false));
    r = cli("label print --donation 1 --printer tcp://127.0.0.1:" + std::to_string(paperOut.port()));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(_stderr.find("paper out"), std::string::npos) << _stderr;
    EXPECT_EQ(paperOut.received(), "~HS");

    // A queue lp cannot print to.
    r = cli("label print RE-000001 --printer cups:reemploi-test-no-such-queue");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(_stderr.find("cups:reemploi-test-no-such-queue"), std::string::npos) << _stderr;

    EXPECT_TRUE(printedEvents("RE-000001").empty());
    EXPECT_TRUE(printedEvents("RE-000002").empty());
}

TEST_F(LabelCli, ScanListsEveryBarcodeInAPhoto) {
    const std::string png = _dir.file("label.png");
    ASSERT_EQ(cli("label render RE-000002 --size 62x29 --format png -o " + test::shellQuote(png)).exitCode, 0);
    // Photographed: turned (a little: a scan line must cross every bar), skewed, blurred, saved
    // as JPEG.
    auto label = loadGreyImage(png);
    ASSERT_TRUE(label.ok());
    test::saveJpeg(test::blur(test::photograph(*label, 1280, 960, -5, 0.04, 1.6), 1, 4), _dir.file("photo.jpg"), 80);
    auto r = cli("label scan " + test::shellQuote(_dir.file("photo.jpg")) + " --json");
    ASSERT_EQ(r.exitCode, 0) << _stderr;
    Poco::JSON::Object::Ptr o = Poco::JSON::Parser().parse(r.out).extract<Poco::JSON::Object::Ptr>();
    auto barcodes = o->getArray("barcodes");
    ASSERT_EQ(barcodes->size(), 2u) << r.out;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < barcodes->size(); ++i) {
        auto b = barcodes->getObject(static_cast<unsigned>(i));
        seen.insert(b->getValue<std::string>("format") + " " + b->getValue<std::string>("text"));
        EXPECT_EQ(b->getArray("position")->size(), 4u);
    }
    EXPECT_EQ(seen, (std::set<std::string>{"Code128 RE-000002", "QRCode RE-000002"}));

    r = cli("label scan " + test::shellQuote(_dir.file("photo.jpg")) + " --only Code128");
    EXPECT_EQ(r.out, "Code128\tRE-000002\n");

    test::savePng(GreyImage{200, 100, std::vector<std::uint8_t>(200 * 100, 255)}, _dir.file("blank.png"));
    r = cli("label scan " + test::shellQuote(_dir.file("blank.png")) + " --json");
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_NE(r.out.find("\"barcodes\":[]"), std::string::npos) << r.out;
    EXPECT_EQ(cli("label scan " + test::shellQuote(_dir.file("missing.jpg"))).exitCode, 2);
    EXPECT_NE(_stderr.find("missing.jpg"), std::string::npos);
    test::writeFile(_dir.file("bad.jpg"), "\xff\xd8\xff\xe0 truncated");
    EXPECT_EQ(cli("label scan " + test::shellQuote(_dir.file("bad.jpg"))).exitCode, 2);
    EXPECT_NE(_stderr.find("corrupt JPEG image"), std::string::npos) << _stderr;
}
