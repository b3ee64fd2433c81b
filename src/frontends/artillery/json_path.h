// The JSONPath subset Artillery scripts use for captures and hasProperty:
// $, .key, ['key'], [N], [*] / .* (every child), and ..key (anywhere below).
// Returns every match in document order.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace squall::artillery {

// nullopt-like: false when the expression is malformed.
bool json_path(const nlohmann::json& document, const std::string& expression, std::vector<const nlohmann::json*>& out);

}  // namespace squall::artillery
