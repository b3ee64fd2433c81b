// `squall run script.js`: a k6 JavaScript test with k6's flags, lifecycle
// (init -> setup -> scenarios -> teardown -> handleSummary), summary and
// exit codes.
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <fstream>

#include "cli/args.h"
#include "common/text.h"
#include "cli/commands.h"
#include "cli/signals.h"
#include "cli/test_driver.h"
#include "common/duration.h"
#include "common/files.h"
#include "frontends/k6/runtime/js_program.h"
#include "frontends/k6/runtime/lifecycle_vu.h"
#include "frontends/k6/runtime/run_shared.h"
#include "frontends/k6/runtime/v8_thread_identity.h"
#include "plan/options.h"
#include "report/summary_export.h"
#include "report/summary_text.h"
#include "metrics/threshold_evaluation.h"

extern char** environ;

namespace squall::cli {

namespace {

constexpr char kK6Help[] =
    "usage: squall run SCRIPT.js [flags]   (k6 JavaScript; see docs/javascript.md)\n"
    "  -u, --vus N                 virtual users\n"
    "  -d, --duration D            test duration, e.g. 30s, 1m30s\n"
    "  -i, --iterations N          total iterations, shared by the VUs\n"
    "  -s, --stage D:N             ramping stage (repeatable), e.g. -s 30s:10 -s 1m:0\n"
    "  -e, --env NAME=VALUE        add to __ENV (repeatable)\n"
    "      --tag NAME=VALUE        tag every sample (repeatable)\n"
    "  -c, --config FILE           k6 options as JSON (script < config < K6_* env < flags)\n"
    "  -o, --out json=F|csv=F      every sample, in k6's JSON lines or CSV\n"
    "      --summary-export F      the end-of-test summary as JSON (k6's legacy format)\n"
    "      --summary-mode M        compact (default) or full\n"
    "      --summary-trend-stats L e.g. avg,min,med,max,p(90),p(95)\n"
    "      --summary-time-unit U   s, ms or us\n"
    "      --no-thresholds         do not evaluate thresholds\n"
    "      --no-setup, --no-teardown, --no-summary\n"
    "      --insecure-skip-tls-verify   do not verify TLS certificates\n"
    "      --hosts NAME=ADDR       resolve NAME (or NAME:PORT) to ADDR (repeatable; also options.hosts)\n"
    "      --http-debug            print every request and response head to stderr\n"
    "      --user-agent UA         the User-Agent header\n"
    "      --batch N, --batch-per-host N   http.batch: requests at once, and to one host (20, 6; 0: no limit)\n"
    "      --max-redirects N       redirects followed by default (10)\n"
    "  -w, --throw                 a request that gets no response throws\n"
    "      --no-connection-reuse   a new connection for every request\n"
    "      --no-vu-connection-reuse   a VU's connections are closed after each iteration\n"
    "      --address H:P           control API (GET/PATCH /v1/status)\n"
    "      --execution-segment A:B, --execution-segment-sequence LIST   run one share of the test\n"
    "  -q, --quiet                 no progress line\n"
    "      --results, --run-name, --baseline, --fail-on, --junit, --report,\n"
    "      --out, --dashboard, --dashboard-address   as in squall http --help\n"
    "Exit codes: 0 ok, 99 thresholds failed, 100 setup() timed out, 101 teardown() timed out, 103 a result\n"
    "file could not be written, 104 invalid options, 105 interrupted, 107 script error, 108 aborted by the\n"
    "script (test.abort), 110 marked as failed (test.fail).\n";

const std::vector<FlagSpec> kK6OwnFlags = {
    {{"-u", "--vus"}},           {{"-d", "--duration"}},   {{"-i", "--iterations"}},
    {{"-s", "--stage"}, true, true}, {{"-e", "--env"}, true, true}, {{"-c", "--config"}},
    {{"--out", "-o"}, true, true}, {{"--summary-export"}},    {{"--summary-mode"}},
    {{"--summary-trend-stats"}}, {{"--summary-time-unit"}}, {{"--no-thresholds"}, false},
    {{"--no-setup"}, false},     {{"--no-teardown"}, false}, {{"--no-summary"}, false},
    {{"--insecure-skip-tls-verify"}, false}, {{"--hosts"}, true, true}, {{"--http-debug"}, false},
    {{"--user-agent"}},          {{"--address"}},          {{"--execution-segment"}},
    {{"--batch"}},               {{"--batch-per-host"}},  {{"--max-redirects"}},
    {{"-w", "--throw"}, false},  {{"--no-connection-reuse"}, false}, {{"--no-vu-connection-reuse"}, false},
    {{"--execution-segment-sequence"}}, {{"-q", "--quiet"}, false}, {{"-h", "--help"}, false},
};

const std::vector<FlagSpec> kK6Flags = combine_flags(kK6OwnFlags, ci_flags());

int invalid(const std::string& message) { return report_invalid("squall", message); }

int script_error(const std::string& message) {
  std::fprintf(stderr, "ERRO[0000] %s\n", message.c_str());
  return kExitScriptException;
}

using Ending = k6::LifecycleVu::Ending;

// The exit of an init or setup() that did not return: interrupted (105) or out of time (`timeout_code`).
int stopped_early(Ending ending, const std::string& what, Nanos timeout, int timeout_code) {
  if (ending == Ending::kInterrupted) {
    std::fprintf(stderr, "ERRO[0000] %s was interrupted\n", what.c_str());
    return kExitExternalAbort;
  }
  std::fprintf(stderr, "ERRO[0000] %s execution timed out after %gs\n", what.c_str(), static_cast<double>(timeout) / 1e9);
  return timeout_code;
}

// k6's handleSummary() has no option for it; two minutes bounds a summary script stuck in a loop.
constexpr Nanos kHandleSummaryTimeout = 2 * 60 * kSecond;

bool positive_number(const std::string& text, int64_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out >= 0;
}

// The flags' layer of the options.
std::optional<plan::TestOptions> flag_options(const Args& args, std::string& error) {
  plan::TestOptions flags;
  int64_t n = 0;
  if (auto v = args.get("-u")) {
    if (!positive_number(*v, n)) return error = "invalid --vus '" + *v + "'", std::nullopt;
    flags.execution.vus = n;
  }
  if (auto v = args.get("-i")) {
    if (!positive_number(*v, n)) return error = "invalid --iterations '" + *v + "'", std::nullopt;
    flags.execution.iterations = n;
  }
  if (auto v = args.get("-d")) {
    auto d = parse_duration(*v);
    if (!d || *d < 0) return error = "invalid --duration '" + *v + "' (e.g. 30s, 1m30s)", std::nullopt;
    flags.execution.duration = *d;
  }
  if (args.has("-s")) {
    std::vector<plan::Stage> stages;
    for (const auto& text : args.all("-s")) {
      auto stage = plan::parse_stage(text);
      if (!stage) return error = "invalid --stage '" + text + "' (expected DURATION:TARGET, e.g. 30s:10)", std::nullopt;
      stages.push_back(*stage);
    }
    flags.execution.stages = stages;
  }
  if (auto v = args.get("--summary-trend-stats")) {
    flags.summary_trend_stats = split_nonempty(*v, ',');
  }
  if (auto v = args.get("--batch")) {
    if (!positive_number(*v, n)) return error = "invalid --batch '" + *v + "'", std::nullopt;
    flags.batch = n;
  }
  if (auto v = args.get("--batch-per-host")) {
    if (!positive_number(*v, n)) return error = "invalid --batch-per-host '" + *v + "'", std::nullopt;
    flags.batch_per_host = n;
  }
  if (auto v = args.get("--max-redirects")) {
    if (!positive_number(*v, n)) return error = "invalid --max-redirects '" + *v + "'", std::nullopt;
    flags.max_redirects = n;
  }
  if (args.has("-w")) flags.throw_errors = true;
  if (args.has("--no-connection-reuse")) flags.no_connection_reuse = true;
  if (args.has("--no-vu-connection-reuse")) flags.no_vu_connection_reuse = true;
  if (args.has("--insecure-skip-tls-verify")) flags.insecure_skip_tls_verify = true;
  if (auto v = args.get("--user-agent")) flags.user_agent = *v;
  if (auto v = args.get("--execution-segment")) flags.execution_segment = *v;
  if (auto v = args.get("--execution-segment-sequence")) flags.execution_segment_sequence = *v;
  for (const auto& h : args.all("--hosts")) {
    const size_t eq = h.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == h.size()) return error = "invalid --hosts '" + h + "' (expected NAME=ADDR)", std::nullopt;
    flags.hosts[h.substr(0, eq)] = h.substr(eq + 1);
  }
  return flags;
}

// Writes what handleSummary returned: {"stdout": text, "stderr": text, "path": content}; a file
// that cannot be written sets `write_failed`.
bool write_summary_outputs(const std::string& json_text, bool& write_failed) {
  const auto outputs = nlohmann::json::parse(json_text, nullptr, false);
  if (!outputs.is_object()) {
    std::fprintf(stderr, "ERRO[0000] handleSummary() must return an object of {destination: content}\n");
    return false;
  }
  for (const auto& [destination, content] : outputs.items()) {
    const std::string text = content.is_string() ? content.get<std::string>() : content.dump();
    if (destination == "stdout") {
      std::fwrite(text.data(), 1, text.size(), stdout);
    } else if (destination == "stderr") {
      std::fwrite(text.data(), 1, text.size(), stderr);
    } else {
      if (auto problem = write_whole_file(destination, text, "handleSummary() output")) {
        std::fprintf(stderr, "ERRO[0000] %s\n", problem->c_str());
        write_failed = true;
      }
    }
  }
  std::fflush(stdout);
  return true;
}

int run_script(const Args& args, const std::string& path) {
  // Ctrl-C from here on: init and setup() are terminated and exit 105; a run keeps its summary.
  const auto& interrupt = install_stop_signals();
  const std::atomic<bool> never{false};
  Ending ending = Ending::kReturned;
  std::string error;
  auto bundle = k6::ScriptBundle::load(path, error);
  if (!bundle) return invalid(error);
  if (!k6::v8_thread_identity::available(error)) return script_error("JavaScript VUs cannot run on this V8: " + error);
  k6::RunShared run(*bundle);
  for (char** e = environ; *e; ++e) {
    const std::string kv = *e;
    const size_t eq = kv.find('=');
    if (eq != std::string::npos) run.env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& kv : args.all("-e")) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) return invalid("invalid --env '" + kv + "' (expected NAME=VALUE)");
    run.env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  run.http_debug = args.has("--http-debug");

  // The first init: options and exports (k6 does the same on a throw-away VU).
  std::string options_text;
  std::vector<std::string> functions;
  {
    metrics::MetricsStore scratch;
    vu::WorkerSettings probe_settings;
    probe_settings.store = &scratch;
    k6::LifecycleVu probe(run, probe_settings);
    if (!probe.init(error, interrupt, ending)) {
      return ending == Ending::kReturned ? script_error(error) : stopped_early(ending, "the init context", 0, 0);
    }
    options_text = probe.options_json(functions);
    probe.survey_modules();
  }
  auto has_function = [&](const std::string& name) {
    return std::find(functions.begin(), functions.end(), name) != functions.end();
  };
  plan::TestOptions script_options;
  if (!options_text.empty()) {
    auto parsed = plan::options_from_json(nlohmann::json::parse(options_text), path + ": export const options", error);
    if (!parsed) return invalid(error);
    script_options = *parsed;
  }
  plan::TestOptions config;
  if (auto file = args.get("-c")) {
    auto from_file = plan::options_from_file(*file, error);
    if (!from_file) return invalid(error);
    config = *from_file;
  }
  auto from_env = plan::options_from_env(error);
  if (!from_env) return invalid(error);
  auto flags = flag_options(args, error);
  if (!flags) return invalid(error);
  plan::TestOptions options = plan::merge_options(plan::merge_options(plan::merge_options(script_options, config), *from_env), *flags);
  auto scenarios = plan::derive_scenarios(options, error);
  if (!scenarios) return invalid(error);
  if (auto problem = schedule::validate_scenarios(*scenarios)) return invalid(*problem);
  for (auto& s : *scenarios) {
    s.tags.insert(s.tags.begin(), options.tags.begin(), options.tags.end());
    if (!has_function(s.exec)) {
      return invalid("executor " + s.name + ": function '" + s.exec + "' not found in exports");
    }
  }
  if (args.has("--no-thresholds")) options.thresholds.clear();
  if (auto problem = metrics::validate_thresholds(options.thresholds); !problem.empty()) return invalid(problem);
  auto segment = schedule::ExecutionSegment::parse(options.execution_segment.value_or(""),
                                                   options.execution_segment_sequence.value_or(""), error);
  if (!segment) return invalid(error);
  run.options_json = options_text.empty() ? "{}" : options_text;
  run.discard_response_bodies = options.discard_response_bodies.value_or(false);
  run.min_iteration_duration = options.min_iteration_duration.value_or(0);
  run.batch = static_cast<size_t>(options.batch.value_or(20));  // k6's defaults
  run.batch_per_host = static_cast<size_t>(options.batch_per_host.value_or(6));
  run.throw_errors = options.throw_errors.value_or(false);
  run.no_connection_reuse = options.no_connection_reuse.value_or(false);
  run.no_vu_connection_reuse = options.no_vu_connection_reuse.value_or(false);
  run.max_redirects = static_cast<int>(options.max_redirects.value_or(10));

  TestSpec spec;
  spec.scenarios = *scenarios;
  spec.segment = *segment;
  spec.settings.hosts = options.hosts;
  if (options.user_agent) spec.settings.client.user_agent = *options.user_agent;
  net::TlsConfig tls;
  tls.insecure_skip_verify = options.insecure_skip_tls_verify.value_or(false);
  if (options.tls_min) tls.min_version = *options.tls_min;
  if (options.tls_max) tls.max_version = *options.tls_max;
  spec.settings.tls = net::TlsClientContext::create(tls, error);
  if (!spec.settings.tls) return invalid(error);
  if (!read_summary_flags(args, options, spec.summary, error)) return invalid(error);
  spec.thresholds = options.thresholds;
  spec.control_address = args.get("--address");
  spec.summary_export = args.get("--summary-export").value_or("");
  spec.quiet = args.has("-q");
  if (!read_ci_flags(args, spec, error)) return invalid(error);
  spec.factory = [&run](vu::Worker& worker, const plan::ScenarioConfig& scenario) {
    return std::make_unique<k6::JsProgram>(run, worker, scenario);
  };

  metrics::MetricsStore store;
  vu::WorkerSettings lifecycle_settings = spec.settings;
  lifecycle_settings.store = &store;
  k6::LifecycleVu lifecycle(run, lifecycle_settings);
  if (!lifecycle.init(error, interrupt, ending)) {
    return ending == Ending::kReturned ? script_error(error) : stopped_early(ending, "the init context", 0, 0);
  }
  const Nanos setup_timeout = options.setup_timeout.value_or(60 * kSecond);
  const Nanos teardown_timeout = options.teardown_timeout.value_or(60 * kSecond);
  if (has_function("setup") && !args.has("--no-setup")) {
    auto result = lifecycle.call("setup", "", setup_timeout, interrupt, ending);
    if (ending != Ending::kReturned) return stopped_early(ending, "setup()", setup_timeout, kExitSetupTimeout);
    if (!result.ok) return script_error("setup() failed: " + result.error);
    run.setup_data_json = result.json;
  }
  std::atomic<bool> abort_flag{false};
  run.abort_test = [&abort_flag](const std::string& reason) {
    std::fprintf(stderr, "ERRO[0000] test aborted%s%s\n", reason.empty() ? "" : ": ", reason.c_str());
    abort_flag = true;
  };
  spec.abort_flag = &abort_flag;
  int teardown_exit = kExitOk;
  spec.after_run = [&] {
    if (!has_function("teardown") || args.has("--no-teardown")) return;
    // teardown() runs after a Ctrl-C too, as in k6; a second one ends the process.
    auto result = lifecycle.call("teardown", run.setup_data_json, teardown_timeout, never, ending);
    if (ending == Ending::kTimedOut) {
      teardown_exit = stopped_early(ending, "teardown()", teardown_timeout, kExitTeardownTimeout);
    } else if (!result.ok) {
      std::fprintf(stderr, "ERRO[0000] teardown() failed: %s\n", result.error.c_str());
      teardown_exit = kExitScriptException;
    }
  };
  const bool no_summary = args.has("--no-summary");
  bool summary_write_failed = false;
  spec.summary_handler = [&](const report::Summary& summary) {
    if (no_summary) return true;
    if (!has_function("handleSummary")) return false;
    report::RunState state;
    state.stdout_tty = isatty(STDOUT_FILENO);
    state.stderr_tty = isatty(STDERR_FILENO);
    run.summary_text = report::render_text(summary);  // textSummary() of the bundled jslib k6-summary
    Ending summary_ending = Ending::kReturned;
    auto result = lifecycle.call("handleSummary", report::handle_summary_data(summary, state).dump(),
                                 kHandleSummaryTimeout, never, summary_ending);
    if (!result.ok) {
      std::fprintf(stderr, "ERRO[0000] handleSummary() failed: %s\n", result.error.c_str());
      return false;
    }
    return write_summary_outputs(result.json, summary_write_failed);
  };
  if (!spec.quiet) std::fprintf(stderr, "squall: %s (k6 JavaScript)\n", path.c_str());
  run.test_start = mono_now();  // log lines count from here (the scenarios start within microseconds)
  const TestOutcome outcome = execute_test(std::move(spec), store);
  if (run.aborted_by_script) return kExitScriptAborted;
  if (outcome.exit_code != kExitOk) return outcome.exit_code;
  if (teardown_exit != kExitOk) return teardown_exit;
  if (summary_write_failed) return kExitOutputFailed;
  if (run.marked_failed) return kExitMarkedAsFailed;
  return kExitOk;
}

}  // namespace

int run_k6_script(int argc, char** argv) {
  std::string error;
  auto args = Args::parse(argc, argv, 2, kK6Flags, error);
  if (!args) return invalid(error + "\n\n" + kK6Help);
  if (args->has("-h")) {
    std::fputs(kK6Help, stdout);
    return kExitOk;
  }
  if (args->positionals().size() != 1) return invalid(std::string("expected one script file\n\n") + kK6Help);
  return run_script(*args, args->positionals().front());
}

}  // namespace squall::cli
