// SIGINT and SIGTERM as a request to stop, for the commands that run until they are done or told
// to stop (wipe, diag storage --surface, diag watch). The only place where app/ handles signals.
#pragma once

#include <reemploi/diagnostics/CancelToken.hpp>

namespace reemploi::app {

class StopSignals {
public:
    // While it lives, SIGINT and SIGTERM cancel `token` (when given) and wake waitForStop();
    // the previous handlers come back when it goes. One at a time.
    explicit StopSignals(diagnostics::CancelToken *token = nullptr);
    ~StopSignals();
    StopSignals(const StopSignals &) = delete;
    StopSignals &operator=(const StopSignals &) = delete;

    bool received() const;
    // Blocks until SIGINT or SIGTERM arrives (at once if one already has).
    void waitForStop();
};

}  // namespace reemploi::app
