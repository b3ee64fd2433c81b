#include "cli/test_driver.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/signals.h"
#include "report/summary_export.h"
#include "report/summary_text.h"
#include "report/thresholds.h"
#include "schedule/control_api.h"

namespace squall::cli {

TestOutcome execute_test(TestSpec spec, metrics::MetricsStore& store) {
  TestOutcome outcome;
  const auto& interrupt = install_stop_signals();
  spec.settings.store = &store;
  Nanos longest = 0;
  int64_t max_vus = 0;
  for (const auto& s : spec.scenarios) {
    auto executor = schedule::make_executor(s);
    const int64_t vus = spec.segment.scale(executor->max_vus());
    max_vus += vus;
    if (!spec.quiet) {
      std::fprintf(stderr, "  scenario %s: %s, %lld max VUs, %gs%s\n", s.name.c_str(), plan::executor_name(s.executor),
                   static_cast<long long>(vus), static_cast<double>(executor->scheduled_duration()) / 1e9,
                   executor->open_model() ? " (open model)" : "");
    }
    longest = std::max(longest, s.start_time + executor->scheduled_duration());
  }
  schedule::TestRun run(spec.scenarios, spec.segment, spec.settings, spec.factory);
  std::unique_ptr<schedule::ControlApi> control;
  const bool external = std::any_of(spec.scenarios.begin(), spec.scenarios.end(), [](const plan::ScenarioConfig& s) {
    return s.executor == plan::ExecutorKind::kExternallyControlled;
  });
  if (external || spec.control_address) {
    const std::string address = spec.control_address.value_or("127.0.0.1:6565");
    control = std::make_unique<schedule::ControlApi>(address, run, max_vus);
    std::string error;
    if (!control->start(error)) {
      std::fprintf(stderr, "squall: %s\n", error.c_str());
      outcome.exit_code = kExitInvalidConfig;
      return outcome;
    }
    std::fprintf(stderr, "  control API on http://%s/v1/status\n", address.c_str());
  }
  bool threshold_abort = false;
  Nanos last_evaluation = 0;
  {
    std::unique_ptr<Progress> progress;
    if (!spec.quiet) progress = std::make_unique<Progress>(store, longest, [&run] { return run.active_vus(); });
    outcome.result = run.run([&](Nanos elapsed) {
      if (interrupt.load()) run.abort();
      // Thresholds are evaluated every 2 s during the run, as k6 does.
      if (!spec.thresholds.empty() && elapsed - last_evaluation >= 2 * kSecond) {
        last_evaluation = elapsed;
        if (report::should_abort(report::evaluate_thresholds(spec.thresholds, store, elapsed), elapsed)) {
          threshold_abort = true;
          run.abort();
        }
      }
    });
  }
  if (control) control->set_finished();
  const auto& result = outcome.result;
  spec.summary.elapsed = result.elapsed;
  for (const auto& mt : spec.thresholds) spec.summary.selectors.push_back(mt.selector);
  spec.summary.thresholds = report::evaluate_thresholds(spec.thresholds, store, result.elapsed);
  const bool thresholds_failed = std::any_of(spec.summary.thresholds.begin(), spec.summary.thresholds.end(),
                                             [](const report::ThresholdResult& t) { return !t.passed; });
  outcome.summary = report::build_summary(store, spec.summary);
  if (!spec.quiet) {
    std::printf("\n%s\n    connections opened: %llu\n    test run time: %.2fs%s\n", report::render_text(outcome.summary).c_str(),
                static_cast<unsigned long long>(result.connections_opened), static_cast<double>(result.elapsed) / 1e9,
                threshold_abort ? " (aborted by a threshold)" : result.aborted ? " (interrupted)" : "");
    std::fflush(stdout);
  }
  if (!spec.summary_export.empty()) {
    std::ofstream out(spec.summary_export);
    out << report::render_k6_export(outcome.summary);
    if (!out) std::fprintf(stderr, "squall: cannot write --summary-export '%s'\n", spec.summary_export.c_str());
  }
  if (thresholds_failed || threshold_abort) {
    std::fprintf(stderr, "squall: thresholds on metrics have been crossed\n");
    outcome.exit_code = kExitThresholdsFailed;
  } else {
    outcome.exit_code = result.aborted ? kExitExternalAbort : kExitOk;
  }
  return outcome;
}

}  // namespace squall::cli
