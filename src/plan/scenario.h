// One scenario of a test, with k6's option names and defaults. A single
// struct carries every executor's fields; each executor reads the ones that
// are its own (see src/schedule/executors/).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "metrics/tag_set.h"

namespace squall::plan {

enum class ExecutorKind {
  kSharedIterations,
  kPerVuIterations,
  kConstantVus,
  kRampingVus,
  kConstantArrivalRate,
  kRampingArrivalRate,
  kExternallyControlled,
};

// "shared-iterations" ... ; false for an unknown name.
bool parse_executor_kind(const std::string& name, ExecutorKind& out);
const char* executor_name(ExecutorKind kind);

struct Stage {
  Nanos duration = 0;
  int64_t target = 0;  // VUs (ramping-vus) or iterations per timeUnit (ramping-arrival-rate)
};

struct ScenarioConfig {
  std::string name = "default";
  ExecutorKind executor = ExecutorKind::kPerVuIterations;
  // Common options.
  Nanos start_time = 0;
  Nanos graceful_stop = 30 * kSecond;
  std::string exec = "default";
  std::map<std::string, std::string> env;
  metrics::Tags tags;
  // Executor options (k6 defaults).
  int64_t vus = 1;
  int64_t iterations = 1;
  Nanos max_duration = 10 * 60 * kSecond;
  Nanos duration = 0;
  int64_t start_vus = 1;
  std::vector<Stage> stages;
  Nanos graceful_ramp_down = 30 * kSecond;
  double rate = 0;
  double start_rate = 0;
  Nanos time_unit = kSecond;
  std::optional<int64_t> pre_allocated_vus;  // required by the arrival-rate executors, as in k6
  int64_t max_vus = 0;
};

}  // namespace squall::plan
