#include "frontends/artillery/phases.h"

#include <algorithm>
#include <cmath>

namespace squall::artillery {

namespace {
constexpr double kRateScale = 1000;  // rates per 1000 s keep three decimals
constexpr int64_t kUnboundedVusers = 100'000;
}  // namespace

plan::ScenarioConfig phases_to_scenario(const Config& config) {
  plan::ScenarioConfig s;
  s.name = "artillery";
  s.executor = plan::ExecutorKind::kRampingArrivalRate;
  s.time_unit = static_cast<Nanos>(kRateScale) * kSecond;
  s.start_rate = 0;
  s.graceful_stop = 30 * kSecond;
  int64_t max_vusers = kUnboundedVusers;
  auto rate = [](double per_second) { return static_cast<int64_t>(std::llround(per_second * kRateScale)); };
  for (const auto& phase : config.phases) {
    if (phase.max_vusers) max_vusers = std::min(max_vusers, *phase.max_vusers);
    if (phase.pause) {
      s.stages.push_back({0, 0});
      s.stages.push_back({phase.duration, 0});
    } else if (phase.arrival_count) {
      const double per_second =
          phase.duration > 0 ? static_cast<double>(*phase.arrival_count) * 1e9 / static_cast<double>(phase.duration)
                             : 0;
      s.stages.push_back({0, rate(per_second)});
      s.stages.push_back({phase.duration, rate(per_second)});
    } else {
      s.stages.push_back({0, rate(phase.arrival_rate)});
      s.stages.push_back({phase.duration, rate(phase.ramp_to.value_or(phase.arrival_rate))});
    }
  }
  if (s.stages.empty()) s.stages.push_back({kSecond, rate(1)});  // no phases: Artillery sends one arrival
  s.max_vus = max_vusers;
  s.pre_allocated_vus = std::min<int64_t>(max_vusers, 64);
  return s;
}

}  // namespace squall::artillery
