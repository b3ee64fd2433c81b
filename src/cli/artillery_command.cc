// `squall artillery run FILE` (and `squall run FILE.yml`): Artillery YAML on
// the native engine, with Artillery's CLI flags.
#include <algorithm>
#include <cstdio>
#include <string_view>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/run_flags.h"
#include "common/exit_codes.h"
#include "engine/run_session.h"
#include "frontends/artillery/artillery_front_end.h"

namespace squall::cli {

namespace {

constexpr char kArtilleryHelp[] =
    "usage: squall artillery run FILE.yml [flags]   (also: squall run FILE.yml)\n"
    "  -t, --target URL        replace config.target\n"
    "  -e, --environment NAME  merge config.environments.NAME into config\n"
    "  -o, --output FILE       write Artillery's JSON report (aggregate + 10 s intermediates)\n"
    "  -v, --variables JSON    add or replace config.variables\n"
    "      --overrides JSON    deep-merge into the script (e.g. '{\"config\":{\"phases\":[...]}}')\n"
    "  -k, --insecure          do not verify TLS certificates (tls.rejectUnauthorized: false)\n"
    "  -q, --quiet             no progress, no summary, no log steps\n"
    "      --scenario-name N   run only the scenario named N\n"
    "      --dotenv FILE       load KEY=VALUE lines into the environment first ($env.KEY)\n"
    "      --summary-export F  the core's summary in k6's JSON format\n"
    "      --results, --tag, --run-name, --baseline, --fail-on, --junit, --report,\n"
    "      --out, --dashboard, --dashboard-address   as in squall http --help\n"
    "Exit codes: 0 passed, 1 an ensure check failed, 103 -o could not be written, 104 invalid script,\n"
    "105 stopped by a signal.\n";

const std::vector<FlagSpec> kArtilleryOwnFlags = {
    {{"-t", "--target"}}, {{"-e", "--environment"}},     {{"-o", "--output"}},       {{"-v", "--variables"}},
    {{"--overrides"}},    {{"-k", "--insecure"}, false}, {{"-q", "--quiet"}, false}, {{"--scenario-name"}},
    {{"--dotenv"}},       {{"--summary-export"}},        {{"-h", "--help"}, false},
};

const std::vector<FlagSpec> kArtilleryFlags = combine_flags(kArtilleryOwnFlags, run_flags());

// Runs the script of `squall artillery run` or `squall run FILE.yml`; `first`: where the flags start.
int run_artillery(int argc, char** argv, int first) {
  std::optional<Args> args;
  if (auto done = parse_command_line(argc, argv, first, kArtilleryFlags, kArtilleryHelp, args)) return *done;
  if (args->positionals().size() != 1)
    return invalid_config(std::string("expected one script file\n\n") + kArtilleryHelp);
  artillery::ArtilleryInvocation invocation;
  invocation.path = args->positionals().front();
  invocation.load.target = args->get("-t").value_or("");
  invocation.load.environment = args->get("-e").value_or("");
  invocation.load.overrides = args->get("--overrides").value_or("");
  invocation.load.variables = args->get("-v").value_or("");
  invocation.load.scenario_name = args->get("--scenario-name").value_or("");
  invocation.dotenv = args->get("--dotenv");
  invocation.output = args->get("-o");
  invocation.insecure = args->has("-k");
  invocation.quiet = args->has("-q");
  engine::RunOptions options;
  std::string error;
  if (!read_run_options(*args, options, error)) return invalid_config(error);
  artillery::ArtilleryFrontEnd front_end(std::move(invocation));
  return engine::run_session(front_end, std::move(options));
}

}  // namespace

int artillery_command(int argc, char** argv) {
  const bool help = std::any_of(argv + 2, argv + argc, [](const char* arg) {
    return std::string_view(arg) == "--help" || std::string_view(arg) == "-h";
  });
  if (argc < 3 || std::string(argv[2]) != "run" || help) {
    std::fputs(kArtilleryHelp, help ? stdout : stderr);
    return help ? kExitOk : kExitInvalidConfig;
  }
  return run_artillery(argc, argv, 3);
}

int run_artillery_script(int argc, char** argv) { return run_artillery(argc, argv, 2); }

}  // namespace squall::cli
