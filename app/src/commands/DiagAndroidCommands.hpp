// The Android branch of `wipe` (targets adb:SERIAL, adb:HOST:PORT) and the `diag android` command.
#pragma once

#include <string>

#include "cli/Cli.hpp"

namespace reemploi::app {

bool isAndroidWipeTarget(const std::string &target);
int runAndroidWipe(Context &ctx, const Args &args);
void registerAndroidCommands(CommandRegistry &registry);
// `diag ios` (DiagIosCommands.cpp).
void registerIosCommands(CommandRegistry &registry);

}  // namespace reemploi::app
