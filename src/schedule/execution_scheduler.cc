#include "schedule/execution_scheduler.h"

#include <thread>

#include "common/cpu_count.h"

namespace squall::schedule {

ExecutionScheduler::ExecutionScheduler(std::vector<plan::ScenarioConfig> scenarios, ExecutionSegment segment,
                                       vu::WorkerSettings settings, vu::ProgramFactory factory)
    : scenarios_(std::move(scenarios)),
      segment_(segment),
      settings_(std::move(settings)),
      factory_(std::move(factory)) {}

ExecutionScheduler::~ExecutionScheduler() = default;

int64_t ExecutionScheduler::active_vus() const {
  int64_t n = 0;
  for (const auto& s : shared_) n += s->active_vus.load();
  return n;
}

void ExecutionScheduler::sample_gauges(metrics::Sink& sink, Nanos now) {
  int64_t active = 0, allocated = 0;
  for (const auto& s : shared_) {
    // As in k6, an open model's VU pool counts as active while its scenario is scheduled,
    // busy or not; after that only the iterations still finishing count.
    const bool pool_active = s->executor->open_model() && now >= s->start() && now < s->end();
    active += pool_active ? s->allocated_vus.load() : s->active_vus.load();
    allocated += s->allocated_vus.load();
  }
  const metrics::TagSetId none = settings_.store->tag_sets().intern({});
  sink.add(metrics::builtin::kVus, none, static_cast<double>(active));
  sink.add(metrics::builtin::kVusMax, none, static_cast<double>(allocated));
  settings_.store->absorb(sink.take((now - settings_.test_start) / kSecond));
}

ExecutionResult ExecutionScheduler::run(const std::function<void(Nanos)>& tick,
                                        const std::function<bool()>& stop_requested) {
  const int worker_count = settings_.worker_count > 0 ? settings_.worker_count : usable_cpu_count();
  settings_.test_start = mono_now();
  int64_t next_vu_id = 1;
  for (const auto& config : scenarios_) {
    auto shared = std::make_unique<ScenarioShared>();
    shared->executor = make_executor(config, &external_control_);
    shared->segment = segment_;
    shared->worker_count = worker_count;
    shared->test_start = settings_.test_start;
    shared->first_vu_id = next_vu_id;
    next_vu_id += segment_.scale(shared->executor->max_vus());
    shared->shared_left = segment_.scale(shared->executor->iterations());
    metrics::Tags tags = {{"scenario", config.name}, {"group", ""}};
    tags.insert(tags.end(), config.tags.begin(), config.tags.end());
    shared->tags = settings_.store->tag_sets().intern(std::move(tags));
    shared_.push_back(std::move(shared));
  }
  unfinished_ = worker_count * static_cast<int>(shared_.size());

  std::vector<std::unique_ptr<vu::Worker>> workers;
  std::vector<std::vector<std::unique_ptr<ScenarioRun>>> runs(worker_count);
  for (int w = 0; w < worker_count; ++w) {
    workers.push_back(std::make_unique<vu::Worker>(w, settings_));
    workers[w]->start([this, &runs, w](vu::Worker& worker) {
      for (auto& shared : shared_) {
        runs[w].push_back(std::make_unique<ScenarioRun>(*shared, worker, factory_(worker, shared->executor->config()),
                                                        [this] { --unfinished_; }));
      }
      for (auto& run : runs[w]) run->start();
    });
  }

  metrics::Sink gauges;
  gauges.keep_raw_samples(settings_.keep_raw_samples);
  ExecutionResult result;
  Nanos next_tick = settings_.test_start + kSecond;
  bool abort_sent = false;
  while (unfinished_.load() > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const Nanos now = mono_now();
    if (stop_requested && !abort_sent && stop_requested()) abort_requested_ = true;
    if (abort_requested_ && !abort_sent) {
      abort_sent = true;
      result.aborted = true;
      for (int w = 0; w < worker_count; ++w) {
        workers[w]->loop().post([&runs, w] {
          for (auto& run : runs[w]) run->abort_now();
        });
      }
    }
    if (now >= next_tick) {
      sample_gauges(gauges, now);
      next_tick += kSecond;
      tick(now - settings_.test_start);
    }
  }
  result.elapsed = mono_now() - settings_.test_start;
  sample_gauges(gauges, mono_now());
  for (auto& worker : workers) worker->stop();
  for (auto& worker : workers) worker->join();
  for (auto& worker_runs : runs) {
    for (auto& run : worker_runs) {
      result.connections_opened += run->connections_opened();
      result.iterations_interrupted += run->iterations_interrupted();
    }
  }
  runs.clear();  // VUs die before their workers' loops
  return result;
}

}  // namespace squall::schedule
