// Child processes for the Android tests: a command run to completion with its output, and the
// emulated tablet tool started in the background (its first line says where it listens).
#pragma once

#include <csignal>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace reemploi::test::android {

struct Ran {
    int exitCode = -1;
    std::string output;  // stdout and stderr together
};

// Runs `argv` with `env` added, killed after `seconds`. Everything the child needs is built
// before fork(): the test process has threads (the emulated tablet's), so the child only
// redirects and execs.
inline Ran run(const std::vector<std::string> &argv, const std::map<std::string, std::string> &env = {},
               int seconds = 60) {
    int pipeFds[2];
    if (::pipe2(pipeFds, O_CLOEXEC) != 0) return {};
    std::vector<std::string> entries;
    for (char **e = environ; *e; ++e) {
        std::string entry = *e;
        auto eq = entry.find('=');
        if (eq != std::string::npos && env.count(entry.substr(0, eq))) continue;
        entries.push_back(entry);
    }
    for (const auto &[k, v] : env) entries.push_back(k + "=" + v);
    std::vector<char *> envp, args;
    for (auto &e : entries) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::vector<std::string> copy = argv;
    for (auto &a : copy) args.push_back(a.data());
    args.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(pipeFds[1], 1);
        ::dup2(pipeFds[1], 2);
        ::execvpe(args[0], args.data(), envp.data());
        ::_exit(127);
    }
    ::close(pipeFds[1]);
    Ran r;
    char buf[4096];
    auto deadline = seconds * 1000;
    for (;;) {
        pollfd p{pipeFds[0], POLLIN, 0};
        int ready = ::poll(&p, 1, deadline);
        if (ready <= 0) {
            ::kill(pid, SIGKILL);
            r.output += "\n[killed after " + std::to_string(seconds) + " s]";
            break;
        }
        ssize_t n = ::read(pipeFds[0], buf, sizeof buf);
        if (n <= 0) break;
        r.output.append(buf, static_cast<std::size_t>(n));
    }
    ::close(pipeFds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

// reemploi-emulated-tablet in the background, on a free port; stopped (SIGTERM) when destroyed.
class TabletProcess {
public:
    explicit TabletProcess(const std::vector<std::string> &options) {
        int pipeFds[2];
        if (::pipe2(pipeFds, O_CLOEXEC) != 0) return;
        std::vector<std::string> copy = {REEMPLOI_EMULATED_TABLET, "--port", "0"};
        copy.insert(copy.end(), options.begin(), options.end());
        std::vector<char *> args;
        for (auto &a : copy) args.push_back(a.data());
        args.push_back(nullptr);
        _pid = ::fork();
        if (_pid == 0) {
            ::dup2(pipeFds[1], 1);
            ::execv(args[0], args.data());
            ::_exit(127);
        }
        ::close(pipeFds[1]);
        std::string line;
        char c;
        pollfd p{pipeFds[0], POLLIN, 0};
        while (::poll(&p, 1, 10000) > 0 && ::read(pipeFds[0], &c, 1) == 1 && c != '\n') line += c;
        ::close(pipeFds[0]);
        // "listening on 127.0.0.1:PORT as MODEL"
        auto at = line.find("127.0.0.1:");
        if (at != std::string::npos) _address = line.substr(at, line.find(' ', at) - at);
    }
    ~TabletProcess() {
        if (_pid > 0) {
            ::kill(_pid, SIGTERM);
            int status = 0;
            ::waitpid(_pid, &status, 0);
        }
    }
    const std::string &address() const { return _address; }  // empty when it did not start

private:
    pid_t _pid = -1;
    std::string _address;
};

}  // namespace reemploi::test::android
