// Durations as users write them: "250ms", "10s", "1m30s", "1h", "1.5s", or a
// bare number (seconds by default, as k6 reads a number in `duration`).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace squall {

// Accepts units ns, us/µs, ms, s, m, h, d, summed ("1m30s"). nullopt on bad input.
std::optional<Nanos> parse_duration(std::string_view text, Nanos bare_number_unit = kSecond);

// A duration as Go prints it, as k6 shows them: "45s", "1m30s", "1h0m0s", "500ms", "1.5s".
std::string format_go_duration(Nanos d);

}  // namespace squall
