// One test run, for any front-end: the engine asks the front-end for its plan, checks every file
// the run will write, opens the outputs, starts the control API and the live dashboard, runs the
// scenarios with the progress line, signal handling and thresholds (every 2 s; abortOnFail),
// then builds the summary, writes the artifacts (summary export, results bundle, HTML report,
// JUnit), compares with the baseline and decides the exit code (k6's codes).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "frontends/front_end.h"
#include "report/compare.h"
#include "report/results_bundle.h"

namespace squall::engine {

// What every run takes besides its test: the CI gate and the live services.
struct RunOptions {
  std::string summary_export;  // --summary-export: k6's JSON summary (empty: none)
  // --run-name and --tag k=v: run metadata; the tags also tag every sample, as in k6.
  report::RunMetadata meta;
  std::string results_path;   // --results: the results bundle
  std::string baseline_path;  // --baseline, compared by `compare_rules`
  std::vector<report::CompareRule> compare_rules;
  std::string junit_path;
  std::string report_path;           // --report: the HTML report
  std::vector<std::string> outputs;  // --out json=FILE / csv=FILE / prometheus-rw=URL / influxdb=URL / otlp=URL
  std::optional<std::string> dashboard_address;  // --dashboard: the live dashboard's HOST:PORT
  bool dashboard_allow_remote = false;           // --dashboard-allow-remote: a non-loopback bind
  // k6's --linger: once the results are out, the control API and dashboard stay up until Ctrl-C.
  bool linger = false;
};

// Runs the test `front_end` prepares; returns the process exit code (the front-end's finish()).
int run_session(frontends::FrontEnd& front_end, RunOptions options);

}  // namespace squall::engine
