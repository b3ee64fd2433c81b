// `squall compare BASELINE CURRENT`: the baseline gate over two finished runs.
#include <cstdio>
#include <fstream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/run_flags.h"
#include "common/exit_codes.h"
#include "report/compare.h"

namespace squall::cli {

namespace {

constexpr char kCompareHelp[] =
    "usage: squall compare BASELINE CURRENT [flags]\n"
    "  BASELINE, CURRENT       results bundles (--results) or k6 summary exports (--summary-export)\n"
    "      --fail-on RULE      SELECTOR:STAT(+|-)LIMIT[%|pp|ms], repeatable, e.g.\n"
    "                          'http_req_duration{name:/feed}:p(99)+30%', 'http_req_failed:rate+0.5pp',\n"
    "                          'http_reqs:rate-20%'; default p95+20%, p99+30%, error rate +1pp, throughput -20%\n"
    "      --format F          table (default), json or markdown (a block to paste into a PR comment)\n"
    "      --output FILE       write there instead of stdout\n"
    "A change fails a rule only when it passes the limit and is beyond run-to-run noise (95 % interval\n"
    "of the per-second difference). Exit codes: 0 no regression, 99 regression, 104 bad input.\n";

const std::vector<FlagSpec> kCompareFlags = {
    {{"--fail-on"}, true, true},
    {{"--format"}},
    {{"--output", "-o"}},
    {{"-h", "--help"}, false},
};

constexpr char kWho[] = "squall compare";

}  // namespace

int compare_command(int argc, char** argv) {
  std::optional<Args> args;
  if (auto done = parse_command_line(argc, argv, 2, kCompareFlags, kCompareHelp, args, nullptr, kWho)) return *done;
  std::string error;
  if (args->positionals().size() != 2)
    return invalid_config(std::string("expected BASELINE and CURRENT\n\n") + kCompareHelp, kWho);
  std::vector<report::CompareRule> rules;
  for (const auto& text : args->all("--fail-on")) {
    auto rule = report::parse_compare_rule(text, error);
    if (!rule) return invalid_config(error, kWho);
    rules.push_back(*rule);
  }
  if (rules.empty()) rules = report::default_compare_rules();
  auto baseline = report::load_run(args->positionals()[0], error);
  if (!baseline) return invalid_config(error, kWho);
  auto current = report::load_run(args->positionals()[1], error);
  if (!current) return invalid_config(error, kWho);
  const report::CompareReport result = report::compare_runs(*baseline, *current, rules);
  const std::string format = args->get("--format").value_or("table");
  std::string text;
  if (format == "table") {
    text = report::render_compare_table(result);
  } else if (format == "json") {
    text = report::compare_json(result).dump(2) + "\n";
  } else if (format == "markdown") {
    text = report::render_compare_markdown(result);
  } else {
    return invalid_config("invalid --format '" + format + "' (expected table, json or markdown)", kWho);
  }
  if (auto path = args->get("--output")) {
    std::ofstream out(*path);
    out << text;
    if (!out) return invalid_config("cannot write --output '" + *path + "'", kWho);
  } else {
    std::fputs(text.c_str(), stdout);
  }
  return result.regression ? kExitThresholdsFailed : kExitOk;
}

}  // namespace squall::cli
