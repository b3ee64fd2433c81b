#include "schedule/executor.h"

#include "schedule/executors/executors.h"

namespace squall::schedule {

std::unique_ptr<Executor> make_executor(const plan::ScenarioConfig& config) {
  using plan::ExecutorKind;
  switch (config.executor) {
    case ExecutorKind::kSharedIterations: return make_shared_iterations(config);
    case ExecutorKind::kPerVuIterations: return make_per_vu_iterations(config);
    case ExecutorKind::kConstantVus: return make_constant_vus(config);
    case ExecutorKind::kRampingVus: return make_ramping_vus(config);
    case ExecutorKind::kConstantArrivalRate: return make_constant_arrival_rate(config);
    case ExecutorKind::kRampingArrivalRate: return make_ramping_arrival_rate(config);
    case ExecutorKind::kExternallyControlled: return make_externally_controlled(config);
  }
  return nullptr;
}

}  // namespace squall::schedule
