// The NVMe layer: parsers on recorded pages of a real drive (tests/fixtures/storage/nvme, origin in
// each file), and NvmeDrive over a fake admin device answering from those pages: the commands it
// sends (opcodes, CNS, log page lengths, SES, SANACT) and the sanitize status polled to the end.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include <reemploi/diagnostics/storage/Nvme.hpp>

using namespace reemploi;
using namespace reemploi::diagnostics::storage;

namespace {

std::vector<std::uint8_t> page(const std::string &name) {
    std::ifstream in(std::filesystem::path(REEMPLOI_TEST_FIXTURES) / "storage" / "nvme" / name);
    std::vector<std::uint8_t> out;
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream row(line.substr(line.find(':') + 1));
        for (std::string hex; row >> hex;) out.push_back(static_cast<std::uint8_t>(std::stoul(hex, nullptr, 16)));
    }
    return out;
}

// Answers as the recorded drive: Identify from its pages, its SMART log, and a sanitize that
// runs for `pollsUntilDone` status reads before the recorded "completed" log.
class RecordedNvme final : public NvmeAdminDevice {
public:
    std::vector<NvmeAdminCommand> sent;
    int pollsUntilDone = 3;
    bool failSanitize = false;
    std::optional<std::uint16_t> refuseOpcode;  // answer this opcode with Invalid Field in Command

    Result<std::uint32_t> admin(const NvmeAdminCommand &c, std::span<std::uint8_t> data) override {
        sent.push_back(c);
        if (refuseOpcode && c.opcode == *refuseOpcode)
            return makeError(Errc::Device, "/dev/nvme0: " + describeNvmeStatus(0x0002));
        std::vector<std::uint8_t> answer;
        if (c.opcode == 0x06 && (c.cdw10 & 0xff) == 0x01) answer = page("samsung-pm1733-id-ctrl.hex");
        else if (c.opcode == 0x06 && (c.cdw10 & 0xff) == 0x00) answer = page("id-ns-4k.hex");
        else if (c.opcode == 0x02 && (c.cdw10 & 0xff) == 0x02) answer = page("samsung-pm1733-smart-log.hex");
        else if (c.opcode == 0x02 && (c.cdw10 & 0xff) == 0x81) {
            answer = page(_sanitized == 4 ? "sanitize-log-crypto-erase.hex" : "sanitize-log-block-erase.hex");
            if (_sanitized && _polls < pollsUntilDone) {
                ++_polls;
                answer[0] = static_cast<std::uint8_t>(_polls * 0x40);  // SPROG rising
                answer[1] = static_cast<std::uint8_t>(_polls * 0x30);
                answer[2] = 0x02;  // SSTAT: in progress
                answer[3] = 0x00;
            } else if (_sanitized && failSanitize) {
                answer[2] = 0x03;  // failed
            }
        } else if (c.opcode == 0x84) {
            _sanitized = c.cdw10 & 0x7;
        } else if (c.opcode != 0x80) {
            return makeError(Errc::Device, "/dev/nvme0: " + describeNvmeStatus(0x0001));
        }
        std::copy_n(answer.begin(), std::min(answer.size(), data.size()), data.begin());
        return 0u;
    }

private:
    std::uint32_t _sanitized = 0;
    int _polls = 0;
};

}  // namespace

TEST(Nvme, IdentifyControllerOfARealDrive) {
    auto c = parseIdentifyController(page("samsung-pm1733-id-ctrl.hex"));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->vendorId, 0x144d);
    EXPECT_EQ(c->serial, "S5L0NYZM9A0014");
    EXPECT_EQ(c->model, "ABCDEFGHIJKL-000GG");  // masked by the dump's authors
    EXPECT_EQ(c->firmware, "MPKD0P21");
    EXPECT_EQ(c->totalCapacityBytes, 3'840'755'982'336u);
    EXPECT_EQ(c->namespaces, 8u);
    EXPECT_EQ(c->warningTemperatureK, 345);
    EXPECT_EQ(c->criticalTemperatureK, 358);
    EXPECT_TRUE(c->formatSupported);
    EXPECT_TRUE(c->cryptoEraseSupported);
    EXPECT_TRUE(c->sanitizeCrypto);
    EXPECT_TRUE(c->sanitizeBlockErase);
    EXPECT_FALSE(c->sanitizeOverwrite);
}

TEST(Nvme, IdentifyNamespaceAndSmartLogOfARealDrive) {
    auto n = parseIdentifyNamespace(page("id-ns-4k.hex"));
    ASSERT_TRUE(n) << n.error().message;
    EXPECT_EQ(n->sizeBlocks, 0x40000u);
    ASSERT_EQ(n->formats.size(), 2u);
    EXPECT_EQ(n->formats[0].dataBytes, 512u);
    EXPECT_EQ(n->formatIndex, 1);
    EXPECT_EQ(n->blockBytes(), 4096u);
    EXPECT_EQ(n->sizeBytes(), 0x40000ull * 4096);

    auto s = parseSmartLog(page("samsung-pm1733-smart-log.hex"));
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->temperatureK, 314);
    EXPECT_EQ(s->availableSparePercent, 98);
    EXPECT_EQ(s->spareThresholdPercent, 10);
    EXPECT_EQ(s->dataUnitsRead, 1044u);
    EXPECT_EQ(s->dataUnitsWritten, 15u);
    EXPECT_EQ(s->hostReads, 1'027'083u);
    EXPECT_EQ(s->hostWrites, 1905u);
    EXPECT_EQ(s->powerCycles, 4u);
    EXPECT_EQ(s->powerOnHours, 408u);
    EXPECT_EQ(s->unsafeShutdowns, 1u);
    EXPECT_TRUE(s->healthy());
}

TEST(Nvme, SanitizeLogsOfARealDrive) {
    auto block = parseSanitizeLog(page("sanitize-log-block-erase.hex"));
    ASSERT_TRUE(block) << block.error().message;
    EXPECT_TRUE(block->completed());
    EXPECT_TRUE(block->globalDataErased);
    EXPECT_EQ(block->action(), 2);
    EXPECT_EQ(block->estimateBlockErase, 0xffffffffu);
    auto crypto = parseSanitizeLog(page("sanitize-log-crypto-erase.hex"));
    ASSERT_TRUE(crypto);
    EXPECT_EQ(crypto->action(), 4);
    EXPECT_EQ(crypto->commandDword10, 0x20cu);  // AUSE and no-deallocate set
}

TEST(Nvme, BadPagesNameWhatIsWrong) {
    auto shortPage = parseIdentifyController(std::vector<std::uint8_t>(512));
    ASSERT_FALSE(shortPage);
    EXPECT_NE(shortPage.error().message.find("512 bytes, 4096 expected"), std::string::npos);
    auto blank = parseIdentifyController(std::vector<std::uint8_t>(4096));
    ASSERT_FALSE(blank);
    EXPECT_NE(blank.error().message.find("bytes 4-63"), std::string::npos);
    auto ns = page("id-ns-4k.hex");
    ns[26] = 0x05;  // a format the namespace does not list
    auto badNs = parseIdentifyNamespace(ns);
    ASSERT_FALSE(badNs);
    EXPECT_NE(badNs.error().message.find("byte 26"), std::string::npos) << badNs.error().message;
    auto log = page("sanitize-log-block-erase.hex");
    log[2] = 0x07;
    auto badLog = parseSanitizeLog(log);
    ASSERT_FALSE(badLog);
    EXPECT_NE(badLog.error().message.find("reserved"), std::string::npos);
}

TEST(Nvme, DriveSendsTheRightCommands) {
    RecordedNvme dev;
    NvmeDrive drive(dev);
    auto c = drive.identifyController();
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(dev.sent.back().opcode, 0x06);
    EXPECT_EQ(dev.sent.back().cdw10, 0x01u);
    auto s = drive.smartLog();
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(dev.sent.back().opcode, 0x02);
    EXPECT_EQ(dev.sent.back().nsid, 0xffffffffu);
    EXPECT_EQ(dev.sent.back().cdw10, 0x02u | (127u << 16));  // 128 dwords, zero-based
    ASSERT_TRUE(drive.format(1, NvmeDrive::FormatErase::Cryptographic));
    EXPECT_EQ(dev.sent.back().opcode, 0x80);
    EXPECT_EQ(dev.sent.back().nsid, 1u);
    EXPECT_EQ(dev.sent.back().cdw10, 0x1u | (2u << 9));  // the current LBA format (4096), SES crypto
}

TEST(Nvme, SanitizeIsPolledUntilTheDriveSaysDone) {
    RecordedNvme dev;
    NvmeDrive drive(dev);
    std::vector<double> seen;
    auto st = drive.sanitize(NvmeDrive::SanitizeAction::BlockErase, [&](double f) { seen.push_back(f); }, nullptr,
                             std::chrono::milliseconds(0));
    ASSERT_TRUE(st) << st.error().message;
    ASSERT_EQ(seen.size(), 4u);  // three "in progress", then done
    EXPECT_LT(seen[0], seen[1]);
    EXPECT_EQ(seen.back(), 1.0);
    EXPECT_EQ(dev.sent[0].opcode, 0x84);
    EXPECT_EQ(dev.sent[0].cdw10, 2u);

    RecordedNvme failing;
    failing.failSanitize = true;
    failing.pollsUntilDone = 1;
    NvmeDrive bad(failing);
    auto failed = bad.sanitize(NvmeDrive::SanitizeAction::CryptoErase, {}, nullptr, std::chrono::milliseconds(0));
    ASSERT_FALSE(failed);
    EXPECT_NE(failed.error().message.find("sanitize failed"), std::string::npos);

    RecordedNvme refusing;
    refusing.refuseOpcode = 0x84;
    NvmeDrive old(refusing);
    auto refused = old.sanitize(NvmeDrive::SanitizeAction::BlockErase, {}, nullptr, std::chrono::milliseconds(0));
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("Invalid Field in Command (SCT 0h, SC 02h)"), std::string::npos)
        << refused.error().message;
}

TEST(Nvme, ACancelStopsWatchingNotTheDrive) {
    RecordedNvme dev;
    dev.pollsUntilDone = 1000;
    NvmeDrive drive(dev);
    diagnostics::CancelToken cancel;
    cancel.cancel();
    auto st = drive.sanitize(NvmeDrive::SanitizeAction::BlockErase, {}, &cancel, std::chrono::milliseconds(0));
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find("goes on sanitizing"), std::string::npos);
}
