// reemploi: the one executable.
#include <iostream>

#include "cli/Cli.hpp"

int main(int argc, char **argv) {
    std::vector<std::string> args(argv, argv + argc);
    return reemploi::app::runCli(args, std::cout, std::cerr);
}
