// The live progress line: elapsed, VUs, iterations, req/s and failures, once
// a second on stderr; rewritten in place on a TTY, a new line otherwise (k6).
#pragma once

#include <atomic>
#include <functional>
#include <thread>

#include "metrics/store.h"

namespace squall::engine {

class Progress {
 public:
  // `total` is the planned length (0: unknown), `max_vus` the plan's ceiling; `vus` reads the VUs
  // inside an iteration.
  Progress(const metrics::MetricsStore& store, Nanos total, int64_t max_vus, std::function<int64_t()> vus);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

 private:
  void loop();
  const metrics::MetricsStore& store_;
  Nanos total_;
  int64_t max_vus_;
  std::function<int64_t()> vus_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace squall::engine
