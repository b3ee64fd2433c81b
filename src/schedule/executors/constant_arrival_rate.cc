// constant-arrival-rate: `rate` iterations per `timeUnit` for `duration`,
// started on schedule whatever the response times: iteration i starts at
// i * timeUnit / rate. VUs come from a pool of preAllocatedVUs that may grow
// to maxVUs; a start that finds none free is a dropped iteration.
#include "schedule/executors/executors.h"

#include <cmath>

namespace squall::schedule {

namespace {

class ConstantArrivalRate final : public Executor {
 public:
  using Executor::Executor;
  std::optional<std::string> validate() const override {
    if (!(config_.rate > 0)) return "the iteration rate must be more than 0";
    if (config_.time_unit <= 0) return "the timeUnit must be more than 0";
    if (config_.duration < kSecond) return "the duration must be at least 1s";
    if (auto too_fast = check_rate_limit("rate", config_.rate, config_.time_unit)) return too_fast;
    if (!config_.pre_allocated_vus) return "the number of preAllocatedVUs isn't specified";
    if (*config_.pre_allocated_vus < 0) return "the number of preAllocatedVUs can't be negative";
    if (config_.max_vus < *config_.pre_allocated_vus) return "maxVUs can't be less than preAllocatedVUs";
    return std::nullopt;
  }
  bool open_model() const override { return true; }
  Nanos scheduled_duration() const override { return config_.duration; }
  int64_t max_vus() const override { return config_.max_vus; }
  int64_t pre_allocated_vus() const override { return config_.pre_allocated_vus.value_or(0); }
  std::optional<Nanos> arrival(int64_t i) const override {
    const long double at = static_cast<long double>(i) * static_cast<long double>(config_.time_unit) / config_.rate;
    if (at >= static_cast<long double>(config_.duration)) return std::nullopt;
    return static_cast<Nanos>(std::llround(at));
  }
};

}  // namespace

std::unique_ptr<Executor> make_constant_arrival_rate(const plan::ScenarioConfig& c) {
  plan::ScenarioConfig config = c;
  if (config.max_vus == 0)
    config.max_vus = config.pre_allocated_vus.value_or(0);  // k6: maxVUs defaults to preAllocatedVUs
  return std::make_unique<ConstantArrivalRate>(config);
}

}  // namespace squall::schedule
