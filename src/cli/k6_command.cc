// `squall run script.js`: a k6 JavaScript test with k6's flags, lifecycle
// (init -> setup -> scenarios -> teardown -> handleSummary), summary and
// exit codes.
#include <charconv>
#include <cstdio>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/run_flags.h"
#include "common/duration.h"
#include "common/exit_codes.h"
#include "common/text.h"
#include "engine/run_session.h"
#include "frontends/k6/k6_front_end.h"
#include "plan/options.h"

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
    "  -c, --config FILE           k6 options as JSON (config < script < K6_* env < flags)\n"
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
    {{"-u", "--vus"}},
    {{"-d", "--duration"}},
    {{"-i", "--iterations"}},
    {{"-s", "--stage"}, true, true},
    {{"-e", "--env"}, true, true},
    {{"-c", "--config"}},
    {{"--out", "-o"}, true, true},
    {{"--summary-export"}},
    {{"--summary-mode"}},
    {{"--summary-trend-stats"}},
    {{"--summary-time-unit"}},
    {{"--no-thresholds"}, false},
    {{"--no-setup"}, false},
    {{"--no-teardown"}, false},
    {{"--no-summary"}, false},
    {{"--insecure-skip-tls-verify"}, false},
    {{"--hosts"}, true, true},
    {{"--http-debug"}, false},
    {{"--user-agent"}},
    {{"--address"}},
    {{"--execution-segment"}},
    {{"--batch"}},
    {{"--batch-per-host"}},
    {{"--max-redirects"}},
    {{"-w", "--throw"}, false},
    {{"--no-connection-reuse"}, false},
    {{"--no-vu-connection-reuse"}, false},
    {{"--execution-segment-sequence"}},
    {{"-q", "--quiet"}, false},
    {{"-h", "--help"}, false},
};

const std::vector<FlagSpec> kK6Flags = combine_flags(kK6OwnFlags, run_flags());

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
    if (eq == std::string::npos || eq == 0 || eq + 1 == h.size())
      return error = "invalid --hosts '" + h + "' (expected NAME=ADDR)", std::nullopt;
    flags.hosts[h.substr(0, eq)] = h.substr(eq + 1);
  }
  return flags;
}

}  // namespace

int run_k6_script(int argc, char** argv) {
  std::optional<Args> args;
  if (auto done = parse_command_line(argc, argv, 2, kK6Flags, kK6Help, args)) return *done;
  if (args->positionals().size() != 1) return invalid_config(std::string("expected one script file\n\n") + kK6Help);
  std::string error;
  k6::K6Invocation invocation;
  invocation.path = args->positionals().front();
  for (const auto& kv : args->all("-e")) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) return invalid_config("invalid --env '" + kv + "' (expected NAME=VALUE)");
    invocation.env.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  invocation.config_file = args->get("-c");
  auto flags = flag_options(*args, error);
  if (!flags) return invalid_config(error);
  invocation.flags = *flags;
  invocation.http_debug = args->has("--http-debug");
  invocation.no_thresholds = args->has("--no-thresholds");
  invocation.no_setup = args->has("--no-setup");
  invocation.no_teardown = args->has("--no-teardown");
  invocation.no_summary = args->has("--no-summary");
  invocation.quiet = args->has("-q");
  invocation.control_address = args->get("--address");
  if (!read_summary_flags(*args, invocation.time_unit, invocation.compact, error)) return invalid_config(error);
  engine::RunOptions options;
  if (!read_run_options(*args, options, error)) return invalid_config(error);
  k6::K6FrontEnd front_end(std::move(invocation));
  return engine::run_session(front_end, std::move(options));
}

}  // namespace squall::cli
