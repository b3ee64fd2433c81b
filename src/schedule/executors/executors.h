// Constructors of the executors, one per file in this folder.
#pragma once

#include <memory>

#include "schedule/executor.h"

namespace squall::schedule {

std::unique_ptr<Executor> make_shared_iterations(const plan::ScenarioConfig& config);
std::unique_ptr<Executor> make_per_vu_iterations(const plan::ScenarioConfig& config);
std::unique_ptr<Executor> make_constant_vus(const plan::ScenarioConfig& config);
std::unique_ptr<Executor> make_ramping_vus(const plan::ScenarioConfig& config);
std::unique_ptr<Executor> make_constant_arrival_rate(const plan::ScenarioConfig& config);
std::unique_ptr<Executor> make_ramping_arrival_rate(const plan::ScenarioConfig& config);
std::unique_ptr<Executor> make_externally_controlled(const plan::ScenarioConfig& config);

}  // namespace squall::schedule
