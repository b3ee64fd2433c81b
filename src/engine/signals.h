// SIGINT/SIGTERM handling shared by the commands: the first signal raises a
// flag the run polls (graceful stop, summary still printed); the second ends
// the process at once with k6's external-abort code.
#pragma once

#include <atomic>

namespace squall::engine {

const std::atomic<bool>& install_stop_signals();

}  // namespace squall::engine
