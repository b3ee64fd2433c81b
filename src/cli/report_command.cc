// `squall report RESULTS -o report.html`: the HTML report of a finished run,
// from its results bundle.
#include <cstdio>
#include <fstream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/run_flags.h"
#include "common/exit_codes.h"
#include "report/html_report.h"
#include "report/results_bundle.h"
#include "report/summary.h"

namespace squall::cli {

namespace {

constexpr char kReportHelp[] =
    "usage: squall report RESULTS.json -o report.html\n"
    "  RESULTS.json            a results bundle written by --results\n"
    "  -o, --output FILE       the HTML file to write (self-contained: nothing is fetched when viewed)\n";

const std::vector<FlagSpec> kReportFlags = {{{"-o", "--output"}}, {{"-h", "--help"}, false}};

constexpr char kWho[] = "squall report";

}  // namespace

int report_command(int argc, char** argv) {
  std::optional<Args> args;
  if (auto done = parse_command_line(argc, argv, 2, kReportFlags, kReportHelp, args, nullptr, kWho)) return *done;
  std::string error;
  if (args->positionals().size() != 1 || !args->has("-o"))
    return invalid_config(std::string("expected RESULTS and -o FILE\n\n") + kReportHelp, kWho);
  auto loaded = report::read_results(args->positionals().front(), error);
  if (!loaded) return invalid_config(error, kWho);
  report::SummaryOptions options;
  options.elapsed = static_cast<Nanos>(loaded->meta.duration_seconds * 1e9);
  options.trend_stats = {"avg", "min", "med", "max", "p(90)", "p(95)", "p(99)"};
  const report::Summary summary = report::build_summary(*loaded->store, options);
  std::ofstream out(*args->get("-o"));
  out << report::render_html_report(*loaded->store, loaded->meta, summary);
  if (!out) return invalid_config("cannot write '" + *args->get("-o") + "'", kWho);
  return kExitOk;
}

}  // namespace squall::cli
