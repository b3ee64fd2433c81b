// Test options with k6's names, defaults and layering. Sources, lowest
// precedence first: the script's `options`, a JSON --config file, K6_*
// environment variables, CLI flags. As in k6, when a higher layer sets any of
// duration/iterations/stages/scenarios, the lower layers' execution settings
// are dropped as a whole; the shortcuts then become scenarios exactly as k6
// derives them.
#pragma once

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "metrics/threshold.h"
#include "plan/scenario.h"

namespace squall::plan {

struct ExecutionOptions {
  std::optional<int64_t> vus;
  std::optional<Nanos> duration;
  std::optional<int64_t> iterations;
  std::optional<std::vector<Stage>> stages;
  std::optional<std::vector<ScenarioConfig>> scenarios;
  bool any_execution() const { return duration || iterations || stages || scenarios; }
};

struct TestOptions {
  ExecutionOptions execution;
  std::vector<metrics::MetricThresholds> thresholds;
  std::optional<std::vector<std::string>> summary_trend_stats;
  std::optional<std::string> summary_time_unit;  // "s", "ms", "us"
  std::map<std::string, std::string> hosts;
  std::optional<bool> insecure_skip_tls_verify;
  std::optional<std::string> tls_min, tls_max;
  std::optional<std::string> user_agent;
  std::optional<bool> discard_response_bodies;
  std::optional<Nanos> min_iteration_duration;   // a shorter iteration is padded with a sleep
  std::optional<Nanos> setup_timeout;            // k6's setupTimeout (default 60s)
  std::optional<Nanos> teardown_timeout;         // k6's teardownTimeout (default 60s)
  std::optional<int64_t> batch, batch_per_host;  // http.batch: requests in flight at once, per host; 0 = no limit
  std::optional<bool> throw_errors;              // `throw`: a request that fails (no response) throws
  std::optional<bool> no_connection_reuse;       // every request on a new connection
  std::optional<bool> no_vu_connection_reuse;    // a VU's connections closed after each iteration
  std::optional<int64_t> max_redirects;          // the default of the `redirects` request param
  std::optional<std::string> execution_segment, execution_segment_sequence;
  std::optional<int64_t> rps;                                 // k6's rps: requests per second, all VUs
  std::optional<std::vector<std::string>> blacklist_ips;      // CIDR ranges no request may dial
  std::optional<std::vector<std::string>> block_hostnames;    // names and *.name patterns
  std::optional<std::vector<std::string>> tls_cipher_suites;  // IANA names
  metrics::Tags tags;                                         // test-wide tags
  // Keys of the options object that k6 does not know (a typo such as "duraton"), in order.
  std::vector<std::string> unknown_fields;
};

// Parses a k6 options object. `where` names the source in errors ("config.json").
std::optional<TestOptions> options_from_json(const nlohmann::json& json, const std::string& where, std::string& error);
std::optional<TestOptions> options_from_file(const std::string& path, std::string& error);
// K6_VUS, K6_DURATION, K6_ITERATIONS, K6_STAGES ("30s:10,1m:0"), K6_SUMMARY_TREND_STATS,
// K6_INSECURE_SKIP_TLS_VERIFY, K6_EXECUTION_SEGMENT(_SEQUENCE), K6_BATCH(_PER_HOST), K6_MAX_REDIRECTS,
// K6_THROW, K6_NO_(VU_)CONNECTION_REUSE, K6_DISCARD_RESPONSE_BODIES, K6_USER_AGENT, K6_RPS,
// K6_MIN_ITERATION_DURATION, K6_BLACKLIST_IPS, K6_BLOCK_HOSTNAMES; SQUALL_* alike.
std::optional<TestOptions> options_from_env(std::string& error);

// `higher` over `lower`, with k6's execution-group reset.
TestOptions merge_options(const TestOptions& lower, const TestOptions& higher);

// k6's precedence: the --config file, if any < `script` (a script's own `options`) < K6_* environment
// < `flags`. Nullopt with `error` when the file or a variable is invalid.
std::optional<TestOptions> layer_options(const std::optional<std::string>& config_file, const TestOptions& script,
                                         const TestOptions& flags, std::string& error);

// The scenarios to run: explicit ones, or those k6 derives from the shortcuts.
// nullopt with `error` on conflicts (k6's messages) or invalid executor configs.
std::optional<std::vector<ScenarioConfig>> derive_scenarios(const TestOptions& options, std::string& error);

// "30s:10" -> Stage; nullopt if malformed.
std::optional<Stage> parse_stage(const std::string& text);

}  // namespace squall::plan
