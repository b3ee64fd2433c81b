// One worker's share of one scenario at run time: it turns its executor's
// schedule into VU activity on the worker's loop.
//   Closed models: VU index j (after the execution segment, dealt round-robin
//   over workers) runs iterations while j < active_vus(t) and budget remains.
//   Open models: this worker starts its share of the arrivals on time, from
//   its share of the VU pool; a start with no free VU is a dropped iteration.
//   Coordinated omission: a dropped arrival still waits, as a user would, for
//   the next VU that comes free (or the run's end), and that wait is recorded in
//   http_req_duration_corrected, so its percentiles show a stall whatever the
//   VU budget (wrk2's rule). The oldest waits first.
// At the scheduled end no new iteration starts; iterations still running
// after gracefulStop (or after gracefulRampDown, for VUs ramped down) are
// aborted and not counted.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "schedule/execution_segment.h"
#include "schedule/executor.h"
#include "vu/iteration_program.h"
#include "vu/worker.h"

namespace squall::schedule {

// What all workers' shares of one scenario have in common.
struct ScenarioShared {
  std::unique_ptr<Executor> executor;
  ExecutionSegment segment;
  int worker_count = 1;
  Nanos test_start = 0;
  int64_t first_vu_id = 1;                // __VU numbering offset of this scenario
  std::atomic<int64_t> shared_left{0};    // shared-iterations budget
  std::atomic<int64_t> active_vus{0};     // VUs inside an iteration now
  std::atomic<int64_t> allocated_vus{0};  // VUs this scenario holds
  metrics::TagSetId tags = 0;

  Nanos start() const { return test_start + executor->config().start_time; }
  Nanos end() const { return start() + executor->scheduled_duration(); }
};

class ScenarioRun {
 public:
  ScenarioRun(ScenarioShared& shared, vu::Worker& worker, std::unique_ptr<vu::IterationProgram> program,
              std::function<void()> on_finished);
  ~ScenarioRun();
  void start();
  // Stops starting iterations and aborts those in flight (test abort, signal).
  void abort_now();
  bool finished() const { return finished_; }
  uint64_t connections_opened() const;
  uint64_t iterations_interrupted() const { return interrupted_; }

 private:
  struct Vu {
    explicit Vu(net::ClientContext& c) : state(c) {}
    vu::VuState state;
    int64_t index = 0;  // global VU index (closed models)
    bool busy = false;
    bool active = false;  // closed: allowed to start iterations
    Nanos deactivated_at = 0;
    int64_t done_iterations = 0;
  };

  Vu& add_vu(int64_t index);
  void on_schedule_change();
  void on_arrival();
  void start_iteration(Vu& vu, Nanos intended);
  void iteration_done(Vu& vu, Nanos began);
  void maybe_continue(Vu& vu);
  bool take_budget(Vu& vu);
  void on_end();
  void on_grace_check();
  void finish();
  // Coordinated omission: a dropped arrival due at `due` waits for a VU; a VU that came free at
  // `now` ends the oldest wait; at the end, every wait left ends.
  void queue_unserved(Nanos due);
  void serve_unserved(Nanos now, size_t how_many);
  Nanos rel(Nanos t) const { return t - shared_.start(); }

  ScenarioShared& shared_;
  vu::Worker& worker_;
  std::unique_ptr<vu::IterationProgram> program_;
  std::function<void()> on_finished_;
  std::vector<std::unique_ptr<Vu>> vus_;
  std::vector<Vu*> idle_;       // open models
  std::deque<Nanos> unserved_;  // open models: intended starts of dropped arrivals still waiting
  int64_t pool_limit_ = 0;      // open models: this worker's share of maxVUs
  int64_t next_arrival_ = 0;
  net::Timer schedule_timer_;
  net::Timer grace_timer_;
  uint64_t interrupted_ = 0;
  bool ended_ = false;  // no more iterations start
  bool finished_ = false;
  bool in_start_ = false;
};

}  // namespace squall::schedule
