#include "plan/scenario_description.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "common/duration.h"

namespace squall::plan {

namespace {

Nanos stages_duration(const ScenarioConfig& s) {
  Nanos total = 0;
  for (const auto& stage : s.stages) total += stage.duration;
  return total;
}

int64_t stages_peak(const ScenarioConfig& s, int64_t start) {
  int64_t peak = start;
  for (const auto& stage : s.stages) peak = std::max(peak, stage.target);
  return peak;
}

// "2.00 iterations/s" in k6's unit: per second, or per the time unit when it is not one second.
std::string rate_text(double rate, Nanos time_unit) {
  char text[64];
  std::snprintf(text, sizeof text, "%.2f iterations/s",
                rate * static_cast<double>(kSecond) / static_cast<double>(time_unit > 0 ? time_unit : kSecond));
  return text;
}

}  // namespace

std::string describe_scenario(const ScenarioConfig& s) {
  // k6's closing parenthesis: the executor's own facts, then exec, startTime, gracefulStop when set.
  const auto base_info = [&s](std::vector<std::string> facts) {
    if (s.exec != "default") facts.push_back("exec: " + s.exec);
    if (s.start_time > 0) facts.push_back("startTime: " + format_go_duration(s.start_time));
    if (s.graceful_stop > 0) facts.push_back("gracefulStop: " + format_go_duration(s.graceful_stop));
    std::string out;
    for (const auto& fact : facts) out += (out.empty() ? " (" : ", ") + fact;
    return out.empty() ? out : out + ")";
  };
  const int64_t pre_allocated = s.pre_allocated_vus.value_or(0);
  const std::string max_vus =
      "maxVUs: " + std::to_string(pre_allocated) + (s.max_vus > pre_allocated ? "-" + std::to_string(s.max_vus) : "");
  const std::string max_duration = "maxDuration: " + format_go_duration(s.max_duration);
  switch (s.executor) {
    case ExecutorKind::kSharedIterations:
      return std::to_string(s.iterations) + " iterations shared among " + std::to_string(s.vus) + " VUs" +
             base_info({max_duration});
    case ExecutorKind::kPerVuIterations:
      return std::to_string(s.iterations) + " iterations for each of " + std::to_string(s.vus) + " VUs" +
             base_info({max_duration});
    case ExecutorKind::kConstantVus:
      return std::to_string(s.vus) + " looping VUs for " + format_go_duration(s.duration) + base_info({});
    case ExecutorKind::kRampingVus:
      return "Up to " + std::to_string(stages_peak(s, s.start_vus)) + " looping VUs for " +
             format_go_duration(stages_duration(s)) + " over " + std::to_string(s.stages.size()) + " stages" +
             base_info({"gracefulRampDown: " + format_go_duration(s.graceful_ramp_down)});
    case ExecutorKind::kConstantArrivalRate:
      return rate_text(s.rate, s.time_unit) + " for " + format_go_duration(s.duration) + base_info({max_vus});
    case ExecutorKind::kRampingArrivalRate: {
      double peak = s.start_rate;
      for (const auto& stage : s.stages) peak = std::max(peak, static_cast<double>(stage.target));
      return "Up to " + rate_text(peak, s.time_unit) + " for " + format_go_duration(stages_duration(s)) + " over " +
             std::to_string(s.stages.size()) + " stages" + base_info({max_vus});
    }
    case ExecutorKind::kExternallyControlled:  // (k6 v1 has no such executor any more)
      return "Up to " + std::to_string(s.vus) + "/" + std::to_string(std::max(s.max_vus, s.vus)) + " looping VUs for " +
             format_go_duration(s.duration) + " (externally controlled)";
  }
  return executor_name(s.executor);
}

}  // namespace squall::plan
