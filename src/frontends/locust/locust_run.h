// What the Python side of a Locust run reaches through _squall_native: the
// metrics store, the run's clock, the user count and the stop request. One
// run per process (the interpreter is one per process too).
#pragma once

#include <atomic>
#include <cstdint>

#include "common/clock.h"
#include "metrics/metric_registry.h"
#include "metrics/store.h"

namespace squall::locust {

struct LocustRun {
  metrics::MetricsStore* store = nullptr;
  std::atomic<Nanos> started_at{0};         // monotonic; 0 before the load starts
  std::atomic<Nanos> ended_at{0};           // monotonic; 0 while it runs
  std::atomic<int64_t> active_users{0};     // Users started and not yet stopped
  std::atomic<bool> stop_requested{false};  // runner.quit(), or the shape returned None
  // len(response.content) per request, for Locust's "Average Content Size" (defined in the run's
  // store by the front-end before any user starts).
  metrics::MetricId content_size = 0;

  static LocustRun& instance();
};

}  // namespace squall::locust
