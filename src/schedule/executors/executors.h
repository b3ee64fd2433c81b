// Constructors of the executors, one per file in this folder.
#pragma once

#include <memory>

#include "schedule/executor.h"

namespace squall::schedule {

// Executors whose `vus` VUs are all active from the start until end().
class FixedVusExecutor : public Executor {
 public:
  using Executor::Executor;
  virtual Nanos end() const = 0;
  Nanos scheduled_duration() const override { return end(); }
  int64_t max_vus() const override { return config_.vus; }
  int64_t active_vus(Nanos t) const override { return t < end() ? config_.vus : 0; }
  Nanos next_change(Nanos t) const override { return t < end() ? end() : kNever; }
};

std::unique_ptr<Executor> make_shared_iterations(const plan::ScenarioConfig& config);
std::unique_ptr<Executor> make_per_vu_iterations(const plan::ScenarioConfig& config);
std::unique_ptr<Executor> make_constant_vus(const plan::ScenarioConfig& config);
std::unique_ptr<Executor> make_ramping_vus(const plan::ScenarioConfig& config);
std::unique_ptr<Executor> make_constant_arrival_rate(const plan::ScenarioConfig& config);
std::unique_ptr<Executor> make_ramping_arrival_rate(const plan::ScenarioConfig& config);
std::unique_ptr<Executor> make_externally_controlled(const plan::ScenarioConfig& config,
                                                     const ExternalControl* control);

}  // namespace squall::schedule
