// ramping-arrival-rate: the start rate (iterations per timeUnit) moves
// linearly from startRate through each stage's target. Iteration i starts at
// the moment the integral of the rate reaches i, so starts follow the ramp
// exactly and never wait for responses.
#include "schedule/executors/executors.h"

#include <cmath>
#include <vector>

namespace squall::schedule {

namespace {

class RampingArrivalRate final : public Executor {
 public:
  explicit RampingArrivalRate(plan::ScenarioConfig config) : Executor(std::move(config)) {
    long double total = 0;
    double from = config_.start_rate;
    for (const auto& s : config_.stages) {
      segments_.push_back(Segment{total, from, static_cast<double>(s.target)});
      total += (from + static_cast<long double>(s.target)) / 2 * static_cast<long double>(s.duration) /
               static_cast<long double>(config_.time_unit);
      from = static_cast<double>(s.target);
    }
    total_iterations_ = total;
  }
  std::optional<std::string> validate() const override {
    if (config_.start_rate < 0) return "startRate can't be negative";
    if (config_.time_unit <= 0) return "the timeUnit must be more than 0";
    if (config_.stages.empty()) return "at least one stage has to be specified";
    if (auto too_fast = check_rate_limit("startRate", config_.start_rate, config_.time_unit)) return too_fast;
    for (const auto& s : config_.stages) {
      if (s.duration < 0) return "stage durations can't be negative";
      if (s.target < 0) return "stage targets can't be negative";
      if (auto too_fast = check_rate_limit("a stage target", static_cast<double>(s.target), config_.time_unit)) {
        return too_fast;
      }
    }
    if (!config_.pre_allocated_vus) return "the number of preAllocatedVUs isn't specified";
    if (*config_.pre_allocated_vus < 0) return "the number of preAllocatedVUs can't be negative";
    if (config_.max_vus < *config_.pre_allocated_vus) return "maxVUs can't be less than preAllocatedVUs";
    return std::nullopt;
  }
  bool open_model() const override { return true; }
  Nanos scheduled_duration() const override {
    Nanos total = 0;
    for (const auto& s : config_.stages) total += s.duration;
    return total;
  }
  int64_t max_vus() const override { return config_.max_vus; }
  int64_t pre_allocated_vus() const override { return config_.pre_allocated_vus.value_or(0); }
  std::optional<Nanos> arrival(int64_t i) const override {
    const long double target = static_cast<long double>(i);
    if (target >= total_iterations_) return std::nullopt;
    Nanos start = 0;
    for (size_t k = 0; k < segments_.size(); ++k) {
      const auto& seg = segments_[k];
      const Nanos d = config_.stages[k].duration;
      const long double unit = static_cast<long double>(config_.time_unit);
      const long double end_count =
          seg.before + (seg.from + static_cast<long double>(seg.to)) / 2 * static_cast<long double>(d) / unit;
      if (d > 0 && target < end_count) {
        // Solve before + r0*x + (r1-r0)/(2d)*x^2 = target for x in [0, d), rates per ns.
        const long double r0 = seg.from / unit, r1 = seg.to / unit;
        const long double need = target - seg.before;
        long double x;
        if (std::fabs(static_cast<double>(r1 - r0)) < 1e-30L) {
          x = need / r0;
        } else {
          const long double a = (r1 - r0) / (2 * static_cast<long double>(d));
          x = (-r0 + std::sqrt(r0 * r0 + 4 * a * need)) / (2 * a);
        }
        return start + static_cast<Nanos>(std::llround(x));
      }
      start += d;
    }
    return std::nullopt;
  }

 private:
  struct Segment {
    long double before;  // iterations started before this stage
    double from, to;     // rates per timeUnit
  };
  std::vector<Segment> segments_;
  long double total_iterations_ = 0;
};

}  // namespace

std::unique_ptr<Executor> make_ramping_arrival_rate(const plan::ScenarioConfig& c) {
  plan::ScenarioConfig config = c;
  if (config.max_vus == 0) config.max_vus = config.pre_allocated_vus.value_or(0);
  return std::make_unique<RampingArrivalRate>(config);
}

}  // namespace squall::schedule
