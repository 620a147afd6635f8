// Printers: a ZPL printer played by a loopback TCP server on a free port (answering ~HS as a
// Zebra does), printers that refuse, go silent or report paper out; CUPS through stand-in `lp`
// scripts (the real lp needs a CUPS server).
#include <gtest/gtest.h>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

#include "labels/FakeZebra.hpp"
#include "labels/TestImages.hpp"
#include "labels/Tools.hpp"
#include <reemploi/labels/Printer.hpp>
#include <reemploi/labels/Render.hpp>

using namespace reemploi;
using namespace reemploi::labels;
using labels::test::TempDir;
using labels::test::FakeZebra;
using labels::test::hostStatus;
using namespace std::chrono_literals;

namespace {

LabelData sample(const std::string &tag = "RE-000123") {
    return LabelData{tag, "Tablette", "Samsung", "Galaxy Tab A", "A", WipeStatus::Wiped, "2026-11-20", "Atelier Nord"};
}

PrinterAddress loopback(int port) { return *parsePrinter("tcp://127.0.0.1:" + std::to_string(port)); }

}  // namespace

TEST(Printer, ParsesAddresses) {
    auto a = parsePrinter("tcp://zebra-atelier.local:9100");
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->host, "zebra-atelier.local");
    EXPECT_EQ(a->port, 9100);
    EXPECT_EQ(parsePrinter("tcp://10.0.0.7")->port, 9100);
    EXPECT_EQ(parsePrinter("tcp://[fe80::1]:6101")->host, "fe80::1");
    EXPECT_EQ(parsePrinter("tcp://[fe80::1]:6101")->str(), "tcp://[fe80::1]:6101");
    EXPECT_EQ(parsePrinter("cups:Brother_QL")->queue, "Brother_QL");
    for (const char *bad : {"zebra:9100", "tcp://", "tcp://host:", "tcp://host:99999", "tcp://host:91a", "cups:",
                            "cups:a b", "http://printer"}) {
        auto r = parsePrinter(bad);
        EXPECT_FALSE(r.ok()) << bad;
        if (!r.ok()) {
            EXPECT_EQ(r.error().code, Errc::InvalidInput) << bad;
        }
    }
}

TEST(Printer, SendsZplToATcpPrinter) {
    FakeZebra zebra(hostStatus(false, false, false));
    LayoutOptions layout;
    auto receipt = printLabels({sample(), sample("RE-000124")}, *parseMedia("62x29"), layout, loopback(zebra.port()));
    ASSERT_TRUE(receipt.ok()) << receipt.error().message;
    EXPECT_EQ(receipt->format, "zpl");
    const std::string got = zebra.received();
    // The status request, then exactly the ZPL we render for these labels.
    auto zpl = renderLabels({sample(), sample("RE-000124")}, *parseMedia("62x29"), RenderFormat::Zpl, layout);
    ASSERT_TRUE(zpl.ok());
    EXPECT_EQ(got, "~HS" + *zpl);
    EXPECT_EQ(receipt->bytes, zpl->size());
    EXPECT_NE(got.find("^FDRE-000124^FS"), std::string::npos);
    EXPECT_NE(got.find("^CI28"), std::string::npos);
}

TEST(Printer, WithoutStatusCheckSendsOnlyZpl) {
    FakeZebra zebra("");
    PrintOptions o;
    o.checkStatus = false;
    auto receipt = sendZpl(loopback(zebra.port()), "^XA^FDx^FS^XZ", o);
    ASSERT_TRUE(receipt.ok()) << receipt.error().message;
    EXPECT_EQ(zebra.received(), "^XA^FDx^FS^XZ");
}

TEST(Printer, PaperOutOrOpenHeadSendsNothing) {
    for (auto [paper, paused, head, words] : {std::tuple{true, false, false, "paper out"},
                                              std::tuple{false, true, true, "paused, head open"}}) {
        FakeZebra zebra(hostStatus(paper, paused, head));
        auto r = printLabels({sample()}, *parseMedia("50x25"), {}, loopback(zebra.port()));
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, Errc::Device);
        EXPECT_NE(r.error().message.find(words), std::string::npos) << r.error().message;
        EXPECT_NE(r.error().message.find("tcp://127.0.0.1:" + std::to_string(zebra.port())), std::string::npos);
        EXPECT_EQ(zebra.received(), "~HS");
    }
}

TEST(Printer, SilentPrinterIsATimeoutNamingIt) {
    // Listens (the kernel completes the handshake) but never answers: a hung print server.
    Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
    PrintOptions o;
    o.timeout = 300ms;
    const auto start = std::chrono::steady_clock::now();
    auto r = printLabels({sample()}, *parseMedia("62x29"), {}, loopback(silent.address().port()), o);
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::Timeout);
    EXPECT_NE(r.error().message.find("did not answer"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("0.3 s"), std::string::npos) << r.error().message;
    EXPECT_LT(took, 3s);
}

TEST(Printer, ClosedPortAndHangUpAreErrors) {
    int port = 0;
    {
        Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
        port = s.address().port();
    }
    auto refused = sendZpl(loopback(port), "^XA^XZ");
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("refused"), std::string::npos) << refused.error().message;

    Poco::Net::ServerSocket server(Poco::Net::SocketAddress("127.0.0.1", 0));
    std::thread hangUp([&] { server.acceptConnection().close(); });
    auto r = sendZpl(loopback(server.address().port()), "^XA^XZ");
    hangUp.join();
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("closed the connection"), std::string::npos) << r.error().message;

    auto unknown = sendZpl(*parsePrinter("tcp://no-such-printer.invalid:9100"), "^XA^XZ");
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.error().message.find("no-such-printer.invalid"), std::string::npos);
}

TEST(Printer, SendsPdfThroughLp) {
    TempDir dir;
    // Stands in for CUPS's lp: records its arguments and what it was given, answers like lp.
    const std::string lp = dir.file("lp");
    test::writeFile(lp, "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + dir.file("args") + "\ncat > " + dir.file("job.pdf") +
                            "\necho 'request id is Atelier-42 (0 file(s))'\n");
    std::filesystem::permissions(lp, std::filesystem::perms::owner_all);
    PrintOptions o;
    o.lpCommand = lp;
    o.title = "RE-000123";
    LayoutOptions layout;
    layout.dpi = 300;
    auto receipt = printLabels({sample()}, *parseMedia("a4-3x8"), layout, *parsePrinter("cups:Atelier"), o);
    ASSERT_TRUE(receipt.ok()) << receipt.error().message;
    EXPECT_EQ(receipt->job, "Atelier-42");
    EXPECT_EQ(receipt->format, "pdf");
    EXPECT_EQ(test::readFile(dir.file("args")), "-d\nAtelier\n-t\nRE-000123\n-\n");
    const std::string pdf = test::readFile(dir.file("job.pdf"));
    EXPECT_EQ(pdf.substr(0, 5), "%PDF-");
    EXPECT_EQ(pdf.size(), receipt->bytes);
}

TEST(Printer, LpFailureIsAnErrorWithItsMessage) {
    TempDir dir;
    const std::string lp = dir.file("lp");
    // Exits at once without reading: writing the PDF meets a closed pipe (no SIGPIPE death).
    test::writeFile(lp, "#!/bin/sh\necho 'lp: The printer or class does not exist.' >&2\nexit 1\n");
    std::filesystem::permissions(lp, std::filesystem::perms::owner_all);
    PrintOptions o;
    o.lpCommand = lp;
    auto r = printLabels({sample()}, *parseMedia("62x29"), {}, *parsePrinter("cups:Nope"), o);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "printer cups:Nope: lp failed: lp: The printer or class does not exist.");

    o.lpCommand = dir.file("not-there");
    r = printLabels({sample()}, *parseMedia("62x29"), {}, *parsePrinter("cups:Nope"), o);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("not installed"), std::string::npos) << r.error().message;
}
