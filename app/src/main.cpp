// reemploi: the one executable.
#include <csignal>
#include <iostream>

#include "cli/Cli.hpp"

int main(int argc, char **argv) {
    // A closed pipe is reported as a write error (exit 1), not a silent death by SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    std::vector<std::string> args(argv, argv + argc);
    return reemploi::app::runCli(args, std::cout, std::cerr, std::cin);
}
