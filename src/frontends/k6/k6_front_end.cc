#include "frontends/k6/k6_front_end.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>

#include "common/duration.h"
#include "common/exit_codes.h"
#include "common/files.h"
#include "frontends/k6/runtime/js_program.h"
#include "frontends/k6/runtime/k6_archive.h"
#include "frontends/k6/runtime/lifecycle_vu.h"
#include "frontends/k6/runtime/run_shared.h"
#include "frontends/k6/runtime/script_bundle.h"
#include "frontends/k6/runtime/v8_thread_identity.h"
#include "report/summary.h"
#include "report/summary_export.h"
#include "report/summary_text.h"
#include "schedule/executor.h"

extern char** environ;

namespace squall::k6 {

namespace {

using Ending = LifecycleVu::Ending;

int script_error(const std::string& message) {
  std::fprintf(stderr, "ERRO[0000] %s\n", message.c_str());
  return kExitScriptException;
}

// The exit of an init or setup() that did not return: interrupted (105) or out of time (`timeout_code`).
int stopped_early(Ending ending, const std::string& what, Nanos timeout, int timeout_code) {
  if (ending == Ending::kInterrupted) {
    std::fprintf(stderr, "ERRO[0000] %s was interrupted\n", what.c_str());
    return kExitExternalAbort;
  }
  std::fprintf(stderr, "ERRO[0000] %s execution timed out after %gs\n", what.c_str(),
               static_cast<double>(timeout) / 1e9);
  return timeout_code;
}

// k6's handleSummary() has no option for it; two minutes bounds a summary script stuck in a loop.
constexpr Nanos kHandleSummaryTimeout = 2 * 60 * kSecond;

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
    } else if (auto problem = write_whole_file(destination, text, "handleSummary() output")) {
      std::fprintf(stderr, "ERRO[0000] %s\n", problem->c_str());
      write_failed = true;
    }
  }
  std::fflush(stdout);
  return true;
}

// --log-output, --log-format, --console-output and -v into `log`; false with `error` for a bad value
// or a file that cannot be opened.
bool configure_logging(const K6Invocation& invocation, LogSettings& log, std::string& error) {
  auto open_file = [&](const std::string& path, const char* flag) -> std::shared_ptr<FILE> {
    FILE* file = std::fopen(path.c_str(), "a");
    if (!file) error = std::string(flag) + ": cannot open '" + path + "': " + std::strerror(errno);
    return file ? std::shared_ptr<FILE>(file, [](FILE* f) { std::fclose(f); }) : nullptr;
  };
  const std::string& output = invocation.log_output;
  if (output == "stdout") {
    log.out = std::shared_ptr<FILE>(stdout, [](FILE*) {});
  } else if (output == "none") {
    log.out = nullptr;
  } else if (output.starts_with("file=") || output == "file") {
    log.out = open_file(output.size() > 5 ? output.substr(5) : "k6.log", "--log-output");
    if (!log.out) return false;
  } else if (output != "stderr") {
    error = "invalid --log-output '" + output + "' (expected stderr, stdout, none or file=PATH; loki is not supported)";
    return false;
  }
  if (invocation.log_format == "json") {
    log.format = LogSettings::Format::kJson;
  } else if (invocation.log_format == "raw") {
    log.format = LogSettings::Format::kRaw;
  } else if (invocation.log_format != "text" && !invocation.log_format.empty()) {
    error = "invalid --log-format '" + invocation.log_format + "' (expected text, json or raw)";
    return false;
  }
  if (invocation.console_output) {
    log.console = open_file(*invocation.console_output, "--console-output");
    if (!log.console) return false;
  }
  log.verbose = invocation.verbose;
  return true;
}

}  // namespace

K6FrontEnd::K6FrontEnd(K6Invocation invocation) : invocation_(std::move(invocation)) {}

K6FrontEnd::~K6FrontEnd() = default;

bool K6FrontEnd::has_function(const std::string& name) const {
  return std::find(functions_.begin(), functions_.end(), name) != functions_.end();
}

std::optional<plan::TestOptions> K6FrontEnd::layered_options(const std::string& options_text,
                                                             std::string& error) const {
  plan::TestOptions script_options;
  if (!options_text.empty()) {
    auto parsed = plan::options_from_json(nlohmann::json::parse(options_text),
                                          invocation_.path + ": export const options", error);
    if (!parsed) return std::nullopt;
    script_options = *parsed;
  }
  return plan::layer_options(invocation_.config_file, script_options, invocation_.flags, error);
}

int K6FrontEnd::first_init(std::string& options_text, const std::atomic<bool>& interrupted) {
  Ending ending = Ending::kReturned;
  std::string error;
  if (invocation_.path.ends_with(".tar")) {
    // A k6 archive: unpacked into a folder of its own, its env under the -e values.
    char directory[] = "/tmp/squall-archive-XXXXXX";
    if (!mkdtemp(directory)) return invalid_config(std::string("cannot unpack the archive: ") + std::strerror(errno));
    archive_directory_ = directory;
    auto extracted = extract_k6_archive(invocation_.path, archive_directory_, error);
    if (!extracted) return invalid_config(error);
    archive_path_ = invocation_.path;
    invocation_.path = extracted->entry;
    invocation_.env.insert(invocation_.env.begin(), extracted->env.begin(), extracted->env.end());
  }
  bundle_ = ScriptBundle::load(invocation_.path, error);
  // TypeScript that esbuild refuses is a script error (107), as a JavaScript syntax error is.
  if (!bundle_) return error.starts_with("TypeScript: ") ? script_error(error) : invalid_config(error);
  if (!v8_thread_identity::available(error)) return script_error("JavaScript VUs cannot run on this V8: " + error);
  run_ = std::make_unique<RunShared>(*bundle_);
  for (char** e = environ; invocation_.include_system_env && *e; ++e) {
    const std::string kv = *e;
    const size_t eq = kv.find('=');
    if (eq != std::string::npos) run_->env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [name, value] : invocation_.env) run_->env[name] = value;
  run_->http_debug = invocation_.http_debug;
  run_->http_debug_full = invocation_.http_debug_full;
  if (!configure_logging(invocation_, run_->log, error)) return invalid_config(error);
  for (const auto& source : invocation_.secret_sources) {
    if (!run_->secrets.add(source, error)) return invalid_config("--secret-source: " + error);
  }
  run_->secrets.finish();

  // The first init: options and exports (k6 does the same on a throw-away VU).
  metrics::MetricsStore scratch;
  vu::WorkerSettings probe_settings;
  probe_settings.store = &scratch;
  LifecycleVu probe(*run_, probe_settings);
  if (!probe.init(error, interrupted, ending)) {
    return ending == Ending::kReturned ? script_error(error) : stopped_early(ending, "the init context", 0, 0);
  }
  options_text = probe.options_json(functions_);
  probe.survey_modules();
  return kExitOk;
}

int K6FrontEnd::inspect(bool execution_requirements) {
  const std::atomic<bool> never{false};
  std::string options_text, error;
  if (const int code = first_init(options_text, never); code != kExitOk) return code;
  auto options = layered_options(options_text, error);
  if (!options) return invalid_config(error);
  nlohmann::json out = options_text.empty() ? nlohmann::json::object() : nlohmann::json::parse(options_text);
  if (execution_requirements) {
    auto scenarios = plan::derive_scenarios(*options, error);
    if (!scenarios) return invalid_config(error);
    int64_t max_vus = 0;
    Nanos total = 0;
    for (const auto& s : *scenarios) {
      auto executor = schedule::make_executor(s);
      if (auto problem = executor->validate()) return invalid_config(*problem);
      max_vus += executor->max_vus();
      total = std::max(total, s.start_time + executor->scheduled_duration() + s.graceful_stop);
    }
    out["maxVUs"] = max_vus;
    out["totalDuration"] = format_go_duration(total);
  }
  std::printf("%s\n", out.dump(2).c_str());
  return kExitOk;
}

int K6FrontEnd::archive(const std::string& out_path) {
  const std::atomic<bool> never{false};
  std::string options_text, error;
  if (const int code = first_init(options_text, never); code != kExitOk) return code;
  auto options = layered_options(options_text, error);
  if (!options) return invalid_config(error);
  const std::map<std::string, std::string> env(invocation_.env.begin(), invocation_.env.end());
  if (!write_k6_archive(out_path, bundle_->local_files(), options_text.empty() ? "{}" : options_text, env, error)) {
    std::fprintf(stderr, "squall: %s\n", error.c_str());
    return kExitOutputFailed;
  }
  return kExitOk;
}

int K6FrontEnd::prepare(frontends::TestPlan& plan, metrics::MetricsStore& store, const std::atomic<bool>& interrupted) {
  interrupted_ = &interrupted;
  Ending ending = Ending::kReturned;
  std::string error, options_text;
  if (const int code = first_init(options_text, interrupted); code != kExitOk) return code;
  auto options = layered_options(options_text, error);
  if (!options) return invalid_config(error);
  auto scenarios = plan::derive_scenarios(*options, error);
  if (!scenarios) return invalid_config(error);
  for (auto& s : *scenarios) {
    s.tags.insert(s.tags.begin(), options->tags.begin(), options->tags.end());
    if (!has_function(s.exec))
      return invalid_config("executor " + s.name + ": function '" + s.exec + "' not found in exports");
  }
  if (invocation_.no_thresholds) options->thresholds.clear();
  auto segment = schedule::ExecutionSegment::parse(options->execution_segment.value_or(""),
                                                   options->execution_segment_sequence.value_or(""), error);
  if (!segment) return invalid_config(error);
  run_->options_json = options_text.empty() ? "{}" : options_text;
  run_->discard_response_bodies = options->discard_response_bodies.value_or(false);
  run_->min_iteration_duration = options->min_iteration_duration.value_or(0);
  run_->batch = static_cast<size_t>(options->batch.value_or(20));  // k6's defaults
  run_->batch_per_host = static_cast<size_t>(options->batch_per_host.value_or(6));
  run_->throw_errors = options->throw_errors.value_or(false);
  run_->no_connection_reuse = options->no_connection_reuse.value_or(false);
  run_->no_vu_connection_reuse = options->no_vu_connection_reuse.value_or(false);
  run_->max_redirects = static_cast<int>(options->max_redirects.value_or(10));
  if (options->rps && *options->rps > 0) run_->request_interval = std::max<Nanos>(1, kSecond / *options->rps);
  if (!options->unknown_fields.empty()) {
    log_line(*run_, "WARN", "There were unknown fields in the options exported in the script",
             "error=\"json: unknown field \\\"" + options->unknown_fields.front() + "\\\"\"");
  }
  setup_timeout_ = options->setup_timeout.value_or(60 * kSecond);
  teardown_timeout_ = options->teardown_timeout.value_or(60 * kSecond);

  plan.scenarios = std::move(*scenarios);
  plan.segment = *segment;
  plan.settings.hosts = options->hosts;
  if (options->user_agent) plan.settings.client.user_agent = *options->user_agent;
  if (options->blacklist_ips || options->block_hostnames) {
    auto policy = std::make_shared<net::DialPolicy>();
    for (const auto& range : options->blacklist_ips.value_or(std::vector<std::string>{})) {
      if (!policy->block_range(range, error)) return invalid_config("blacklistIPs: " + error);
    }
    for (const auto& pattern : options->block_hostnames.value_or(std::vector<std::string>{})) {
      if (!policy->block_hostname(pattern, error)) return invalid_config("blockHostnames: " + error);
    }
    plan.settings.client.dial_policy = std::move(policy);
  }
  net::TlsConfig tls;
  tls.insecure_skip_verify = options->insecure_skip_tls_verify.value_or(false);
  if (options->tls_min) tls.min_version = *options->tls_min;
  if (options->tls_max) tls.max_version = *options->tls_max;
  tls.cipher_suites = options->tls_cipher_suites.value_or(std::vector<std::string>{});
  plan.settings.tls = net::TlsClientContext::create(tls, error);
  if (!plan.settings.tls) return invalid_config(error);
  // k6's default trend statistics (squall's own commands add p(99) and p(99.9)).
  plan.trend_stats =
      options->summary_trend_stats.value_or(std::vector<std::string>{"avg", "min", "med", "max", "p(90)", "p(95)"});
  plan.time_unit = invocation_.time_unit.value_or(options->summary_time_unit.value_or(""));
  if (invocation_.compact) plan.compact = *invocation_.compact;
  plan.script = archive_path_.empty() ? invocation_.path : archive_path_;
  plan.colors = isatty(STDOUT_FILENO) && !invocation_.no_color && !std::getenv("NO_COLOR");
  plan.thresholds = options->thresholds;
  plan.control_address = invocation_.control_address;
  plan.show_progress = !invocation_.quiet;  // k6: -q hides the progress only
  plan.factory = [run = run_.get()](vu::Worker& worker, const plan::ScenarioConfig& scenario) {
    return std::make_unique<JsProgram>(*run, worker, scenario);
  };

  vu::WorkerSettings lifecycle_settings = plan.settings;
  lifecycle_settings.store = &store;
  lifecycle_ = std::make_unique<LifecycleVu>(*run_, lifecycle_settings);
  if (!lifecycle_->init(error, interrupted, ending)) {
    return ending == Ending::kReturned ? script_error(error) : stopped_early(ending, "the init context", 0, 0);
  }
  run_->abort_test = [this](const std::string& reason) {
    std::fprintf(stderr, "ERRO[0000] test aborted%s%s\n", reason.empty() ? "" : ": ", reason.c_str());
    abort_flag_ = true;
  };
  return kExitOk;
}

int K6FrontEnd::before_run(schedule::ExecutionScheduler&) {
  if (has_function("setup") && !invocation_.no_setup) {
    Ending ending = Ending::kReturned;
    auto result = lifecycle_->call("setup", "", setup_timeout_, *interrupted_, ending);
    if (ending != Ending::kReturned) return stopped_early(ending, "setup()", setup_timeout_, kExitSetupTimeout);
    if (!result.ok) return script_error("setup() failed: " + result.error);
    run_->setup_data_json = result.json;
  }
  run_->test_start = mono_now();  // log lines count from here (the scenarios start within microseconds)
  return kExitOk;
}

void K6FrontEnd::after_run() {
  if (!has_function("teardown") || invocation_.no_teardown) return;
  // teardown() runs after a Ctrl-C too, as in k6; a second one ends the process.
  const std::atomic<bool> never{false};
  Ending ending = Ending::kReturned;
  auto result = lifecycle_->call("teardown", run_->setup_data_json, teardown_timeout_, never, ending);
  if (ending == Ending::kTimedOut) {
    teardown_exit_ = stopped_early(ending, "teardown()", teardown_timeout_, kExitTeardownTimeout);
  } else if (!result.ok) {
    std::fprintf(stderr, "ERRO[0000] teardown() failed: %s\n", result.error.c_str());
    teardown_exit_ = kExitScriptException;
  }
}

bool K6FrontEnd::handle_summary(const report::Summary& summary) {
  if (invocation_.no_summary) return true;
  if (!has_function("handleSummary")) return false;
  report::RunState state;
  state.stdout_tty = isatty(STDOUT_FILENO);
  state.stderr_tty = isatty(STDERR_FILENO);
  run_->summary_text = report::render_text(summary);  // textSummary() of the bundled jslib k6-summary
  const std::atomic<bool> never{false};
  Ending ending = Ending::kReturned;
  auto result = lifecycle_->call("handleSummary", report::handle_summary_data(summary, state).dump(),
                                 kHandleSummaryTimeout, never, ending);
  if (!result.ok) {
    std::fprintf(stderr, "ERRO[0000] handleSummary() failed: %s\n", result.error.c_str());
    return false;
  }
  return write_summary_outputs(result.json, summary_write_failed_);
}

void K6FrontEnd::close() {
  lifecycle_.reset();  // its worker flushes into the store as it stops
  if (!archive_directory_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(archive_directory_, ignored);
    archive_directory_.clear();
  }
}

int K6FrontEnd::finish(const metrics::MetricsStore&, const schedule::ExecutionResult&, int engine_code) {
  if (run_->aborted_by_script) return kExitScriptAborted;
  if (engine_code != kExitOk) return engine_code;
  if (teardown_exit_ != kExitOk) return teardown_exit_;
  if (summary_write_failed_) return kExitOutputFailed;
  if (run_->marked_failed) return kExitMarkedAsFailed;
  return kExitOk;
}

}  // namespace squall::k6
