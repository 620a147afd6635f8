// The programs and data files tests check our work with (pdftoppm, rsvg-convert, zbarimg, sqlite3,
// openssl, losetup, usb.ids…). A test that needs one starts with REQUIRE_TOOL / REQUIRE_FILE: when
// it is missing the test is skipped on a developer's machine, but FAILS when the environment
// variable CI is set (.ci/run sets it), so that a CI machine without the tool cannot pass
// silently. scripts/bootstrap installs every one of them.
#pragma once

#include <cstdio>

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace reemploi::testsupport {

// True when running under CI: CI set to anything but "" or "0" (as CI services set CI=true).
inline bool inCi() {
    const char *ci = std::getenv("CI");
    return ci && *ci && std::string_view(ci) != "0";
}

// Whether `program` can be run: a path that is executable, or a name found in PATH.
inline bool haveTool(const std::string &program) {
    namespace fs = std::filesystem;
    auto executable = [](const fs::path &p) {
        std::error_code ec;
        return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
    };
    if (program.find('/') != std::string::npos) return executable(program);
    const char *path = std::getenv("PATH");
    std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    // Tools such as losetup live in sbin, which an ordinary user's PATH may leave out.
    std::string all = std::string(dirs) + ":/usr/local/sbin:/usr/sbin:/sbin";
    std::size_t start = 0;
    while (start <= all.size()) {
        std::size_t end = all.find(':', start);
        if (end == std::string::npos) end = all.size();
        std::string dir = all.substr(start, end - start);
        if (!dir.empty() && executable(fs::path(dir) / program)) return true;
        start = end + 1;
    }
    return false;
}

// Why a tool or a file is missing, or nothing when it is there.
inline std::optional<std::string> missingTool(const std::string &program, const std::string &package) {
    if (haveTool(program)) return std::nullopt;
    return program + " is not installed (Debian package " + package + "; scripts/bootstrap installs it)";
}
inline std::optional<std::string> missingFile(const std::string &path, const std::string &package) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) return std::nullopt;
    return path + " is missing (Debian package " + package + "; scripts/bootstrap installs it)";
}

}  // namespace reemploi::testsupport

// Skips the test when `why` has a value, or fails it under CI. Fatal: returns from the test body.
#define REEMPLOI_SKIP_OR_FAIL_(why)                                                     \
    do {                                                                                \
        if (auto reemploiMissing_ = (why)) {                                            \
            if (::reemploi::testsupport::inCi()) FAIL() << *reemploiMissing_ << " (CI is set)"; \
            GTEST_SKIP() << *reemploiMissing_;                                          \
        }                                                                               \
    } while (0)

// REQUIRE_TOOL("pdftoppm", "poppler-utils"): the test needs this program.
#define REQUIRE_TOOL(program, package) REEMPLOI_SKIP_OR_FAIL_(::reemploi::testsupport::missingTool(program, package))
// REQUIRE_FILE("/usr/share/misc/usb.ids", "usb.ids"): the test needs this file.
#define REQUIRE_FILE(path, package) REEMPLOI_SKIP_OR_FAIL_(::reemploi::testsupport::missingFile(path, package))

namespace reemploi::testsupport {

// Runs a shell command; its standard output without the trailing newline.
inline std::string run(const std::string &command) {
    std::string out;
    FILE *p = ::popen(command.c_str(), "r");
    if (!p) return out;
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    ::pclose(p);
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
}

}  // namespace reemploi::testsupport
