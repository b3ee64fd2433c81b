#include "engine/run_session.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "common/duration.h"
#include "common/exit_codes.h"
#include "common/files.h"
#include "engine/progress.h"
#include "engine/signals.h"
#include "live/control_api.h"
#include "live/live_dashboard.h"
#include "metrics/metric_stats.h"
#include "metrics/threshold_evaluation.h"
#include "outputs/output_set.h"
#include "plan/scenario_description.h"
#include "report/html_report.h"
#include "report/junit.h"
#include "report/summary.h"
#include "report/summary_export.h"
#include "report/summary_text.h"
#include "schedule/executor.h"

namespace squall::engine {

namespace {

// The scenarios and thresholds, as stored in the results bundle's metadata.
nlohmann::json plan_json(const frontends::TestPlan& plan) {
  nlohmann::json scenarios = nlohmann::json::object();
  for (const auto& s : plan.scenarios) {
    auto executor = schedule::make_executor(s);
    scenarios[s.name] = {{"executor", plan::executor_name(s.executor)},
                         {"startTime_s", static_cast<double>(s.start_time) / 1e9},
                         {"duration_s", static_cast<double>(executor->scheduled_duration()) / 1e9},
                         {"maxVUs", executor->max_vus()}};
  }
  nlohmann::json thresholds = nlohmann::json::object();
  for (const auto& mt : plan.thresholds) {
    for (const auto& t : mt.thresholds) thresholds[mt.selector.source].push_back(t.expression.source);
  }
  return {{"scenarios", scenarios}, {"thresholds", thresholds}};
}

// Every file the run will write, as {path, what}.
std::vector<std::pair<std::string, std::string>> result_files(const frontends::TestPlan& plan,
                                                              const RunOptions& options) {
  std::vector<std::pair<std::string, std::string>> files = plan.files;
  for (const auto& [path, what] : {std::pair<std::string, std::string>{options.summary_export, "--summary-export"},
                                   {options.results_path, "--results"},
                                   {options.report_path, "--report"},
                                   {options.junit_path, "--junit"}}) {
    if (!path.empty()) files.emplace_back(path, what);
  }
  for (const auto& out : options.outputs) {
    for (const char* kind : {"json=", "csv="}) {
      if (out.starts_with(kind)) files.emplace_back(out.substr(std::string_view(kind).size()), "--out " + out);
    }
  }
  return files;
}

// The plan's own mistakes, found before anything starts: empty when there are none.
std::string plan_problem(const frontends::TestPlan& plan, const metrics::MetricRegistry& metrics) {
  if (auto problem = schedule::validate_scenarios(plan.scenarios)) return *problem;
  for (const auto& stat : plan.trend_stats) {
    if (!metrics::is_trend_stat(stat)) return "invalid trend stat '" + stat + "'";
  }
  return metrics::validate_thresholds(plan.thresholds, metrics);
}

class RunSession {
 public:
  RunSession(frontends::FrontEnd& front_end, RunOptions options)
      : front_end_(front_end), options_(std::move(options)) {}
  RunSession(const RunSession&) = delete;
  RunSession& operator=(const RunSession&) = delete;
  // Whatever path the run took, the front-end lets go of the store before it goes (the members
  // below are destroyed after this body, the store after the scheduler that writes into it).
  ~RunSession() { front_end_.close(); }

  int run() {
    const auto& interrupt = install_stop_signals();
    if (const int code = front_end_.prepare(plan_, store_, interrupt); code != kExitOk) return code;
    if (const auto problem = plan_problem(plan_, store_.metrics()); !problem.empty()) return invalid_config(problem);
    options_.meta.started_at = report::utc_now_iso8601();
    options_.meta.squall_version = SQUALL_VERSION;
    options_.meta.options = plan_json(plan_);
    for (auto& s : plan_.scenarios) {
      // --tag k=v tags every sample, as in k6.
      for (const auto& [k, v] : options_.meta.tags) s.tags.insert(s.tags.begin(), {k, v});
    }
    plan_.settings.store = &store_;
    // A result file that cannot be written is found now, not after the run it would have held.
    for (const auto& [path, what] : result_files(plan_, options_)) {
      if (auto problem = check_writable(path, what)) return invalid_config(*problem);
    }
    std::string error;
    if (!outputs_.open(options_.outputs, error)) return invalid_config("--out: " + error);
    plan_.settings.keep_raw_samples = outputs_.needs_raw_samples();
    announce_scenarios();
    scheduler_ =
        std::make_unique<schedule::ExecutionScheduler>(plan_.scenarios, plan_.segment, plan_.settings, plan_.factory);
    if (!start_services(error)) return invalid_config(error);
    if (const int code = front_end_.before_run(*scheduler_); code != kExitOk) return code;
    run_scenarios(interrupt);
    if (control_) control_->set_finished();
    if (dashboard_) dashboard_->set_finished();
    front_end_.after_run();
    write_failed_ = !outputs_.close(store_, !plan_.print_summary);
    summarise();
    write_artifacts();
    std::vector<report::RuleVerdict> verdicts;
    if (!options_.baseline_path.empty() && !compare_with_baseline(verdicts)) return kExitInvalidConfig;
    if (!options_.junit_path.empty()) {
      write(options_.junit_path, report::render_junit(thresholds_, verdicts, options_.meta.duration_seconds),
            "--junit");
    }
    const int code = front_end_.finish(store_, result_, exit_code());
    if (options_.linger && !interrupt) {
      std::fprintf(stderr, "Linger set; waiting for Ctrl+C to fully exit...\n");
      while (!interrupt) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return code;
  }

 private:
  // Prints each scenario's shape; sets the longest end (for the progress line) and the VU ceiling.
  void announce_scenarios() {
    Nanos longest_with_stop = 0;
    std::string lines;
    for (const auto& s : plan_.scenarios) {
      auto executor = schedule::make_executor(s);
      const int64_t vus = plan_.segment.scale(executor->max_vus());
      max_vus_ += vus;
      longest_ = std::max(longest_, s.start_time + executor->scheduled_duration());
      longest_with_stop = std::max(longest_with_stop, s.start_time + executor->scheduled_duration() + s.graceful_stop);
      lines += "              * " + s.name + ": " + plan::describe_scenario(s) + "\n";
    }
    if (!plan_.print_summary) return;
    // k6's execution plan, in its layout.
    const auto share = [](schedule::Fraction f) { return static_cast<double>(f.num) / static_cast<double>(f.den); };
    std::string outputs;
    for (const auto& o : options_.outputs) outputs += (outputs.empty() ? "" : ", ") + o;
    std::fprintf(stderr, "\n     execution: local\n%s        output: %s\n\n",
                 plan_.script.empty() ? "" : ("        script: " + plan_.script + "\n").c_str(),
                 outputs.empty() ? "-" : outputs.c_str());
    std::fprintf(stderr,
                 "     scenarios: (%.2f%%) %zu scenario%s, %lld max VUs, %s max duration (incl. graceful stop):\n%s\n",
                 100.0 * (share(plan_.segment.to()) - share(plan_.segment.from())), plan_.scenarios.size(),
                 plan_.scenarios.size() == 1 ? "" : "s", static_cast<long long>(max_vus_),
                 format_go_duration(longest_with_stop).c_str(), lines.c_str());
  }

  // The control API (asked for, or needed by an externally-controlled scenario) and the dashboard.
  bool start_services(std::string& error) {
    const bool external = std::any_of(
        plan_.scenarios.begin(), plan_.scenarios.end(),
        [](const plan::ScenarioConfig& s) { return s.executor == plan::ExecutorKind::kExternallyControlled; });
    if (external || plan_.control_address) {
      const std::string address = plan_.control_address.value_or("127.0.0.1:6565");
      control_ = std::make_unique<live::ControlApi>(address, *scheduler_, max_vus_);
      if (!control_->start(error)) return false;
      if (plan_.print_summary) {
        std::fprintf(stderr, "  control API on http://%s:%u/v1/status\n", address.substr(0, address.rfind(':')).c_str(),
                     control_->port());
      }
    }
    if (options_.dashboard_address) {
      dashboard_ = std::make_unique<live::LiveDashboard>(*options_.dashboard_address, options_.dashboard_allow_remote,
                                                         store_, *scheduler_);
      if (!dashboard_->start(error)) return false;
      if (options_.dashboard_allow_remote) {
        std::fprintf(stderr,
                     "squall: WARN the dashboard may be reachable from other machines: its URL's token is all "
                     "that guards the stop button\n");
      }
      std::fprintf(stderr, "  dashboard on %s\n", dashboard_->url().c_str());
    }
    return true;
  }

  // The scenarios, with thresholds evaluated every 2 s during the run as k6 does (abortOnFail).
  void run_scenarios(const std::atomic<bool>& interrupt) {
    std::unique_ptr<Progress> progress;
    if (plan_.show_progress)
      progress = std::make_unique<Progress>(store_, longest_, max_vus_, [this] { return scheduler_->active_vus(); });
    outputs_.attach(store_, unix_now_ms());
    Nanos last_evaluation = 0;
    const auto stop_requested = [&] { return interrupt.load() || front_end_.stop_requested(); };
    result_ = scheduler_->run(
        [&](Nanos elapsed) {
          if (plan_.thresholds.empty() || elapsed - last_evaluation < 2 * kSecond) return;
          last_evaluation = elapsed;
          if (metrics::should_abort(metrics::evaluate_thresholds(plan_.thresholds, store_, elapsed), elapsed)) {
            threshold_abort_ = true;
            scheduler_->abort();
          }
        },
        stop_requested);
  }

  // The summary model, the thresholds' verdicts, and the text summary with k6's closing lines.
  void summarise() {
    report::SummaryOptions summary_options;
    summary_options.trend_stats = plan_.trend_stats;
    summary_options.time_unit = plan_.time_unit;
    summary_options.compact = plan_.compact;
    summary_options.colors = plan_.colors;
    summary_options.elapsed = result_.elapsed;
    for (const auto& mt : plan_.thresholds) summary_options.selectors.push_back(mt.selector);
    thresholds_ = metrics::evaluate_thresholds(plan_.thresholds, store_, result_.elapsed);
    summary_options.thresholds = thresholds_;
    thresholds_failed_ = std::any_of(thresholds_.begin(), thresholds_.end(),
                                     [](const metrics::ThresholdResult& t) { return !t.passed; });
    summary_ = report::build_summary(store_, summary_options);
    const bool handled = front_end_.handle_summary(summary_);
    if (!plan_.print_summary) return;
    if (!handled) {
      std::printf("\n%s\n    connections opened: %llu\n    test run time: %.2fs%s\n",
                  report::render_text(summary_).c_str(), static_cast<unsigned long long>(result_.connections_opened),
                  static_cast<double>(result_.elapsed) / 1e9,
                  threshold_abort_  ? " (aborted by a threshold)"
                  : result_.aborted ? " (interrupted)"
                                    : "");
    }
    // k6's closing line: a hung target shows here even when no request ever completed.
    const auto complete = static_cast<unsigned long long>(store_.metric_total(metrics::builtin::kIterations).sum);
    std::fflush(stdout);
    std::fprintf(stderr, "    %llu complete and %llu interrupted iterations%s\n", complete,
                 static_cast<unsigned long long>(result_.iterations_interrupted),
                 result_.iterations_interrupted > 0 ? " (cut short: what they had not finished is in no metric)" : "");
    std::fflush(stdout);
  }

  void write(const std::string& path, const std::string& text, const std::string& what) {
    if (auto problem = write_whole_file(path, text, what)) {
      std::fprintf(stderr, "squall: %s\n", problem->c_str());
      write_failed_ = true;
    }
  }

  // --summary-export, --results and --report.
  void write_artifacts() {
    if (!options_.summary_export.empty())
      write(options_.summary_export, report::render_k6_export(summary_), "--summary-export");
    options_.meta.duration_seconds = static_cast<double>(result_.elapsed) / 1e9;
    if (!options_.results_path.empty()) {
      std::string error;
      if (!report::write_results(options_.results_path, store_, options_.meta, error)) {
        std::fprintf(stderr, "squall: --results: %s\n", error.c_str());
        write_failed_ = true;
      }
    }
    if (!options_.report_path.empty()) {
      write(options_.report_path, report::render_html_report(store_, options_.meta, summary_), "--report");
    }
  }

  // --baseline: prints the comparison; false when the baseline cannot be read.
  bool compare_with_baseline(std::vector<report::RuleVerdict>& verdicts) {
    std::string error;
    auto baseline = report::load_run(options_.baseline_path, error);
    if (!baseline) {
      std::fprintf(stderr, "squall: --baseline: %s\n", error.c_str());
      return false;
    }
    report::RunData current;
    current.meta = options_.meta;
    current.store = std::shared_ptr<const metrics::MetricsStore>(&store_, [](const metrics::MetricsStore*) {});
    const report::CompareReport comparison = report::compare_runs(*baseline, current, options_.compare_rules);
    std::printf("\n  \u2588 BASELINE COMPARISON\n\n%s", report::render_compare_table(comparison).c_str());
    std::fflush(stdout);
    regression_ = comparison.regression;
    verdicts = comparison.verdicts;
    return true;
  }

  // k6's words, naming the metrics: "thresholds on metrics 'http_req_duration, checks' have been crossed".
  std::string crossed_thresholds_message() const {
    std::vector<std::string> names;
    for (const auto& t : thresholds_) {
      if (!t.passed && std::find(names.begin(), names.end(), t.metric) == names.end()) names.push_back(t.metric);
    }
    std::string list;
    for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
    return list.empty() ? "thresholds on metrics have been crossed"
                        : "thresholds on metrics '" + list + "' have been crossed";
  }

  // k6's order: crossed thresholds (or a regression), then a failed write, then an interruption.
  int exit_code() const {
    if (thresholds_failed_ || threshold_abort_) {
      std::fprintf(stderr, "squall: %s\n", crossed_thresholds_message().c_str());
      return kExitThresholdsFailed;
    }
    if (regression_) {
      std::fprintf(stderr, "squall: regression against the baseline\n");
      return kExitThresholdsFailed;
    }
    if (write_failed_) return kExitOutputFailed;
    return result_.aborted ? kExitExternalAbort : kExitOk;
  }

  frontends::FrontEnd& front_end_;
  RunOptions options_;
  frontends::TestPlan plan_;
  metrics::MetricsStore store_;
  outputs::OutputSet outputs_;
  std::unique_ptr<schedule::ExecutionScheduler> scheduler_;
  std::unique_ptr<live::ControlApi> control_;
  std::unique_ptr<live::LiveDashboard> dashboard_;
  Nanos longest_ = 0;
  int64_t max_vus_ = 0;
  schedule::ExecutionResult result_;
  report::Summary summary_;
  std::vector<metrics::ThresholdResult> thresholds_;
  bool threshold_abort_ = false;
  bool thresholds_failed_ = false;
  bool regression_ = false;
  bool write_failed_ = false;
};

}  // namespace

int run_session(frontends::FrontEnd& front_end, RunOptions options) {
  // The session is large (the store, the scheduler): on the heap, not the caller's stack.
  auto session = std::make_unique<RunSession>(front_end, std::move(options));
  return session->run();
}

}  // namespace squall::engine
