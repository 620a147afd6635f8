// The list of command groups. Each group lives in commands/<Group>Commands.cpp.
#include "cli/Cli.hpp"

namespace reemploi::app {

void registerInventoryCommands(CommandRegistry &);
void registerAllocationCommands(CommandRegistry &);
void registerWipeCommands(CommandRegistry &);
void registerIntakeCommands(CommandRegistry &);
void registerLabelCommands(CommandRegistry &);
void registerDiagCommands(CommandRegistry &);
void registerServeCommands(CommandRegistry &);
void registerPrivacyCommands(CommandRegistry &);
void registerReportCommands(CommandRegistry &);
void registerDbCommands(CommandRegistry &);
void registerProgrammeCommands(CommandRegistry &);
void registerProbeCommands(CommandRegistry &);

void registerAllCommands(CommandRegistry &registry) {
    registerInventoryCommands(registry);
    registerAllocationCommands(registry);
    registerWipeCommands(registry);
    registerIntakeCommands(registry);
    registerLabelCommands(registry);
    registerDiagCommands(registry);
    registerDbCommands(registry);
    registerServeCommands(registry);
    registerPrivacyCommands(registry);
    registerReportCommands(registry);
    registerProgrammeCommands(registry);
    registerProbeCommands(registry);
}

}  // namespace reemploi::app
