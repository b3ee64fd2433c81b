// Runs a test's scenarios on one worker per usable CPU, all at once (each
// from its startTime), and ends when every scenario has finished or the test
// is aborted. The calling thread samples the vus/vus_max gauges every second
// and calls `tick` (thresholds, progress) while it waits.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "plan/scenario.h"
#include "schedule/execution_segment.h"
#include "schedule/scenario_run.h"
#include "vu/iteration_program.h"
#include "vu/worker.h"

namespace squall::schedule {

struct ExecutionResult {
  Nanos elapsed = 0;
  bool aborted = false;
  uint64_t connections_opened = 0;
  // Iterations cut short at the end (past gracefulStop or gracefulRampDown) or by an abort: their
  // requests in flight were abandoned and are in no metric, as in k6.
  uint64_t iterations_interrupted = 0;
};

class ExecutionScheduler {
 public:
  ExecutionScheduler(std::vector<plan::ScenarioConfig> scenarios, ExecutionSegment segment, vu::WorkerSettings settings,
                     vu::ProgramFactory factory);
  ~ExecutionScheduler();

  // Blocks until the end. `tick(elapsed)` runs on this thread about every second; `stop_requested`
  // (a signal, test.abort(), Locust's quit()) is asked every 10 ms, and stops the test as abort().
  ExecutionResult run(const std::function<void(Nanos)>& tick, const std::function<bool()>& stop_requested = nullptr);
  // Stops the test: no new iterations, in-flight ones aborted. Any thread.
  void abort() { abort_requested_ = true; }
  int64_t active_vus() const;
  // The VU target of this run's externally-controlled scenarios (the control API's PATCH).
  ExternalControl& external_control() { return external_control_; }

 private:
  void sample_gauges(metrics::Sink& sink, Nanos now);

  std::vector<plan::ScenarioConfig> scenarios_;
  ExecutionSegment segment_;
  vu::WorkerSettings settings_;
  vu::ProgramFactory factory_;
  std::vector<std::unique_ptr<ScenarioShared>> shared_;
  std::atomic<bool> abort_requested_{false};
  std::atomic<int> unfinished_{0};
  ExternalControl external_control_;
};

}  // namespace squall::schedule
