// squall's entry point: one table of commands; `squall run FILE` picks the front-end by extension.
#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "cli/commands.h"
#include "common/exit_codes.h"

namespace {

using squall::kExitInvalidConfig;

constexpr char kUsage[] =
    "squall - a load-testing tool\n"
    "\n"
    "usage:\n"
    "  squall http URL [flags]    quick load test of one URL (wrk/hey style); --help for flags\n"
    "  squall serve [flags]       run the demo API target; --help for flags\n"
    "  squall demo [flags]        start the demo target and load-test it (10 s)\n"
    "  squall run SCRIPT.js       run a k6 JavaScript test (k6 flags; --help)\n"
    "  squall run FILE.yml        run an Artillery script (also: squall artillery run FILE.yml)\n"
    "  squall run FILE.py         run a Locust locustfile (also: squall locust -f FILE.py)\n"
    "  squall compare BASE CUR    compare two runs (results bundles or summary exports) as a CI gate\n"
    "  squall report RESULTS -o report.html   the HTML report of a results bundle\n"
    "  squall inspect SCRIPT.js   a k6 script's options as JSON (k6 inspect)\n"
    "  squall archive SCRIPT.js   the test as k6's .tar (squall run and k6 run take it)\n"
    "  squall new [FILE]          write a k6 script to start from (k6 new)\n"
    "  squall status|scale|pause|resume|stats   a running test's control API (k6's commands)\n"
    "  squall version\n";

int help_command(int, char**) {
  std::fputs(kUsage, stdout);
  return 0;
}

int version_command(int, char**) {
  std::puts("squall " SQUALL_VERSION);
  return 0;
}

// `squall run FILE`: the script may come after the flags, as in `k6 run -i 3 script.js`, so the
// front-end is chosen by the first argument with a script's extension.
int run_command(int argc, char** argv) {
  struct Kind {
    std::string_view extension;
    int (*run)(int, char**);
  };
  static constexpr Kind kKinds[] = {
      {".js", squall::cli::run_k6_script},         {".mjs", squall::cli::run_k6_script},
      {".ts", squall::cli::run_k6_script},         {".tar", squall::cli::run_k6_script},
      {".yml", squall::cli::run_artillery_script}, {".yaml", squall::cli::run_artillery_script},
      {".py", squall::cli::locust_command}};
  for (int i = 2; i < argc; ++i) {
    for (const auto& kind : kKinds) {
      if (std::string_view(argv[i]).ends_with(kind.extension)) return kind.run(argc, argv);
    }
  }
  // No script: `squall run --help` (or -h anywhere) asks which kinds there are.
  for (int i = 2; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h") return help_command(argc, argv);
  }
  // Name the argument that looks like the script: the last one that is no flag.
  const char* script = nullptr;
  for (int i = 2; i < argc; ++i) {
    if (argv[i][0] != '-') script = argv[i];
  }
  return squall::invalid_config(!script
                                    ? "usage: squall run FILE (.js/.ts: k6, .yml/.yaml: Artillery, .py: Locust)"
                                    : "'" + std::string(script) +
                                          "': squall run takes k6 JavaScript (.js, .ts, a k6 .tar archive), Artillery "
                                          "YAML (.yml, .yaml) or a Locust locustfile (.py)");
}

struct Command {
  std::string_view name;
  int (*run)(int, char**);
};

constexpr Command kCommands[] = {
    {"http", squall::cli::http_command},
    {"serve", squall::cli::serve_command},
    {"demo", squall::cli::demo_command},
    {"artillery", squall::cli::artillery_command},
    {"locust", squall::cli::locust_command},
    {"run", run_command},
    {"compare", squall::cli::compare_command},
    {"report", squall::cli::report_command},
    {"inspect", squall::cli::inspect_command},
    {"new", squall::cli::new_command},
    {"archive", squall::cli::archive_command},
    {"status", squall::cli::control_command},
    {"scale", squall::cli::control_command},
    {"pause", squall::cli::control_command},
    {"resume", squall::cli::control_command},
    {"stats", squall::cli::control_command},
    {"version", version_command},
    {"--version", version_command},
    {"help", help_command},
};

// Every VU holds sockets: take the file-descriptor limit the system allows (the hard limit),
// as wrk and k6 users expect, instead of the shell's usual 1024.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

int main(int argc, char** argv) {
  // A peer that closes while we write (TLS writes go through write(2)) must be an error, not death.
  std::signal(SIGPIPE, SIG_IGN);
  raise_descriptor_limit();
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? kExitInvalidConfig : 0;
  }
  for (const auto& command : kCommands) {
    if (command.name == argv[1]) return command.run(argc, argv);
  }
  std::fprintf(stderr, "squall: unknown command '%s'\n\n%s", argv[1], kUsage);
  return kExitInvalidConfig;
}
