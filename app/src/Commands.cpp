// The list of command groups. Each group lives in commands/<Group>Commands.cpp.
#include "cli/Cli.hpp"

namespace reemploi::app {

void registerInventoryCommands(CommandRegistry &);

void registerAllCommands(CommandRegistry &registry) {
    registerInventoryCommands(registry);
}

}  // namespace reemploi::app
