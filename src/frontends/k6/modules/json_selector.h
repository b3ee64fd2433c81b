// k6's Response.json(selector): a GJSON path over the parsed body.
// Supported: dotted keys ("user.name"), array indexes ("items.0.id"), "#"
// for an array's length ("items.#"), "#.key" to collect a key from every
// element ("items.#.id"), and "\." to escape a dot inside a key.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace squall::k6 {

// The selected value, or nullopt when the path matches nothing (k6 then returns undefined).
std::optional<nlohmann::json> select_json(const nlohmann::json& document, std::string_view selector);

}  // namespace squall::k6
