// per-vu-iterations: each of `vus` VUs runs `iterations` iterations; the
// scenario ends when all are done or after maxDuration.
#include "schedule/executors/executors.h"

namespace squall::schedule {

namespace {

class PerVuIterations final : public FixedVusExecutor {
 public:
  using FixedVusExecutor::FixedVusExecutor;
  Nanos end() const override { return config_.max_duration; }
  std::optional<std::string> validate() const override {
    if (config_.vus <= 0) return "the number of VUs must be more than 0";
    if (config_.iterations <= 0) return "the number of iterations must be more than 0";
    if (config_.max_duration <= 0) return "maxDuration must be more than 0";
    return std::nullopt;
  }
  Budget budget() const override { return Budget::kPerVu; }
  int64_t iterations() const override { return config_.iterations; }
};

}  // namespace

std::unique_ptr<Executor> make_per_vu_iterations(const plan::ScenarioConfig& c) {
  return std::make_unique<PerVuIterations>(c);
}

}  // namespace squall::schedule
