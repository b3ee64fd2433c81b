// `squall http URL`: the quick mode, and `squall demo`, which runs it against
// an in-process demo target.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli/args.h"
#include "common/text.h"
#include "cli/commands.h"
#include "cli/test_driver.h"
#include "common/duration.h"
#include "net/http1_writer.h"
#include "plan/options.h"
#include "report/summary.h"
#include "metrics/threshold_evaluation.h"
#include "schedule/executor.h"
#include "demo/demo_server.h"
#include "vu/http_request_program.h"

namespace squall::cli {

namespace {

constexpr char kHttpHelp[] =
    "usage: squall http URL [flags]\n"
    "  -c, --vus N             virtual users, each with its own keep-alive connection (default 50)\n"
    "  -d, --duration D        run time, e.g. 10s, 1m30s (default 10s unless -n is given)\n"
    "  -n, --iterations N      total requests, shared by all VUs\n"
    "      --rate R            open model: R request starts per second (VUs = -c, the most in flight);\n"
    "                          starts finding no free VU are counted as dropped_iterations\n"
    "  -X, --method M          HTTP method (default GET)\n"
    "  -H, --header 'K: V'     request header (repeatable)\n"
    "  -b, --body DATA         request body;  --body-file FILE reads it from a file\n"
    "      --timeout D         request timeout (default 60s)\n"
    "      --connect-timeout D connect timeout (default 60s)\n"
    "      --max-redirects N   redirects to follow (default 10)\n"
    "      --keep-body         keep response bodies in memory (default: count and discard)\n"
    "  -k, --insecure          skip TLS certificate verification\n"
    "      --cacert FILE       extra trusted CA certificates (PEM)\n"
    "      --cert FILE --key FILE   TLS client certificate\n"
    "      --tls-min V --tls-max V  TLS version bounds (tls1.0 .. tls1.3)\n"
    "      --hosts NAME=ADDR   resolve NAME (or NAME:PORT) to ADDR (IP or IP:PORT); repeatable\n"
    "      --graceful-stop D   time in-flight requests get after the end (default 30s)\n"
    "      --summary-export F  write the summary as JSON in k6's --summary-export format\n"
    "      --summary-trend-stats LIST  default avg,min,med,max,p(90),p(95),p(99),p(99.9)\n"
    "      --summary-time-unit U   s, ms or us for every time in the summary\n"
    "      --summary-mode M    compact (default) or full (adds the group tree)\n"
    "      --address H:P       control API (loopback only; default 127.0.0.1:6565 when a scenario is\n"
    "                          externally-controlled): GET/PATCH /v1/status to read or set VUs, or stop\n"
    "      --config FILE       k6 options as JSON: scenarios, thresholds, stages, hosts, ...\n"
    "                          (precedence: flags > K6_* environment > --config)\n"
    "      --stage D:N         ramping-vus stage (repeatable), e.g. --stage 30s:10 --stage 1m:0\n"
    "      --execution-segment A:B, --execution-segment-sequence LIST   run one share of the test\n"
    "CI gate:\n"
    "      --results FILE      write the results bundle (every 1 s histogram, metadata) for compare\n"
    "      --run-name N, --tag K=V   run metadata (--tag also tags every sample, e.g. git_sha=...)\n"
    "      --baseline FILE     compare with an earlier run (results bundle or summary export) at the end\n"
    "      --fail-on RULE      SELECTOR:STAT(+|-)LIMIT[%|pp|ms], repeatable; default p95+20%, p99+30%,\n"
    "                          http_req_failed rate+1pp, http_reqs rate-20%\n"
    "      --junit FILE        JUnit XML of thresholds and baseline rules\n"
    "      --report FILE       a self-contained HTML report (charts over time, endpoints, checks, ...)\n"
    "      --out json=FILE     every sample in k6's JSON lines; --out csv=FILE in k6's CSV columns\n"
    "      --out prometheus-rw=URL  Prometheus remote write (e.g. http://127.0.0.1:9090/api/v1/write)\n"
    "      --out influxdb=URL  InfluxDB 1.x, URL names the database (e.g. http://127.0.0.1:8086/k6)\n"
    "      --out otlp=URL      OpenTelemetry metrics, OTLP/HTTP JSON (e.g. http://127.0.0.1:4318/v1/metrics)\n"
    "      --dashboard         live charts and a stop button on http://127.0.0.1:5665/ while the test runs;\n"
    "                          --dashboard-address HOST:PORT to move it (port 0: any free port)\n"
    "                          (loopback only, the URL carries the run's token; --dashboard-allow-remote\n"
    "                          to bind another address)\n"
    "Exit codes: 0 passed, 99 thresholds failed or regression, 103 a result file could not be written,\n"
    "104 invalid config (or a result file that cannot be written, found before the run), 105 stopped by a signal.\n";

const std::vector<FlagSpec> kHttpOwnFlags = {
    {{"-c", "--vus", "--connections"}},  {{"-d", "--duration"}},        {{"-n", "--iterations", "--requests"}},
    {{"--rate"}},                         {{"-X", "--method"}},          {{"-H", "--header"}, true, true},
    {{"-b", "--body"}},                   {{"--body-file"}},             {{"--timeout"}},
    {{"--connect-timeout"}},              {{"--max-redirects"}},         {{"--keep-body"}, false},
    {{"-k", "--insecure"}, false},        {{"--cacert"}},                {{"--cert"}},
    {{"--key"}},                          {{"--tls-min"}},               {{"--tls-max"}},
    {{"--hosts"}, true, true},            {{"--graceful-stop"}},         {{"--summary-export"}},
    {{"--summary-trend-stats"}},          {{"-h", "--help"}, false},      {{"--config"}},
    {{"--stage"}, true, true},            {{"--execution-segment"}},     {{"--execution-segment-sequence"}},
    {{"--summary-time-unit"}},            {{"--summary-mode"}},          {{"--address"}},
    {{"--out", "-o"}, true, true},  // k6's -o; `squall run x.yml` keeps -o for Artillery's report
};

const std::vector<FlagSpec> kHttpFlags = combine_flags(kHttpOwnFlags, ci_flags());

int invalid(const std::string& message) { return report_invalid("squall", message); }

template <typename T>
bool parse_number(const std::string& text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// The options of a quick run: --config file < K6_* environment < flags.
std::optional<plan::TestOptions> layered_options(const Args& args, int default_vus, std::string& error) {
  plan::TestOptions config;
  if (auto path = args.get("--config")) {
    auto from_file = plan::options_from_file(*path, error);
    if (!from_file) return std::nullopt;
    config = *from_file;
  }
  auto from_env = plan::options_from_env(error);
  if (!from_env) return std::nullopt;
  plan::TestOptions flags;
  if (auto c = args.get("-c")) {
    int64_t vus = 0;
    if (!parse_number(*c, vus) || vus < 1 || vus > 1'000'000) {
      error = "invalid -c '" + *c + "' (expected a positive number of VUs)";
      return std::nullopt;
    }
    flags.execution.vus = vus;
  }
  if (auto d = args.get("-d")) {
    auto duration = parse_duration(*d);
    if (!duration || *duration <= 0) {
      error = "invalid -d '" + *d + "' (expected a duration such as 10s or 1m30s)";
      return std::nullopt;
    }
    flags.execution.duration = *duration;
  }
  if (auto n = args.get("-n")) {
    int64_t iterations = 0;
    if (!parse_number(*n, iterations) || iterations < 1) {
      error = "invalid -n '" + *n + "' (expected a positive request count)";
      return std::nullopt;
    }
    flags.execution.iterations = iterations;
  }
  if (args.has("--stage")) {
    std::vector<plan::Stage> stages;
    for (const auto& text : args.all("--stage")) {
      auto stage = plan::parse_stage(text);
      if (!stage) {
        error = "invalid --stage '" + text + "' (expected DURATION:TARGET, e.g. 30s:10)";
        return std::nullopt;
      }
      stages.push_back(*stage);
    }
    flags.execution.stages = stages;
  }
  if (auto segment = args.get("--execution-segment")) flags.execution_segment = *segment;
  if (auto sequence = args.get("--execution-segment-sequence")) flags.execution_segment_sequence = *sequence;
  if (auto stats = args.get("--summary-trend-stats")) flags.summary_trend_stats = split_nonempty(*stats, ',');
  plan::TestOptions options = plan::merge_options(plan::merge_options(config, *from_env), flags);
  // Quick mode's defaults (wrk/hey style) where no layer chose the execution.
  if (!options.execution.any_execution()) options.execution.duration = 10 * kSecond;
  if (!options.execution.vus && !options.execution.scenarios && !options.execution.stages) {
    options.execution.vus = default_vus;  // stages start from k6's 1 VU
  }
  if (options.execution.iterations && options.execution.vus && *options.execution.vus > *options.execution.iterations) {
    options.execution.vus = options.execution.iterations;  // -n 5 with the default 50 VUs
  }
  return options;
}

// --rate R: an open model, R iterations per second on up to -c VUs.
std::optional<plan::ScenarioConfig> rate_scenario(const Args& args, const plan::TestOptions& options, std::string& error) {
  auto r = args.get("--rate");
  if (!r) return std::nullopt;
  char* end = nullptr;
  plan::ScenarioConfig s;
  s.executor = plan::ExecutorKind::kConstantArrivalRate;
  s.rate = std::strtod(r->c_str(), &end);
  if (end != r->c_str() + r->size() || !(s.rate > 0)) {
    error = "invalid --rate '" + *r + "' (expected requests per second, more than 0)";
    return std::nullopt;
  }
  if (auto too_fast = schedule::check_rate_limit("--rate", s.rate, kSecond)) {
    error = "invalid --rate: " + *too_fast;
    return std::nullopt;
  }
  s.duration = options.execution.duration.value_or(10 * kSecond);
  s.pre_allocated_vus = s.max_vus = options.execution.vus.value_or(50);
  return s;
}

int run_http(const Args& args, const std::string& url_text, const std::string& banner, int default_vus) {
  std::string error;
  auto url = net::parse_url(url_text);
  if (!url.url) return invalid("invalid URL '" + url_text + "': " + url.error);
  net::HttpRequest request;
  request.url = *url.url;
  request.method = args.get("-X").value_or("GET");
  for (const auto& h : args.all("-H")) {
    const size_t colon = h.find(':');
    if (colon == std::string::npos || colon == 0) return invalid("invalid header '" + h + "' (expected 'Name: value')");
    std::string value = h.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    request.headers.push_back({h.substr(0, colon), value});
  }
  if (auto problem = net::invalid_request(request)) return invalid(*problem + " (from -X/-H)");
  if (auto b = args.get("-b")) request.body = *b;
  if (auto f = args.get("--body-file")) {
    std::ifstream in(*f, std::ios::binary);
    if (!in) return invalid("cannot read --body-file '" + *f + "'");
    request.body.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto options = layered_options(args, default_vus, error);
  if (!options) return invalid(error);
  std::vector<plan::ScenarioConfig> scenarios;
  if (auto rate = rate_scenario(args, *options, error)) {
    scenarios.push_back(*rate);
  } else if (!error.empty()) {
    return invalid(error);
  } else if (auto derived = plan::derive_scenarios(*options, error)) {
    scenarios = *derived;
  } else {
    return invalid(error);
  }
  for (auto& s : scenarios) {
    // Test-wide tags apply to every scenario; a scenario's own tags win.
    s.tags.insert(s.tags.begin(), options->tags.begin(), options->tags.end());
  }
  if (auto problem = metrics::validate_thresholds(options->thresholds); !problem.empty()) return invalid(problem);
  auto segment = schedule::ExecutionSegment::parse(options->execution_segment.value_or(""),
                                                   options->execution_segment_sequence.value_or(""), error);
  if (!segment) return invalid(error);

  net::RequestOptions request_options;
  request_options.discard_body = !args.has("--keep-body");
  auto duration_flag = [&](const char* flag, Nanos& out) {
    if (auto v = args.get(flag)) {
      auto d = parse_duration(*v);
      if (!d || *d <= 0) return false;
      out = *d;
    }
    return true;
  };
  vu::WorkerSettings settings;
  if (!duration_flag("--timeout", request_options.timeout)) return invalid("invalid --timeout");
  if (!duration_flag("--connect-timeout", settings.client.connect_timeout)) return invalid("invalid --connect-timeout");
  if (auto grace = args.get("--graceful-stop")) {
    auto d = parse_duration(*grace);
    if (!d) return invalid("invalid --graceful-stop '" + *grace + "'");
    for (auto& s : scenarios) s.graceful_stop = *d;
  }
  if (auto m = args.get("--max-redirects"); m && (!parse_number(*m, request_options.max_redirects) || request_options.max_redirects < 0)) {
    return invalid("invalid --max-redirects '" + *m + "'");
  }
  settings.hosts = options->hosts;
  for (const auto& h : args.all("--hosts")) {
    const size_t eq = h.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == h.size()) return invalid("invalid --hosts '" + h + "' (expected NAME=ADDR)");
    settings.hosts[h.substr(0, eq)] = h.substr(eq + 1);
  }
  if (options->user_agent) settings.client.user_agent = *options->user_agent;
  net::TlsConfig tls;
  tls.insecure_skip_verify = args.has("-k") || options->insecure_skip_tls_verify.value_or(false);
  tls.ca_file = args.get("--cacert").value_or("");
  tls.client_cert_file = args.get("--cert").value_or("");
  tls.client_key_file = args.get("--key").value_or("");
  if (options->tls_min) tls.min_version = *options->tls_min;
  if (options->tls_max) tls.max_version = *options->tls_max;
  if (auto v = args.get("--tls-min")) tls.min_version = *v;
  if (auto v = args.get("--tls-max")) tls.max_version = *v;
  settings.tls = net::TlsClientContext::create(tls, error);
  if (!settings.tls) return invalid(error);

  report::SummaryOptions summary_options;
  if (!read_summary_flags(args, *options, summary_options, error)) return invalid(error);

  std::fprintf(stderr, "%s%s %s\n", banner.c_str(), request.method.c_str(), request.url.to_string().c_str());
  TestSpec spec;
  spec.scenarios = std::move(scenarios);
  spec.segment = *segment;
  spec.settings = std::move(settings);
  spec.factory = [request, request_options](vu::Worker& worker, const plan::ScenarioConfig& s) {
    return std::make_unique<vu::HttpRequestProgram>(worker, request, request_options, s);
  };
  spec.thresholds = options->thresholds;
  spec.summary = summary_options;
  spec.control_address = args.get("--address");
  spec.summary_export = args.get("--summary-export").value_or("");
  if (!read_ci_flags(args, spec, error)) return invalid(error);
  metrics::MetricsStore store;
  return execute_test(spec, store).exit_code;
}

}  // namespace

int http_command(int argc, char** argv) {
  std::string error;
  auto args = Args::parse(argc, argv, 2, kHttpFlags, error);
  if (!args) return invalid(error + "\n\n" + kHttpHelp);
  if (args->has("-h")) {
    std::fputs(kHttpHelp, stdout);
    return kExitOk;
  }
  if (args->positionals().size() != 1) return invalid(std::string("expected exactly one URL\n\n") + kHttpHelp);
  return run_http(*args, args->positionals().front(), "squall http: ", 50);
}

int demo_command(int argc, char** argv) {
  std::string error;
  auto args = Args::parse(argc, argv, 2, kHttpFlags, error);
  if (!args) return invalid(error);
  if (args->has("-h")) {
    std::puts("usage: squall demo [squall http flags] [PATH]\n  starts the demo API on 127.0.0.1 and load-tests PATH (default /users) with 20 VUs for 10 s");
    return kExitOk;
  }
  demo::ServeConfig config;
  config.listen = "127.0.0.1:0";
  config.threads = 1;
  demo::DemoServer server(config);
  if (!server.start(error)) return invalid(error);
  std::string path = args->positionals().empty() ? "/users" : args->positionals().front();
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + path;
  std::fprintf(stderr, "demo target (squall serve) listening on http://127.0.0.1:%u\n", server.port());
  const int rc = run_http(*args, url, "squall demo: ", 20);
  std::printf("\n     demo target saw: %s\n", server.api().stats().to_json().c_str());
  return rc;
}

}  // namespace squall::cli
