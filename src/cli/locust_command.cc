// `squall locust -f locustfile.py` (and `squall run locustfile.py`): Locust
// locustfiles on embedded CPython, the HTTP on squall's engine, with Locust's
// flags, console tables, --csv files and exit codes.
#include <cstdlib>
#include <string_view>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/run_flags.h"
#include "common/duration.h"
#include "common/exit_codes.h"
#include "common/text.h"
#include "engine/run_session.h"
#include "frontends/locust/locust_front_end.h"

namespace squall::cli {

namespace {

constexpr char kLocustHelp[] =
    "usage: squall locust [-f locustfile.py] [flags] [UserClass ...]   (also: squall run FILE.py)\n"
    "  -f, --locustfile FILE    the locustfile (default: locustfile.py)\n"
    "  -H, --host URL           the host of the users (replaces their `host`)\n"
    "  -u, --users N            peak number of users (default 1)\n"
    "  -r, --spawn-rate R       users started (and stopped) per second (default 1)\n"
    "  -t, --run-time T         stop after T (300s, 20m, 3h, 1h30m); default: until Ctrl-C\n"
    "      --headless           accepted: squall always runs headless (Locust's web UI is not built yet;\n"
    "                           `squall locust` without --headless, or --web-host/--web-port/--autostart,\n"
    "                           says so)\n"
    "      --only-summary       no stats table every 2 s, only the final one\n"
    "      --print-stats        print the stats table every 2 s (the default when headless)\n"
    "  -T, --tags TAG[,TAG]     run only tasks with one of these tags (repeatable)\n"
    "  -E, --exclude-tags TAG   do not run tasks with these tags (repeatable)\n"
    "      --stop-timeout S     let running tasks finish for S seconds when users stop (default 0)\n"
    "      --exit-code-on-error N  exit code when any request failed or a task raised (default 1)\n"
    "      --csv PREFIX         write PREFIX_stats.csv, _stats_history.csv, _failures.csv, _exceptions.csv\n"
    "      --csv-full-history   one _stats_history.csv row per name each second, not only Aggregated\n"
    "      --html FILE          the HTML report (same as --report)\n"
    "      --results, --tag, --run-name, --baseline, --fail-on, --junit, --report,\n"
    "      --out, --dashboard, --dashboard-address   as in squall http --help\n"
    "  Any other flag is the locustfile's: one its events.init_command_line_parser listeners add\n"
    "  (parser.add_argument, env_var= honoured), read into environment.parsed_options.\n"
    "Exit codes: 0 no failure, 1 (--exit-code-on-error) failures or exceptions, 1 a locustfile that cannot\n"
    "load, 99 a baseline regression, 104 invalid flags.\n";

const std::vector<FlagSpec> kLocustOwnFlags = {
    {{"-f", "--locustfile"}},
    {{"-H", "--host"}},
    {{"-u", "--users"}},
    {{"-r", "--spawn-rate"}},
    {{"-t", "--run-time"}},
    {{"--headless"}, false},
    {{"--web-host"}},
    {{"--web-port"}},
    {{"--autostart"}, false},
    {{"--only-summary"}, false},
    {{"--print-stats"}, false},
    {{"-T", "--tags"}, true, true},
    {{"-E", "--exclude-tags"}, true, true},
    {{"--stop-timeout"}},
    {{"--exit-code-on-error"}},
    {{"--csv"}},
    {{"--csv-full-history"}, false},
    {{"--html"}},
    {{"-L", "--loglevel"}},
    {{"-h", "--help"}, false},
};

std::vector<std::string> split_tags(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& value : values) {
    for (auto& tag : split_nonempty(value, ',')) out.push_back(std::move(tag));
  }
  return out;
}

// Locust's flags into the invocation; the exit code when they are invalid.
std::optional<int> read_invocation(const Args& args, locust::LocustInvocation& invocation) {
  auto usage = [](const std::string& message) { return invalid_config(message + "\n\n" + kLocustHelp); };
  if (auto u = args.get("-u")) invocation.users = std::strtoll(u->c_str(), nullptr, 10);
  if (auto r = args.get("-r")) invocation.spawn_rate = std::strtod(r->c_str(), nullptr);
  if (invocation.users < 0) return usage("-u/--users must be 0 or more");
  if (!(invocation.spawn_rate > 0)) return usage("-r/--spawn-rate must be more than 0");
  if (auto t = args.get("-t")) {
    invocation.run_time = parse_duration(*t, kSecond);  // Locust's "300s", "20m", "1h30m", or bare seconds
    if (!invocation.run_time || *invocation.run_time <= 0) {
      return usage("-t/--run-time: expected a time like 300s, 20m, 3h or 1h30m, got '" + *t + "'");
    }
  }
  if (auto s = args.get("--stop-timeout")) {
    auto parsed = parse_duration(*s, kSecond);
    if (!parsed || *parsed < 0) return usage("--stop-timeout: expected seconds, got '" + *s + "'");
    invocation.stop_timeout = *parsed;
  }
  if (auto code = args.get("--exit-code-on-error")) invocation.exit_code_on_error = std::atoi(code->c_str());
  invocation.host = args.get("-H").value_or("");
  invocation.tags = split_tags(args.all("-T"));
  invocation.exclude_tags = split_tags(args.all("-E"));
  for (const auto& p : args.positionals()) {
    if (p != invocation.path) invocation.user_classes.push_back(p);
  }
  invocation.print_stats = !args.has("--only-summary");
  invocation.csv = args.get("--csv");
  invocation.csv_full_history = args.has("--csv-full-history");
  return std::nullopt;
}

}  // namespace

int locust_command(int argc, char** argv) {
  std::optional<Args> args;
  locust::LocustInvocation invocation;
  if (auto done = parse_command_line(argc, argv, 2, combine_flags(kLocustOwnFlags, run_flags()), kLocustHelp, args,
                                     &invocation.extra_args)) {
    return *done;
  }
  // `squall run FILE.py`: the file is the first positional ending in .py, the rest are User classes.
  invocation.path = args->get("-f").value_or("");
  if (invocation.path.empty()) {
    for (const auto& p : args->positionals()) {
      if (p.ends_with(".py")) {
        invocation.path = p;
        break;
      }
    }
  }
  if (invocation.path.empty()) invocation.path = "locustfile.py";
  if (auto invalid = read_invocation(*args, invocation)) return *invalid;
  // Invoked as `squall locust`, Locust would start its web UI unless --headless.
  if ((std::string_view(argv[1]) == "locust" && !args->has("--headless")) || args->has("--web-host") ||
      args->has("--web-port") || args->has("--autostart")) {
    std::fprintf(stderr,
                 "squall: Locust's web UI is not available in squall yet: running headless, as with "
                 "--headless (live charts: --dashboard)\n");
  }
  engine::RunOptions options;
  std::string error;
  if (!read_run_options(*args, options, error)) return invalid_config(error);
  if (auto html = args->get("--html")) options.report_path = *html;
  locust::LocustFrontEnd front_end(std::move(invocation));
  return engine::run_session(front_end, std::move(options));
}

}  // namespace squall::cli
