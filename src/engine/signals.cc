#include "engine/signals.h"

#include <unistd.h>
#include <csignal>
#include <cstdio>

#include "common/exit_codes.h"

namespace squall::engine {

namespace {

std::atomic<bool> g_stop{false};

void on_signal(int) {
  if (g_stop.exchange(true)) _exit(kExitExternalAbort);
  constexpr char kMessage[] = "\nstopping gracefully (signal again to stop at once)...\n";
  [[maybe_unused]] ssize_t n = write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
}

}  // namespace

const std::atomic<bool>& install_stop_signals() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return g_stop;
}

}  // namespace squall::engine
