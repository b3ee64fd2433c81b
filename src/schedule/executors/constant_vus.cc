// constant-vus: `vus` VUs loop over iterations for `duration`.
#include "schedule/executors/executors.h"

namespace squall::schedule {

namespace {

class ConstantVus final : public FixedVusExecutor {
 public:
  using FixedVusExecutor::FixedVusExecutor;
  Nanos end() const override { return config_.duration; }
  std::optional<std::string> validate() const override {
    if (config_.vus <= 0) return "the number of VUs must be more than 0";
    if (config_.duration < kSecond) return "the duration must be at least 1s";
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<Executor> make_constant_vus(const plan::ScenarioConfig& c) { return std::make_unique<ConstantVus>(c); }

}  // namespace squall::schedule
