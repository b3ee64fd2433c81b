#include "cli/test_driver.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/signals.h"
#include "common/files.h"
#include "live/live_dashboard.h"
#include "report/summary_export.h"
#include "outputs/output_set.h"
#include "report/html_report.h"
#include "report/junit.h"
#include "report/summary_text.h"
#include "metrics/threshold_evaluation.h"
#include "live/control_api.h"

namespace squall::cli {

const std::vector<FlagSpec>& ci_flags() {
  static const std::vector<FlagSpec> flags = {
      {{"--results"}}, {{"--tag"}, true, true}, {{"--run-name"}}, {{"--baseline"}}, {{"--fail-on"}, true, true}, {{"--junit"}},
      {{"--report"}}, {{"--out"}, true, true}, {{"--dashboard"}, false}, {{"--dashboard-address"}},
      {{"--dashboard-allow-remote"}, false},
  };
  return flags;
}

bool read_ci_flags(const Args& args, TestSpec& spec, std::string& error) {
  spec.results_path = args.get("--results").value_or("");
  spec.baseline_path = args.get("--baseline").value_or("");
  spec.junit_path = args.get("--junit").value_or("");
  spec.report_path = args.get("--report").value_or("");
  spec.outputs = args.all("--out");
  if (args.has("--dashboard") || args.has("--dashboard-address")) {
    spec.dashboard_address = args.get("--dashboard-address").value_or(live::LiveDashboard::kDefaultAddress);
  }
  spec.dashboard_allow_remote = args.has("--dashboard-allow-remote");
  spec.meta.name = args.get("--run-name").value_or("");
  for (const auto& tag : args.all("--tag")) {
    const size_t eq = tag.find('=');
    if (eq == std::string::npos || eq == 0) {
      error = "invalid --tag '" + tag + "' (expected NAME=VALUE, e.g. git_sha=abc123)";
      return false;
    }
    spec.meta.tags[tag.substr(0, eq)] = tag.substr(eq + 1);
  }
  for (const auto& text : args.all("--fail-on")) {
    auto rule = report::parse_compare_rule(text, error);
    if (!rule) return false;
    spec.compare_rules.push_back(*rule);
  }
  if (!spec.compare_rules.empty() && spec.baseline_path.empty()) {
    error = "--fail-on needs --baseline FILE (a results bundle or summary export of the run to compare against)";
    return false;
  }
  if (!spec.baseline_path.empty() && spec.compare_rules.empty()) spec.compare_rules = report::default_compare_rules();
  return true;
}

bool read_summary_flags(const Args& args, const plan::TestOptions& options, report::SummaryOptions& summary,
                        std::string& error) {
  summary.trend_stats = options.summary_trend_stats.value_or(
      std::vector<std::string>{"avg", "min", "med", "max", "p(90)", "p(95)", "p(99)", "p(99.9)"});
  for (const auto& stat : summary.trend_stats) {
    if (!metrics::is_trend_stat(stat)) {
      error = "invalid trend stat '" + stat + "'";
      return false;
    }
  }
  summary.time_unit = options.summary_time_unit.value_or("");
  if (auto unit = args.get("--summary-time-unit")) {
    if (*unit != "s" && *unit != "ms" && *unit != "us") {
      error = "invalid --summary-time-unit '" + *unit + "' (expected s, ms or us)";
      return false;
    }
    summary.time_unit = *unit;
  }
  if (auto mode = args.get("--summary-mode")) {
    if (*mode != "compact" && *mode != "full") {
      error = "invalid --summary-mode '" + *mode + "' (expected compact or full)";
      return false;
    }
    summary.compact = *mode == "compact";
  }
  return true;
}

namespace {

// The scenarios and thresholds, as stored in the results bundle's metadata.
nlohmann::json plan_json(const TestSpec& spec) {
  nlohmann::json scenarios = nlohmann::json::object();
  for (const auto& s : spec.scenarios) {
    auto executor = schedule::make_executor(s);
    scenarios[s.name] = {{"executor", plan::executor_name(s.executor)},
                         {"startTime_s", static_cast<double>(s.start_time) / 1e9},
                         {"duration_s", static_cast<double>(executor->scheduled_duration()) / 1e9},
                         {"maxVUs", executor->max_vus()}};
  }
  nlohmann::json thresholds = nlohmann::json::object();
  for (const auto& mt : spec.thresholds) {
    for (const auto& t : mt.thresholds) thresholds[mt.selector.source].push_back(t.expression.source);
  }
  return {{"scenarios", scenarios}, {"thresholds", thresholds}};
}

// Every file the run will write, as {path, what}.
std::vector<std::pair<std::string, std::string>> result_files(const TestSpec& spec) {
  std::vector<std::pair<std::string, std::string>> files = spec.front_end_files;
  for (const auto& [path, what] : {std::pair<std::string, std::string>{spec.summary_export, "--summary-export"},
                                   {spec.results_path, "--results"}, {spec.report_path, "--report"},
                                   {spec.junit_path, "--junit"}}) {
    if (!path.empty()) files.emplace_back(path, what);
  }
  for (const auto& out : spec.outputs) {
    for (const char* kind : {"json=", "csv="}) {
      if (out.starts_with(kind)) files.emplace_back(out.substr(std::string_view(kind).size()), "--out " + out);
    }
  }
  return files;
}

}  // namespace

TestOutcome execute_test(TestSpec spec, metrics::MetricsStore& store) {
  TestOutcome outcome;
  if (auto problem = schedule::validate_scenarios(spec.scenarios)) {
    std::fprintf(stderr, "squall: %s\n", problem->c_str());
    outcome.exit_code = kExitInvalidConfig;
    return outcome;
  }
  spec.meta.started_at = report::utc_now_iso8601();
  spec.meta.squall_version = SQUALL_VERSION;
  spec.meta.options = plan_json(spec);
  for (auto& s : spec.scenarios) {
    // --tag k=v tags every sample, as in k6.
    for (const auto& [k, v] : spec.meta.tags) s.tags.insert(s.tags.begin(), {k, v});
  }
  const auto& interrupt = install_stop_signals();
  spec.settings.store = &store;
  // A result file that cannot be written is found now, not after the run it would have held.
  for (const auto& [path, what] : result_files(spec)) {
    if (auto problem = check_writable(path, what)) {
      std::fprintf(stderr, "squall: %s\n", problem->c_str());
      outcome.exit_code = kExitInvalidConfig;
      return outcome;
    }
  }
  outputs::OutputSet outputs;
  {
    std::string error;
    if (!outputs.open(spec.outputs, error)) {
      std::fprintf(stderr, "squall: --out: %s\n", error.c_str());
      outcome.exit_code = kExitInvalidConfig;
      return outcome;
    }
  }
  spec.settings.keep_raw_samples = outputs.needs_raw_samples();
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
  schedule::ExecutionScheduler run(spec.scenarios, spec.segment, spec.settings, spec.factory);
  std::unique_ptr<live::ControlApi> control;
  const bool external = std::any_of(spec.scenarios.begin(), spec.scenarios.end(), [](const plan::ScenarioConfig& s) {
    return s.executor == plan::ExecutorKind::kExternallyControlled;
  });
  if (external || spec.control_address) {
    const std::string address = spec.control_address.value_or("127.0.0.1:6565");
    control = std::make_unique<live::ControlApi>(address, run, max_vus);
    std::string error;
    if (!control->start(error)) {
      std::fprintf(stderr, "squall: %s\n", error.c_str());
      outcome.exit_code = kExitInvalidConfig;
      return outcome;
    }
    if (!spec.quiet) {
      std::fprintf(stderr, "  control API on http://%s:%u/v1/status\n", address.substr(0, address.rfind(':')).c_str(),
                   control->port());
    }
  }
  std::unique_ptr<live::LiveDashboard> live;
  if (spec.dashboard_address) {
    live = std::make_unique<live::LiveDashboard>(*spec.dashboard_address, spec.dashboard_allow_remote, store, run);
    std::string error;
    if (!live->start(error)) {
      std::fprintf(stderr, "squall: %s\n", error.c_str());
      outcome.exit_code = kExitInvalidConfig;
      return outcome;
    }
    if (spec.dashboard_allow_remote) {
      std::fprintf(stderr, "squall: WARN the dashboard may be reachable from other machines: its URL's token is all "
                           "that guards the stop button\n");
    }
    std::fprintf(stderr, "  dashboard on %s\n", live->url().c_str());
  }
  bool threshold_abort = false;
  Nanos last_evaluation = 0;
  {
    std::unique_ptr<Progress> progress;
    if (!spec.quiet) progress = std::make_unique<Progress>(store, longest, [&run] { return run.active_vus(); });
    outputs.attach(store, unix_now_ms());
    const auto stop_requested = [&] { return interrupt.load() || (spec.abort_flag && spec.abort_flag->load()); };
    outcome.result = run.run([&](Nanos elapsed) {
      // Thresholds are evaluated every 2 s during the run, as k6 does.
      if (!spec.thresholds.empty() && elapsed - last_evaluation >= 2 * kSecond) {
        last_evaluation = elapsed;
        if (metrics::should_abort(metrics::evaluate_thresholds(spec.thresholds, store, elapsed), elapsed)) {
          threshold_abort = true;
          run.abort();
        }
      }
    }, stop_requested);
  }
  if (control) control->set_finished();
  if (live) live->set_finished();
  if (spec.after_run) spec.after_run();
  bool write_failed = !outputs.close(store, spec.quiet);
  auto write = [&](const std::string& path, const std::string& text, const std::string& what) {
    if (auto problem = write_whole_file(path, text, what)) {
      std::fprintf(stderr, "squall: %s\n", problem->c_str());
      write_failed = true;
    }
  };
  const auto& result = outcome.result;
  spec.summary.elapsed = result.elapsed;
  for (const auto& mt : spec.thresholds) spec.summary.selectors.push_back(mt.selector);
  spec.summary.thresholds = metrics::evaluate_thresholds(spec.thresholds, store, result.elapsed);
  const bool thresholds_failed = std::any_of(spec.summary.thresholds.begin(), spec.summary.thresholds.end(),
                                             [](const metrics::ThresholdResult& t) { return !t.passed; });
  outcome.summary = report::build_summary(store, spec.summary);
  const bool handled = spec.summary_handler && spec.summary_handler(outcome.summary);
  if (!spec.quiet && !handled) {
    std::printf("\n%s\n    connections opened: %llu\n    test run time: %.2fs%s\n", report::render_text(outcome.summary).c_str(),
                static_cast<unsigned long long>(result.connections_opened), static_cast<double>(result.elapsed) / 1e9,
                threshold_abort ? " (aborted by a threshold)" : result.aborted ? " (interrupted)" : "");
  }
  if (!spec.quiet) {
    // k6's closing line: a hung target shows here even when no request ever completed.
    const auto complete = static_cast<unsigned long long>(store.metric_total(metrics::builtin::kIterations).sum);
    std::fflush(stdout);
    std::fprintf(stderr, "    %llu complete and %llu interrupted iterations%s\n", complete,
                static_cast<unsigned long long>(result.iterations_interrupted),
                result.iterations_interrupted > 0 ? " (cut short: what they had not finished is in no metric)" : "");
    std::fflush(stdout);
  }
  if (!spec.summary_export.empty()) write(spec.summary_export, report::render_k6_export(outcome.summary), "--summary-export");
  spec.meta.duration_seconds = static_cast<double>(result.elapsed) / 1e9;
  if (!spec.results_path.empty()) {
    std::string error;
    if (!report::write_results(spec.results_path, store, spec.meta, error)) {
      std::fprintf(stderr, "squall: --results: %s\n", error.c_str());
      write_failed = true;
    }
  }
  if (!spec.report_path.empty()) write(spec.report_path, report::render_html_report(store, spec.meta, outcome.summary), "--report");
  bool regression = false;
  std::vector<report::RuleVerdict> verdicts;
  if (!spec.baseline_path.empty()) {
    std::string error;
    auto baseline = report::load_run(spec.baseline_path, error);
    if (!baseline) {
      std::fprintf(stderr, "squall: --baseline: %s\n", error.c_str());
      outcome.exit_code = kExitInvalidConfig;
      return outcome;
    }
    report::RunData current;
    current.meta = spec.meta;
    current.store = std::shared_ptr<const metrics::MetricsStore>(&store, [](const metrics::MetricsStore*) {});
    const report::CompareReport comparison = report::compare_runs(*baseline, current, spec.compare_rules);
    std::printf("\n  \u2588 BASELINE COMPARISON\n\n%s", report::render_compare_table(comparison).c_str());
    std::fflush(stdout);
    regression = comparison.regression;
    verdicts = comparison.verdicts;
  }
  if (!spec.junit_path.empty()) {
    write(spec.junit_path, report::render_junit(spec.summary.thresholds, verdicts, spec.meta.duration_seconds), "--junit");
  }
  if (thresholds_failed || threshold_abort || regression) {
    std::fprintf(stderr, "squall: %s\n", regression && !thresholds_failed && !threshold_abort
                                             ? "regression against the baseline"
                                             : "thresholds on metrics have been crossed");
    outcome.exit_code = kExitThresholdsFailed;
  } else if (write_failed) {
    outcome.exit_code = kExitOutputFailed;
  } else {
    outcome.exit_code = result.aborted ? kExitExternalAbort : kExitOk;
  }
  return outcome;
}

}  // namespace squall::cli
