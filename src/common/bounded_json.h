// JSON from the target, parsed with a bound on its nesting. The response is
// attacker-controlled: the code that walks, copies or prints a parsed
// document recurses once per level, on a VU's small stack, so a document
// nested deeper than kMaxJsonDepth is refused before it is parsed.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string_view>

namespace squall {

inline constexpr size_t kMaxJsonDepth = 256;

// Whether `text` opens more than `limit` arrays/objects inside each other (strings are skipped;
// the text need not be valid JSON).
bool json_nests_deeper_than(std::string_view text, size_t limit);

// nlohmann::json::parse without exceptions; a discarded value when the text is not JSON or nests
// deeper than kMaxJsonDepth (then `too_deep`, if given, is set).
nlohmann::json parse_bounded_json(std::string_view text, bool* too_deep = nullptr);

}  // namespace squall
