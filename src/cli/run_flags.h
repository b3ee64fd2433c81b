// The flags every run command shares, read into the engine's RunOptions, and the command-line
// preamble each command repeats (parse, --help, usage errors).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/args.h"
#include "engine/run_session.h"

namespace squall::cli {

// --results, --tag, --run-name, --baseline, --fail-on, --junit, --report, --out, --dashboard,
// --dashboard-address, --dashboard-allow-remote, --summary-export.
// (A function, not a global: other files' globals are built from it.)
const std::vector<FlagSpec>& run_flags();
// Reads them; false with `error` on bad input.
bool read_run_options(const Args& args, engine::RunOptions& options, std::string& error);

// --summary-time-unit and --summary-mode, checked; false with `error` on a bad value. With
// `disabled`, "--summary-mode disabled" is accepted too and sets it (k6's way to print none).
bool read_summary_flags(const Args& args, std::optional<std::string>& time_unit, std::optional<bool>& compact,
                        std::string& error, bool* disabled = nullptr);

// Parses argv[first..] against `flags`. Returns the exit code when the command is done already:
// 0 after printing `help` when -h or --help is anywhere among them (even beside an unknown flag),
// 104 after printing "<who>: error" and `help` for bad flags.
std::optional<int> parse_command_line(int argc, char** argv, int first, const std::vector<FlagSpec>& flags,
                                      const char* help, std::optional<Args>& args,
                                      std::vector<std::string>* unknown = nullptr, const char* who = "squall");

}  // namespace squall::cli
