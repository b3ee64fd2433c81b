// The load model of `squall http`: N VUs each repeating one request, either
// closed (each VU sends again as soon as its response arrives) or open (a
// fixed arrival rate; a start that finds no free VU counts as a dropped
// iteration, and latency is also measured from the intended start).
// Bounded by a duration, a total request count, or both.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "metrics/store.h"
#include "net/http_types.h"
#include "vu/worker.h"

namespace squall::schedule {

struct QuickLoadPlan {
  net::HttpRequest request;
  net::RequestOptions options;
  int vus = 1;
  Nanos duration = 0;       // 0: until `iterations` are done
  int64_t iterations = 0;   // 0: until `duration` ends
  double rate = 0;          // arrivals per second; 0: closed model
  Nanos graceful_stop = 30 * kSecond;
  std::string scenario = "default";
};

struct QuickLoadResult {
  Nanos elapsed = 0;
  uint64_t connections_opened = 0;
  bool interrupted = false;
};

// Runs the plan on one worker per usable CPU, merging metrics into
// `settings.store`. `interrupt` may be raised from another thread (a signal)
// to stop starting iterations; in-flight ones get the graceful stop.
QuickLoadResult run_quick_load(const QuickLoadPlan& plan, vu::WorkerSettings settings,
                               const std::atomic<bool>& interrupt);

}  // namespace squall::schedule
