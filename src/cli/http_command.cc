// `squall http URL`: the quick mode, and `squall demo`, which runs it against
// an in-process demo target.
#include <charconv>
#include <cstdio>
#include <fstream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/run_flags.h"
#include "common/duration.h"
#include "common/exit_codes.h"
#include "common/text.h"
#include "demo/demo_server.h"
#include "engine/run_session.h"
#include "frontends/quick/quick_front_end.h"

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
    "      --summary-mode M    full (default: with the request phases) or compact (k6's: without them)\n"
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
    {{"-c", "--vus", "--connections"}},
    {{"-d", "--duration"}},
    {{"-n", "--iterations", "--requests"}},
    {{"--rate"}},
    {{"-X", "--method"}},
    {{"-H", "--header"}, true, true},
    {{"-b", "--body"}},
    {{"--body-file"}},
    {{"--timeout"}},
    {{"--connect-timeout"}},
    {{"--max-redirects"}},
    {{"--keep-body"}, false},
    {{"-k", "--insecure"}, false},
    {{"--cacert"}},
    {{"--cert"}},
    {{"--key"}},
    {{"--tls-min"}},
    {{"--tls-max"}},
    {{"--hosts"}, true, true},
    {{"--graceful-stop"}},
    {{"--summary-export"}},
    {{"--summary-trend-stats"}},
    {{"-h", "--help"}, false},
    {{"--config"}},
    {{"--stage"}, true, true},
    {{"--execution-segment"}},
    {{"--execution-segment-sequence"}},
    {{"--summary-time-unit"}},
    {{"--summary-mode"}},
    {{"--address"}},
    {{"--out", "-o"}, true, true},  // k6's -o; `squall run x.yml` keeps -o for Artillery's report
};

const std::vector<FlagSpec> kHttpFlags = combine_flags(kHttpOwnFlags, run_flags());

template <typename T>
bool parse_number(const std::string& text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// The flags' layer of the options: -c, -d, -n, --stage, segments, trend stats.
std::optional<plan::TestOptions> flag_options(const Args& args, std::string& error) {
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
  return flags;
}

// A duration flag: unset, or more than zero.
bool read_duration(const Args& args, const char* flag, std::optional<Nanos>& out, bool allow_zero = false) {
  auto v = args.get(flag);
  if (!v) return true;
  auto d = parse_duration(*v);
  if (!d || *d < 0 || (*d == 0 && !allow_zero)) return false;
  out = *d;
  return true;
}

// The request and the run the flags describe; the exit code when a flag is invalid.
std::optional<int> read_invocation(const Args& args, quick::QuickInvocation& invocation) {
  std::string error;
  invocation.method = args.get("-X").value_or("GET");
  for (const auto& h : args.all("-H")) {
    const size_t colon = h.find(':');
    if (colon == std::string::npos || colon == 0)
      return invalid_config("invalid header '" + h + "' (expected 'Name: value')");
    std::string value = h.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    invocation.headers.push_back({h.substr(0, colon), value});
  }
  if (auto b = args.get("-b")) invocation.body = *b;
  if (auto f = args.get("--body-file")) {
    std::ifstream in(*f, std::ios::binary);
    if (!in) return invalid_config("cannot read --body-file '" + *f + "'");
    invocation.body.assign(std::istreambuf_iterator<char>(in), {});
  }
  invocation.config_file = args.get("--config");
  auto flags = flag_options(args, error);
  if (!flags) return invalid_config(error);
  invocation.flags = *flags;
  if (auto r = args.get("--rate")) {
    char* end = nullptr;
    const double rate = std::strtod(r->c_str(), &end);
    if (end != r->c_str() + r->size() || !(rate > 0)) {
      return invalid_config("invalid --rate '" + *r + "' (expected requests per second, more than 0)");
    }
    invocation.rate = rate;
  }
  invocation.request.discard_body = !args.has("--keep-body");
  std::optional<Nanos> timeout;
  if (!read_duration(args, "--timeout", timeout)) return invalid_config("invalid --timeout");
  if (timeout) invocation.request.timeout = *timeout;
  if (!read_duration(args, "--connect-timeout", invocation.connect_timeout))
    return invalid_config("invalid --connect-timeout");
  if (!read_duration(args, "--graceful-stop", invocation.graceful_stop, true)) {
    return invalid_config("invalid --graceful-stop '" + args.get("--graceful-stop").value_or("") + "'");
  }
  if (auto m = args.get("--max-redirects");
      m && (!parse_number(*m, invocation.request.max_redirects) || invocation.request.max_redirects < 0)) {
    return invalid_config("invalid --max-redirects '" + *m + "'");
  }
  for (const auto& h : args.all("--hosts")) {
    const size_t eq = h.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == h.size())
      return invalid_config("invalid --hosts '" + h + "' (expected NAME=ADDR)");
    invocation.hosts.emplace_back(h.substr(0, eq), h.substr(eq + 1));
  }
  invocation.tls.insecure_skip_verify = args.has("-k");
  invocation.tls.ca_file = args.get("--cacert").value_or("");
  invocation.tls.client_cert_file = args.get("--cert").value_or("");
  invocation.tls.client_key_file = args.get("--key").value_or("");
  if (auto v = args.get("--tls-min")) invocation.tls.min_version = *v, invocation.tls_min_from_flag = true;
  if (auto v = args.get("--tls-max")) invocation.tls.max_version = *v, invocation.tls_max_from_flag = true;
  invocation.control_address = args.get("--address");
  if (!read_summary_flags(args, invocation.time_unit, invocation.compact, error)) return invalid_config(error);
  return std::nullopt;
}

// `url`: the target; `banner` and `default_vus` differ between `squall http` and `squall demo`.
int run_http(const Args& args, const std::string& url, const std::string& banner, int default_vus) {
  quick::QuickInvocation invocation;
  invocation.url = url;
  invocation.banner = banner;
  invocation.default_vus = default_vus;
  if (auto invalid = read_invocation(args, invocation)) return *invalid;
  engine::RunOptions options;
  std::string error;
  if (!read_run_options(args, options, error)) return invalid_config(error);
  quick::QuickFrontEnd front_end(std::move(invocation));
  return engine::run_session(front_end, std::move(options));
}

}  // namespace

int http_command(int argc, char** argv) {
  std::optional<Args> args;
  if (auto done = parse_command_line(argc, argv, 2, kHttpFlags, kHttpHelp, args)) return *done;
  if (args->positionals().size() != 1) return invalid_config(std::string("expected exactly one URL\n\n") + kHttpHelp);
  return run_http(*args, args->positionals().front(), "squall http: ", 50);
}

int demo_command(int argc, char** argv) {
  constexpr char kDemoHelp[] =
      "usage: squall demo [squall http flags] [PATH]\n"
      "  starts the demo API on 127.0.0.1 and load-tests PATH (default /users) with 20 VUs for 10 s\n";
  std::optional<Args> args;
  if (auto done = parse_command_line(argc, argv, 2, kHttpFlags, kDemoHelp, args)) return *done;
  std::string error;
  demo::ServeConfig config;
  config.listen = "127.0.0.1:0";
  config.threads = 1;
  demo::DemoServer server(config);
  if (!server.start(error)) return invalid_config(error);
  std::string path = args->positionals().empty() ? "/users" : args->positionals().front();
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + path;
  std::fprintf(stderr, "demo target (squall serve) listening on http://127.0.0.1:%u\n", server.port());
  const int rc = run_http(*args, url, "squall demo: ", 20);
  std::printf("\n     demo target saw: %s\n", server.api().stats().to_json().c_str());
  return rc;
}

}  // namespace squall::cli
