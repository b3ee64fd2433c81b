// Reads an Artillery YAML script into a Script. Errors name the file, the
// line and what was expected. Load-time options, as Artillery's CLI gives
// them, are applied before reading: --overrides (JSON deep-merged into the
// document), -e/--environment (config.environments[name] merged into
// config), -t/--target and -v/--variables.
#pragma once

#include <optional>
#include <string>

#include "frontends/artillery/script.h"

namespace squall::artillery {

struct LoadOptions {
  std::string target;         // -t
  std::string environment;    // -e
  std::string overrides;      // --overrides JSON
  std::string variables;      // -v JSON object
  std::string scenario_name;  // --scenario-name: run only this scenario
};

std::optional<Script> load_script(const std::string& path, const LoadOptions& options, std::string& error);
std::optional<Script> parse_script(const std::string& yaml_text, const std::string& path, const LoadOptions& options,
                                   std::string& error);

}  // namespace squall::artillery
