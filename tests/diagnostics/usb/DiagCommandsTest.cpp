// `reemploi diag list` and `diag watch`, end to end: the built binary under umockdev-run with a
// device description file, and as a child of this test sharing its testbed for hotplug.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "support/Tools.hpp"
#include "support/usb/UsbTestbed.hpp"

extern char **environ;

using namespace reemploi::testing::usb;
using namespace std::chrono_literals;

namespace {

const std::string kBenchHub = REEMPLOI_TEST_FIXTURES "/usb/bench-hub.umockdev";

// A child process with its stdout and stderr on pipes.
class Child {
public:
    // `unset` names environment variables the child must not inherit; `set` adds NAME=value ones.
    Child(const std::vector<std::string> &argv, const std::vector<std::string> &unset = {},
          const std::vector<std::string> &set = {}) {
        int out[2], err[2];
        if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);
        posix_spawn_file_actions_adddup2(&actions, err[1], 2);
        std::vector<std::string> env;
        for (char **e = environ; *e; ++e) {
            std::string entry = *e;
            bool drop = false;
            for (const auto &name : unset) drop = drop || entry.rfind(name + "=", 0) == 0;
            for (const auto &assignment : set) drop = drop || entry.rfind(assignment.substr(0, assignment.find('=') + 1), 0) == 0;
            if (!drop) env.push_back(entry);
        }
        env.insert(env.end(), set.begin(), set.end());
        std::vector<char *> args, envp;
        for (const auto &a : argv) args.push_back(const_cast<char *>(a.c_str()));
        args.push_back(nullptr);
        for (const auto &e : env) envp.push_back(const_cast<char *>(e.c_str()));
        envp.push_back(nullptr);
        if (posix_spawnp(&_pid, args[0], &actions, nullptr, args.data(), envp.data()) != 0)
            throw std::runtime_error("cannot start " + argv[0]);
        posix_spawn_file_actions_destroy(&actions);
        close(out[1]);
        close(err[1]);
        _out = out[0];
        _err = err[0];
    }
    ~Child() {
        if (_pid > 0) {
            kill(_pid, SIGKILL);
            waitpid(_pid, nullptr, 0);
        }
        close(_out);
        close(_err);
    }

    // The next line on stdout (or stderr), or "" after `timeout`.
    std::string line(std::chrono::milliseconds timeout, bool fromStderr = false) {
        std::string &buffer = fromStderr ? _errBuffer : _outBuffer;
        int fd = fromStderr ? _err : _out;
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (true) {
            auto eol = buffer.find('\n');
            if (eol != std::string::npos) {
                std::string l = buffer.substr(0, eol);
                buffer.erase(0, eol + 1);
                return l;
            }
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return {};
            pollfd p{fd, POLLIN, 0};
            if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
            char chunk[4096];
            ssize_t n = read(fd, chunk, sizeof chunk);
            if (n <= 0) return {};
            buffer.append(chunk, static_cast<std::size_t>(n));
        }
    }
    // Reads everything and waits for the exit; returns the exit status (128 + signal if killed).
    int finish(std::string *out = nullptr, std::string *err = nullptr) {
        std::string o = _outBuffer, e = _errBuffer;
        char chunk[4096];
        ssize_t n;
        while ((n = read(_out, chunk, sizeof chunk)) > 0) o.append(chunk, static_cast<std::size_t>(n));
        while ((n = read(_err, chunk, sizeof chunk)) > 0) e.append(chunk, static_cast<std::size_t>(n));
        int status = 0;
        waitpid(_pid, &status, 0);
        _pid = -1;
        if (out) *out = o;
        if (err) *err = e;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    void signal(int sig) { kill(_pid, sig); }

private:
    pid_t _pid = -1;
    int _out = -1, _err = -1;
    std::string _outBuffer, _errBuffer;
};

// Runs the binary under umockdev-run with the bench description, outside this test's own testbed.
int runOnBench(const std::vector<std::string> &args, std::string *out, std::string *err, const std::vector<std::string> &set = {}) {
    std::vector<std::string> argv = {"umockdev-run", "-d", kBenchHub, "--", REEMPLOI_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    Child child(argv, {"LD_PRELOAD", "UMOCKDEV_DIR"}, set);
    return child.finish(out, err);
}

Poco::JSON::Object::Ptr byPort(const Poco::JSON::Array::Ptr &devices, const std::string &port) {
    for (std::size_t i = 0; i < devices->size(); ++i) {
        auto d = devices->getObject(static_cast<unsigned>(i));
        if (d->getValue<std::string>("port_path") == port) return d;
    }
    return nullptr;
}

}  // namespace

TEST(DiagCommands, ListUnderUmockdevRunGivesEveryDeviceAsJson) {
    std::string out, err;
    ASSERT_EQ(runOnBench({"diag", "list", "--json"}, &out, &err), 0) << err;
    auto devices = Poco::JSON::Parser().parse(out).extract<Poco::JSON::Array::Ptr>();
    ASSERT_EQ(devices->size(), 7u) << out;

    auto jms578 = byPort(devices, "1-1.1");
    ASSERT_TRUE(jms578);
    EXPECT_EQ(jms578->getValue<int>("bus"), 1);
    EXPECT_EQ(jms578->getValue<int>("address"), 3);
    EXPECT_EQ(jms578->getValue<std::string>("vid"), "152d");
    EXPECT_EQ(jms578->getValue<std::string>("pid"), "0578");
    EXPECT_EQ(jms578->getValue<std::string>("class"), "00");
    EXPECT_EQ(jms578->getValue<std::string>("serial"), "0000000000A1");
    EXPECT_EQ(jms578->getValue<std::string>("speed"), "super");
    EXPECT_EQ(jms578->getValue<std::string>("handler"), "mass-storage");
    EXPECT_EQ(jms578->getArray("quirks")->size(), 0u);
    EXPECT_TRUE(jms578->getValue<bool>("accessible"));

    auto rtl = byPort(devices, "1-1.2");
    ASSERT_TRUE(rtl);
    auto quirks = rtl->getArray("quirks");
    ASSERT_EQ(quirks->size(), 3u);
    EXPECT_EQ(quirks->getElement<std::string>(0), "nvme-bridge");

    auto vl716 = byPort(devices, "1-1.3");
    ASSERT_TRUE(vl716);
    EXPECT_TRUE(vl716->isNull("serial"));
    EXPECT_EQ(vl716->getValue<std::string>("serial_unavailable"), "the device reports no serial number");

    EXPECT_EQ(byPort(devices, "1-1.4")->getValue<std::string>("handler"), "android-adb");
    EXPECT_EQ(byPort(devices, "1-1.5")->getValue<std::string>("handler"), "unknown");
    EXPECT_EQ(byPort(devices, "usb1")->getValue<std::string>("handler"), "hub");

    // Names from the installed usb.ids.
    REQUIRE_FILE("/usr/share/misc/usb.ids", "usb.ids");
    EXPECT_EQ(jms578->getValue<std::string>("vendor"), "JMicron Technology Corp. / JMicron USA Technology Corp.");
    EXPECT_EQ(jms578->getValue<std::string>("product"), "JMS578 SATA 6Gb/s");
    EXPECT_EQ(jms578->getValue<std::string>("class_name"), "Mass Storage");
}

TEST(DiagCommands, ListUnderUmockdevRunAsText) {
    std::string out, err;
    ASSERT_EQ(runOnBench({"diag", "list"}, &out, &err), 0) << err;
    EXPECT_NE(out.find("1-1.2      001:004  0bda:9210"), std::string::npos) << out;
    EXPECT_NE(out.find("-> mass-storage (nvme-bridge,no-ata-passthrough,nvme-passthrough-realtek)"), std::string::npos) << out;
    EXPECT_NE(out.find("no serial (the device reports no serial number)"), std::string::npos) << out;
}

TEST(DiagCommands, WithoutUsbIdsTheDeviceStringsOrBareIdsAreShown) {
    std::string out, err;
    ASSERT_EQ(runOnBench({"diag", "list", "--json"}, &out, &err, {"REEMPLOI_USB_IDS=/nonexistent/usb.ids"}), 0) << err;
    auto devices = Poco::JSON::Parser().parse(out).extract<Poco::JSON::Array::Ptr>();
    EXPECT_EQ(byPort(devices, "1-1.1")->getValue<std::string>("vendor"), "JMicron");
    EXPECT_TRUE(byPort(devices, "1-1")->isNull("vendor"));  // the Intel hub has no strings: bare ids
    EXPECT_TRUE(byPort(devices, "1-1")->isNull("class_name"));
}

TEST(DiagCommands, BadArgumentsAndAMissingTableAreClearErrors) {
    std::string out, err;
    EXPECT_EQ(runOnBench({"diag", "list", "extra"}, &out, &err), 2);
    EXPECT_NE(err.find("reemploi: diag list takes no arguments, got 'extra'"), std::string::npos) << err;
    EXPECT_EQ(runOnBench({"diag", "list"}, &out, &err, {"REEMPLOI_DEVICES_TABLE=/nonexistent/devices.tsv"}), 1);
    EXPECT_NE(err.find("reemploi: cannot load the USB device table: cannot read the device table /nonexistent/devices.tsv"),
              std::string::npos)
        << err;
}

// The binary runs as a child of this test and sees this test's testbed (the environment carries
// umockdev's preload and testbed directory), so plugging here is a hotplug there.
TEST(DiagCommands, WatchPrintsArrivalsAndDeparturesUntilSigterm) {
    UsbTestbed bed;
    bed.plug(fixture("linux-root-hub-2.0").value(), "usb1");
    Child watch({REEMPLOI_BINARY, "diag", "watch", "--json"});
    ASSERT_EQ(watch.line(10s, /*fromStderr=*/true), "watching the USB bus (Ctrl-C to stop)");

    auto dock = bed.plug(fixture("jmicron-jms578").value(), "1-3");
    std::string arrived = watch.line(5s);
    ASSERT_FALSE(arrived.empty()) << "no arrival line";
    auto event = Poco::JSON::Parser().parse(arrived).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(event->getValue<std::string>("event"), "arrived");
    auto device = event->getObject("device");
    EXPECT_EQ(device->getValue<std::string>("port_path"), "1-3");
    EXPECT_EQ(device->getValue<std::string>("handler"), "mass-storage");
    EXPECT_EQ(device->getValue<std::string>("serial"), "0000000000A1");

    bed.unplug(dock);
    std::string left = watch.line(5s);
    ASSERT_FALSE(left.empty()) << "no departure line";
    event = Poco::JSON::Parser().parse(left).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(event->getValue<std::string>("event"), "left");
    EXPECT_EQ(event->getObject("device")->getValue<std::string>("port_path"), "1-3");

    watch.signal(SIGTERM);
    std::string rest, err;
    EXPECT_EQ(watch.finish(&rest, &err), 0) << err;
    EXPECT_EQ(rest, "");
}

TEST(DiagCommands, WatchWithPresentListsWhatIsPluggedThenStopsOnSigint) {
    UsbTestbed bed;
    bed.plug(fixture("android-adb-tablet").value(), "1-2");
    Child watch({REEMPLOI_BINARY, "diag", "watch", "--present"});
    std::vector<std::string> lines = {watch.line(10s), watch.line(5s)};  // the root hub and the tablet
    bool tablet = false;
    for (const auto &l : lines) tablet = tablet || (l.rfind("+ 1-2 ", 0) == 0 && l.find("-> android-adb") != std::string::npos);
    EXPECT_TRUE(tablet) << lines[0] << "\n" << lines[1];
    watch.signal(SIGINT);
    std::string rest, err;
    EXPECT_EQ(watch.finish(&rest, &err), 0) << err;
}
