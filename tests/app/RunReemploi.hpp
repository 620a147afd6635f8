// Runs the real `reemploi` binary (REEMPLOI_BINARY) on a temporary database and captures its
// output and exit code: the end-to-end tests of the command line use it.
#pragma once

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace reemploi::test {

struct RunResult {
    int exitCode = -1;
    std::string out;
    std::string err;
};

inline std::string shellQuote(const std::string &s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// A temp directory with a database path, removed at the end of the test.
class TempDb {
public:
    TempDb() {
        std::string pattern = (std::filesystem::temp_directory_path() / "reemploi-test-XXXXXX").string();
        dir = mkdtemp(pattern.data());
        path = dir + "/reemploi.db";
    }
    ~TempDb() { std::filesystem::remove_all(dir); }
    std::string dir;
    std::string path;
};

// With `timeoutSeconds`, the run is killed past it (exit code 128 + 9 then), so that a regression
// that hangs or fills the memory fails its test instead of stalling the suite.
inline RunResult runReemploi(const std::string &dbPath, const std::vector<std::string> &args,
                             const std::string &stdinText = {}, int timeoutSeconds = 0) {
    std::string errFile = dbPath + ".stderr";
    std::string cmd = "REEMPLOI_ACTOR=tester ";
    if (timeoutSeconds > 0) cmd += "timeout -s KILL " + std::to_string(timeoutSeconds) + " ";
    cmd += shellQuote(REEMPLOI_BINARY) + " --db " + shellQuote(dbPath);
    for (const auto &a : args) cmd += " " + shellQuote(a);
    cmd += " 2>" + shellQuote(errFile);
    if (!stdinText.empty()) {
        std::string inFile = dbPath + ".stdin";
        FILE *f = fopen(inFile.c_str(), "w");
        fputs(stdinText.c_str(), f);
        fclose(f);
        cmd += " <" + shellQuote(inFile);
    } else {
        cmd += " </dev/null";
    }
    RunResult r;
    FILE *p = popen(cmd.c_str(), "r");
    std::array<char, 4096> buf;
    while (std::size_t n = fread(buf.data(), 1, buf.size(), p)) r.out.append(buf.data(), n);
    int status = pclose(p);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (FILE *e = fopen(errFile.c_str(), "r")) {
        while (std::size_t n = fread(buf.data(), 1, buf.size(), e)) r.err.append(buf.data(), n);
        fclose(e);
    }
    std::filesystem::remove(errFile);
    return r;
}

}  // namespace reemploi::test
