// What a VU does in one iteration. Front-ends provide programs (k6's default
// function, an Artillery flow, a Locust task); the native one sends a request.
// Contract: run() is called on the VU's worker thread (or by a thread holding
// the worker's guard) with the VU idle and calls `done` exactly once, on that
// thread or under that guard, when the iteration ends — unless the runtime
// aborts the VU first (VuState::abort), after which `done` must not be called.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "metrics/tag_set.h"
#include "net/http_client.h"

namespace squall::plan {
struct ScenarioConfig;
}

namespace squall::vu {

class Worker;

struct VuState {
  explicit VuState(net::ClientContext& context) : client(context) {}
  int64_t id = 0;              // k6's __VU: 1-based within this instance
  int64_t iteration = 0;       // k6's __ITER: this VU's iterations so far in the scenario
  Nanos intended_start = 0;    // open models: the scheduled start of this iteration
  metrics::TagSetId tags = 0;  // scenario and group tags for iteration metrics
  net::HttpClient client;
  // Cancels what is in flight; `done` of the current iteration will not be called.
  void abort() { client.abort(); }
};

class IterationProgram {
 public:
  virtual ~IterationProgram() = default;
  virtual void run(VuState& vu, std::function<void()> done) = 0;
  // The runtime is interrupting `vu`'s iteration: stop its timers and steps;
  // `done` must not be called for it. Requests are cancelled by VuState::abort().
  virtual void cancel(VuState& /*vu*/) {}
  // Connections opened by clients of the program's own (JS VUs have theirs), for the summary.
  virtual uint64_t connections_opened() const { return 0; }
};

using ProgramFactory = std::function<std::unique_ptr<IterationProgram>(Worker&, const plan::ScenarioConfig&)>;

}  // namespace squall::vu
