// ramping-vus: from startVUs, each stage moves the VU count linearly to its
// target over its duration. The count changes in whole VUs, at the moments
// the line crosses each integer; a zero-length stage jumps at once. VUs that
// become inactive finish their iteration within gracefulRampDown.
#include "schedule/executors/executors.h"

#include <algorithm>

namespace squall::schedule {

namespace {

// Stage durations (ns) times VU differences overflow 64 bits for long tests.
__extension__ using Wide = __int128;

class RampingVus final : public Executor {
 public:
  using Executor::Executor;
  std::optional<std::string> validate() const override {
    if (config_.start_vus < 0) return "startVUs can't be negative";
    if (config_.stages.empty()) return "at least one stage has to be specified";
    for (const auto& s : config_.stages) {
      if (s.duration < 0) return "stage durations can't be negative";
      if (s.target < 0) return "stage targets can't be negative";
    }
    if (scheduled_duration() <= 0) return "the total duration of the stages must be more than 0";
    return std::nullopt;
  }
  Nanos scheduled_duration() const override {
    Nanos total = 0;
    for (const auto& s : config_.stages) total += s.duration;
    return total;
  }
  int64_t max_vus() const override {
    int64_t most = config_.start_vus;
    for (const auto& s : config_.stages) most = std::max(most, s.target);
    return most;
  }
  int64_t active_vus(Nanos t) const override {
    int64_t from = config_.start_vus;
    Nanos start = 0;
    for (const auto& s : config_.stages) {
      if (t < start + s.duration) {
        const Wide steps =
            static_cast<Wide>(t - start) * (s.target > from ? s.target - from : from - s.target) / s.duration;
        return s.target > from ? from + static_cast<int64_t>(steps) : from - static_cast<int64_t>(steps);
      }
      start += s.duration;
      from = s.target;
    }
    return t < start ? from : 0;  // after the last stage the scenario is over
  }
  Nanos next_change(Nanos t) const override {
    int64_t from = config_.start_vus;
    Nanos start = 0;
    for (const auto& s : config_.stages) {
      const Nanos end = start + s.duration;
      if (t < end) {
        const int64_t diff = s.target > from ? s.target - from : from - s.target;
        if (diff > 0 && t >= start) {
          // Next integer crossing: the smallest k with start + d*k/diff > t.
          const Wide k = static_cast<Wide>(t - start) * diff / s.duration + 1;
          if (k <= diff) {
            const Nanos at = start + static_cast<Nanos>((static_cast<Wide>(s.duration) * k + diff - 1) / diff);
            if (at < end) return at;
          }
        }
        if (t < start) return start;
        return end;
      }
      start = end;
      from = s.target;
    }
    return kNever;
  }
  Nanos ramp_down_grace() const override { return config_.graceful_ramp_down; }
};

}  // namespace

std::unique_ptr<Executor> make_ramping_vus(const plan::ScenarioConfig& c) { return std::make_unique<RampingVus>(c); }

}  // namespace squall::schedule
