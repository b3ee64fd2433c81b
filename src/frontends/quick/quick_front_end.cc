#include "frontends/quick/quick_front_end.h"

#include <cstdio>

#include "common/exit_codes.h"
#include "frontends/quick/http_request_program.h"
#include "net/http1_writer.h"
#include "net/url.h"
#include "schedule/executor.h"

namespace squall::quick {

std::optional<plan::TestOptions> QuickFrontEnd::layered_options(std::string& error) const {
  auto layered = plan::layer_options(invocation_.config_file, {}, invocation_.flags, error);
  if (!layered) return std::nullopt;
  plan::TestOptions options = std::move(*layered);
  // Quick mode's defaults (wrk/hey style) where no layer chose the execution.
  if (!options.execution.any_execution()) options.execution.duration = 10 * kSecond;
  if (!options.execution.vus && !options.execution.scenarios && !options.execution.stages) {
    options.execution.vus = invocation_.default_vus;  // stages start from k6's 1 VU
  }
  if (options.execution.iterations && options.execution.vus && *options.execution.vus > *options.execution.iterations) {
    options.execution.vus = options.execution.iterations;  // -n 5 with the default 50 VUs
  }
  return options;
}

int QuickFrontEnd::prepare(frontends::TestPlan& plan, metrics::MetricsStore&, const std::atomic<bool>&) {
  std::string error;
  auto url = net::parse_url(invocation_.url);
  if (!url.url) return invalid_config("invalid URL '" + invocation_.url + "': " + url.error);
  net::HttpRequest request;
  request.url = *url.url;
  request.method = invocation_.method;
  request.headers = invocation_.headers;
  if (auto problem = net::invalid_request(request)) return invalid_config(*problem + " (from -X/-H)");
  request.body = invocation_.body;
  auto options = layered_options(error);
  if (!options) return invalid_config(error);
  if (invocation_.rate) {
    // --rate R: an open model, R iterations per second on up to -c VUs.
    if (auto too_fast = schedule::check_rate_limit("--rate", *invocation_.rate, kSecond)) {
      return invalid_config("invalid --rate: " + *too_fast);
    }
    plan::ScenarioConfig s;
    s.executor = plan::ExecutorKind::kConstantArrivalRate;
    s.rate = *invocation_.rate;
    s.duration = options->execution.duration.value_or(10 * kSecond);
    s.pre_allocated_vus = s.max_vus = options->execution.vus.value_or(50);
    plan.scenarios.push_back(s);
  } else if (auto derived = plan::derive_scenarios(*options, error)) {
    plan.scenarios = std::move(*derived);
  } else {
    return invalid_config(error);
  }
  for (auto& s : plan.scenarios) {
    // Test-wide tags apply to every scenario; a scenario's own tags win.
    s.tags.insert(s.tags.begin(), options->tags.begin(), options->tags.end());
    if (invocation_.graceful_stop) s.graceful_stop = *invocation_.graceful_stop;
  }
  auto segment = schedule::ExecutionSegment::parse(options->execution_segment.value_or(""),
                                                   options->execution_segment_sequence.value_or(""), error);
  if (!segment) return invalid_config(error);
  plan.segment = *segment;
  vu::WorkerSettings& settings = plan.settings;
  if (invocation_.connect_timeout) settings.client.connect_timeout = *invocation_.connect_timeout;
  settings.hosts = options->hosts;
  for (const auto& [name, address] : invocation_.hosts) settings.hosts[name] = address;
  if (options->user_agent) settings.client.user_agent = *options->user_agent;
  net::TlsConfig tls = invocation_.tls;
  tls.insecure_skip_verify = tls.insecure_skip_verify || options->insecure_skip_tls_verify.value_or(false);
  if (options->tls_min && !invocation_.tls_min_from_flag) tls.min_version = *options->tls_min;
  if (options->tls_max && !invocation_.tls_max_from_flag) tls.max_version = *options->tls_max;
  settings.tls = net::TlsClientContext::create(tls, error);
  if (!settings.tls) return invalid_config(error);
  if (options->summary_trend_stats) plan.trend_stats = *options->summary_trend_stats;
  plan.time_unit = invocation_.time_unit.value_or(options->summary_time_unit.value_or(""));
  // squall's own command shows the request phases by default (full); --summary-mode compact hides them.
  plan.compact = invocation_.compact.value_or(false);
  plan.thresholds = options->thresholds;
  plan.control_address = invocation_.control_address;
  std::fprintf(stderr, "%s%s %s\n", invocation_.banner.c_str(), request.method.c_str(),
               request.url.to_string().c_str());
  plan.factory = [request, request_options = invocation_.request](vu::Worker& worker, const plan::ScenarioConfig& s) {
    return std::make_unique<HttpRequestProgram>(worker, request, request_options, s);
  };
  return kExitOk;
}

}  // namespace squall::quick
