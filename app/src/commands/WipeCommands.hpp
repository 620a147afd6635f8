// `reemploi wipe` on a list of targets, for the commands that choose the targets themselves
// (`probe wipe`: the computer's internal disks): the same session, progress and results.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <reemploi/diagnostics/storage/WipeSession.hpp>

#include "cli/Cli.hpp"

namespace reemploi::app {

// Reads --unit, --medium, --method, --verify, --certificate and the workshop options from `args`.
int runWipeOn(Context &ctx, const Args &args, const std::vector<std::string> &targets);

// Runs `work` with the progress output of `reemploi wipe` for these targets (bars on a terminal,
// JSON lines with --json).
void withWipeProgress(Context &ctx, const std::vector<std::string> &targets,
                      const std::function<void(diagnostics::storage::WipeObserver &)> &work);

}  // namespace reemploi::app
