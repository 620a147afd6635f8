// reemploi-emulated-tablet: an Android tablet with network debugging on, for tests and for trying
// the bench without one (built with the tests, never installed).
//
//   reemploi-emulated-tablet --port PORT [--profile NAME] [--deny-new-keys] [--google-accounts N]
//                            [--reset-allowed | --reset-denied] [--vanish-on COMMAND]
//
// Listens on 127.0.0.1:PORT (0: any free port), prints "listening on 127.0.0.1:PORT", and answers
// as the profile's tablet (tests/fixtures/android/NAME) until SIGINT or SIGTERM.
#include <csignal>
#include <iostream>
#include <string>

#include "support/android/TabletServer.hpp"

using namespace reemploi::testing::android;

int main(int argc, char **argv) {
    int port = -1;
    std::string profileName = "xiaomi-pad-6";
    TabletOptions options;
    auto usage = [] {
        std::cerr << "usage: reemploi-emulated-tablet --port PORT [--profile NAME] [--deny-new-keys] "
                     "[--google-accounts N] [--reset-allowed | --reset-denied] [--vanish-on COMMAND]\n";
        return 2;
    };
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> const char * { return i + 1 < argc ? argv[++i] : nullptr; };
        try {
            if (a == "--port") {
                auto v = value();
                if (!v) return usage();
                port = std::stoi(v);
                if (port < 0 || port > 65535) throw std::out_of_range("port");
            } else if (a == "--profile") {
                auto v = value();
                if (!v) return usage();
                profileName = v;
            } else if (a == "--deny-new-keys") {
                options.denyNewKeys = true;
            } else if (a == "--google-accounts") {
                auto v = value();
                if (!v) return usage();
                options.googleAccounts = std::stoi(v);
            } else if (a == "--reset-allowed") {
                options.resetAllowed = true;
            } else if (a == "--reset-denied") {
                options.resetAllowed = false;
            } else if (a == "--vanish-on") {
                auto v = value();
                if (!v) return usage();
                options.vanishOn = v;
            } else {
                std::cerr << "reemploi-emulated-tablet: unknown option '" << a << "'\n";
                return usage();
            }
        } catch (const std::exception &) {
            std::cerr << "reemploi-emulated-tablet: " << a << ": not a valid number\n";
            return 2;
        }
    }
    if (port < 0) return usage();
    auto profile = TabletProfile::load(profileName);
    if (!profile) {
        std::cerr << "reemploi-emulated-tablet: " << profile.error().message << '\n';
        return 2;
    }
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);  // before any thread starts: only sigwait sees them
    TabletState state(std::move(*profile), options);
    auto server = TabletServer::start(state, port);
    if (!server) {
        std::cerr << "reemploi-emulated-tablet: " << server.error().message << '\n';
        return 1;
    }
    std::cout << "listening on " << (*server)->address() << " as " << state.profile().prop("ro.product.model")
              << std::endl;
    int sig = 0;
    sigwait(&stop, &sig);
    return 0;
}
