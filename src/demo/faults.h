// Fault injection for the demo target: latency from a distribution, injected
// error statuses at a fraction, periodic stalls, and connection resets. Set
// for the whole server by flags, and per request by query parameters
// (?delay=20ms, ?delay=uniform:10ms-30ms, ?status=503, ?error_rate=0.1,
// ?error_status=429, ?reset=1).
#pragma once

#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "net/url.h"

namespace squall::demo {

struct LatencyDistribution {
  enum class Kind { kNone, kFixed, kUniform, kLognormal };
  Kind kind = Kind::kNone;
  Nanos a = 0;       // fixed value, uniform low, or lognormal median
  Nanos b = 0;       // uniform high
  double sigma = 0;  // lognormal shape

  // "20ms", "fixed:20ms", "uniform:10ms-30ms", "lognormal:20ms,0.5" (median, sigma).
  static std::optional<LatencyDistribution> parse(std::string_view text);
  Nanos sample(std::mt19937_64& rng) const;
};

struct FaultConfig {
  LatencyDistribution latency;
  double error_rate = 0;  // fraction of requests answered with error_status
  int error_status = 503;
  Nanos stall_for = 0;    // stop answering for stall_for ...
  Nanos stall_every = 0;  // ... at the end of every stall_every period
  double reset_rate = 0;  // fraction of requests answered by a TCP reset
};

// "1s/5s" -> stall for 1 s every 5 s.
bool parse_stall(std::string_view text, Nanos& stall_for, Nanos& stall_every);

struct FaultDecision {
  Nanos delay = 0;
  int forced_status = 0;  // 0: answer normally
  bool reset = false;
};

// Applies the server-wide config and the request's query overrides.
// Returns an error message instead when a query parameter is malformed.
std::optional<std::string> decide_faults(const FaultConfig& config, std::string_view query, std::mt19937_64& rng,
                                         FaultDecision& out);

// When a response ready at `ready` may leave, given periodic stalls from `epoch`.
Nanos release_time(const FaultConfig& config, Nanos epoch, Nanos ready);

using net::query_param;

}  // namespace squall::demo
