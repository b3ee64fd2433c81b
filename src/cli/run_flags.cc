#include "cli/run_flags.h"

#include <algorithm>
#include <cstdio>
#include <string_view>

#include "common/exit_codes.h"
#include "live/live_dashboard.h"

namespace squall::cli {

const std::vector<FlagSpec>& run_flags() {
  static const std::vector<FlagSpec> flags = {
      {{"--results"}},
      {{"--tag"}, true, true},
      {{"--run-name"}},
      {{"--baseline"}},
      {{"--fail-on"}, true, true},
      {{"--junit"}},
      {{"--report"}},
      {{"--out"}, true, true},
      {{"--dashboard"}, false},
      {{"--dashboard-address"}},
      {{"--dashboard-allow-remote"}, false},
      {{"--summary-export"}},
  };
  return flags;
}

bool read_run_options(const Args& args, engine::RunOptions& options, std::string& error) {
  options.summary_export = args.get("--summary-export").value_or("");
  options.results_path = args.get("--results").value_or("");
  options.baseline_path = args.get("--baseline").value_or("");
  options.junit_path = args.get("--junit").value_or("");
  options.report_path = args.get("--report").value_or("");
  options.outputs = args.all("--out");
  if (args.has("--dashboard") || args.has("--dashboard-address")) {
    options.dashboard_address = args.get("--dashboard-address").value_or(live::LiveDashboard::kDefaultAddress);
  }
  options.dashboard_allow_remote = args.has("--dashboard-allow-remote");
  options.meta.name = args.get("--run-name").value_or("");
  for (const auto& tag : args.all("--tag")) {
    const size_t eq = tag.find('=');
    if (eq == std::string::npos || eq == 0) {
      error = "invalid --tag '" + tag + "' (expected NAME=VALUE, e.g. git_sha=abc123)";
      return false;
    }
    options.meta.tags[tag.substr(0, eq)] = tag.substr(eq + 1);
  }
  for (const auto& text : args.all("--fail-on")) {
    auto rule = report::parse_compare_rule(text, error);
    if (!rule) return false;
    options.compare_rules.push_back(*rule);
  }
  if (!options.compare_rules.empty() && options.baseline_path.empty()) {
    error = "--fail-on needs --baseline FILE (a results bundle or summary export of the run to compare against)";
    return false;
  }
  if (!options.baseline_path.empty() && options.compare_rules.empty())
    options.compare_rules = report::default_compare_rules();
  return true;
}

bool read_summary_flags(const Args& args, std::optional<std::string>& time_unit, std::optional<bool>& compact,
                        std::string& error, bool* disabled) {
  if (auto unit = args.get("--summary-time-unit")) {
    if (*unit != "s" && *unit != "ms" && *unit != "us") {
      error = "invalid --summary-time-unit '" + *unit + "' (expected s, ms or us)";
      return false;
    }
    time_unit = *unit;
  }
  if (auto mode = args.get("--summary-mode")) {
    if (disabled && *mode == "disabled") {
      *disabled = true;
      return true;
    }
    if (*mode != "compact" && *mode != "full") {
      error =
          "invalid --summary-mode '" + *mode + "' (expected compact" + (disabled ? ", full or disabled)" : " or full)");
      return false;
    }
    compact = *mode == "compact";
  }
  return true;
}

std::optional<int> parse_command_line(int argc, char** argv, int first, const std::vector<FlagSpec>& flags,
                                      const char* help, std::optional<Args>& args, std::vector<std::string>* unknown,
                                      const char* who) {
  std::string error;
  args = Args::parse(argc, argv, first, flags, error, unknown);
  // --help anywhere asks for help, even beside a flag this command does not know: never a test.
  const bool asked_for_help = std::any_of(argv + first, argv + argc, [](const char* arg) {
    return std::string_view(arg) == "--help" || std::string_view(arg) == "-h";
  });
  if (!args && !asked_for_help) return invalid_config(error + "\n\n" + help, who);
  if (asked_for_help) {
    std::fputs(help, stdout);
    return kExitOk;
  }
  return std::nullopt;
}

}  // namespace squall::cli
