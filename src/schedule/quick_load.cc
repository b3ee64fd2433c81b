#include "schedule/quick_load.h"

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "net/http_client.h"

namespace squall::schedule {

namespace {

using metrics::builtin::kDroppedIterations;
using metrics::builtin::kIterationDuration;
using metrics::builtin::kIterations;

// What the workers of one run share.
struct RunState {
  const QuickLoadPlan& plan;
  const std::atomic<bool>& interrupt;
  Nanos start = 0;
  Nanos end = 0;  // no new iterations from here on; INT64_MAX without a duration
  std::atomic<int64_t> iterations_left;
  std::mutex mutex;
  std::condition_variable all_done;
  int workers_running = 0;

  RunState(const QuickLoadPlan& p, const std::atomic<bool>& stop) : plan(p), interrupt(stop) {}

  bool may_start(Nanos now) const { return now < end && !interrupt.load(std::memory_order_relaxed); }
  bool take_iteration() {
    if (plan.iterations <= 0) return true;
    return iterations_left.fetch_sub(1, std::memory_order_relaxed) > 0;
  }
};

class LoopVu;

// One worker's share of the run.
class WorkerRun {
 public:
  WorkerRun(RunState& run, vu::Worker& worker, int vus, int worker_count);
  void start();
  void vu_idle(LoopVu& vu);
  uint64_t connections_opened() const;

 private:
  void on_arrival();
  void check_finished();
  void finish();

  RunState& run_;
  vu::Worker& worker_;
  metrics::TagSetId request_tags_ = 0;
  metrics::TagSetId vu_tags_ = 0;
  std::vector<std::unique_ptr<LoopVu>> vus_;
  std::vector<LoopVu*> idle_;
  net::Timer arrival_timer_;
  net::Timer watchdog_;
  Nanos arrival_interval_ = 0;
  Nanos next_arrival_ = 0;
  bool starting_done_ = false;
  bool finished_ = false;
  friend class LoopVu;
};

class LoopVu {
 public:
  LoopVu(WorkerRun& owner, vu::Worker& worker) : owner_(owner), client_(worker.client_context()) {}
  // Starts one iteration (one request); `intended` is the scheduled start or 0.
  void iterate(Nanos intended);
  bool busy() const { return busy_; }
  net::HttpClient& client() { return client_; }
  const net::HttpClient& client() const { return client_; }

 private:
  void on_response(const net::HttpResponse& response);
  WorkerRun& owner_;
  net::HttpClient client_;
  bool busy_ = false;
  bool in_send_ = false;
  Nanos intended_ = 0;
  Nanos iteration_start_ = 0;
};

void LoopVu::iterate(Nanos intended) {
  busy_ = true;
  intended_ = intended;
  iteration_start_ = mono_now();
  in_send_ = true;
  client_.send(owner_.run_.plan.request, owner_.run_.plan.options,
               [this](const net::HttpResponse& response) { on_response(response); });
  in_send_ = false;
}

void LoopVu::on_response(const net::HttpResponse& response) {
  vu::Worker& worker = owner_.worker_;
  worker.recorder().record(owner_.request_tags_, response, vu::default_expected(response.status), intended_);
  const Nanos now = mono_now();
  worker.sink().add(kIterations, owner_.vu_tags_, 1);
  worker.sink().add_time(kIterationDuration, owner_.vu_tags_, now - iteration_start_);
  busy_ = false;
  if (in_send_) {
    // Completed inside send() (an immediate failure): continue from the loop, not recursively.
    worker.loop().defer([this] { owner_.vu_idle(*this); });
  } else {
    owner_.vu_idle(*this);
  }
}

WorkerRun::WorkerRun(RunState& run, vu::Worker& worker, int vus, int worker_count)
    : run_(run),
      worker_(worker),
      arrival_timer_([this] { on_arrival(); }),
      watchdog_([this] { check_finished(); }) {
  const auto& plan = run.plan;
  request_tags_ = vu::request_tags({plan.request.method, plan.request.url.to_string(), "", "", plan.scenario, {}});
  vu_tags_ = metrics::TagSetRegistry::global().intern({{"group", ""}, {"scenario", plan.scenario}});
  for (int i = 0; i < vus; ++i) vus_.push_back(std::make_unique<LoopVu>(*this, worker));
  if (plan.rate > 0) {
    // Worker w of W takes arrivals w, w+W, w+2W, ... of the whole schedule.
    arrival_interval_ = static_cast<Nanos>(static_cast<double>(kSecond) * worker_count / plan.rate);
    next_arrival_ = run.start + static_cast<Nanos>(static_cast<double>(kSecond) * worker.index() / plan.rate);
  }
}

void WorkerRun::start() {
  if (run_.plan.rate > 0) {
    for (auto& vu : vus_) idle_.push_back(vu.get());
    worker_.loop().arm(arrival_timer_, next_arrival_);
  } else {
    for (auto& vu : vus_) vu_idle(*vu);
  }
  worker_.loop().arm(watchdog_, mono_now() + 50 * kMillisecond);
}

void WorkerRun::vu_idle(LoopVu& vu) {
  if (finished_) return;
  if (run_.plan.rate > 0) {
    idle_.push_back(&vu);
    return;
  }
  if (!starting_done_ && run_.may_start(mono_now()) && run_.take_iteration()) {
    vu.iterate(0);
    return;
  }
  starting_done_ = true;
  check_finished();
}

uint64_t WorkerRun::connections_opened() const {
  uint64_t n = 0;
  for (const auto& vu : vus_) n += vu->client().connections_opened();
  return n;
}

void WorkerRun::on_arrival() {
  const Nanos now = mono_now();
  // Start every arrival that is due, each with its own intended time.
  while (next_arrival_ <= now) {
    if (!run_.may_start(next_arrival_) || !run_.take_iteration()) {
      starting_done_ = true;
      check_finished();
      return;
    }
    if (idle_.empty()) {
      worker_.sink().add(kDroppedIterations, vu_tags_, 1);
    } else {
      LoopVu* vu = idle_.back();
      idle_.pop_back();
      vu->iterate(next_arrival_);
    }
    next_arrival_ += arrival_interval_;
  }
  worker_.loop().arm(arrival_timer_, next_arrival_);
}

void WorkerRun::check_finished() {
  if (finished_) return;
  const Nanos now = mono_now();
  if (!starting_done_ && !run_.may_start(now)) starting_done_ = true;
  const bool any_busy = std::any_of(vus_.begin(), vus_.end(), [](const auto& v) { return v->busy(); });
  const bool grace_over = run_.end != INT64_MAX && now >= run_.end + run_.plan.graceful_stop;
  if (starting_done_ && (!any_busy || grace_over)) return finish();
  worker_.loop().arm(watchdog_, now + 50 * kMillisecond);
}

void WorkerRun::finish() {
  finished_ = true;
  worker_.loop().cancel(arrival_timer_);
  worker_.loop().cancel(watchdog_);
  for (auto& vu : vus_) vu->client().close_idle();
  {
    std::lock_guard lock(run_.mutex);
    --run_.workers_running;
  }
  run_.all_done.notify_all();
}

}  // namespace

QuickLoadResult run_quick_load(const QuickLoadPlan& plan, vu::WorkerSettings settings,
                               const std::atomic<bool>& interrupt) {
  RunState run(plan, interrupt);
  run.iterations_left = plan.iterations;
  const int worker_count = std::max(1, std::min(vu::usable_cpu_count(), plan.vus));
  run.start = mono_now();
  run.end = plan.duration > 0 ? run.start + plan.duration : INT64_MAX;
  settings.test_start = run.start;
  run.workers_running = worker_count;

  std::vector<std::unique_ptr<vu::Worker>> workers;
  std::vector<std::unique_ptr<WorkerRun>> runs(worker_count);
  for (int w = 0; w < worker_count; ++w) {
    workers.push_back(std::make_unique<vu::Worker>(w, settings));
    const int vus = plan.vus / worker_count + (w < plan.vus % worker_count ? 1 : 0);
    workers[w]->start([&runs, &run, w, vus, worker_count](vu::Worker& worker) {
      runs[w] = std::make_unique<WorkerRun>(run, worker, vus, worker_count);
      runs[w]->start();
    });
  }
  {
    std::unique_lock lock(run.mutex);
    run.all_done.wait(lock, [&] { return run.workers_running == 0; });
  }
  QuickLoadResult result;
  result.elapsed = mono_now() - run.start;
  result.interrupted = interrupt.load();
  for (auto& worker : workers) worker->stop();
  for (auto& worker : workers) worker->join();
  for (auto& r : runs) result.connections_opened += r->connections_opened();
  // VUs (and their clients) die after the loops stopped, before the workers.
  runs.clear();
  return result;
}

}  // namespace squall::schedule
