// deploy/: the systemd unit passes systemd-analyze verify, and the example configuration is one
// `reemploi serve` accepts, key for key.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "app/RunReemploi.hpp"
#include "http/ServerConfig.hpp"
#include "support/Tools.hpp"

using namespace reemploi;

namespace {
std::string read(const std::string &path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
const std::string kDeploy = std::string(REEMPLOI_TEST_FIXTURES) + "/../../deploy/";
}  // namespace

TEST(Deploy, TheServiceUnitVerifies) {
    REQUIRE_TOOL("systemd-analyze", "systemd");
    test::TempDb dir;
    // verify checks that ExecStart's program exists: the built binary stands in for the installed one.
    std::string unit = read(kDeploy + "reemploi.service");
    ASSERT_NE(unit.find("ExecStart=/usr/local/bin/reemploi serve --config /etc/reemploi/reemploi.conf"), std::string::npos);
    auto at = unit.find("ExecStart=/usr/local/bin/reemploi") + std::string("ExecStart=").size();
    unit.replace(at, std::string("/usr/local/bin/reemploi").size(), REEMPLOI_BINARY);
    std::string path = dir.dir + "/reemploi.service";
    std::ofstream(path) << unit;
    std::string out;
    FILE *p = ::popen(("systemd-analyze verify " + test::shellQuote(path) + " 2>&1").c_str(), "r");
    ASSERT_NE(p, nullptr);
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    int status = ::pclose(p);
    EXPECT_EQ(status, 0) << out;
    // Warnings about the unit itself name its file: there must be none.
    EXPECT_EQ(out.find("reemploi.service:"), std::string::npos) << out;
    for (const char *line : {"User=reemploi", "NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/reemploi",
                             "CapabilityBoundingSet=\n", "KillSignal=SIGTERM", "PrivateTmp=yes", "ProtectHome=yes",
                             "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK"})
        EXPECT_NE(unit.find(line), std::string::npos) << line;
    // The group the udev rules give the USB bench to.
    auto rules = read(std::string(REEMPLOI_TEST_FIXTURES) + "/../../diagnostics/data/70-reemploi.rules");
    EXPECT_NE(rules.find("GROUP=\"reemploi\""), std::string::npos);
    EXPECT_NE(unit.find("SupplementaryGroups=reemploi"), std::string::npos);
}

TEST(Deploy, TheExampleConfigurationIsAccepted) {
    auto config = app::http::loadServerConfig(kDeploy + "reemploi.conf.example", {});
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->database, "/var/lib/reemploi/reemploi.db");
    EXPECT_EQ(config->port, 8080);
    EXPECT_FALSE(config->wipeFileTargets);
}
