// Runs a planned test for any front-end: prints the plan, starts the control
// API when asked, drives the ExecutionScheduler with the progress line, signal handling
// and thresholds (every 2 s; abortOnFail), then prints the summary, writes
// --summary-export and picks k6's exit code.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/args.h"
#include "metrics/store.h"
#include "report/compare.h"
#include "report/results_bundle.h"
#include "plan/options.h"
#include "plan/scenario.h"
#include "metrics/threshold.h"
#include "report/summary.h"
#include "schedule/execution_segment.h"
#include "schedule/execution_scheduler.h"
#include "vu/iteration_program.h"
#include "vu/worker.h"

namespace squall::cli {

struct TestSpec {
  std::vector<plan::ScenarioConfig> scenarios;
  schedule::ExecutionSegment segment;
  vu::WorkerSettings settings;
  vu::ProgramFactory factory;
  std::vector<metrics::MetricThresholds> thresholds;
  report::SummaryOptions summary;
  std::optional<std::string> control_address;
  std::string summary_export;  // empty: none
  bool quiet = false;          // no progress line, no summary text
  // CI gate: run metadata (--run-name, --tag k=v: also tags on every sample), the results bundle,
  // a baseline to compare against with rules, JUnit XML.
  report::RunMetadata meta;
  std::string results_path;
  std::string baseline_path;
  std::vector<report::CompareRule> compare_rules;
  std::string junit_path;
  std::string report_path;  // --report: the HTML report
  std::vector<std::string> outputs;  // --out json=FILE / csv=FILE / prometheus-rw=URL / influxdb=URL
  // Files a front-end writes after the run (Artillery's -o, Locust's --csv): checked before it,
  // with the other result files, as {path, what}.
  std::vector<std::pair<std::string, std::string>> front_end_files;
  std::optional<std::string> dashboard_address;  // --dashboard: the live dashboard's HOST:PORT
  bool dashboard_allow_remote = false;           // --dashboard-allow-remote: a non-loopback bind
  // Front-end hooks (k6 scripts): a flag that stops the test when set (test.abort()), what runs
  // between the end of the scenarios and the summary (teardown()), and a replacement for the text
  // summary (handleSummary(); returns false to print the default one).
  const std::atomic<bool>* abort_flag = nullptr;
  std::function<void()> after_run;
  std::function<bool(const report::Summary&)> summary_handler;
};

// --summary-trend-stats, --summary-time-unit and --summary-mode over the options' values.
bool read_summary_flags(const Args& args, const plan::TestOptions& options, report::SummaryOptions& summary,
                        std::string& error);

// The flags every run command takes: --results, --tag, --run-name, --baseline, --fail-on, --junit,
// --report, --out, --dashboard, --dashboard-address.
// (A function, not a global: other files' globals are built from it.)
const std::vector<FlagSpec>& ci_flags();
// Reads them into `spec`; false with `error` on bad input.
bool read_ci_flags(const Args& args, TestSpec& spec, std::string& error);

struct TestOutcome {
  int exit_code = 0;  // kExitOutputFailed when a result file could not be written (after the summary)
  schedule::ExecutionResult result;
  report::Summary summary;
};

// `store` receives the run's metrics (settings.store is set to it).
TestOutcome execute_test(TestSpec spec, metrics::MetricsStore& store);

}  // namespace squall::cli
