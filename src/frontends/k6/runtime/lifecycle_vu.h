// The VU that runs what happens outside the scenarios (k6 runs these on VUs
// of their own too): the first init, which reads `options` and the exported
// functions, and setup(), teardown() and handleSummary(). It has __VU 0, its
// own isolate and its own worker loop, whose samples go to `settings.store`.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "frontends/k6/runtime/isolate_host.h"
#include "frontends/k6/runtime/js_vu.h"
#include "vu/worker.h"

namespace squall::k6 {

class LifecycleVu {
 public:
  LifecycleVu(RunShared& run, vu::WorkerSettings settings);
  ~LifecycleVu();

  // How a guarded step ended: a JavaScript loop that never returns is terminated (V8's
  // TerminateExecution) when the step's time is up or the user interrupts the run.
  enum class Ending { kReturned, kTimedOut, kInterrupted };

  // The init context; `interrupt` (Ctrl-C) terminates it.
  bool init(std::string& error, const std::atomic<bool>& interrupt, Ending& ending);
  std::string options_json(std::vector<std::string>& functions) { return vu_->options_json(functions); }
  void survey_modules() { vu_->survey_modules(); }
  // setup(), teardown(), handleSummary(): terminated after `timeout` (0: none) or on `interrupt`.
  // The call's samples are in the store when it returns.
  JsVu::CallResult call(const std::string& function, const std::string& arg_json, Nanos timeout,
                        const std::atomic<bool>& interrupt, Ending& ending);

 private:
  // Runs `step` on this thread while a watchdog thread waits for the deadline or the interrupt.
  Ending guarded(const std::function<void()>& step, Nanos timeout, const std::atomic<bool>& interrupt);

  std::unique_ptr<vu::Worker> worker_;
  std::unique_ptr<vu::VuState> state_;
  std::unique_ptr<IsolateHost> host_;
  std::unique_ptr<JsVu> vu_;
  std::atomic<bool> terminate_armed_{false};  // a guarded step is being stopped
};

}  // namespace squall::k6
