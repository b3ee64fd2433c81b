#include "frontends/artillery/artillery_front_end.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "common/exit_codes.h"
#include "common/files.h"
#include "frontends/artillery/flow_program.h"
#include "frontends/artillery/json_report.h"
#include "frontends/artillery/phases.h"

namespace squall::artillery {

namespace {

// --dotenv: KEY=VALUE lines (optionally quoted values, # comments) into the process environment.
bool load_dotenv(const std::string& path, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read --dotenv '" + path + "'";
    return false;
  }
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    const size_t eq = line.find('=');
    if (eq == std::string::npos || eq == 0) {
      error = path + ":" + std::to_string(number) + ": expected KEY=VALUE";
      return false;
    }
    std::string value = line.substr(eq + 1);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    setenv(line.substr(0, eq).c_str(), value.c_str(), 1);
  }
  return true;
}

}  // namespace

ArtilleryFrontEnd::ArtilleryFrontEnd(ArtilleryInvocation invocation) : invocation_(std::move(invocation)) {}

ArtilleryFrontEnd::~ArtilleryFrontEnd() = default;

int ArtilleryFrontEnd::prepare(frontends::TestPlan& plan, metrics::MetricsStore&, const std::atomic<bool>&) {
  std::string error;
  if (invocation_.dotenv && !load_dotenv(*invocation_.dotenv, error)) return invalid_config(error);
  script_ = load_script(invocation_.path, invocation_.load, error);
  if (!script_) return invalid_config(error);
  if (!net::parse_url(script_->config.target).url) {
    return invalid_config(invocation_.path + ": config.target '" + script_->config.target + "' is not an http(s) URL");
  }
  net::TlsConfig tls;
  tls.insecure_skip_verify = invocation_.insecure || !script_->config.reject_unauthorized;
  plan.settings.tls = net::TlsClientContext::create(tls, error);
  if (!plan.settings.tls) return invalid_config(error);
  plan.settings.client.user_agent = "Artillery (https://artillery.io)";
  plan.script = invocation_.path;
  plan.scenarios.push_back(phases_to_scenario(script_->config));
  shared_ = std::make_unique<FlowShared>(*script_);
  shared_->quiet = invocation_.quiet;
  plan.factory = [shared = shared_.get()](vu::Worker& worker, const plan::ScenarioConfig&) {
    return std::make_unique<FlowProgram>(worker, *shared);
  };
  plan.trend_stats = {"avg", "min", "med", "max", "p(90)", "p(95)", "p(99)"};
  plan.show_progress = plan.print_summary = !invocation_.quiet;  // Artillery's -q prints nothing
  if (invocation_.output) plan.files.emplace_back(*invocation_.output, "--output");
  if (!invocation_.quiet) {
    std::fprintf(stderr, "squall artillery: %s against %s\n", invocation_.path.c_str(), script_->config.target.c_str());
  }
  wall_start_ms_ =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  return kExitOk;
}

int ArtilleryFrontEnd::finish(const metrics::MetricsStore& store, const schedule::ExecutionResult& result,
                              int engine_code) {
  const auto report = build_report(store, result.elapsed, wall_start_ms_);
  bool write_failed = false;
  if (invocation_.output) {
    if (auto problem = write_whole_file(*invocation_.output, report.dump(2) + "\n", "--output")) {
      std::fprintf(stderr, "squall: %s\n", problem->c_str());
      write_failed = true;
    }
  }
  if (!invocation_.quiet) {
    std::printf("    http.response_time is Artillery's: time to first byte; the full duration is http_req_duration.\n");
  }
  const auto ensure = evaluate_ensure(script_->config, report["aggregate"]);
  bool ensure_failed = false;
  if (!ensure.empty()) std::printf("\n    ENSURE\n");
  for (const auto& e : ensure) {
    std::printf("    %s %s (observed %g)\n", e.ok ? "\u2713" : "\u2717", e.check.c_str(), e.observed);
    ensure_failed = ensure_failed || !e.ok;
  }
  std::fflush(stdout);
  if (ensure_failed) return 1;  // Artillery's exit code for a failed ensure
  if (write_failed && engine_code == kExitOk) return kExitOutputFailed;
  return engine_code;
}

}  // namespace squall::artillery
