// Running the independent tools the tests check our output with (pdftoppm, rsvg-convert, zbarimg).
// A test that needs one says so first with REQUIRE_TOOL (support/Tools.hpp): it fails under CI
// when the tool is missing.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "support/Tools.hpp"

namespace reemploi::labels::test {

struct Run {
    int exitCode = -1;
    std::string out;
};

// Runs a shell command line, capturing standard output.
inline Run run(const std::string &command) {
    Run r;
    FILE *p = popen(command.c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    const int status = pclose(p);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

inline void writeFile(const std::string &path, const std::string &bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

inline std::string readFile(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline std::string shellQuote(const std::string &s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out + "'";
}

}  // namespace reemploi::labels::test
