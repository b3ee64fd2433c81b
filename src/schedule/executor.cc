#include "schedule/executor.h"

#include <cstdio>

#include "schedule/executors/executors.h"

namespace squall::schedule {

std::unique_ptr<Executor> make_executor(const plan::ScenarioConfig& config, const ExternalControl* control) {
  using plan::ExecutorKind;
  switch (config.executor) {
    case ExecutorKind::kSharedIterations: return make_shared_iterations(config);
    case ExecutorKind::kPerVuIterations: return make_per_vu_iterations(config);
    case ExecutorKind::kConstantVus: return make_constant_vus(config);
    case ExecutorKind::kRampingVus: return make_ramping_vus(config);
    case ExecutorKind::kConstantArrivalRate: return make_constant_arrival_rate(config);
    case ExecutorKind::kRampingArrivalRate: return make_ramping_arrival_rate(config);
    case ExecutorKind::kExternallyControlled: return make_externally_controlled(config, control);
  }
  return nullptr;
}

std::optional<std::string> check_rate_limit(const char* what, double per_unit, Nanos time_unit) {
  const double per_second = per_unit * static_cast<double>(kSecond) / static_cast<double>(time_unit);
  if (per_second <= kMaxIterationsPerSecond) return std::nullopt;
  char text[256];
  std::snprintf(text, sizeof text,
                "%s of %g per %gs is %g iterations per second: one squall process starts at most %.0f per second "
                "(split the test across instances with --execution-segment)",
                what, per_unit, static_cast<double>(time_unit) / 1e9, per_second, kMaxIterationsPerSecond);
  return text;
}

std::optional<std::string> validate_scenarios(const std::vector<plan::ScenarioConfig>& scenarios) {
  for (const auto& scenario : scenarios) {
    if (auto problem = make_executor(scenario)->validate()) {
      return "scenario '" + scenario.name + "' (" + plan::executor_name(scenario.executor) + "): " + *problem;
    }
  }
  return std::nullopt;
}

}  // namespace squall::schedule
