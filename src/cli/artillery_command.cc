// `squall artillery run FILE` (and `squall run FILE.yml`): Artillery YAML on
// the native engine, with Artillery's CLI flags.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/test_driver.h"
#include "common/files.h"
#include "frontends/artillery/flow_program.h"
#include "frontends/artillery/parser.h"
#include "frontends/artillery/phases.h"
#include "frontends/artillery/json_report.h"

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
    {{"-t", "--target"}}, {{"-e", "--environment"}}, {{"-o", "--output"}}, {{"-v", "--variables"}},
    {{"--overrides"}},    {{"-k", "--insecure"}, false}, {{"-q", "--quiet"}, false}, {{"--scenario-name"}},
    {{"--dotenv"}},       {{"--summary-export"}},   {{"-h", "--help"}, false},
};

const std::vector<FlagSpec> kArtilleryFlags = combine_flags(kArtilleryOwnFlags, ci_flags());

int invalid(const std::string& message) { return report_invalid("squall", message); }

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

int run_artillery_file(const Args& args, const std::string& path) {
  std::string error;
  if (auto dotenv = args.get("--dotenv"); dotenv && !load_dotenv(*dotenv, error)) return invalid(error);
  artillery::LoadOptions load;
  load.target = args.get("-t").value_or("");
  load.environment = args.get("-e").value_or("");
  load.overrides = args.get("--overrides").value_or("");
  load.variables = args.get("-v").value_or("");
  load.scenario_name = args.get("--scenario-name").value_or("");
  auto script = artillery::load_script(path, load, error);
  if (!script) return invalid(error);
  if (!net::parse_url(script->config.target).url) {
    return invalid(path + ": config.target '" + script->config.target + "' is not an http(s) URL");
  }
  const bool quiet = args.has("-q");
  net::TlsConfig tls;
  tls.insecure_skip_verify = args.has("-k") || !script->config.reject_unauthorized;
  TestSpec spec;
  spec.settings.tls = net::TlsClientContext::create(tls, error);
  if (!spec.settings.tls) return invalid(error);
  spec.settings.client.user_agent = "Artillery (https://artillery.io)";
  spec.scenarios.push_back(artillery::phases_to_scenario(script->config));
  artillery::FlowShared shared(*script);
  shared.quiet = quiet;
  spec.factory = [&shared](vu::Worker& worker, const plan::ScenarioConfig&) {
    return std::make_unique<artillery::FlowProgram>(worker, shared);
  };
  spec.summary.trend_stats = {"avg", "min", "med", "max", "p(90)", "p(95)", "p(99)"};
  spec.summary_export = args.get("--summary-export").value_or("");
  spec.quiet = quiet;
  if (!read_ci_flags(args, spec, error)) return invalid(error);
  if (auto output = args.get("-o")) spec.front_end_files.emplace_back(*output, "--output");
  if (!quiet) std::fprintf(stderr, "squall artillery: %s against %s\n", path.c_str(), script->config.target.c_str());
  const int64_t wall_start_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch()).count();
  metrics::MetricsStore store;
  const TestOutcome outcome = execute_test(std::move(spec), store);
  const auto report = artillery::build_report(store, outcome.result.elapsed, wall_start_ms);
  bool write_failed = false;
  if (auto output = args.get("-o")) {
    if (auto problem = write_whole_file(*output, report.dump(2) + "\n", "--output")) {
      std::fprintf(stderr, "squall: %s\n", problem->c_str());
      write_failed = true;
    }
  }
  if (!quiet) {
    std::printf("    http.response_time is Artillery's: time to first byte; the full duration is http_req_duration.\n");
  }
  const auto ensure = artillery::evaluate_ensure(script->config, report["aggregate"]);
  bool ensure_failed = false;
  if (!ensure.empty()) std::printf("\n    ENSURE\n");
  for (const auto& e : ensure) {
    std::printf("    %s %s (observed %g)\n", e.ok ? "\u2713" : "\u2717", e.check.c_str(), e.observed);
    ensure_failed = ensure_failed || !e.ok;
  }
  std::fflush(stdout);
  if (ensure_failed) return 1;
  if (write_failed && outcome.exit_code == kExitOk) return kExitOutputFailed;
  return outcome.exit_code;
}

int artillery_command(int argc, char** argv) {
  std::string error;
  if (argc < 3 || std::string(argv[2]) != "run") {
    std::fputs(kArtilleryHelp, argc >= 3 && std::string(argv[2]) == "--help" ? stdout : stderr);
    return argc >= 3 && std::string(argv[2]) == "--help" ? kExitOk : kExitInvalidConfig;
  }
  auto args = Args::parse(argc, argv, 3, kArtilleryFlags, error);
  if (!args) return invalid(error + "\n\n" + kArtilleryHelp);
  if (args->has("-h")) {
    std::fputs(kArtilleryHelp, stdout);
    return kExitOk;
  }
  if (args->positionals().size() != 1) return invalid(std::string("expected one script file\n\n") + kArtilleryHelp);
  return run_artillery_file(*args, args->positionals().front());
}

int run_command(int argc, char** argv) {
  if (argc < 3) return invalid("usage: squall run FILE (.js: k6 JavaScript, .yml/.yaml: Artillery, .py: Locust)");
  // The script may come after the flags, as in `k6 run -i 3 script.js`: the front-end is chosen by
  // the first argument with a script's extension.
  std::string file = argv[2];
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.ends_with(".js") || arg.ends_with(".mjs") || arg.ends_with(".yml") || arg.ends_with(".yaml") ||
        arg.ends_with(".py")) {
      file = arg;
      break;
    }
  }
  if (file.ends_with(".js") || file.ends_with(".mjs")) return run_k6_script(argc, argv);
  if (file.ends_with(".py")) return locust_command(argc, argv);
  if (file.ends_with(".yml") || file.ends_with(".yaml")) {
    std::string error;
    auto args = Args::parse(argc, argv, 2, kArtilleryFlags, error);
    if (!args) return invalid(error + "\n\n" + kArtilleryHelp);
    if (args->positionals().size() != 1) return invalid(std::string("expected one script file\n\n") + kArtilleryHelp);
    return run_artillery_file(*args, args->positionals().front());
  }
  return invalid("'" + file + "': squall run takes k6 JavaScript (.js), Artillery YAML (.yml, .yaml) or a Locust "
                 "locustfile (.py)");
}

}  // namespace squall::cli
