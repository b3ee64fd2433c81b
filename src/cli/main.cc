#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/commands.h"

namespace {

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
    "  squall version\n";

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
    return argc < 2 ? squall::cli::kExitInvalidConfig : 0;
  }
  const std::string command = argv[1];
  if (command == "http") return squall::cli::http_command(argc, argv);
  if (command == "serve") return squall::cli::serve_command(argc, argv);
  if (command == "demo") return squall::cli::demo_command(argc, argv);
  if (command == "artillery") return squall::cli::artillery_command(argc, argv);
  if (command == "locust") return squall::cli::locust_command(argc, argv);
  if (command == "run") return squall::cli::run_command(argc, argv);
  if (command == "compare") return squall::cli::compare_command(argc, argv);
  if (command == "report") return squall::cli::report_command(argc, argv);
  if (command == "version" || command == "--version") {
    std::puts("squall " SQUALL_VERSION);
    return 0;
  }
  std::fprintf(stderr, "squall: unknown command '%s'\n\n%s", command.c_str(), kUsage);
  return squall::cli::kExitInvalidConfig;
}
