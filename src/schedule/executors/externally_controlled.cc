// externally-controlled: `vus` VUs (at most maxVUs) loop for `duration`; the
// active count is changed while the test runs through the control API
// (127.0.0.1 only), which writes the run's ExternalControl. k6 v2 dropped this
// executor; squall keeps it.
#include "schedule/executors/executors.h"

#include <algorithm>

namespace squall::schedule {

namespace {

class ExternallyControlled final : public Executor {
 public:
  ExternallyControlled(plan::ScenarioConfig config, const ExternalControl* control)
      : Executor(std::move(config)), control_(control) {}
  std::optional<std::string> validate() const override {
    if (config_.vus < 0) return "the number of VUs can't be negative";
    if (config_.max_vus < config_.vus) return "maxVUs can't be less than vus";
    if (config_.duration <= 0) return "the duration must be more than 0";
    return std::nullopt;
  }
  Nanos scheduled_duration() const override { return config_.duration; }
  int64_t max_vus() const override { return config_.max_vus; }
  int64_t active_vus(Nanos t) const override {
    if (t >= config_.duration) return 0;
    const int64_t set = control_ ? control_->vus.load() : -1;
    return std::clamp<int64_t>(set < 0 ? config_.vus : set, 0, config_.max_vus);
  }
  // The count may change at any time: look again every 100 ms.
  Nanos next_change(Nanos t) const override {
    return t < config_.duration ? std::min(t + 100 * kMillisecond, config_.duration) : kNever;
  }

 private:
  const ExternalControl* control_;
};

}  // namespace

std::unique_ptr<Executor> make_externally_controlled(const plan::ScenarioConfig& c, const ExternalControl* control) {
  plan::ScenarioConfig config = c;
  if (config.max_vus == 0) config.max_vus = config.vus;
  return std::make_unique<ExternallyControlled>(config, control);
}

}  // namespace squall::schedule
