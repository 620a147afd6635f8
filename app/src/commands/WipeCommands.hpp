// `reemploi wipe` on a list of targets, for the commands that choose the targets themselves
// (`probe wipe`: the computer's internal disks): the same session, progress and results.
#pragma once

#include <string>
#include <vector>

#include "cli/Cli.hpp"

namespace reemploi::app {

// Reads --unit, --medium, --method, --verify, --certificate and the workshop options from `args`.
int runWipeOn(Context &ctx, const Args &args, const std::vector<std::string> &targets);

}  // namespace reemploi::app
