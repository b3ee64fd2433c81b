// k6's script tools: `squall inspect SCRIPT.js` (the options as JSON), `squall archive SCRIPT.js`
// (k6's .tar of the test) and `squall new [FILE]` (a script to start from).
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/run_flags.h"
#include "common/exit_codes.h"
#include "frontends/k6/k6_front_end.h"

namespace squall::cli {

namespace {

constexpr char kInspectHelp[] =
    "usage: squall inspect SCRIPT.js [flags]   (as k6 inspect)\n"
    "  prints the script's options as JSON, after --config, K6_* and -e are applied\n"
    "      --execution-requirements   also maxVUs and totalDuration (graceful stops included)\n"
    "  -c, --config FILE              k6 options as JSON\n"
    "  -e, --env NAME=VALUE           add to __ENV (repeatable)\n";

const std::vector<FlagSpec> kInspectFlags = {
    {{"--execution-requirements"}, false},
    {{"-c", "--config"}},
    {{"-e", "--env"}, true, true},
    {{"-h", "--help"}, false},
};

constexpr char kArchiveHelp[] =
    "usage: squall archive SCRIPT.js [flags]   (as k6 archive)\n"
    "  writes the script, its local modules and the files it open()s as k6's .tar, which\n"
    "  `squall run archive.tar` and `k6 run archive.tar` both take\n"
    "  -O, --archive-out FILE   the archive (default archive.tar)\n"
    "  -c, --config FILE        k6 options as JSON\n"
    "  -e, --env NAME=VALUE     kept in the archive's env (repeatable)\n";

const std::vector<FlagSpec> kArchiveFlags = {
    {{"-O", "--archive-out"}},
    {{"-c", "--config"}},
    {{"-e", "--env"}, true, true},
    {{"-h", "--help"}, false},
};

constexpr char kNewHelp[] =
    "usage: squall new [FILE] [--force]   (as k6 new)\n"
    "  writes a k6 script to start from (default script.js); --force overwrites an existing file\n";

const std::vector<FlagSpec> kNewFlags = {{{"-f", "--force"}, false}, {{"-h", "--help"}, false}};

constexpr char kTemplate[] = R"JS(import http from 'k6/http';
import { check, sleep } from 'k6';

// Run it with `squall run script.js` (or k6 run): 10 virtual users for 30 seconds.
export const options = {
  vus: 10,
  duration: '30s',
  thresholds: {
    http_req_failed: ['rate<0.01'],    // fewer than 1% of requests fail
    http_req_duration: ['p(95)<500'],  // 95% of requests answer within 500 ms
  },
};

const BASE = __ENV.BASE_URL || 'http://127.0.0.1:8080';  // `squall serve` starts a target there

export default function () {
  const res = http.get(`${BASE}/health`);
  check(res, { 'status is 200': (r) => r.status === 200 });
  sleep(1);
}
)JS";

}  // namespace

// The script, --config and -e of a tool's command line; nullopt (with the message printed) if bad.
std::optional<k6::K6Invocation> script_invocation(const Args& args, const char* help) {
  if (args.positionals().size() != 1) {
    invalid_config(std::string("expected one script\n\n") + help);
    return std::nullopt;
  }
  k6::K6Invocation invocation;
  invocation.path = args.positionals().front();
  invocation.config_file = args.get("-c");
  for (const auto& kv : args.all("-e")) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      invalid_config("invalid --env '" + kv + "' (expected NAME=VALUE)");
      return std::nullopt;
    }
    invocation.env.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return invocation;
}

int inspect_command(int argc, char** argv) {
  std::optional<Args> args;
  if (auto done = parse_command_line(argc, argv, 2, kInspectFlags, kInspectHelp, args)) return *done;
  auto invocation = script_invocation(*args, kInspectHelp);
  if (!invocation) return kExitInvalidConfig;
  k6::K6FrontEnd front_end(std::move(*invocation));
  const int code = front_end.inspect(args->has("--execution-requirements"));
  front_end.close();
  return code;
}

int archive_command(int argc, char** argv) {
  std::optional<Args> args;
  if (auto done = parse_command_line(argc, argv, 2, kArchiveFlags, kArchiveHelp, args)) return *done;
  auto invocation = script_invocation(*args, kArchiveHelp);
  if (!invocation) return kExitInvalidConfig;
  k6::K6FrontEnd front_end(std::move(*invocation));
  const int code = front_end.archive(args->get("-O").value_or("archive.tar"));
  front_end.close();
  return code;
}

int new_command(int argc, char** argv) {
  std::optional<Args> args;
  if (auto done = parse_command_line(argc, argv, 2, kNewFlags, kNewHelp, args)) return *done;
  if (args->positionals().size() > 1) return invalid_config(std::string("expected at most one file\n\n") + kNewHelp);
  const std::string path = args->positionals().empty() ? "script.js" : args->positionals().front();
  if (std::filesystem::exists(path) && !args->has("-f")) {
    return invalid_config("'" + path + "' already exists; use --force to overwrite it");
  }
  std::ofstream out(path, std::ios::trunc);
  out << kTemplate;
  out.close();
  if (!out) {
    std::fprintf(stderr, "squall: could not write '%s'\n", path.c_str());
    return kExitOutputFailed;
  }
  std::printf("New script created: %s\n", path.c_str());
  return kExitOk;
}

}  // namespace squall::cli
