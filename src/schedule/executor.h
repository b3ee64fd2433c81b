// An executor turns its scenario's config into time: which VUs are active
// when (closed models) or when each iteration starts (open models), plus the
// iteration budget. Executors are pure functions of their config; execution
// segments and the spreading over worker threads are applied by the runtime
// (scenario_run.h). One file per executor in executors/.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "plan/scenario.h"

namespace squall::schedule {

constexpr Nanos kNever = INT64_MAX;

// What one squall process can start, far above what it can serve (~10^5-10^6 requests per
// second): a rate beyond it is a mistake in the config (a unit, a rate per 1ns), refused at once.
constexpr double kMaxIterationsPerSecond = 10'000'000;

// Refuses a rate of `per_unit` iterations per `time_unit` above kMaxIterationsPerSecond, naming it.
std::optional<std::string> check_rate_limit(const char* what, double per_unit, Nanos time_unit);

class Executor {
 public:
  enum class Budget { kNone, kShared, kPerVu };

  explicit Executor(plan::ScenarioConfig config) : config_(std::move(config)) {}
  virtual ~Executor() = default;
  const plan::ScenarioConfig& config() const { return config_; }

  // The config's problems in k6's words; nullopt when valid.
  virtual std::optional<std::string> validate() const = 0;
  virtual bool open_model() const { return false; }
  // Scheduled length from the scenario's start, without gracefulStop.
  virtual Nanos scheduled_duration() const = 0;
  // VU indices [0, max_vus()) the executor may ever use (before segmenting).
  virtual int64_t max_vus() const = 0;

  // Closed models: VUs [0, active_vus(t)) run iterations at t (t from scenario start).
  virtual int64_t active_vus(Nanos /*t*/) const { return 0; }
  // The first time after t when active_vus changes; kNever if it does not.
  virtual Nanos next_change(Nanos /*t*/) const { return kNever; }
  virtual Budget budget() const { return Budget::kNone; }
  virtual int64_t iterations() const { return 0; }
  // How long a VU that becomes inactive may finish its iteration (ramping-vus).
  virtual Nanos ramp_down_grace() const { return 0; }

  // Open models: when iteration i (0-based) starts; nullopt when past the end.
  virtual std::optional<Nanos> arrival(int64_t /*i*/) const { return std::nullopt; }
  virtual int64_t pre_allocated_vus() const { return 0; }

 protected:
  plan::ScenarioConfig config_;
};

// The run-time VU target of a run's externally-controlled scenarios, which the control API (and a
// Locust shape) set while the test runs; -1: each scenario's configured vus. One per run.
struct ExternalControl {
  std::atomic<int64_t> vus{-1};
};

// `control`: what an externally-controlled scenario follows (none: its configured vus, as when
// only its shape is needed, e.g. for validation and the plan's printout).
std::unique_ptr<Executor> make_executor(const plan::ScenarioConfig& config, const ExternalControl* control = nullptr);

// The first scenario whose executor refuses its config, as "scenario 'NAME' (EXECUTOR): problem".
std::optional<std::string> validate_scenarios(const std::vector<plan::ScenarioConfig>& scenarios);

}  // namespace squall::schedule
