// shared-iterations: `vus` VUs share `iterations` iterations; the scenario
// ends when they are done or after maxDuration.
#include "schedule/executors/executors.h"

namespace squall::schedule {

namespace {

class SharedIterations final : public FixedVusExecutor {
 public:
  using FixedVusExecutor::FixedVusExecutor;
  Nanos end() const override { return config_.max_duration; }
  std::optional<std::string> validate() const override {
    if (config_.vus <= 0) return "the number of VUs must be more than 0";
    if (config_.iterations < config_.vus)
      return "the number of iterations (" + std::to_string(config_.iterations) +
             ") can't be less than the number of VUs (" + std::to_string(config_.vus) + ")";
    if (config_.max_duration <= 0) return "maxDuration must be more than 0";
    return std::nullopt;
  }
  Budget budget() const override { return Budget::kShared; }
  int64_t iterations() const override { return config_.iterations; }
};

}  // namespace

std::unique_ptr<Executor> make_shared_iterations(const plan::ScenarioConfig& c) {
  return std::make_unique<SharedIterations>(c);
}

}  // namespace squall::schedule
