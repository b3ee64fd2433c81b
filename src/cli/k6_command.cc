// `squall run script.js`: a k6 JavaScript test with k6's flags, lifecycle
// (init -> setup -> scenarios -> teardown -> handleSummary), summary and
// exit codes.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>

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
    "      --http-debug[=full]     print every request and response head (full: and body) to stderr\n"
    "      --user-agent UA         the User-Agent header\n"
    "      --batch N, --batch-per-host N   http.batch: requests at once, and to one host (20, 6; 0: no limit)\n"
    "      --max-redirects N       redirects followed by default (10)\n"
    "  -w, --throw                 a request that gets no response throws\n"
    "      --no-connection-reuse   a new connection for every request\n"
    "      --no-vu-connection-reuse   a VU's connections are closed after each iteration\n"
    "      --address H:P           control API (GET/PATCH /v1/status)\n"
    "      --execution-segment A:B, --execution-segment-sequence LIST   run one share of the test\n"
    "  -q, --quiet                 no progress line\n"
    "      --rps N                 at most N requests per second, all VUs together\n"
    "      --min-iteration-duration D   a shorter iteration sleeps the rest\n"
    "      --discard-response-bodies    responseType 'none' by default\n"
    "      --blacklist-ip CIDR     never dial an address in CIDR (repeatable, or a comma list)\n"
    "      --block-hostnames P     never resolve a name matching P (name, *.name; repeatable)\n"
    "      --console-output F      console.* lines to file F\n"
    "      --log-output O          stderr (default), stdout, none or file=PATH\n"
    "      --log-format F          text (default), json or raw\n"
    "  -v, --verbose               also DEBU lines (console.debug)\n"
    "      --include-system-env-vars[=false]   the process environment in __ENV (default true)\n"
    "      --compatibility-mode M  base, extended (default) or experimental_enhanced: one engine for all\n"
    "  -l, --linger                after the results, keep the control API up until Ctrl-C\n"
    "      --no-color              no ANSI colours, even on a terminal (also NO_COLOR)\n"
    "      --no-usage-report       accepted: squall never reports usage\n"
    "      --summary-mode disabled         no end-of-test summary\n"
    "      --secret-source S       k6/secrets' values: file=PATH, mock=K=V,..., env[=prefix=P] (repeatable)\n"
    "      --out web-dashboard     the live dashboard on 127.0.0.1:5665 (K6_WEB_DASHBOARD_HOST/PORT/EXPORT)\n"
    "Refused with a reason: -p/--paused, --system-tags, --local-ips, --dns.\n"
    "Every flag can also come from its K6_* variable (K6_OUT, K6_SUMMARY_EXPORT, K6_NO_THRESHOLDS, ...).\n"
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
    {{"--http-debug"}, false, false, true},
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
    {{"--rps"}},
    {{"--min-iteration-duration"}},
    {{"--discard-response-bodies"}, false},
    {{"--blacklist-ip"}, true, true},
    {{"--block-hostnames"}, true, true},
    {{"--console-output"}},
    {{"--log-output"}},
    {{"--log-format"}},
    {{"-v", "--verbose"}, false},
    {{"--include-system-env-vars"}, false},
    {{"--compatibility-mode"}},
    {{"-l", "--linger"}, false},
    {{"--no-color"}, false},
    {{"--no-usage-report"}, false},
    {{"-p", "--paused"}, false},
    {{"--system-tags"}},
    {{"--local-ips"}},
    {{"--dns"}},
    {{"--secret-source"}, true, true},
};

// k6 flags squall does not act on, each with the reason it is refused rather than ignored.
constexpr std::pair<const char*, const char*> kRefusedFlags[] = {
    {"-p", "--paused: squall cannot hold a test paused yet (scale an externally-controlled scenario instead)"},
    {"--system-tags", "--system-tags: squall tags samples with k6's default system tags; the set cannot be chosen yet"},
    {"--local-ips", "--local-ips: squall dials from the address the kernel picks; source addresses cannot be set yet"},
    {"--dns", "--dns: squall uses the system resolver (pin addresses with --hosts); ttl/select/policy cannot be set"},
};

// The K6_* variables that stand for flags (k6's own names); a flag on the command line wins.
constexpr std::pair<const char*, const char*> kFlagVariables[] = {
    {"K6_OUT", "--out"},
    {"K6_SUMMARY_EXPORT", "--summary-export"},
    {"K6_SUMMARY_MODE", "--summary-mode"},
    {"K6_SUMMARY_TIME_UNIT", "--summary-time-unit"},
    {"K6_NO_THRESHOLDS", "--no-thresholds"},
    {"K6_NO_SUMMARY", "--no-summary"},
    {"K6_NO_SETUP", "--no-setup"},
    {"K6_NO_TEARDOWN", "--no-teardown"},
    {"K6_HTTP_DEBUG", "--http-debug"},
    {"K6_CONSOLE_OUTPUT", "--console-output"},
    {"K6_LOG_OUTPUT", "--log-output"},
    {"K6_LOG_FORMAT", "--log-format"},
    {"K6_VERBOSE", "-v"},
    {"K6_NO_COLOR", "--no-color"},
    {"K6_NO_USAGE_REPORT", "--no-usage-report"},
    {"K6_INCLUDE_SYSTEM_ENV_VARS", "--include-system-env-vars"},
    {"K6_COMPATIBILITY_MODE", "--compatibility-mode"},
    {"K6_LINGER", "-l"},
    {"K6_PAUSED", "-p"},
    {"K6_SYSTEM_TAGS", "--system-tags"},
    {"K6_LOCAL_IPS", "--local-ips"},
    {"K6_DNS", "--dns"},
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
  if (auto v = args.get("--rps")) {
    if (!positive_number(*v, n)) return error = "invalid --rps '" + *v + "'", std::nullopt;
    flags.rps = n;
  }
  if (auto v = args.get("--min-iteration-duration")) {
    auto d = parse_duration(*v);
    if (!d || *d < 0) return error = "invalid --min-iteration-duration '" + *v + "' (e.g. 1s)", std::nullopt;
    flags.min_iteration_duration = *d;
  }
  if (args.has("--discard-response-bodies")) flags.discard_response_bodies = true;
  for (const auto& [flag, into] :
       {std::pair{"--blacklist-ip", &flags.blacklist_ips}, std::pair{"--block-hostnames", &flags.block_hostnames}}) {
    for (const auto& list : args.all(flag)) {
      if (!*into) *into = std::vector<std::string>{};
      for (const auto& item : split_nonempty(list, ',')) (*into)->push_back(item);
    }
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

// Whether `name` (a flag's first name) is on the command line in any of its spellings.
bool on_command_line(const std::vector<std::string>& words, const std::string& name) {
  for (const auto& spec : kK6Flags) {
    if (spec.names.front() != name) continue;
    for (const auto& spelling : spec.names) {
      for (const auto& word : words) {
        if (word == spelling || word.starts_with(spelling + "=")) return true;
      }
    }
  }
  return false;
}

// The command line with the flags that K6_* variables stand for put before the user's own:
// "K6_OUT=json=a.json,csv=b.csv" is "--out=json=a.json --out=csv=b.csv"; a boolean variable
// counts when it is "true" or "1". K6_WEB_DASHBOARD=true is "--out web-dashboard".
std::vector<std::string> with_flag_variables(int argc, char** argv) {
  std::vector<std::string> words(argv, argv + argc);
  std::vector<std::string> from_env;
  auto boolean = [](const std::string& v) { return v == "true" || v == "1"; };
  for (const auto& [variable, flag] : kFlagVariables) {
    const char* value = std::getenv(variable);
    if (!value || on_command_line(words, flag)) continue;
    const auto spec =
        std::find_if(kK6Flags.begin(), kK6Flags.end(), [&](const FlagSpec& s) { return s.names.front() == flag; });
    if (!spec->takes_value) {
      if (boolean(value)) from_env.push_back(flag);
      if (spec->optional_value && !boolean(value) && std::string_view(value) != "false")
        from_env.push_back(std::string(flag) + "=" + value);
      continue;
    }
    const bool list = std::string_view(flag) == "--out";
    for (const auto& item : list ? split_nonempty(value, ',') : std::vector<std::string>{value})
      from_env.push_back(std::string(flag) + "=" + item);
  }
  if (const char* dashboard = std::getenv("K6_WEB_DASHBOARD"); dashboard && boolean(dashboard))
    from_env.push_back("--out=web-dashboard");
  words.insert(words.begin() + std::min<int>(argc, 2), from_env.begin(), from_env.end());
  return words;
}

// --out web-dashboard (k6's built-in dashboard) is squall's live dashboard, where k6 serves its own:
// K6_WEB_DASHBOARD_HOST (default 127.0.0.1) : K6_WEB_DASHBOARD_PORT (5665); K6_WEB_DASHBOARD_EXPORT
// writes the HTML report at the end, as k6 writes its.
void web_dashboard_output(engine::RunOptions& options) {
  auto& outputs = options.outputs;
  const auto is_dashboard = [](const std::string& o) {
    return o == "web-dashboard" || o.starts_with("web-dashboard=");
  };
  if (std::none_of(outputs.begin(), outputs.end(), is_dashboard)) return;
  outputs.erase(std::remove_if(outputs.begin(), outputs.end(), is_dashboard), outputs.end());
  const char* host = std::getenv("K6_WEB_DASHBOARD_HOST");
  const char* port = std::getenv("K6_WEB_DASHBOARD_PORT");
  const std::string h = host && *host ? host : "127.0.0.1";
  options.dashboard_address = h + ":" + (port && *port ? port : "5665");
  if (const char* file = std::getenv("K6_WEB_DASHBOARD_EXPORT"); file && *file && options.report_path.empty())
    options.report_path = file;
}

}  // namespace

int run_k6_script(int argc, char** argv) {
  std::vector<std::string> words = with_flag_variables(argc, argv);
  std::vector<char*> word_pointers;
  for (auto& w : words) word_pointers.push_back(w.data());
  argc = static_cast<int>(word_pointers.size());
  argv = word_pointers.data();
  std::optional<Args> args;
  if (auto done = parse_command_line(argc, argv, 2, kK6Flags, kK6Help, args)) return *done;
  for (const auto& [flag, reason] : kRefusedFlags) {
    if (args->has(flag)) return invalid_config(reason);
  }
  if (auto mode = args->get("--compatibility-mode");
      mode && *mode != "base" && *mode != "extended" && *mode != "experimental_enhanced") {
    return invalid_config("invalid --compatibility-mode '" + *mode +
                          "' (expected base, extended or experimental_enhanced)");
  }
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
  invocation.http_debug_full = args->get("--http-debug") == "full";
  invocation.include_system_env = !args->negated("--include-system-env-vars");
  invocation.console_output = args->get("--console-output");
  invocation.log_output = args->get("--log-output").value_or("stderr");
  invocation.log_format = args->get("--log-format").value_or("text");
  invocation.verbose = args->has("-v");
  invocation.no_color = args->has("--no-color");
  invocation.secret_sources = args->all("--secret-source");
  invocation.no_thresholds = args->has("--no-thresholds");
  invocation.no_setup = args->has("--no-setup");
  invocation.no_teardown = args->has("--no-teardown");
  invocation.no_summary = args->has("--no-summary");
  invocation.quiet = args->has("-q");
  invocation.control_address = args->get("--address");
  bool summary_disabled = false;
  if (!read_summary_flags(*args, invocation.time_unit, invocation.compact, error, &summary_disabled))
    return invalid_config(error);
  if (summary_disabled) invocation.no_summary = true;
  if (invocation.control_address && invocation.control_address->empty()) invocation.control_address.reset();
  engine::RunOptions options;
  if (!read_run_options(*args, options, error)) return invalid_config(error);
  web_dashboard_output(options);
  options.linger = args->has("-l");
  k6::K6FrontEnd front_end(std::move(invocation));
  return engine::run_session(front_end, std::move(options));
}

}  // namespace squall::cli
