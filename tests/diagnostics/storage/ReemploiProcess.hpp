// Runs the real `reemploi` binary for end-to-end wipe tests: to completion (output captured),
// or in the background with its stdout readable line by line, so a test can kill it mid-wipe.
#pragma once

#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

namespace reemploi::test {

struct Finished {
    int exitCode = -1;
    std::string out;
    std::string err;
};

class ReemploiProcess {
public:
    // Starts `reemploi` with `args`, REEMPLOI_KEY and REEMPLOI_ACTOR set.
    ReemploiProcess(const std::vector<std::string> &args, const std::string &keyPath) {
        int outPipe[2], errPipe[2];
        if (::pipe(outPipe) != 0 || ::pipe(errPipe) != 0) return;
        _pid = ::fork();
        if (_pid == 0) {
            ::dup2(outPipe[1], 1);
            ::dup2(errPipe[1], 2);
            ::close(outPipe[0]);
            ::close(errPipe[0]);
            ::setenv("REEMPLOI_KEY", keyPath.c_str(), 1);
            ::setenv("REEMPLOI_ACTOR", "tester", 1);
            std::vector<char *> argv;
            static std::string binary = REEMPLOI_BINARY;
            argv.push_back(binary.data());
            std::vector<std::string> copy = args;
            for (auto &a : copy) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(binary.c_str(), argv.data());
            ::_exit(127);
        }
        ::close(outPipe[1]);
        ::close(errPipe[1]);
        _out = ::fdopen(outPipe[0], "r");
        _err = ::fdopen(errPipe[0], "r");
    }
    ~ReemploiProcess() {
        if (_pid > 0 && !_reaped) {
            ::kill(_pid, SIGKILL);
            wait();
        }
        if (_out) std::fclose(_out);
        if (_err) std::fclose(_err);
    }

    bool started() const { return _pid > 0 && _out; }

    // The next line of stdout, or false at its end.
    bool readLine(std::string &line) {
        line.clear();
        char buf[4096];
        if (!std::fgets(buf, sizeof buf, _out)) return false;
        line = buf;
        if (!line.empty() && line.back() == '\n') line.pop_back();
        return true;
    }

    void signal(int sig) { ::kill(_pid, sig); }

    // Waits for the end; returns the rest of its output and its exit code (128+N if killed by N).
    Finished wait() {
        Finished f;
        char buf[4096];
        std::size_t n;
        while (_out && (n = std::fread(buf, 1, sizeof buf, _out)) > 0) f.out.append(buf, n);
        while (_err && (n = std::fread(buf, 1, sizeof buf, _err)) > 0) f.err.append(buf, n);
        int status = 0;
        if (!_reaped && ::waitpid(_pid, &status, 0) == _pid) {
            _reaped = true;
            f.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        return f;
    }

private:
    pid_t _pid = -1;
    FILE *_out = nullptr;
    FILE *_err = nullptr;
    bool _reaped = false;
};

inline Finished runReemploi(const std::vector<std::string> &args, const std::string &keyPath) {
    ReemploiProcess p(args, keyPath);
    return p.wait();
}

}  // namespace reemploi::test
