// `squall http URL`: the quick mode, and `squall demo`, which runs it against
// an in-process demo target.
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/signals.h"
#include "common/duration.h"
#include "report/summary.h"
#include "schedule/quick_load.h"
#include "target/demo_server.h"

namespace squall::cli {

namespace {

constexpr char kHttpHelp[] =
    "usage: squall http URL [flags]\n"
    "  -c, --connections N     virtual users, each with its own keep-alive connection (default 50)\n"
    "  -d, --duration D        run time, e.g. 10s, 1m30s (default 10s unless -n is given)\n"
    "  -n, --requests N        total requests, shared by all VUs\n"
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
    "      --summary-trend-stats LIST  default avg,min,med,max,p(90),p(95),p(99),p(99.9)\n";

const std::vector<FlagSpec> kHttpFlags = {
    {{"-c", "--connections", "--vus"}},  {{"-d", "--duration"}},        {{"-n", "--requests"}},
    {{"--rate"}},                         {{"-X", "--method"}},          {{"-H", "--header"}, true, true},
    {{"-b", "--body"}},                   {{"--body-file"}},             {{"--timeout"}},
    {{"--connect-timeout"}},              {{"--max-redirects"}},         {{"--keep-body"}, false},
    {{"-k", "--insecure"}, false},        {{"--cacert"}},                {{"--cert"}},
    {{"--key"}},                          {{"--tls-min"}},               {{"--tls-max"}},
    {{"--hosts"}, true, true},            {{"--graceful-stop"}},         {{"--summary-export"}},
    {{"--summary-trend-stats"}},          {{"-h", "--help"}, false},
};

int invalid(const std::string& message) {
  std::fprintf(stderr, "squall: %s\n", message.c_str());
  return kExitInvalidConfig;
}

template <typename T>
bool parse_number(const std::string& text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, sep)) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// Prints a progress line every second to stderr until `done`.
class Progress {
 public:
  Progress(const metrics::MetricsStore& store, Nanos total) : store_(store), total_(total) {
    thread_ = std::thread([this] { loop(); });
  }
  ~Progress() {
    done_ = true;
    thread_.join();
  }

 private:
  void loop() {
    const Nanos start = mono_now();
    const bool tty = isatty(STDERR_FILENO);
    Nanos next = start + kSecond;
    while (!done_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (mono_now() < next || done_) continue;
      next += kSecond;
      const auto reqs = store_.metric_total(metrics::builtin::kHttpReqs);
      const auto failed = store_.metric_total(metrics::builtin::kHttpReqFailed);
      const double elapsed = static_cast<double>(mono_now() - start) / 1e9;
      char line[200];
      std::snprintf(line, sizeof line, "running (%5.1fs%s), %llu requests, %.0f req/s, %llu failed", elapsed,
                    total_ > 0 ? ("/" + std::to_string(total_ / kSecond) + "s").c_str() : "",
                    static_cast<unsigned long long>(reqs.sum), elapsed > 0 ? reqs.sum / elapsed : 0.0,
                    static_cast<unsigned long long>(failed.nonzero));
      std::fprintf(stderr, tty ? "\r%s\x1b[K" : "%s\n", line);
    }
    if (tty) std::fputs("\r\x1b[K", stderr);
  }
  const metrics::MetricsStore& store_;
  Nanos total_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// Builds the plan from flags and runs it; the shared body of `http` and `demo`.
int run_http(const Args& args, const std::string& url_text, const std::string& banner, int default_vus) {
  schedule::QuickLoadPlan plan;
  auto url = net::parse_url(url_text);
  if (!url.url) return invalid("invalid URL '" + url_text + "': " + url.error);
  plan.request.url = *url.url;
  plan.request.method = args.get("-X").value_or("GET");
  for (const auto& h : args.all("-H")) {
    const size_t colon = h.find(':');
    if (colon == std::string::npos || colon == 0) return invalid("invalid header '" + h + "' (expected 'Name: value')");
    std::string value = h.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    plan.request.headers.push_back({h.substr(0, colon), value});
  }
  if (auto b = args.get("-b")) plan.request.body = *b;
  if (auto f = args.get("--body-file")) {
    std::ifstream in(*f, std::ios::binary);
    if (!in) return invalid("cannot read --body-file '" + *f + "'");
    plan.request.body.assign(std::istreambuf_iterator<char>(in), {});
  }
  plan.vus = default_vus;
  if (auto c = args.get("-c"); c && (!parse_number(*c, plan.vus) || plan.vus < 1 || plan.vus > 1'000'000)) {
    return invalid("invalid -c '" + *c + "' (expected a positive number of VUs)");
  }
  if (auto n = args.get("-n"); n && (!parse_number(*n, plan.iterations) || plan.iterations < 1)) {
    return invalid("invalid -n '" + *n + "' (expected a positive request count)");
  }
  if (auto d = args.get("-d")) {
    auto duration = parse_duration(*d);
    if (!duration || *duration <= 0) return invalid("invalid -d '" + *d + "' (expected a duration such as 10s or 1m30s)");
    plan.duration = *duration;
  } else if (plan.iterations == 0) {
    plan.duration = 10 * kSecond;
  }
  if (auto r = args.get("--rate")) {
    char* end = nullptr;
    plan.rate = std::strtod(r->c_str(), &end);
    if (end != r->c_str() + r->size() || !(plan.rate > 0 && plan.rate <= 10'000'000)) {
      return invalid("invalid --rate '" + *r + "' (expected requests per second > 0)");
    }
  }
  auto duration_flag = [&](const char* flag, Nanos& out) {
    if (auto v = args.get(flag)) {
      auto d = parse_duration(*v);
      if (!d || *d <= 0) return false;
      out = *d;
    }
    return true;
  };
  vu::WorkerSettings settings;
  if (!duration_flag("--timeout", plan.options.timeout)) return invalid("invalid --timeout");
  if (!duration_flag("--connect-timeout", settings.client.connect_timeout)) return invalid("invalid --connect-timeout");
  if (!duration_flag("--graceful-stop", plan.graceful_stop)) return invalid("invalid --graceful-stop");
  if (auto m = args.get("--max-redirects"); m && (!parse_number(*m, plan.options.max_redirects) || plan.options.max_redirects < 0)) {
    return invalid("invalid --max-redirects '" + *m + "'");
  }
  plan.options.discard_body = !args.has("--keep-body");
  for (const auto& h : args.all("--hosts")) {
    const size_t eq = h.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == h.size()) return invalid("invalid --hosts '" + h + "' (expected NAME=ADDR)");
    settings.hosts[h.substr(0, eq)] = h.substr(eq + 1);
  }
  net::TlsConfig tls;
  tls.insecure_skip_verify = args.has("-k");
  tls.ca_file = args.get("--cacert").value_or("");
  tls.client_cert_file = args.get("--cert").value_or("");
  tls.client_key_file = args.get("--key").value_or("");
  if (auto v = args.get("--tls-min")) tls.min_version = *v;
  if (auto v = args.get("--tls-max")) tls.max_version = *v;
  std::string tls_error;
  settings.tls = net::TlsClientContext::create(tls, tls_error);
  if (!settings.tls) return invalid(tls_error);

  report::SummaryOptions summary_options;
  summary_options.trend_stats = {"avg", "min", "med", "max", "p(90)", "p(95)", "p(99)", "p(99.9)"};
  if (auto s = args.get("--summary-trend-stats")) summary_options.trend_stats = split(*s, ',');
  for (const auto& stat : summary_options.trend_stats) {
    double ignored;
    report::MetricLine probe{"", metrics::MetricType::kTrend, metrics::ValueType::kTime, {}};
    if (!report::trend_stat(probe, stat, ignored)) return invalid("invalid trend stat '" + stat + "'");
  }

  const auto& interrupt = install_stop_signals();
  metrics::MetricsStore store;
  settings.store = &store;
  std::fprintf(stderr, "%s%s %s, %d VUs", banner.c_str(), plan.request.method.c_str(),
               plan.request.url.to_string().c_str(), plan.vus);
  if (plan.duration) std::fprintf(stderr, ", %gs", static_cast<double>(plan.duration) / 1e9);
  if (plan.iterations) std::fprintf(stderr, ", %lld requests", static_cast<long long>(plan.iterations));
  if (plan.rate > 0) {
    std::fprintf(stderr, ", open model at %g req/s\n", plan.rate);
  } else {
    std::fprintf(stderr, ", closed model\n");
  }
  schedule::QuickLoadResult result;
  {
    Progress progress(store, plan.duration);
    result = schedule::run_quick_load(plan, settings, interrupt);
  }
  summary_options.elapsed = result.elapsed;
  const report::Summary summary = report::build_summary(store, summary_options);
  std::printf("\n%s\n     connections opened: %llu\n     test run time: %.2fs%s\n", report::render_text(summary).c_str(),
              static_cast<unsigned long long>(result.connections_opened), static_cast<double>(result.elapsed) / 1e9,
              result.interrupted ? " (interrupted)" : "");
  std::fflush(stdout);
  if (auto path = args.get("--summary-export")) {
    std::ofstream out(*path);
    out << report::render_k6_export(summary);
    if (!out) std::fprintf(stderr, "squall: cannot write --summary-export '%s'\n", path->c_str());
  }
  return result.interrupted ? kExitExternalAbort : kExitOk;
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
  target::ServeConfig config;
  config.listen = "127.0.0.1:0";
  config.threads = 1;
  target::DemoServer server(config);
  if (!server.start(error)) return invalid(error);
  std::string path = args->positionals().empty() ? "/users" : args->positionals().front();
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + path;
  std::fprintf(stderr, "demo target (squall serve) listening on http://127.0.0.1:%u\n", server.port());
  const int rc = run_http(*args, url, "squall demo: ", 20);
  std::printf("\n     demo target saw: %s\n", server.api().stats().to_json().c_str());
  return rc;
}

}  // namespace squall::cli
