// The interface every front-end implements (k6 JavaScript, Artillery YAML, Locust Python and the
// quick mode) and the run engine (engine/run_session.h) drives. A front-end only translates: it
// turns its test file into a TestPlan and adds its lifecycle; scheduling, metrics, thresholds,
// outputs and reports are the engine's, the same for all of them.
//
// The engine calls, in this order:
//   prepare()         load the file, fill the plan (an error: the exit code it returns, printed)
//   before_run()      after the result files are checked and the services started (k6's setup())
//   stop_requested()  polled every 10 ms while the scenarios run (test.abort(), a shape's None)
//   after_run()       the scenarios ended (k6's teardown(), Locust's tickers)
//   handle_summary()  true replaces the engine's text summary (handleSummary(), Locust's tables)
//   finish()          the front-end's own files and its exit code from the engine's
//   close()           last, on every path (an error included): let go
//                     of everything that refers to the run's store, which goes next
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "metrics/store.h"
#include "metrics/threshold.h"
#include "plan/scenario.h"
#include "schedule/execution_scheduler.h"
#include "schedule/execution_segment.h"
#include "vu/iteration_program.h"
#include "vu/worker.h"

namespace squall::report {
struct Summary;
}

namespace squall::frontends {

// The test as the core runs it.
struct TestPlan {
  std::vector<plan::ScenarioConfig> scenarios;
  schedule::ExecutionSegment segment;
  vu::WorkerSettings settings;  // `store` is the engine's to set
  vu::ProgramFactory factory;
  std::vector<metrics::MetricThresholds> thresholds;
  // The summary's trend statistics (k6's summaryTrendStats), its time unit ("", "s", "ms", "us")
  // and mode (compact: k6 v1's default; full adds the group tree).
  std::vector<std::string> trend_stats = {"avg", "min", "med", "max", "p(90)", "p(95)", "p(99)", "p(99.9)"};
  std::string time_unit;
  bool compact = true;
  bool colors = false;                         // ANSI colours in the summary (a terminal, no --no-color or NO_COLOR)
  std::string script;                          // the script's path, for the execution plan printed before the run
  std::optional<std::string> control_address;  // the control API's HOST:PORT, when asked for
  // Files the front-end writes in finish() (Artillery's -o, Locust's --csv) as {path, what}: the
  // engine checks them with its own before the run, so a bad path costs no test.
  std::vector<std::pair<std::string, std::string>> files;
  bool show_progress = true;  // the progress line (k6's -q turns off only this)
  bool print_summary = true;  // the plan banner, the text summary and k6's closing line
};

class FrontEnd {
 public:
  virtual ~FrontEnd() = default;
  // `store` receives the run's metrics (lifecycle VUs record into it too); `interrupted` is raised
  // by Ctrl-C from now on (a script's init and setup() stop on it). 0, or the exit code.
  virtual int prepare(TestPlan& plan, metrics::MetricsStore& store, const std::atomic<bool>& interrupted) = 0;
  // 0, or the exit code to stop with before any scenario starts. `scheduler`: the run's, ready to
  // start (its external control moves externally-controlled scenarios, as a Locust shape does).
  virtual int before_run(schedule::ExecutionScheduler& /*scheduler*/) { return 0; }
  virtual bool stop_requested() const { return false; }
  virtual void after_run() {}
  virtual bool handle_summary(const report::Summary& /*summary*/) { return false; }
  // `engine_code`: what the engine decided (thresholds, baseline, result files, interruption).
  virtual int finish(const metrics::MetricsStore& /*store*/, const schedule::ExecutionResult& /*result*/,
                     int engine_code) {
    return engine_code;
  }
  // Lifecycle VUs and anything else holding the store are released here, not in the destructor:
  // the engine owns the store and ends it when the session ends.
  virtual void close() {}
};

}  // namespace squall::frontends
