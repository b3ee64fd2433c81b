// constant-vus: `vus` VUs loop over iterations for `duration`.
#include "schedule/executors/executors.h"

namespace squall::schedule {

namespace {

class ConstantVus final : public Executor {
 public:
  using Executor::Executor;
  std::optional<std::string> validate() const override {
    if (config_.vus <= 0) return "the number of VUs must be more than 0";
    if (config_.duration < kSecond) return "the duration must be at least 1s";
    return std::nullopt;
  }
  Nanos scheduled_duration() const override { return config_.duration; }
  int64_t max_vus() const override { return config_.vus; }
  int64_t active_vus(Nanos t) const override { return t < config_.duration ? config_.vus : 0; }
  Nanos next_change(Nanos t) const override { return t < config_.duration ? config_.duration : kNever; }
};

}  // namespace

std::unique_ptr<Executor> make_constant_vus(const plan::ScenarioConfig& c) { return std::make_unique<ConstantVus>(c); }

}  // namespace squall::schedule
